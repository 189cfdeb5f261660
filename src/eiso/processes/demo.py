"""Demo processes: an approved internal process in force for most procedures each demo agency settles,
generated from the procedure's legal time limit (the standard steps table, times within the limit).

Coverage is left visibly below 100 %: in every other agency about one procedure in seven has no
process. At Phường Phố Hiến (the demo users' ward) three procedures are set aside for the journeys —
one with a draft, one submitted to the head, one with no process at all ("Cấp Giấy xác nhận tình
trạng hôn nhân", built in the browser journey) — and the birth registration process is flagged "needs
review" after a replaced legal basis, already overdue.

The processes in force are registered as already approved (`services.register_approved_process`, the
way an agency brings its paper processes into eISO); the draft and the submitted one go through the
normal lifecycle. Everything goes through the services with `actor=None` (the system). Idempotent:
nothing happens when any process exists.
"""

import datetime

from django.utils import timezone

from eiso.organizations.models import Agency
from eiso.procedures.models import AgencyProcedure
from eiso.processes import services
from eiso.processes.models import InternalProcess, ReviewReason

APPROVED_ON = datetime.date(2025, 7, 25)
IN_FORCE_FROM = datetime.date(2025, 8, 1)
DECISION = "Ban hành kèm theo quyết định của thủ trưởng cơ quan sau sắp xếp đơn vị hành chính năm 2025"
WARD = "11980"  # Phường Phố Hiến
LEFT_FOR_JOURNEY = "1.004873"  # Cấp Giấy xác nhận tình trạng hôn nhân: built in tests/e2e/test_processes.py
DRAFT = "1.004837"  # Đăng ký giám hộ
SUBMITTED = "1.004884"  # Đăng ký lại khai sinh
FLAGGED = "1.001193"  # Đăng ký khai sinh
FLAG_CHANGE = datetime.date(2026, 7, 1)


def _skipped(index: int, agency: Agency) -> bool:
    """About one procedure in seven per agency stays without a process (different ones per agency)."""
    return (index + agency.pk) % 7 == 3


def load(stdout) -> list:
    if InternalProcess.objects.exists():
        return []
    today = timezone.localdate()
    assignments = (
        AgencyProcedure.objects.active_on(today)
        .select_related("agency", "procedure__current_version")
        .prefetch_related("procedure__current_version__sectors")
        .order_by("agency__path", "procedure__code")
    )
    by_agency: dict[int, list] = {}
    agencies: dict[int, Agency] = {}
    for assignment in assignments:
        by_agency.setdefault(assignment.agency_id, []).append(assignment.procedure)
        agencies[assignment.agency_id] = assignment.agency
    made = 0
    catalogues: dict[int, list] = {}  # the same procedure serves many communes: read its version once
    for agency_id, procedures in by_agency.items():
        agency = agencies[agency_id]
        ward = agency.admin_code == WARD
        for index, procedure in enumerate(procedures):
            if ward and procedure.code in (LEFT_FOR_JOURNEY, DRAFT, SUBMITTED):
                continue
            if not ward and _skipped(index, agency):
                continue
            if procedure.current_version_id is None:
                continue
            if procedure.pk not in catalogues:
                catalogues[procedure.pk] = services.catalogue_versions([procedure])
            services.register_approved_process(
                actor=None,
                agency=agency,
                procedures=[procedure],
                approved_on=APPROVED_ON,
                valid_from=IN_FORCE_FROM,
                decision=DECISION,
                catalogue=catalogues[procedure.pk],
            )
            made += 1
        if ward:
            made += _ward_cases(agency, {p.code: p for p in procedures})
    stdout.write(
        f"  quy trình nội bộ: {made} quy trình cho {len(by_agency)} cơ quan (1 dự thảo, 1 chờ phê duyệt)"
    )
    return []


def _ward_cases(agency, procedures) -> int:
    made = 0
    if DRAFT in procedures:
        services.create_process(actor=None, agency=agency, procedures=[procedures[DRAFT]], starter=True)
        made += 1
    if SUBMITTED in procedures:
        process = services.create_process(
            actor=None, agency=agency, procedures=[procedures[SUBMITTED]], starter=True
        )
        services.submit_version(actor=None, version=process.latest_version, note="Trình Chủ tịch UBND phường")
        made += 1
    flagged = InternalProcess.objects.filter(agency=agency, procedures=procedures.get(FLAGGED)).first()
    if flagged is not None:
        services.flag_for_review(
            target=flagged,
            agency=agency,
            reason=ReviewReason.LEGAL_BASIS_REPLACED,
            legal_reference="Nghị định 123/2015/NĐ-CP",
            effective_date=FLAG_CHANGE,
            detail=(
                "Nghị định quy định chi tiết Luật Hộ tịch (căn cứ của thủ tục đăng ký khai sinh) được sửa "
                "đổi, thay thế; quy trình phải được rà soát, cập nhật."
            ),
        )
    return made
