"""The dossier lifecycle through the services: reception → steps → approval → result → returned, and
the side paths (counter supplement / refusal, supplement after appraisal, apology and extension, stop,
withdrawal), with the hand-over log, the book (form 07) and the refusals of illegal transitions."""

import datetime

import pytest

from eiso.accounts import roles
from eiso.core.audit import verify_chain
from eiso.core.errors import Conflict, DomainError, PermissionRefused
from eiso.core.models import AuditEvent
from eiso.dossiers import services
from eiso.dossiers.models import BookEntry, Dossier, HandOver, Status, WorkItem

from .conftest import MONDAY, at

pytestmark = pytest.mark.django_db


def open_items(dossier):
    return list(WorkItem.objects.filter(dossier=dossier, status="open").order_by("step_number"))


def run_to_result(dossier, users, *, when=None):
    when = when or at(3)
    receiver, officer, head = users[roles.RECEIVER], users[roles.OFFICER], users[roles.AGENCY_HEAD]
    [step1] = open_items(dossier)
    services.complete_step(actor=receiver, item=step1, at=when)
    [step2] = open_items(dossier)
    services.claim(actor=officer, item=step2)
    services.complete_step(
        actor=officer, item=step2, note="Đủ điều kiện", at=when + datetime.timedelta(hours=2)
    )
    [step3] = open_items(dossier)
    services.complete_step(
        actor=head,
        item=step3,
        outcome="agreed",
        result_number="15/GXN-UBND",
        at=when + datetime.timedelta(hours=3),
    )
    dossier.refresh_from_db()
    return dossier


def test_reception_gives_code_appointment_book_entry_and_first_step(receive_one, users, world):
    dossier = receive_one()
    assert dossier.code == "000.08.30.H33-260302-0001"
    assert dossier.status == Status.PROCESSING
    # 3 working days from Monday 10:00 (received before the 15:00 cut-off): Thursday 10:00 at the latest
    assert dossier.clock.due_at.astimezone(MONDAY.tzinfo).date() == datetime.date(2026, 3, 5)
    assert dossier.original_appointment_at == dossier.clock.due_at
    assert BookEntry.objects.get(dossier=dossier).number == 1
    [item] = open_items(dossier)
    assert (
        item.step_number == 1 and item.assignee == users[roles.RECEIVER] and item.role_code == roles.RECEIVER
    )
    assert len(dossier.lookup_secret) == 6
    assert HandOver.objects.filter(dossier=dossier, action="receive").count() == 1
    assert AuditEvent.objects.filter(verb="dossier.receive", object_id=str(dossier.pk)).exists()
    second = receive_one()
    assert second.code.endswith("-0002") and BookEntry.objects.get(dossier=second).number == 2


def test_full_path_to_returned_with_timeliness(receive_one, users):
    dossier = run_to_result(receive_one(), users)
    assert dossier.status == Status.RESULT_READY
    assert dossier.timeliness == "early" and dossier.result_number == "15/GXN-UBND"
    [return_item] = open_items(dossier)
    assert return_item.kind == "return_to_applicant" and return_item.role_code == roles.RECEIVER
    services.complete_step(
        actor=users[roles.RECEIVER],
        item=return_item,
        returned_to="Nguyễn Văn An",
        return_method="counter",
        at=at(4),
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.returned_to == "Nguyễn Văn An"
    rows = list(HandOver.objects.filter(dossier=dossier).order_by("pk").values_list("action", "timeliness"))
    assert [a for a, _t in rows] == ["receive", "complete", "complete", "complete", "finish", "return_result"]
    assert all(t in ("early", "on_time", "late", "") for _a, t in rows)
    assert not dossier.clock.is_open
    # steps batch their writes with their audit event: the chain still links every event in order
    verbs = list(
        AuditEvent.objects.filter(object_id=str(dossier.pk)).order_by("pk").values_list("verb", flat=True)
    )
    assert verbs[-3:] == ["dossier.finish", "dossier.step", "dossier.return_result"]
    assert verify_chain().ok
    # the finishing step links its three events to each other, starting from the head read with the lock
    finishing = list(AuditEvent.objects.order_by("-pk").filter(verb__in=FINISHING_VERBS)[:3])[::-1]
    assert [e.verb for e in finishing] == list(FINISHING_VERBS)
    assert finishing[1].prev_hash == finishing[0].hash and finishing[2].prev_hash == finishing[1].hash
    assert finishing[0].reason == "finish" and finishing[0].after["state"] == "finished"


FINISHING_VERBS = ("clock.event", "dossier.finish", "dossier.step")


def test_approval_not_agreed_returns_to_appraisal_and_needs_reason(receive_one, users):
    dossier = receive_one()
    receiver, officer, head = users[roles.RECEIVER], users[roles.OFFICER], users[roles.AGENCY_HEAD]
    services.complete_step(actor=receiver, item=open_items(dossier)[0], at=at(2, 11))
    services.complete_step(actor=officer, item=open_items(dossier)[0], at=at(2, 14))
    [approval] = open_items(dossier)
    assert approval.role_code == roles.AGENCY_HEAD
    with pytest.raises(DomainError, match="Đồng ý hoặc Không đồng ý"):
        services.complete_step(actor=head, item=approval, at=at(2, 15))
    with pytest.raises(DomainError, match="lý do"):
        services.complete_step(actor=head, item=approval, outcome="not_agreed", at=at(2, 15))
    services.complete_step(
        actor=head, item=approval, outcome="not_agreed", note="Bổ sung xác minh", at=at(2, 15)
    )
    [again] = open_items(dossier)
    assert again.step_number == 2 and again.assignee == officer  # back to whoever appraised it


def test_officer_cannot_approve_and_outsider_cannot_touch(receive_one, users, world):
    dossier = receive_one()
    services.complete_step(actor=users[roles.RECEIVER], item=open_items(dossier)[0], at=at(2, 11))
    services.complete_step(actor=users[roles.OFFICER], item=open_items(dossier)[0], at=at(2, 14))
    [approval] = open_items(dossier)
    with pytest.raises(PermissionRefused):
        services.complete_step(actor=users[roles.OFFICER], item=approval, outcome="agreed", at=at(2, 15))
    with pytest.raises(PermissionRefused):
        services.complete_step(actor=world.outsider, item=approval, outcome="agreed", at=at(2, 15))
    with pytest.raises(PermissionRefused):
        services.complete_step(actor=users[roles.INSPECTOR], item=approval, outcome="agreed", at=at(2, 15))


def test_second_completion_of_the_same_step_is_a_conflict(receive_one, users):
    dossier = receive_one()
    [item] = open_items(dossier)
    services.complete_step(actor=users[roles.RECEIVER], item=item, at=at(2, 11))
    with pytest.raises(Conflict, match="đã được xử lý"):
        services.complete_step(actor=users[roles.RECEIVER], item=item, at=at(2, 11, 5))
    assert HandOver.objects.filter(dossier=dossier, action="complete").count() == 1


def test_counter_outcomes(receive_one, users):
    missing = receive_one(
        outcome="supplement",
        components=[
            services.ComponentLine(name="Tờ khai"),
            services.ComponentLine(name="CCCD", received=False),
        ],
    )
    assert missing.status == Status.COUNTER_SUPPLEMENT and "CCCD" in missing.missing_note
    assert missing.clock is None and not BookEntry.objects.filter(dossier=missing).exists()
    services.receive_completed(actor=users[roles.RECEIVER], dossier=missing, at=at(3))
    missing.refresh_from_db()
    assert missing.status == Status.PROCESSING and missing.clock.due_at is not None
    with pytest.raises(DomainError, match="lý do"):
        receive_one(outcome="refused")
    refused = receive_one(outcome="refused", refusal_reason="Không thuộc thẩm quyền")
    assert refused.status == Status.COUNTER_REFUSED
    with pytest.raises(DomainError, match="còn thiếu"):
        receive_one(components=[services.ComponentLine(name="CCCD", received=False)])
    with pytest.raises(DomainError, match="Không thể"):
        services.stop(actor=users[roles.RECEIVER], dossier=refused, reason="x")


def test_supplement_after_appraisal_pauses_then_resets_the_clock(receive_one, users):
    dossier = receive_one()
    officer = users[roles.OFFICER]
    services.complete_step(actor=users[roles.RECEIVER], item=open_items(dossier)[0], at=at(2, 11))
    services.claim(actor=officer, item=open_items(dossier)[0])
    services.request_supplement(
        actor=officer, dossier=dossier, missing_note="Thiếu giấy xác nhận cư trú", at=at(3)
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED and dossier.supplement_count == 1
    assert open_items(dossier) == []
    services.supplement_received(actor=users[roles.RECEIVER], dossier=dossier, at=at(9, 9))
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    # the limit restarts from zero on Monday 9 March: 3 working days → Thursday 12 March
    assert dossier.clock.due_at.astimezone(MONDAY.tzinfo).date() == datetime.date(2026, 3, 12)
    [resumed] = open_items(dossier)
    assert resumed.step_number == 2 and resumed.assignee == officer


def test_supplement_window_is_three_working_days(receive_one, users):
    dossier = receive_one()
    with pytest.raises(DomainError, match="03 ngày làm việc"):
        services.request_supplement(
            actor=users[roles.AGENCY_HEAD], dossier=dossier, missing_note="x", at=at(9)
        )


def test_extension_once_and_a_day_ahead(receive_one, users):
    dossier = receive_one()
    head = users[roles.AGENCY_HEAD]
    original = dossier.clock.due_at
    services.extend(actor=head, dossier=dossier, extra_working_days=2, reason="Chờ xác minh", at=at(3))
    dossier.refresh_from_db()
    assert dossier.clock.due_at > original and dossier.original_appointment_at == original
    with pytest.raises(DomainError, match="một lần"):
        services.extend(actor=head, dossier=dossier, extra_working_days=1, reason="Lần hai", at=at(3, 11))


def test_extension_too_late_is_refused(receive_one, users):
    dossier = receive_one()
    with pytest.raises(DomainError, match="01 ngày làm việc"):
        services.extend(
            actor=users[roles.AGENCY_HEAD], dossier=dossier, extra_working_days=2, reason="x", at=at(5, 10)
        )


def test_stop_and_withdraw_end_the_dossier(receive_one, users):
    stopped = services.stop(
        actor=users[roles.RECEIVER], dossier=receive_one(), reason="Người nộp đề nghị", at=at(3)
    )
    assert stopped.status == Status.STOPPED and not stopped.clock.is_open and open_items(stopped) == []
    withdrawn = services.withdraw(actor=users[roles.RECEIVER], dossier=receive_one(), reason="Rút", at=at(3))
    assert withdrawn.status == Status.WITHDRAWN
    with pytest.raises(DomainError, match="Hồ sơ đã kết thúc"):
        services.withdraw(actor=users[roles.RECEIVER], dossier=withdrawn, reason="again")


def test_refusal_after_appraisal_within_the_limit(receive_one, users):
    dossier = receive_one()
    services.complete_step(actor=users[roles.RECEIVER], item=open_items(dossier)[0], at=at(2, 11))
    refused = services.refuse(
        actor=users[roles.AGENCY_HEAD], dossier=dossier, reason="Không đủ điều kiện", at=at(3)
    )
    assert refused.status == Status.REFUSED and refused.timeliness in ("early", "on_time")
    late = receive_one()
    with pytest.raises(DomainError, match="quá hạn"):
        services.refuse(actor=users[roles.AGENCY_HEAD], dossier=late, reason="x", at=at(10))


def test_late_step_and_late_dossier(receive_one, users):
    dossier = receive_one()
    [step1] = open_items(dossier)
    services.complete_step(actor=users[roles.RECEIVER], item=step1, at=at(4, 10))  # 2 h allotted
    step1.refresh_from_db()
    assert step1.timeliness == "late"
    dossier = run_to_result(Dossier.objects.get(pk=dossier.pk), users, when=at(9)) if False else dossier
    [step2] = open_items(dossier)
    services.complete_step(actor=users[roles.OFFICER], item=step2, at=at(9, 9))
    [step3] = open_items(dossier)
    services.complete_step(actor=users[roles.AGENCY_HEAD], item=step3, outcome="agreed", at=at(9, 10))
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY and dossier.timeliness == "late"


def test_consultation_blocks_the_step_until_answered(receive_one, users):
    dossier = receive_one()
    officer = users[roles.OFFICER]
    services.complete_step(actor=users[roles.RECEIVER], item=open_items(dossier)[0], at=at(2, 11))
    [step2] = open_items(dossier)
    services.claim(actor=officer, item=step2)
    child = services.consult(actor=officer, item=step2, body="Công an xã", hours=4, at=at(2, 13))
    with pytest.raises(DomainError, match="chưa trả lời"):
        services.complete_step(actor=officer, item=step2, at=at(2, 14))
    services.answer_consultation(actor=officer, item=child, note="Xác nhận cư trú", at=at(2, 16))
    services.complete_step(actor=officer, item=step2, at=at(3, 9))
    assert [i.step_number for i in open_items(dossier)] == [3]


def test_forward_and_return_to_step(receive_one, users, world):
    dossier = receive_one()
    services.complete_step(actor=users[roles.RECEIVER], item=open_items(dossier)[0], at=at(2, 11))
    [step2] = open_items(dossier)
    services.forward(actor=users[roles.AGENCY_HEAD], item=step2, to_user=users[roles.OFFICER], at=at(2, 12))
    step2.refresh_from_db()
    assert step2.assignee == users[roles.OFFICER]
    with pytest.raises(DomainError, match="cán bộ của cơ quan"):
        services.forward(actor=users[roles.AGENCY_HEAD], item=step2, to_user=world.outsider, at=at(2, 12))
    with pytest.raises(DomainError, match="trước bước"):
        services.return_to_step(actor=users[roles.OFFICER], item=step2, step_number=3, note="x", at=at(2, 13))
    back = services.return_to_step(
        actor=users[roles.OFFICER], item=step2, step_number=1, note="Sai tờ khai", at=at(2, 13)
    )
    assert back.step_number == 1 and back.assignee == users[roles.RECEIVER]


def test_no_process_in_force_refuses_reception(world, catalogue, users):
    from .conftest import MARRIAGE

    with pytest.raises(DomainError, match="chưa có quy trình nội bộ"):
        services.receive(
            actor=users[roles.RECEIVER],
            agency=world.commune_a,
            procedure=catalogue[MARRIAGE],
            channel="direct",
            applicant=services.Applicant(name="A"),
            at=MONDAY,
        )


def test_idempotent_reception(world, catalogue, process, users):
    from .conftest import HOUSEHOLD

    kwargs = {
        "agency": world.commune_a,
        "procedure": catalogue[HOUSEHOLD],
        "channel": "online",
        "applicant": services.Applicant(name="Trần Thị Bình"),
        "at": MONDAY,
    }
    receiver = users[roles.RECEIVER]
    first, created = services.receive_idempotent(actor=receiver, key="abc", fingerprint={"n": 1}, **kwargs)
    again, created_again = services.receive_idempotent(
        actor=receiver, key="abc", fingerprint={"n": 1}, **kwargs
    )
    assert created and not created_again and first.pk == again.pk
    with pytest.raises(Conflict):
        services.receive_idempotent(actor=receiver, key="abc", fingerprint={"n": 2}, **kwargs)
    assert Dossier.objects.count() == 1


def test_the_procedure_cutoff_decides_when_counting_starts(receive_one, catalogue):
    from eiso.calendars import services as clock_services
    from eiso.calendars.recompute import recompute_open_clocks
    from eiso.procedures.models import ProcedureChannel

    from .conftest import HOUSEHOLD

    version = catalogue[HOUSEHOLD].current_version
    ProcedureChannel.objects.filter(version=version, channel="direct").update(
        cutoff=datetime.time(11, 0), counting_mode="hours"
    )
    late_morning = receive_one(at=at(2, 11, 30))  # after the procedure's 11:00 cut-off
    early = receive_one(at=at(2, 10, 30))
    assert late_morning.clock.cutoff == datetime.time(11, 0)
    counting = clock_services.load_clock(late_morning.clock).counting_started
    assert counting == at(3, 8)  # the next working morning
    assert clock_services.load_clock(early.clock).counting_started == at(2, 10, 30)
    assert late_morning.clock.due_at > early.clock.due_at
    # A recomputation after a calendar change keeps the procedure's cut-off.
    before = late_morning.clock.due_at
    recompute_open_clocks(None)
    late_morning.clock.refresh_from_db()
    assert late_morning.clock.due_at == before


def test_a_second_supplement_at_the_same_moment_resumes_only_its_own_step(receive_one, users):
    """Found by the stateful test: two requests stamped with the same moment must not reopen both steps."""
    head, receiver = users[roles.AGENCY_HEAD], users[roles.RECEIVER]
    dossier = receive_one()
    moment = at(2, 11)
    services.request_supplement(actor=head, dossier=dossier, missing_note="Thiếu tờ khai", at=moment)
    services.supplement_received(actor=receiver, dossier=dossier, at=moment)
    services.complete_step(actor=head, item=open_items(dossier)[0], at=moment)
    services.request_supplement(actor=head, dossier=dossier, missing_note="Thiếu bản sao", at=moment)
    services.supplement_received(actor=receiver, dossier=dossier, at=moment)
    assert [i.step_number for i in open_items(dossier)] == [2]
