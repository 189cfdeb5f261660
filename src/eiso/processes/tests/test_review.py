"""The legal-change watch: a new procedure version or a replaced legal basis flags every process built on
the old content, due 3 months after the change on the agency's working calendar; flags resolve."""

import datetime

import pytest

from eiso.calendars import services as calendars
from eiso.core.errors import DomainError, PermissionRefused
from eiso.core.models import AuditEvent
from eiso.procedures import importing
from eiso.procedures import services as procedures
from eiso.procedures.models import LegalDocument
from eiso.procedures.signals import send_procedure_changed
from eiso.procedures.tests.conftest import as_json
from eiso.processes import services
from eiso.processes.models import ReviewFlag, ReviewReason, ReviewStatus
from eiso.processes.tests.conftest import BIRTH, RECORDS, step

pytestmark = pytest.mark.django_db

D = datetime.date


def _new_household_version(valid_from: str):
    record = dict(RECORDS[0], decisionNo="3001/QĐ-BTP", validFrom=valid_from, decisionDate=valid_from)
    importing.import_file(actor=None, data=as_json(record), file_name="moi.json")


def test_the_three_month_due_date_moves_to_a_working_day(world):
    agency = world.commune_a
    assert services.review_due_date(agency, D(2026, 3, 10)) == D(2026, 6, 10)  # a Wednesday
    # 30/04/2026 is Reunification Day, 1/5 Labour Day, then a weekend: Monday 4 May.
    assert services.review_due_date(agency, D(2026, 1, 30)) == D(2026, 5, 4)
    # Same day of the month, clamped (Civil Code Art. 148): 30/11 + 3 months = 28/02/2026, a Saturday.
    assert services.review_due_date(agency, D(2025, 11, 30)) == D(2026, 3, 2)
    # An agency's own day off counts too (its calendar, not the national one).
    calendars.save_entry(
        actor=None, date=D(2026, 5, 4), kind="holiday", name_vi="Nghỉ bù ngày lễ địa phương", agency=agency
    )
    assert services.review_due_date(agency, D(2026, 1, 30)) == D(2026, 5, 5)
    assert services.review_due_date(world.commune_b, D(2026, 1, 30)) == D(2026, 5, 4)


def test_new_procedure_version_flags_processes_built_on_the_old_one(world, in_force, process_for):
    ours = in_force()
    theirs = in_force(agency=world.commune_b)
    draft_only = process_for(code=BIRTH, steps=[step(1, "Tiếp nhận và trả", 4)])
    _new_household_version("2026-01-30")
    flags = list(ReviewFlag.objects.order_by("agency_id"))
    assert [(f.object_id, f.agency_id) for f in flags] == [
        (ours.pk, world.commune_a.pk),
        (theirs.pk, world.commune_b.pk),
    ]
    flag = ReviewFlag.objects.get(object_id=ours.pk)
    assert flag.reason == ReviewReason.NEW_PROCEDURE_VERSION
    assert flag.legal_reference == "3001/QĐ-BTP"
    assert (flag.effective_date, flag.due_date) == (D(2026, 1, 30), D(2026, 5, 4))
    assert "1.004873" in flag.detail and flag.target == ours
    assert not ReviewFlag.objects.filter(object_id=draft_only.pk).exists()
    event = AuditEvent.objects.filter(verb="review.flag").first()
    assert event.actor_id is None and event.after["due_date"] == "2026-05-04"
    # The same signal again adds nothing (idempotent).
    version = ours.current_version.procedure_versions.get().procedure.current_version
    send_procedure_changed(version, D(2026, 1, 30), "new_version")
    assert ReviewFlag.objects.count() == 2


def test_a_version_already_built_on_the_new_procedure_version_is_not_flagged(world, in_force):
    process = in_force()
    _new_household_version("2026-01-30")
    ReviewFlag.objects.all().delete()
    draft = services.start_new_version(actor=None, process=process)
    services.submit_version(actor=None, version=draft)
    services.approve_version(actor=None, version=draft)
    services.put_in_force(actor=None, version=draft, valid_from=D(2026, 2, 2))
    new_procedure_version = draft.procedure_versions.get()
    assert new_procedure_version.decision_number == "3001/QĐ-BTP"
    flags = services.flag_processes_for_change(
        procedure_version=new_procedure_version, effective_date=D(2026, 2, 2), reason="new_version"
    )
    assert flags == []


def test_replaced_legal_basis_flags_every_process_citing_it(world, in_force, process_for):
    ours = in_force()
    birth = in_force(code=BIRTH, steps=[step(1, "Tiếp nhận và trả kết quả", 4, kind="return_to_applicant")])
    document = LegalDocument.objects.get(number="60/2014/QH13")
    procedures.replace_legal_document(
        actor=None, document=document, replacement_number="99/2026/QH15", effective_date=D(2025, 11, 30)
    )
    flags = ReviewFlag.objects.filter(reason=ReviewReason.LEGAL_BASIS_REPLACED)
    assert {f.object_id for f in flags} == {ours.pk, birth.pk}
    flag = flags.get(object_id=ours.pk)
    assert flag.legal_reference == "60/2014/QH13" and "99/2026/QH15" in flag.detail
    assert flag.due_date == D(2026, 3, 2)
    assert flag.is_overdue(D(2026, 3, 3)) and not flag.is_overdue(D(2026, 3, 2))
    assert set(ReviewFlag.objects.overdue(D(2026, 3, 3)).values_list("pk", flat=True)) == set(
        flags.values_list("pk", flat=True)
    )


def test_resolve_by_hand_or_by_putting_a_new_version_in_force(world, in_force):
    from eiso.accounts import roles

    process = in_force()
    flag = services.flag_for_review(
        target=process,
        agency=world.commune_a,
        reason=ReviewReason.OTHER,
        legal_reference="Công văn 12/UBND",
        effective_date=D(2026, 9, 1),
    )
    assert flag.due_date == D(2026, 12, 1)
    with pytest.raises(PermissionRefused):
        services.resolve_review(actor=world.users[roles.OFFICER], flag=flag, resolution="Đã xem")
    with pytest.raises(PermissionRefused):
        services.resolve_review(actor=world.users[roles.INSPECTOR], flag=flag, resolution="Đã xem")
    with pytest.raises(DomainError):
        services.resolve_review(actor=world.users[roles.ISO_SECRETARY], flag=flag, resolution=" ")
    services.resolve_review(
        actor=world.users[roles.ISO_SECRETARY], flag=flag, resolution="Quy trình vẫn phù hợp, không cần sửa."
    )
    flag.refresh_from_db()
    assert flag.status == ReviewStatus.RESOLVED and flag.resolved_by == world.users[roles.ISO_SECRETARY]
    with pytest.raises(DomainError):
        services.resolve_review(actor=world.users[roles.AGENCY_HEAD], flag=flag, resolution="Lại")
    # A new flag, then a new version submitted after it and put in force: resolved with the version.
    second = services.flag_for_review(
        target=process,
        agency=world.commune_a,
        reason=ReviewReason.OTHER,
        legal_reference="Công văn 13/UBND",
        effective_date=D(2026, 9, 1),
    )
    draft = services.start_new_version(actor=None, process=process)
    services.submit_version(actor=None, version=draft)
    late = services.flag_for_review(
        target=process,
        agency=world.commune_a,
        reason=ReviewReason.OTHER,
        legal_reference="Công văn 14/UBND",
        effective_date=D(2026, 9, 1),
    )
    services.approve_version(actor=None, version=draft)
    services.put_in_force(actor=None, version=draft, valid_from=D(2026, 12, 1))
    second.refresh_from_db()
    late.refresh_from_db()
    assert second.status == ReviewStatus.RESOLVED and "phiên bản 02" in second.resolution
    assert late.status == ReviewStatus.OPEN  # raised after the version was submitted: still to review
