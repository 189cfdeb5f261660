"""Every change to internal processes and review flags. One transaction each, permission-checked, audited.

`actor=None` means the system itself (the demo loader, the legal-change watch fed by a signal);
pages and the API always pass the authenticated user. Permissions: `eiso.processes.rules`.

Lifecycle of a version: draft → submitted → approved → in force (from a day) → superseded. Only a draft
changes; every transition is one service and one audit event. A new version starts from the latest
approved one. The design is validated (`eiso.processes.design.validate`) on every save and stored with
its planned time and error count; a design with errors cannot be submitted or approved.

Legal-change watch: `flag_for_review` / `resolve_review` are the one mechanism for every kind of object
(see `eiso.processes.models.ReviewFlag`); `flag_processes_for_change` is what the catalogue's
`procedure_changed` signal runs (`eiso.processes.signals`).

Locking policy: every change to a process or one of its versions first locks the process row
(`select_for_update`), so two transitions of one process queue; review flags lock their own row.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import replace

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from eiso.calendars.clock import add_months
from eiso.core.audit import record_event
from eiso.core.errors import Conflict, DomainError, PermissionRefused
from eiso.core.text import vi_fold
from eiso.organizations.models import COMMUNE_KINDS
from eiso.processes import editing, generate
from eiso.processes import rules as perms
from eiso.processes.design import DesignFormatError, Issue, ProcessDesign, StepDesign, diff_designs, validate
from eiso.processes.design.diff import render_text
from eiso.processes.design.validate import planned_hours
from eiso.processes.models import (
    FROZEN_STATUSES,
    InternalProcess,
    ProcessStatus,
    ProcessVersion,
    ReviewFlag,
    ReviewReason,
    ReviewStatus,
)

REVIEW_MONTHS = 3  # Decision 19/2014/QĐ-TTg: legal changes are brought into the QMS within 3 months
ONE_DAY = datetime.timedelta(days=1)


def _d(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "…"


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionRefused()


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def issue_message(issue: Issue) -> str:
    """The issue in the active language (the pure validator writes both)."""
    return issue.message_en if (get_language() or "vi").startswith("en") else issue.message


def _version_summary(version: ProcessVersion) -> dict:
    return {
        "version": version.label,
        "status": version.status,
        "planned_hours": str(version.planned_hours) if version.planned_hours is not None else None,
        "limit_hours": str(version.limit_hours) if version.limit_hours is not None else None,
        "errors": version.error_count,
        "valid_from": version.valid_from.isoformat() if version.valid_from else None,
        "valid_to": version.valid_to.isoformat() if version.valid_to else None,
    }


def _repr(process: InternalProcess, version: ProcessVersion | None = None) -> str:
    return f"{process.code} {process.name}" + (f" (lần {version.label})" if version else "")


def _lock(process: InternalProcess) -> InternalProcess:
    return InternalProcess.objects.select_for_update().select_related("agency").get(pk=process.pk)


def _locked_version(version: ProcessVersion) -> tuple[InternalProcess, ProcessVersion]:
    process = _lock(version.process)
    version = ProcessVersion.objects.select_related("process__agency").get(pk=version.pk)
    return process, version


# --- catalogue → design -----------------------------------------------------------------------------


def catalogue_versions(procedures: Iterable) -> list:
    """The current catalogue versions of `procedures`, with what the design reads from them."""
    from eiso.procedures.models import ProcedureVersion

    ids = [p.current_version_id for p in procedures if getattr(p, "current_version_id", None)]
    return list(
        ProcedureVersion.objects.filter(pk__in=ids)
        .select_related("procedure")
        .prefetch_related("channels", "legal_bases__document")
        .order_by("procedure__code")
    )


def _legal_bases_of(procedure_versions) -> tuple[str, ...]:
    bases: dict[str, None] = {}
    for version in procedure_versions:
        for basis in version.legal_bases.all():
            document = basis.document
            bases[f"{document.number} {document.title}".strip()] = None
    return tuple(bases)


def _normalise(
    process: InternalProcess, version: ProcessVersion, design: ProcessDesign, procedures, catalogue=None
) -> ProcessDesign:
    """The design as stored: identity, version label, procedures and their legal limits from the process
    and the catalogue (not from the client), steps numbered 1..n."""
    procedures = sorted(procedures, key=lambda p: p.code)
    catalogue = catalogue_versions(procedures) if catalogue is None else catalogue
    design = editing.normalise_numbers(design)
    return replace(
        design,
        code=process.code,
        name=process.name,
        version=version.label,
        procedure_codes=tuple(p.code for p in procedures),
        time_limits=generate.time_limits_of(catalogue),
        legal_bases=design.legal_bases or _legal_bases_of(catalogue),
    )


def _store(
    version: ProcessVersion, design: ProcessDesign, procedures, catalogue=None, *, fresh=False
) -> list[Issue]:
    """Write the design and what lists show of it; set the procedures the version serves and the
    catalogue versions it is built on (`fresh`: the version row is new, so nothing to replace)."""
    issues = validate(design)
    strictest = design.strictest_limit
    version.design = design.to_dict()
    version.__dict__.pop("design_obj", None)
    version.planned_hours = planned_hours(design)
    version.limit_hours = strictest.hours if strictest is not None else None
    version.error_count = sum(1 for i in issues if i.is_error)
    version.warning_count = sum(1 for i in issues if not i.is_error)
    version.save()
    procedures = list(procedures)
    catalogue = catalogue_versions(procedures) if catalogue is None else catalogue
    if fresh:
        _link(ProcessVersion.procedures.through, "processversion_id", version.pk, "procedure_id", procedures)
        _link(
            ProcessVersion.procedure_versions.through,
            "processversion_id",
            version.pk,
            "procedureversion_id",
            catalogue,
        )
    else:
        version.procedures.set(procedures)
        version.procedure_versions.set(catalogue)
    return issues


def _link(through, own: str, pk: int, other: str, objects) -> None:
    """Rows of a many-to-many table for a new row, in one insert."""
    through.objects.bulk_create([through(**{own: pk, other: obj.pk}) for obj in objects])


def _refresh_identity(process: InternalProcess, procedures, *, fresh: bool = False) -> None:
    procedures = list(procedures)
    if fresh:
        _link(
            InternalProcess.procedures.through, "internalprocess_id", process.pk, "procedure_id", procedures
        )
    else:
        process.procedures.set(procedures)
    process.refresh_search_text([p.code for p in procedures])
    process.save()


def _check_procedures(agency, procedures, exclude_process: InternalProcess | None = None) -> None:
    from eiso.procedures.models import AgencyProcedure

    if not procedures:
        raise DomainError(_("Chọn ít nhất một thủ tục hành chính."), code="required", field="procedures")
    settled = set(
        AgencyProcedure.objects.active_on()
        .filter(agency=agency, procedure__in=procedures)
        .values_list("procedure_id", flat=True)
    )
    missing = [p for p in procedures if p.pk not in settled]
    if missing:
        raise DomainError(
            _(
                "“%(agency)s” không thực hiện thủ tục %(code)s nên không thể xây dựng quy trình cho thủ tục này."
            )
            % {"agency": agency.name, "code": missing[0].code},
            code="not_settled",
            field="procedures",
        )
    taken = (
        InternalProcess.procedures.through.objects.filter(
            internalprocess__agency=agency, procedure__in=procedures
        )
        .exclude(internalprocess_id=getattr(exclude_process, "pk", None))
        .select_related("internalprocess", "procedure")
        .first()
    )
    if taken is not None:
        raise DomainError(
            _("Thủ tục %(code)s đã có quy trình “%(process)s” của cơ quan; hãy sửa quy trình đó.")
            % {"code": taken.procedure.code, "process": str(taken.internalprocess)},
            code="already_covered",
            field="procedures",
        )


def _specialist(agency, procedure) -> str:
    """The commune official who usually appraises this kind of procedure (by its sector)."""
    version = procedure.current_version if procedure.current_version_id else None
    sectors = " ".join(vi_fold(s.name) for s in version.sectors.all()) if version else ""
    if any(word in sectors for word in ("ho tich", "chung thuc")):
        return "Công chức Tư pháp - Hộ tịch"
    if any(word in sectors for word in ("dat dai", "xay dung", "moi truong")):
        return "Công chức Địa chính - Xây dựng"
    if any(
        word in sectors
        for word in ("bao tro", "lao dong", "nguoi co cong", "van hoa", "tin nguong", "giao duc")
    ):
        return "Công chức Văn hóa - Xã hội"
    if "cu tru" in sectors:
        return "Công an xã"
    return "Công chức chuyên môn"


def starter_design(agency, procedures, *, code: str, name: str, catalogue=None) -> ProcessDesign:
    """The standard steps table for a new process, its times within the procedures' legal limit."""
    procedures = sorted(procedures, key=lambda p: p.code)
    catalogue = catalogue_versions(procedures) if catalogue is None else catalogue
    if agency.kind in COMMUNE_KINDS:
        staffing = generate.commune_staffing(agency.name, _specialist(agency, procedures[0]))
    else:
        staffing = generate.department_staffing(agency.name)
    results = [r.get("name", "") for v in catalogue for r in (v.results or []) if r.get("name")]
    return generate.standard_design(
        code=code,
        name=name,
        staffing=staffing,
        time_limits=generate.time_limits_of(catalogue),
        procedure_codes=tuple(p.code for p in procedures),
        legal_bases=_legal_bases_of(catalogue),
        result_name=results[0] if results else "Kết quả giải quyết thủ tục hành chính",
    )


def default_name(procedure) -> str:
    """ "Thủ tục đăng ký khai sinh" → "Đăng ký khai sinh"."""
    name = procedure.name.strip()
    if vi_fold(name).startswith("thu tuc "):
        name = name[len("thủ tục ") :].strip()
    return name[:1].upper() + name[1:]


# --- processes -----------------------------------------------------------------------------------------


@transaction.atomic
def create_process(
    *, actor, agency, procedures, code: str = "", name: str = "", starter: bool = False
) -> InternalProcess:
    """Xây dựng quy trình nội bộ: a process of `agency` for `procedures`, with a first draft version
    (empty, or the standard steps table when `starter`)."""
    if actor is not None:
        _require(perms.can_edit_processes(actor, agency))
    procedures = sorted(set(procedures), key=lambda p: p.code)
    _check_procedures(agency, procedures)
    code = (code or "").strip() or f"QT-{procedures[0].code}"
    name = (name or "").strip() or default_name(procedures[0])
    if len(code) > 50:
        raise DomainError(_("Mã quy trình dài tối đa 50 ký tự."), code="too_long", field="code")
    if InternalProcess.objects.filter(agency=agency, code__iexact=code).exists():
        raise DomainError(
            _("Mã quy trình “%(code)s” đã được dùng trong cơ quan.") % {"code": code},
            code="duplicate",
            field="code",
        )
    catalogue = catalogue_versions(procedures)
    process = InternalProcess.objects.create(agency=agency, code=code, name=name[:500])
    version = ProcessVersion(process=process, number=1, created_by=_user(actor), planned_hours=0)
    design = (
        starter_design(agency, procedures, code=code, name=name, catalogue=catalogue)
        if starter
        else ProcessDesign(code=code, name=name)
    )
    _store(
        version,
        _normalise(process, version, design, procedures, catalogue),
        procedures,
        catalogue,
        fresh=True,
    )
    process.latest_version = version
    _refresh_identity(process, procedures, fresh=True)
    record_event(
        actor=actor,
        verb="process.create",
        obj=process,
        agency=agency,
        after={
            "code": code,
            "name": name,
            "procedures": [p.code for p in procedures],
            **_version_summary(version),
        },
    )
    return process


@transaction.atomic
def update_process(
    *, actor, process: InternalProcess, code=None, name=None, procedures=None
) -> InternalProcess:
    """Sửa mã, tên hoặc các thủ tục của quy trình. The open draft follows; versions already approved keep
    what they were approved with (procedures change only while the newest version is a draft)."""
    process = _lock(process)
    if actor is not None:
        _require(perms.can_edit_processes(actor, process.agency))
    before = {
        "code": process.code,
        "name": process.name,
        "procedures": sorted(p.code for p in process.procedures.all()),
    }
    draft = process.latest_version if process.latest_version and process.latest_version.is_draft else None
    if procedures is not None:
        procedures = sorted(set(procedures), key=lambda p: p.code)
        if draft is None and {p.pk for p in procedures} != {p.pk for p in process.procedures.all()}:
            raise DomainError(
                _(
                    "Chỉ đổi được thủ tục áp dụng khi quy trình đang có phiên bản dự thảo; hãy tạo phiên bản mới."
                ),
                code="not_draft",
                field="procedures",
            )
        _check_procedures(process.agency, procedures, exclude_process=process)
    if code is not None:
        code = code.strip()
        if not code or len(code) > 50:
            raise DomainError(
                _("Mã quy trình không được để trống, tối đa 50 ký tự."), code="invalid", field="code"
            )
        clash = InternalProcess.objects.filter(agency=process.agency, code__iexact=code).exclude(
            pk=process.pk
        )
        if clash.exists():
            raise DomainError(
                _("Mã quy trình “%(code)s” đã được dùng trong cơ quan.") % {"code": code},
                code="duplicate",
                field="code",
            )
        process.code = code
    if name is not None:
        if not name.strip():
            raise DomainError(_("Tên quy trình không được để trống."), code="required", field="name")
        process.name = name.strip()[:500]
    current = list(procedures if procedures is not None else process.procedures.all())
    after = {"code": process.code, "name": process.name, "procedures": sorted(p.code for p in current)}
    if after == before:
        raise DomainError(_("Không có thay đổi nào để ghi nhận."), code="no_change")
    if draft is not None:
        catalogue = catalogue_versions(current)
        _store(draft, _normalise(process, draft, draft.design_obj, current, catalogue), current, catalogue)
    _refresh_identity(process, current)
    record_event(
        actor=actor, verb="process.update", obj=process, agency=process.agency, before=before, after=after
    )
    return process


@transaction.atomic
def delete_process(*, actor, process: InternalProcess) -> None:
    """Xoá quy trình chưa từng được phê duyệt (a mistaken draft). Approved processes are history."""
    process = _lock(process)
    if actor is not None:
        _require(perms.can_edit_processes(actor, process.agency))
    if process.versions.filter(status__in=FROZEN_STATUSES).exists():
        raise DomainError(
            _("Quy trình đã có phiên bản được phê duyệt nên không thể xoá."), code="has_history"
        )
    before = {"code": process.code, "name": process.name, "versions": process.versions.count()}
    pk, agency = process.pk, process.agency
    ReviewFlag.objects.for_object(process).delete()
    InternalProcess.objects.filter(pk=pk).update(latest_version=None, current_version=None)
    process.versions.all().delete()
    process.delete()
    record_event(
        actor=actor,
        verb="process.delete",
        agency=agency,
        object_type=InternalProcess._meta.label_lower,
        object_id=str(pk),
        object_repr=f"{before['code']} {before['name']}",
        before=before,
    )


# --- editing a draft -----------------------------------------------------------------------------------


def _editable(process: InternalProcess, version: ProcessVersion, actor) -> None:
    if actor is not None:
        _require(perms.can_edit_processes(actor, process.agency))
    if version.status == ProcessStatus.SUBMITTED:
        raise DomainError(
            _(
                "Phiên bản %(version)s đang chờ phê duyệt nên không sửa được; thủ trưởng có thể trả lại để sửa."
            )
            % {"version": version.label},
            code="submitted",
        )
    if version.status != ProcessStatus.DRAFT:
        raise DomainError(
            _("Phiên bản %(version)s đã được phê duyệt nên không được sửa; hãy tạo phiên bản mới để sửa đổi.")
            % {"version": version.label},
            code="immutable",
        )


def _edit(
    actor, process, version, design: ProcessDesign, *, change_note: str | None = None
) -> ProcessVersion:
    old = version.design_obj
    procedures = list(version.procedures.all())
    catalogue = catalogue_versions(procedures)
    new = _normalise(process, version, design, procedures, catalogue)
    if change_note is not None:
        version.change_note = change_note.strip()
    before = _version_summary(version)
    issues = _store(version, new, procedures, catalogue)
    after = _version_summary(version)
    diff = render_text(diff_designs(old, new)).splitlines()[1:]
    after["changes"] = diff[:50]
    after["issues"] = [i.message for i in issues if i.is_error][:20]
    record_event(
        actor=actor,
        verb="process.edit",
        obj=version,
        agency=process.agency,
        object_repr=_repr(process, version),
        before=before,
        after=after,
    )
    process.save(update_fields=["updated_at"])
    return version


def parse_design(data) -> ProcessDesign:
    """A design from JSON data (API input); malformed data is a DomainError in the active language."""
    if isinstance(data, ProcessDesign):
        return data
    try:
        return ProcessDesign.from_dict(data)
    except DesignFormatError as exc:
        english = (get_language() or "vi").startswith("en")
        raise DomainError(
            exc.message_en if english else exc.message_vi, code="bad_design", field="design"
        ) from None


@transaction.atomic
def save_design(*, actor, version: ProcessVersion, design, change_note: str | None = None) -> ProcessVersion:
    """Lưu thiết kế: replace the whole design of a draft (code, name, version, procedures and legal limits
    always come from the process and the catalogue)."""
    process, version = _locked_version(version)
    _editable(process, version, actor)
    return _edit(actor, process, version, parse_design(design), change_note=change_note)


@transaction.atomic
def save_step(
    *,
    actor,
    version: ProcessVersion,
    step: StepDesign,
    number: int | None = None,
    position: int | None = None,
) -> ProcessVersion:
    """Thêm bước (`number` None, at `position` or the end) or sửa bước `number` (moved to `position`)."""
    process, version = _locked_version(version)
    _editable(process, version, actor)
    try:
        design = editing.apply_row(version.design_obj, step, number, position)
    except KeyError:
        raise DomainError(
            _("Quy trình không có bước %(number)s.") % {"number": number}, code="no_step", field="number"
        ) from None
    return _edit(actor, process, version, design)


@transaction.atomic
def remove_step(*, actor, version: ProcessVersion, number: int) -> ProcessVersion:
    """Xoá bước `number`; the steps after it move up and the branches follow."""
    process, version = _locked_version(version)
    _editable(process, version, actor)
    try:
        design = editing.remove_step(version.design_obj, number)
    except KeyError:
        raise DomainError(
            _("Quy trình không có bước %(number)s.") % {"number": number}, code="no_step", field="number"
        ) from None
    return _edit(actor, process, version, design)


@transaction.atomic
def update_header(
    *,
    actor,
    version: ProcessVersion,
    legal_bases: Iterable[str],
    description: str = "",
    change_note: str = "",
) -> ProcessVersion:
    """Sửa thông tin chung của dự thảo: legal bases (one a line), scope description, what changed."""
    process, version = _locked_version(version)
    _editable(process, version, actor)
    bases = tuple(line.strip() for line in legal_bases if line and line.strip())
    design = replace(version.design_obj, legal_bases=bases, description=(description or "").strip())
    return _edit(actor, process, version, design, change_note=change_note)


# --- lifecycle -------------------------------------------------------------------------------------------


def _refuse_invalid(version: ProcessVersion, what: str) -> None:
    errors = [i for i in validate(version.design_obj) if i.is_error]
    if errors:
        raise DomainError(
            _("Quy trình còn %(count)s lỗi nên chưa thể %(what)s: %(problems)s")
            % {"count": len(errors), "what": what, "problems": " ".join(issue_message(i) for i in errors)},
            code="invalid_design",
        )


def _transition(actor, verb, process, version, before, reason="") -> ProcessVersion:
    record_event(
        actor=actor,
        verb=verb,
        obj=version,
        agency=process.agency,
        object_repr=_repr(process, version),
        before=before,
        after=_version_summary(version),
        reason=reason,
    )
    process.save(update_fields=["updated_at"])
    return version


@transaction.atomic
def submit_version(*, actor, version: ProcessVersion, note: str = "") -> ProcessVersion:
    """Trình phê duyệt: the ISO secretary submits a valid draft to the agency head."""
    process, version = _locked_version(version)
    if actor is not None:
        _require(perms.can_submit_process(actor, process.agency))
    if version.status != ProcessStatus.DRAFT:
        raise DomainError(_("Chỉ trình được phiên bản dự thảo."), code="not_draft")
    _refuse_invalid(version, _("trình phê duyệt"))
    before = _version_summary(version)
    version.status = ProcessStatus.SUBMITTED
    version.submitted_at = timezone.now()
    version.submitted_by = _user(actor)
    version.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    return _transition(actor, "process.submit", process, version, before, note)


@transaction.atomic
def return_version(*, actor, version: ProcessVersion, reason: str) -> ProcessVersion:
    """Trả lại để sửa: the agency head sends a submitted version back to draft, with the reason."""
    process, version = _locked_version(version)
    if actor is not None:
        _require(perms.can_approve_process(actor, process.agency))
    if version.status != ProcessStatus.SUBMITTED:
        raise DomainError(_("Chỉ trả lại được phiên bản đang chờ phê duyệt."), code="not_submitted")
    if not (reason or "").strip():
        raise DomainError(_("Cần nêu lý do trả lại."), code="required", field="reason")
    before = _version_summary(version)
    version.status = ProcessStatus.DRAFT
    version.submitted_at = None
    version.submitted_by = None
    version.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    return _transition(actor, "process.return", process, version, before, reason.strip())


@transaction.atomic
def approve_version(*, actor, version: ProcessVersion, note: str = "") -> ProcessVersion:
    """Phê duyệt: the head of the owning agency approves a submitted version; from now on it is immutable."""
    process, version = _locked_version(version)
    if actor is not None:
        _require(perms.can_approve_process(actor, process.agency))
    if version.status != ProcessStatus.SUBMITTED:
        raise DomainError(_("Chỉ phê duyệt được phiên bản đã trình."), code="not_submitted")
    _refuse_invalid(version, _("phê duyệt"))
    before = _version_summary(version)
    version.status = ProcessStatus.APPROVED
    version.approved_at = timezone.now()
    version.approved_by = _user(actor)
    version.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
    return _transition(actor, "process.approve", process, version, before, note)


@transaction.atomic
def put_in_force(*, actor, version: ProcessVersion, valid_from: datetime.date) -> ProcessVersion:
    """Ban hành áp dụng: an approved version applies from `valid_from`; the version in force before it is
    superseded the day before. Open review flags raised before this version was submitted are resolved."""
    process, version = _locked_version(version)
    if actor is not None:
        _require(perms.can_approve_process(actor, process.agency))
    if version.status != ProcessStatus.APPROVED:
        raise DomainError(_("Chỉ ban hành được phiên bản đã phê duyệt."), code="not_approved")
    if valid_from is None:
        raise DomainError(_("Cần ngày bắt đầu áp dụng."), code="required", field="valid_from")
    if actor is not None and version.approved_at and valid_from < timezone.localdate(version.approved_at):
        raise DomainError(
            _("Ngày áp dụng (%(day)s) không được trước ngày phê duyệt (%(approved)s).")
            % {"day": _d(valid_from), "approved": _d(timezone.localdate(version.approved_at))},
            code="before_approval",
            field="valid_from",
        )
    previous = (
        process.versions.filter(status=ProcessStatus.IN_FORCE)
        .exclude(pk=version.pk)
        .order_by("-number")
        .first()
    )
    if previous is not None:
        if valid_from <= previous.valid_from:
            raise DomainError(
                _(
                    "Phiên bản %(previous)s áp dụng từ %(day)s: phiên bản mới phải áp dụng sau ngày đó "
                    "(lịch sử không được sửa lại)."
                )
                % {"previous": previous.label, "day": _d(previous.valid_from)},
                code="history_locked",
                field="valid_from",
            )
        previous.status = ProcessStatus.SUPERSEDED
        previous.valid_to = valid_from - ONE_DAY
        previous.save(update_fields=["status", "valid_to", "updated_at"])
    before = _version_summary(version)
    version.status = ProcessStatus.IN_FORCE
    version.valid_from = valid_from
    version.valid_to = None
    version.enacted_at = timezone.now()
    version.enacted_by = _user(actor)
    version.save(update_fields=["status", "valid_from", "valid_to", "enacted_at", "enacted_by", "updated_at"])
    process.current_version = version
    process.save(update_fields=["current_version", "updated_at"])
    reason = _("Đã ban hành phiên bản %(version)s áp dụng từ %(day)s.") % {
        "version": version.label,
        "day": _d(valid_from),
    }
    flags = ReviewFlag.objects.for_object(process).open()
    if version.submitted_at is not None:
        flags = flags.filter(created_at__lte=version.submitted_at)
    for flag in flags.select_related("agency"):
        _resolve(actor, flag, reason)
    after_summary = _version_summary(version)
    if previous is not None:
        after_summary["superseded"] = previous.label
    record_event(
        actor=actor,
        verb="process.in_force",
        obj=version,
        agency=process.agency,
        object_repr=_repr(process, version),
        before=before,
        after=after_summary,
    )
    return version


@transaction.atomic
def start_new_version(*, actor, process: InternalProcess, change_note: str = "") -> ProcessVersion:
    """Tạo phiên bản mới (sửa đổi): a draft copied from the latest approved version, rebuilt on the
    catalogue as it is today (legal limits, procedure versions)."""
    process = _lock(process)
    if actor is not None:
        _require(perms.can_edit_processes(actor, process.agency))
    latest = process.versions.order_by("-number").first()
    if latest is not None and latest.status not in (ProcessStatus.IN_FORCE, ProcessStatus.SUPERSEDED):
        raise Conflict(
            _(
                "Quy trình đang có phiên bản %(version)s (%(status)s) chưa ban hành; hãy hoàn tất phiên bản đó trước."
            )
            % {"version": latest.label, "status": latest.get_status_display()},
            code="pending_version",
        )
    version = ProcessVersion(
        process=process,
        number=(latest.number + 1) if latest else 1,
        based_on=latest,
        change_note=(change_note or "").strip(),
        created_by=_user(actor),
        planned_hours=0,
    )
    procedures = list(latest.procedures.all()) if latest else list(process.procedures.all())
    base = latest.design_obj if latest else ProcessDesign(code=process.code, name=process.name)
    catalogue = catalogue_versions(procedures)
    _store(
        version, _normalise(process, version, base, procedures, catalogue), procedures, catalogue, fresh=True
    )
    process.latest_version = version
    process.save(update_fields=["latest_version", "updated_at"])
    record_event(
        actor=actor,
        verb="process.new_version",
        obj=version,
        agency=process.agency,
        object_repr=_repr(process, version),
        after={**_version_summary(version), "based_on": latest.label if latest else None},
        reason=version.change_note,
    )
    return version


@transaction.atomic
def register_approved_process(
    *,
    actor,
    agency,
    procedures,
    approved_on: datetime.date,
    valid_from: datetime.date,
    design: ProcessDesign | None = None,
    code: str = "",
    name: str = "",
    decision: str = "",
    catalogue=None,
) -> InternalProcess:
    """Đăng ký quy trình đã ban hành: an agency moving to eISO records a process it already approved on
    paper (by `decision` on `approved_on`), in force from `valid_from`, as its version 01 — one step and
    one audit event instead of the whole lifecycle. The design must be valid (the standard steps table
    within the legal limit when not given). The agency head or an administrator only.
    """
    if actor is not None:
        _require(perms.can_approve_process(actor, agency))
    procedures = sorted(set(procedures), key=lambda p: p.code)
    _check_procedures(agency, procedures)
    if valid_from < approved_on:
        raise DomainError(
            _("Ngày áp dụng (%(day)s) không được trước ngày phê duyệt (%(approved)s).")
            % {"day": _d(valid_from), "approved": _d(approved_on)},
            code="before_approval",
            field="valid_from",
        )
    code = (code or "").strip() or f"QT-{procedures[0].code}"
    name = (name or "").strip() or default_name(procedures[0])
    if InternalProcess.objects.filter(agency=agency, code__iexact=code).exists():
        raise DomainError(
            _("Mã quy trình “%(code)s” đã được dùng trong cơ quan.") % {"code": code},
            code="duplicate",
            field="code",
        )
    catalogue = catalogue_versions(procedures) if catalogue is None else catalogue
    design = design or starter_design(agency, procedures, code=code, name=name, catalogue=catalogue)
    approved_at = timezone.make_aware(datetime.datetime.combine(approved_on, datetime.time(8, 0)))
    process = InternalProcess.objects.create(agency=agency, code=code, name=name[:500])
    version = ProcessVersion(
        process=process,
        number=1,
        status=ProcessStatus.IN_FORCE,
        valid_from=valid_from,
        change_note=decision,
        planned_hours=0,
        created_by=_user(actor),
        approved_at=approved_at,
        approved_by=_user(actor),
        enacted_at=timezone.now(),
        enacted_by=_user(actor),
    )
    design = _normalise(process, version, design, procedures, catalogue)
    errors = [i for i in validate(design) if i.is_error]
    if errors:
        raise DomainError(
            _("Quy trình còn %(count)s lỗi nên chưa thể %(what)s: %(problems)s")
            % {
                "count": len(errors),
                "what": _("đăng ký"),
                "problems": " ".join(issue_message(i) for i in errors),
            },
            code="invalid_design",
        )
    _store(version, design, procedures, catalogue, fresh=True)
    process.latest_version = process.current_version = version
    _refresh_identity(process, procedures, fresh=True)
    record_event(
        actor=actor,
        verb="process.register",
        obj=process,
        agency=agency,
        after={
            "code": code,
            "name": name,
            "procedures": [p.code for p in procedures],
            "decision": decision,
            "approved_on": approved_on.isoformat(),
            **_version_summary(version),
        },
    )
    return process


# --- legal-change watch ----------------------------------------------------------------------------------


def review_due_date(agency, effective_date: datetime.date) -> datetime.date:
    """Hạn rà soát: 3 months after `effective_date` (same day of the month, clamped; Civil Code Art. 148),
    moved to the next working day of the agency's calendar when it falls on a day off."""
    from eiso.calendars.adapter import calendar_for

    calendar = calendar_for(agency)
    due = add_months(effective_date, REVIEW_MONTHS)
    for _step in range(60):  # far more than any run of days off
        if calendar.is_working_day(due):
            break
        due += ONE_DAY
    return due


@transaction.atomic
def flag_for_review(
    *,
    actor=None,
    target,
    agency,
    reason: str,
    legal_reference: str,
    effective_date: datetime.date,
    due_date: datetime.date | None = None,
    detail: str = "",
) -> ReviewFlag:
    """Đánh dấu cần rà soát: `target` (any model instance of `agency`) must be reviewed by `due_date`
    (3 months after `effective_date` on the agency's working calendar by default).

    Idempotent: while a flag for the same target, reason, reference and day is open, it is returned as is.
    """
    if reason not in ReviewReason.values:
        raise DomainError(_("Lý do rà soát không hợp lệ."), code="invalid", field="reason")
    legal_reference = (legal_reference or "").strip()[:255]
    if not legal_reference:
        raise DomainError(_("Cần nêu căn cứ của yêu cầu rà soát."), code="required", field="legal_reference")
    content_type = ContentType.objects.get_for_model(target)
    existing = ReviewFlag.objects.filter(
        content_type=content_type,
        object_id=target.pk,
        reason=reason,
        legal_reference=legal_reference,
        effective_date=effective_date,
        status=ReviewStatus.OPEN,
    ).first()
    if existing is not None:
        return existing
    due_date = due_date or review_due_date(agency, effective_date)
    if due_date < effective_date:
        raise DomainError(
            _("Hạn rà soát không được trước ngày thay đổi có hiệu lực."), code="range", field="due_date"
        )
    try:
        with transaction.atomic():  # a savepoint: two writers racing on one flag meet the unique constraint
            flag = ReviewFlag.objects.create(
                content_type=content_type,
                object_id=target.pk,
                object_repr=str(target)[:255],
                agency=agency,
                reason=reason,
                legal_reference=legal_reference,
                detail=detail,
                effective_date=effective_date,
                due_date=due_date,
            )
    except IntegrityError:
        return ReviewFlag.objects.get(
            content_type=content_type,
            object_id=target.pk,
            reason=reason,
            legal_reference=legal_reference,
            effective_date=effective_date,
            status=ReviewStatus.OPEN,
        )
    record_event(
        actor=actor,
        verb="review.flag",
        obj=flag,
        agency=agency,
        object_repr=flag.object_repr,
        after={
            "reason": reason,
            "legal_reference": legal_reference,
            "effective_date": effective_date.isoformat(),
            "due_date": due_date.isoformat(),
        },
        reason=detail,
    )
    return flag


def _resolve(actor, flag: ReviewFlag, resolution: str) -> ReviewFlag:
    flag.status = ReviewStatus.RESOLVED
    flag.resolved_at = timezone.now()
    flag.resolved_by = _user(actor)
    flag.resolution = resolution
    flag.save(update_fields=["status", "resolved_at", "resolved_by", "resolution"])
    record_event(
        actor=actor,
        verb="review.resolve",
        obj=flag,
        agency=flag.agency,
        object_repr=flag.object_repr,
        before={"status": ReviewStatus.OPEN},
        after={"status": ReviewStatus.RESOLVED, "legal_reference": flag.legal_reference},
        reason=resolution,
    )
    return flag


@transaction.atomic
def resolve_review(*, actor, flag: ReviewFlag, resolution: str = "") -> ReviewFlag:
    """Đã rà soát: the ISO secretary or the head records that the object was reviewed (and why no new
    version is needed, or which one answers the change)."""
    flag = ReviewFlag.objects.select_for_update().select_related("agency").get(pk=flag.pk)
    if actor is not None:
        _require(perms.can_resolve_review(actor, flag.agency))
    if flag.status != ReviewStatus.OPEN:
        raise DomainError(_("Yêu cầu rà soát này đã được xử lý."), code="resolved")
    if not (resolution or "").strip():
        raise DomainError(_("Cần ghi kết quả rà soát."), code="required", field="resolution")
    return _resolve(actor, flag, resolution.strip())


def flag_processes_for_change(
    *, procedure_version, effective_date: datetime.date, reason: str, legal_document=None
) -> list[ReviewFlag]:
    """The catalogue announced a change (`eiso.procedures.signals.procedure_changed`): flag every process
    whose approved or in-force version serves the procedure and was built on the old content.

    - ``new_version``: versions not already built on `procedure_version` (the new one);
    - ``legal_basis_replaced``: every such version (the replaced document is in their basis).
    """
    procedure = procedure_version.procedure
    live = Q(status__in=(ProcessStatus.APPROVED, ProcessStatus.IN_FORCE)) | Q(
        status=ProcessStatus.SUPERSEDED, valid_to__gte=effective_date
    )
    versions = ProcessVersion.objects.filter(live, procedures=procedure)
    if reason == "new_version":
        versions = versions.exclude(procedure_versions=procedure_version)
        reference = procedure_version.decision_number
        detail = _(
            "Thủ tục %(code)s %(name)s có phiên bản mới theo quyết định %(decision)s, áp dụng từ %(day)s."
        ) % {
            "code": procedure.code,
            "name": procedure.name,
            "decision": procedure_version.decision_number,
            "day": _d(effective_date),
        }
        flag_reason = ReviewReason.NEW_PROCEDURE_VERSION
    else:
        reference = legal_document.number if legal_document is not None else procedure_version.decision_number
        replacement = getattr(getattr(legal_document, "replaced_by", None), "number", "")
        detail = _("Văn bản %(number)s, căn cứ của thủ tục %(code)s, được thay thế%(by)s từ %(day)s.") % {
            "number": reference,
            "code": procedure.code,
            "by": (" " + _("bởi %(number)s") % {"number": replacement}) if replacement else "",
            "day": _d(effective_date),
        }
        flag_reason = ReviewReason.LEGAL_BASIS_REPLACED
    process_ids = set(versions.values_list("process_id", flat=True))
    flags = []
    for process in InternalProcess.objects.filter(pk__in=process_ids).select_related("agency").order_by("pk"):
        flags.append(
            flag_for_review(
                actor=None,
                target=process,
                agency=process.agency,
                reason=flag_reason,
                legal_reference=reference,
                effective_date=effective_date,
                detail=detail,
            )
        )
    return flags


__all__ = [
    "approve_version",
    "create_process",
    "delete_process",
    "flag_for_review",
    "flag_processes_for_change",
    "put_in_force",
    "register_approved_process",
    "remove_step",
    "resolve_review",
    "return_version",
    "review_due_date",
    "save_design",
    "save_step",
    "start_new_version",
    "submit_version",
    "update_header",
    "update_process",
]
