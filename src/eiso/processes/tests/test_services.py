"""The services: building a process, validation through the service, the lifecycle, versions, audit."""

import datetime
from decimal import Decimal

import pytest

from eiso.core.errors import Conflict, DomainError
from eiso.core.models import AuditEvent
from eiso.procedures.querysets import coverage_for
from eiso.processes import services
from eiso.processes.design import Transition
from eiso.processes.models import InternalProcess, ProcessStatus, ProcessVersion
from eiso.processes.querysets import in_force_procedure_ids
from eiso.processes.tests.conftest import BIRTH, HOUSEHOLD, MARRIAGE, START, step, steps_within

pytestmark = pytest.mark.django_db

LATER = datetime.date(2026, 3, 1)


def _verbs(process) -> list[str]:
    ids = [str(v.pk) for v in process.versions.all()]
    events = AuditEvent.objects.filter(
        object_type__in=["processes.internalprocess", "processes.processversion"]
    ).order_by("id")
    return [
        e.verb
        for e in events
        if (e.object_type == "processes.internalprocess" and e.object_id == str(process.pk))
        or e.object_id in ids
    ]


def test_create_takes_limits_and_legal_bases_from_the_catalogue(world, catalogue):
    process = services.create_process(actor=None, agency=world.commune_a, procedures=[catalogue[HOUSEHOLD]])
    version = process.latest_version
    assert (process.code, process.name) == ("QT-1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân")
    assert (version.number, version.status, version.label) == (1, ProcessStatus.DRAFT, "01")
    design = version.design_obj
    assert [(t.channel, t.hours) for t in design.time_limits] == [("in_person", 24), ("online", 24)]
    assert design.legal_bases[0].startswith("60/2014/QH13")
    assert design.procedure_codes == (HOUSEHOLD,)
    assert version.limit_hours == 24 and version.error_count == 1  # no steps yet
    assert list(version.procedure_versions.all()) == [catalogue[HOUSEHOLD].current_version]
    event = AuditEvent.objects.get(verb="process.create")
    assert event.agency_id == world.commune_a.pk and event.after["procedures"] == [HOUSEHOLD]


def test_create_refuses_what_the_agency_does_not_settle_and_double_processes(world, catalogue):
    with pytest.raises(DomainError) as refused:
        services.create_process(actor=None, agency=world.justice_a, procedures=[catalogue[BIRTH]])
    assert refused.value.code == "not_settled"
    services.create_process(actor=None, agency=world.commune_a, procedures=[catalogue[BIRTH]])
    with pytest.raises(DomainError) as again:
        services.create_process(
            actor=None, agency=world.commune_a, procedures=[catalogue[BIRTH], catalogue[MARRIAGE]]
        )
    assert again.value.code == "already_covered"
    with pytest.raises(DomainError) as code:
        services.create_process(
            actor=None, agency=world.commune_a, procedures=[catalogue[MARRIAGE]], code="qt-1.001193"
        )
    assert code.value.code == "duplicate"
    # Another agency may have its own process for the same procedure.
    services.create_process(actor=None, agency=world.commune_b, procedures=[catalogue[BIRTH]])


def test_shared_process_serves_several_procedures_with_the_strictest_limit(world, catalogue):
    process = services.create_process(
        actor=None,
        agency=world.commune_a,
        procedures=[catalogue[MARRIAGE], catalogue[HOUSEHOLD]],
        starter=True,
    )
    version = process.latest_version
    assert version.design_obj.procedure_codes == (MARRIAGE, HOUSEHOLD)
    assert version.limit_hours == 24  # 3 days beats 5
    assert version.error_count == 0 and version.planned_hours <= 24


def test_validation_through_the_service_names_the_overrun_in_hours(process_for):
    steps = steps_within()
    steps[1] = step(2, "Thẩm định hồ sơ", 18, unit="Văn phòng")  # 2 + 18 + 6 + 2 = 28 h > 24 h
    process = process_for(steps=steps)
    version = process.latest_version
    assert version.planned_hours == 28 and version.error_count == 1 and version.overrun_hours == 4
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        services.submit_version(actor=None, version=version)
    assert refused.value.code == "invalid_design"
    assert "vượt 4 giờ" in refused.value.messages[0]
    assert AuditEvent.objects.count() == before
    version.refresh_from_db()
    assert version.status == ProcessStatus.DRAFT
    # Fixing the step makes it valid.
    fixed = services.save_step(
        actor=None, version=version, number=2, step=step(2, "Thẩm định hồ sơ", 12, unit="VP")
    )
    assert fixed.error_count == 0 and fixed.planned_hours == 22


def test_structural_errors_block_submission(process_for):
    steps = steps_within()
    steps[1] = step(2, "Thẩm định hồ sơ", 4, unit="", role="")  # no owner
    steps[3] = step(4, "Trả kết quả", 2, transitions=(Transition(1),))  # a loop without exit
    version = process_for(steps=steps).latest_version
    with pytest.raises(DomainError) as refused:
        services.submit_version(actor=None, version=version)
    message = refused.value.messages[0]
    assert "chưa có đơn vị hoặc người thực hiện" in message and "không có lối ra" in message


def test_full_lifecycle_is_audited_and_counts_for_coverage(world, process_for, catalogue):
    process = process_for()
    version = process.latest_version
    assert in_force_procedure_ids([world.commune_a.pk], datetime.date.today()) == set()
    services.submit_version(actor=None, version=version, note="Trình Chủ tịch")
    services.return_version(actor=None, version=version, reason="Bổ sung biểu mẫu")
    services.submit_version(actor=None, version=version)
    services.approve_version(actor=None, version=version)
    services.put_in_force(actor=None, version=version, valid_from=START)
    version.refresh_from_db()
    process.refresh_from_db()
    assert (
        version.status == ProcessStatus.IN_FORCE and version.valid_from == START and version.valid_to is None
    )
    assert process.current_version_id == version.pk
    today = datetime.date.today()
    assert in_force_procedure_ids([world.commune_a.pk], today) == {catalogue[HOUSEHOLD].pk}
    assert in_force_procedure_ids([world.commune_b.pk], today) == set()
    assert in_force_procedure_ids([world.commune_a.pk], START - datetime.timedelta(days=1)) == set()
    coverage = coverage_for([world.commune_a])[world.commune_a.pk]
    assert (coverage.total, coverage.covered) == (3, 1)
    assert _verbs(process) == [
        "process.create",
        "process.edit",
        "process.edit",
        "process.edit",
        "process.edit",
        "process.submit",
        "process.return",
        "process.submit",
        "process.approve",
        "process.in_force",
    ]
    returned = AuditEvent.objects.get(verb="process.return")
    assert returned.reason == "Bổ sung biểu mẫu" and returned.before["status"] == "submitted"


def test_transitions_only_from_the_right_state(process_for):
    version = process_for().latest_version
    with pytest.raises(DomainError, match="đã trình"):
        services.approve_version(actor=None, version=version)
    with pytest.raises(DomainError):
        services.put_in_force(actor=None, version=version, valid_from=START)
    with pytest.raises(DomainError):
        services.return_version(actor=None, version=version, reason="x")
    services.submit_version(actor=None, version=version)
    with pytest.raises(DomainError):
        services.return_version(actor=None, version=version, reason="  ")
    with pytest.raises(DomainError):
        services.submit_version(actor=None, version=version)


def test_approved_and_in_force_versions_are_immutable(in_force, process_for):
    process = in_force()
    version = process.current_version
    for attempt in (
        lambda: services.save_step(actor=None, version=version, step=step(0, "Thêm", 1)),
        lambda: services.remove_step(actor=None, version=version, number=1),
        lambda: services.save_design(actor=None, version=version, design=version.design),
        lambda: services.update_header(actor=None, version=version, legal_bases=["Mới"]),
    ):
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.code == "immutable"
        assert "phiên bản mới" in refused.value.messages[0]
    submitted = process_for(
        code=BIRTH, steps=[step(1, "Tiếp nhận và trả kết quả", 4, kind="return_to_applicant")]
    )
    services.submit_version(actor=None, version=submitted.latest_version)
    with pytest.raises(DomainError) as waiting:
        services.save_step(actor=None, version=submitted.latest_version, step=step(0, "Thêm", 1))
    assert waiting.value.code == "submitted"
    with pytest.raises(DomainError):
        services.update_process(actor=None, process=process, procedures=[])


def test_new_version_supersedes_the_old_one_and_diffs_readably(in_force):
    process = in_force()
    first = process.current_version
    draft = services.start_new_version(actor=None, process=process, change_note="Rút ngắn thẩm định")
    assert (draft.number, draft.status, draft.based_on_id) == (2, ProcessStatus.DRAFT, first.pk)
    assert draft.design_obj.steps == first.design_obj.steps and draft.design_obj.version == "02"
    with pytest.raises(Conflict):
        services.start_new_version(actor=None, process=process)
    draft = services.save_step(
        actor=None, version=draft, number=2, step=step(2, "Thẩm định hồ sơ", 8, unit="Văn phòng")
    )
    draft = services.save_step(
        actor=None, version=draft, step=step(0, "Ký số kết quả", 2, role="Chủ tịch"), position=4
    )
    services.submit_version(actor=None, version=draft)
    services.approve_version(actor=None, version=draft)
    with pytest.raises(DomainError) as locked:
        services.put_in_force(actor=None, version=draft, valid_from=START)
    assert locked.value.code == "history_locked"
    services.put_in_force(actor=None, version=draft, valid_from=LATER)
    first.refresh_from_db()
    assert first.status == ProcessStatus.SUPERSEDED and first.valid_to == LATER - datetime.timedelta(days=1)
    assert [v.number for v in ProcessVersion.objects.in_force(LATER)] == [2]
    assert [v.number for v in ProcessVersion.objects.in_force(LATER - datetime.timedelta(days=1))] == [1]
    from eiso.processes.design import diff_designs
    from eiso.processes.design.diff import render_text

    text = render_text(diff_designs(first.design_obj, draft.design_obj))
    assert "Thêm bước:" in text and "«Ký số kết quả»" in text
    assert "Thời gian: «12 giờ» → «8 giờ»" in text


def test_delete_only_before_any_approval(world, process_for, in_force):
    draft = process_for(code=BIRTH, steps=[])
    services.delete_process(actor=None, process=draft)
    assert not InternalProcess.objects.filter(pk=draft.pk).exists()
    assert AuditEvent.objects.filter(verb="process.delete", object_id=str(draft.pk)).exists()
    process = in_force()
    with pytest.raises(DomainError):
        services.delete_process(actor=None, process=process)


def test_update_identity_follows_into_the_draft(world, process_for, catalogue):
    process = process_for()
    services.update_process(
        actor=None,
        process=process,
        code="QT-HT-05",
        name="Xác nhận tình trạng hôn nhân",
        procedures=[catalogue[HOUSEHOLD], catalogue[MARRIAGE]],
    )
    process.refresh_from_db()
    design = process.latest_version.design_obj
    assert (design.code, design.name) == ("QT-HT-05", "Xác nhận tình trạng hôn nhân")
    assert set(design.procedure_codes) == {HOUSEHOLD, MARRIAGE}
    assert set(InternalProcess.objects.search("xac nhan tinh trang").values_list("pk", flat=True)) == {
        process.pk
    }
    with pytest.raises(DomainError):
        services.update_process(actor=None, process=process, code="QT-HT-05")


def test_register_an_already_approved_process(world, catalogue):
    process = services.register_approved_process(
        actor=None,
        agency=world.commune_a,
        procedures=[catalogue[MARRIAGE]],
        approved_on=datetime.date(2025, 6, 20),
        valid_from=START,
        decision="QĐ 15/QĐ-UBND",
    )
    version = process.current_version
    assert (
        version.status == ProcessStatus.IN_FORCE and version.valid_from == START and version.error_count == 0
    )
    assert version.planned_hours <= 40
    assert AuditEvent.objects.filter(verb="process.register").count() == 1
    with pytest.raises(DomainError):
        services.register_approved_process(
            actor=None,
            agency=world.commune_b,
            procedures=[catalogue[MARRIAGE]],
            approved_on=START,
            valid_from=START,
            design=version.design_obj.with_steps([step(1, "Một bước quá dài", 80)]),
        )


def test_add_step_position_and_approval_default_branch(process_for):
    version = process_for(steps=[]).latest_version
    for item in [
        step(1, "Tiếp nhận", 2),
        step(2, "Ký duyệt", 4, kind="approval", transitions=(Transition(1, condition="not_agreed"),)),
        step(3, "Trả", 2),
    ]:
        version = services.save_step(actor=None, version=version, step=item)
    approval = version.design_obj.step(2)
    # The "agreed" branch was added to the following step; inserting a row before "Trả" keeps the chain.
    assert [(t.target, t.condition) for t in approval.transitions] == [(3, "agreed"), (1, "not_agreed")]
    version = services.save_step(actor=None, version=version, step=step(0, "Vào sổ", Decimal(1)), position=3)
    approval = version.design_obj.step(2)
    assert [(t.target, t.condition) for t in approval.transitions] == [(3, "agreed"), (1, "not_agreed")]
    assert [s.name for s in version.design_obj.steps] == ["Tiếp nhận", "Ký duyệt", "Vào sổ", "Trả"]
    with pytest.raises(DomainError):
        services.remove_step(actor=None, version=version, number=9)
