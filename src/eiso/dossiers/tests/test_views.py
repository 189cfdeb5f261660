"""Pages of dossier work: the counter, "việc của tôi", the list, the dossier page and its actions, the
appointments moved by a calendar change. Each action form calls its service; refusals come back as a
message; another agency's dossier answers 404 on every page and action with nothing written."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from eiso.accounts import roles
from eiso.core.models import AuditEvent
from eiso.dossiers import services
from eiso.dossiers.models import Dossier, HandOver, Status, WorkItem
from eiso.dossiers.views.work import working_time

from .conftest import HOUSEHOLD

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def open_items(dossier):
    return list(WorkItem.objects.filter(dossier=dossier, status="open").order_by("step_number", "pk"))


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def counts():
    return (
        Dossier.objects.count(),
        WorkItem.objects.count(),
        HandOver.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def now_dossier(receive_one):
    """Received now (the pages cannot set `at`), so the supplement window and extension are open."""
    return receive_one(at=None)


# --- pages ------------------------------------------------------------------------------------------


def test_pages_render_for_the_roles_that_use_them(receive_one, users):
    dossier = receive_one()
    receiver = client_for(users[roles.RECEIVER])
    for name, args in (
        ("dossiers:list", []),
        ("dossiers:receive", []),
        ("dossiers:inbox", []),
        ("dossiers:moved", []),
        ("dossiers:detail", [dossier.pk]),
    ):
        response = receiver.get(reverse(name, args=args))
        assert response.status_code == 200, name
    page = receiver.get(dossier.get_absolute_url()).content.decode()
    assert dossier.code in page and dossier.lookup_secret in page
    assert f"/ho-so/{dossier.pk}/mau/01.pdf" in page  # form 01 offered after reception
    assert timezone.localtime(dossier.clock.due_at).strftime("%d/%m/%Y %H:%M") in page

    inspector = client_for(users[roles.INSPECTOR])  # reads, never writes
    page = inspector.get(dossier.get_absolute_url())
    assert page.status_code == 200
    assert dossier.lookup_secret not in page.content.decode()  # the secret is for staff only
    assert b'data-testid="dossier-actions"' not in page.content
    assert inspector.get(reverse("dossiers:receive")).status_code == 403
    assert dossier.code in inspector.get(reverse("dossiers:list")).content.decode()


def test_menu_lists_the_dossier_section(users):
    page = client_for(users[roles.OFFICER]).get(reverse("web:home")).content.decode()
    assert reverse("dossiers:receive") in page and reverse("dossiers:inbox") in page


def test_outsider_gets_404_on_the_page_and_every_action_with_nothing_written(receive_one, world):
    dossier = receive_one()
    [item] = open_items(dossier)
    outsider = client_for(world.outsider)
    assert outsider.get(dossier.get_absolute_url()).status_code == 404
    assert outsider.get(reverse("dossiers:extend_preview", args=[dossier.pk])).status_code == 404
    assert dossier.code not in outsider.get(reverse("dossiers:list")).content.decode()
    before = counts()
    for name in (
        "receive_completed",
        "request_supplement",
        "supplement_received",
        "extend",
        "refuse",
        "stop",
        "withdraw",
        "return_result",
        "finish",
    ):
        response = outsider.post(
            reverse(f"dossiers:{name}", args=[dossier.pk]),
            {
                "reason": "x",
                "missing_note": "x",
                "extra_working_days": 1,
                "returned_to": "x",
                "method": "counter",
            },
        )
        assert response.status_code == 404, name
    for name in ("claim", "complete", "return_step", "forward", "consult", "answer"):
        response = outsider.post(
            reverse(f"dossiers:{name}", args=[item.pk]),
            {"note": "x", "body": "x", "hours": 1, "step_number": 1},
        )
        assert response.status_code == 404, name
    assert counts() == before
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


# --- the counter ------------------------------------------------------------------------------------


def _case_and_components(catalogue):
    version = catalogue[HOUSEHOLD].current_version
    case = version.cases.order_by("order", "pk").first()
    return case, list(case.components.order_by("order", "pk"))


def _counter_post(catalogue, components, **extra):
    data = {
        "procedure": catalogue[HOUSEHOLD].pk,
        "channel": "direct",
        "applicant_kind": "person",
        "applicant_name": "Lê Thị Bình",
        "applicant_phone": "0987654321",
        "applicant_address": "Thôn 2",
        "sets": 1,
        "outcome": "received",
    }
    for component in components:
        data[f"comp-{component.pk}-received"] = "1"
        data[f"comp-{component.pk}-original"] = "1"
        data[f"comp-{component.pk}-quantity"] = "1"
    data.update(extra)
    return data


def test_checklist_follows_the_chosen_procedure_and_case(catalogue, process, users):
    case, components = _case_and_components(catalogue)
    assert components, "the catalogue's procedure has a component list"
    response = client_for(users[roles.RECEIVER]).get(
        reverse("dossiers:receive_checklist"), {"procedure": catalogue[HOUSEHOLD].pk, "channel": "direct"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="component-row"' in page
    assert components[0].name.split("\n")[0][:30] in page
    assert f'name="comp-{components[0].pk}-received"' in page
    # a procedure without a process in force at this agency is not offered at the counter
    other = catalogue["1.000894"]
    response = client_for(users[roles.RECEIVER]).get(reverse("dossiers:receive"))
    offered = set(response.context["form"].fields["procedure"].queryset)
    assert offered == {catalogue[HOUSEHOLD]} and other not in offered


def test_counter_receives_a_dossier_and_goes_to_its_page(catalogue, process, users, world):
    case, components = _case_and_components(catalogue)
    client = client_for(users[roles.RECEIVER])
    response = client.post(reverse("dossiers:receive"), _counter_post(catalogue, components, case=case.pk))
    dossier = Dossier.objects.get(applicant_name="Lê Thị Bình")
    assert response.status_code == 302 and response["Location"] == dossier.get_absolute_url()
    assert dossier.status == Status.PROCESSING and dossier.agency == world.commune_a
    assert dossier.case_name == case.name
    assert dossier.components.count() == len(components) and all(c.received for c in dossier.components.all())
    page = client.get(response["Location"])
    assert "Đã tiếp nhận hồ sơ" in messages_of(page)


def test_counter_refuses_receiving_with_missing_items_and_asks_for_a_supplement(catalogue, process, users):
    case, components = _case_and_components(catalogue)
    required = [c for c in components if c.required]
    data = _counter_post(catalogue, components, case=case.pk)
    del data[f"comp-{required[0].pk}-received"]
    client = client_for(users[roles.RECEIVER])
    response = client.post(reverse("dossiers:receive"), data)
    assert response.status_code == 200 and "Hồ sơ còn thiếu" in response.content.decode()
    assert not Dossier.objects.exists()
    response = client.post(reverse("dossiers:receive"), {**data, "outcome": "supplement"})
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and dossier.status == Status.COUNTER_SUPPLEMENT
    assert required[0].name[:20] in dossier.missing_note
    assert "/mau/02.pdf" in client.get(dossier.get_absolute_url()).content.decode()
    response = client.post(reverse("dossiers:receive"), {**data, "outcome": "refused"})
    assert "Từ chối tiếp nhận phải nêu rõ lý do" in response.content.decode()
    # the applicant came back with everything: receive the same dossier
    client.post(reverse("dossiers:receive_completed", args=[dossier.pk]))
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.clock_id


# --- work items -----------------------------------------------------------------------------------


def test_claim_complete_approve_and_return_the_result_through_the_pages(receive_one, users):
    dossier = receive_one()
    receiver = client_for(users[roles.RECEIVER])
    officer = client_for(users[roles.OFFICER])
    head = client_for(users[roles.AGENCY_HEAD])
    [step1] = open_items(dossier)
    receiver.post(reverse("dossiers:complete", args=[step1.pk]), {"outcome": "done", "note": "Đủ"})
    [step2] = open_items(dossier)
    assert step2.step_number == 2 and step2.assignee is None

    inbox = officer.get(reverse("dossiers:inbox")).content.decode()
    assert dossier.code in inbox and 'data-testid="inbox-claim"' in inbox
    response = officer.post(reverse("dossiers:claim", args=[step2.pk]))
    assert response.status_code == 302
    step2.refresh_from_db()
    assert step2.assignee == users[roles.OFFICER]
    page = officer.get(dossier.get_absolute_url()).content.decode()
    assert 'data-testid="complete-form"' in page
    officer.post(reverse("dossiers:complete", args=[step2.pk]), {"outcome": "done", "note": "Đủ điều kiện"})
    [approval] = open_items(dossier)
    assert approval.kind == "approval"

    page = head.get(dossier.get_absolute_url()).content.decode()
    assert 'data-testid="result-number"' in page  # approving leads to the result
    head.post(
        reverse("dossiers:complete", args=[approval.pk]),
        {"outcome": "agreed", "note": "Đồng ý", "result_number": "15/GXN-UBND", "result_summary": "Cấp giấy"},
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY and dossier.result_number == "15/GXN-UBND"

    response = receiver.post(
        reverse("dossiers:return_result", args=[dossier.pk]),
        {"returned_to": "Nguyễn Văn An", "method": "counter"},
        follow=True,
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.returned_to == "Nguyễn Văn An"
    assert "Đã trả kết quả" in messages_of(response)
    rows = response.content.decode()
    assert rows.count('data-testid="hand-over"') == HandOver.objects.filter(dossier=dossier).count()


def test_not_agreed_needs_a_note_and_the_refusal_is_shown(receive_one, users):
    dossier = receive_one()
    services.complete_step(actor=users[roles.RECEIVER], item=open_items(dossier)[0])
    services.complete_step(actor=users[roles.OFFICER], item=open_items(dossier)[0])
    [approval] = open_items(dossier)
    head = client_for(users[roles.AGENCY_HEAD])
    response = head.post(
        reverse("dossiers:complete", args=[approval.pk]), {"outcome": "not_agreed", "note": ""}, follow=True
    )
    assert "Không đồng ý cần nêu lý do" in messages_of(response)
    assert open_items(dossier) == [approval]
    # an officer may not approve: the message says so, nothing changes
    response = client_for(users[roles.OFFICER]).post(
        reverse("dossiers:complete", args=[approval.pk]), {"outcome": "agreed"}, follow=True
    )
    assert response.status_code == 200 and "không được giao cho bạn" in messages_of(response)
    assert open_items(dossier) == [approval]


def test_return_forward_consult_and_answer(receive_one, users):
    dossier = receive_one()
    receiver, officer, head = users[roles.RECEIVER], users[roles.OFFICER], users[roles.AGENCY_HEAD]
    services.complete_step(actor=receiver, item=open_items(dossier)[0])
    [step2] = open_items(dossier)
    services.claim(actor=officer, item=step2)
    client = client_for(officer)
    client.post(
        reverse("dossiers:return_step", args=[step2.pk]), {"step_number": 1, "note": "Thiếu xác minh"}
    )
    [back] = open_items(dossier)
    assert back.step_number == 1 and back.assignee == receiver
    services.complete_step(actor=receiver, item=back)
    [step2] = open_items(dossier)
    client_for(head).post(
        reverse("dossiers:forward", args=[step2.pk]), {"to_user": officer.pk, "note": "Giao"}
    )
    step2.refresh_from_db()
    assert step2.assignee == officer
    client.post(
        reverse("dossiers:consult", args=[step2.pk]),
        {"body": "Công an phường", "hours": "4", "note": "Xác minh"},
    )
    [child] = [i for i in open_items(dossier) if i.parent_id]
    assert child.consulted_body == "Công an phường"
    client.post(reverse("dossiers:answer", args=[child.pk]), {"note": "Đã xác minh"})
    child.refresh_from_db()
    assert child.status == "done" and child.note == "Đã xác minh"


# --- dossier-level actions --------------------------------------------------------------------------


def test_request_supplement_then_supplement_received(now_dossier, users):
    dossier = now_dossier
    receiver = client_for(users[roles.RECEIVER])
    response = receiver.post(
        reverse("dossiers:request_supplement", args=[dossier.pk]),
        {"missing_note": "Bản sao CCCD"},
        follow=True,
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED and dossier.missing_note == "Bản sao CCCD"
    assert "Đã yêu cầu bổ sung" in messages_of(response)
    assert 'data-testid="supplement-received"' in response.content.decode()
    receiver.post(reverse("dossiers:supplement_received", args=[dossier.pk]), {"note": "Đã nộp"})
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and open_items(dossier)


def test_supplement_after_the_window_is_refused_with_its_reason(receive_one, users):
    dossier = receive_one()  # received on 2 March 2026: the 3 working days are long gone
    response = client_for(users[roles.RECEIVER]).post(
        reverse("dossiers:request_supplement", args=[dossier.pk]), {"missing_note": "CCCD"}, follow=True
    )
    assert "03 ngày làm việc" in messages_of(response)
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


def test_extension_shows_and_sets_the_new_appointment(now_dossier, users):
    dossier = now_dossier
    expected = services.extension_due(dossier, 2)
    head = client_for(users[roles.AGENCY_HEAD])
    preview = head.get(reverse("dossiers:extend_preview", args=[dossier.pk]), {"extra_working_days": 2})
    assert timezone.localtime(expected).strftime("%d/%m/%Y %H:%M") in preview.content.decode()
    head.post(
        reverse("dossiers:extend", args=[dossier.pk]), {"extra_working_days": 2, "reason": "Chờ xác minh"}
    )
    dossier.refresh_from_db()
    assert dossier.extended_at and dossier.clock.due_at == expected
    page = head.get(dossier.get_absolute_url()).content.decode()
    assert 'data-testid="original-appointment"' in page and "/mau/04.pdf" in page
    assert 'data-testid="open-extend"' not in page  # only once
    response = head.post(
        reverse("dossiers:extend", args=[dossier.pk]),
        {"extra_working_days": 1, "reason": "Lần nữa"},
        follow=True,
    )
    assert messages_of(response)  # the service's refusal is shown
    dossier.refresh_from_db()
    assert dossier.clock.due_at == expected


def test_refuse_stop_and_withdraw_need_a_reason(now_dossier, receive_one, users):
    head = client_for(users[roles.AGENCY_HEAD])
    response = head.post(reverse("dossiers:refuse", args=[now_dossier.pk]), {"reason": ""}, follow=True)
    assert "Lý do" in messages_of(response)
    head.post(reverse("dossiers:refuse", args=[now_dossier.pk]), {"reason": "Không đủ điều kiện"})
    now_dossier.refresh_from_db()
    assert now_dossier.status == Status.REFUSED
    other = receive_one(at=None)
    client_for(users[roles.RECEIVER]).post(
        reverse("dossiers:withdraw", args=[other.pk]), {"reason": "Xin rút"}
    )
    other.refresh_from_db()
    assert other.status == Status.WITHDRAWN


# --- list, inbox, moved ---------------------------------------------------------------------------


def test_list_searches_without_diacritics_and_filters(receive_one, users):
    first = receive_one(applicant=services.Applicant(name="Phạm Thị Hương", phone="0911000111"))
    second = receive_one(applicant=services.Applicant(name="Trần Quốc Tuấn", phone="0922000222"))
    client = client_for(users[roles.RECEIVER])
    page = client.get(reverse("dossiers:list"), {"q": "pham thi huong"}).content.decode()
    assert first.code in page and second.code not in page
    page = client.get(reverse("dossiers:list"), {"q": "0922000222"}).content.decode()
    assert second.code in page and first.code not in page
    services.withdraw(actor=users[roles.RECEIVER], dossier=second, reason="Xin rút")
    page = client.get(reverse("dossiers:list"), {"status": "withdrawn"}).content.decode()
    assert second.code in page and first.code not in page
    page = client.get(reverse("dossiers:list"), {"risk": "overdue"}).content.decode()
    assert first.code not in page  # the scan has not marked it yet


def test_list_and_inbox_queries_do_not_grow_with_rows(receive_one, users, django_assert_max_num_queries):
    receiver = users[roles.RECEIVER]
    client = client_for(receiver)
    receive_one()
    client.get(reverse("dossiers:list"))  # warm the per-process caches
    with django_assert_max_num_queries(14) as few:
        assert client.get(reverse("dossiers:list")).status_code == 200
    with django_assert_max_num_queries(14) as few_inbox:
        assert client.get(reverse("dossiers:inbox")).status_code == 200
    for _ in range(6):
        receive_one()
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("dossiers:list"))
    assert page.content.decode().count('data-testid="dossier-row"') == 7
    with django_assert_max_num_queries(len(few_inbox.captured_queries)):
        page = client.get(reverse("dossiers:inbox"))
    assert page.content.decode().count('data-testid="inbox-row"') == 7


def test_inbox_colours_overdue_items(receive_one, users):
    dossier = receive_one()  # step 1 was due on 2 March 2026
    page = client_for(users[roles.RECEIVER]).get(reverse("dossiers:inbox")).content.decode()
    assert dossier.code in page and 'data-risk="overdue"' in page
    assert (
        dossier.code not in client_for(users[roles.OFFICER]).get(reverse("dossiers:inbox")).content.decode()
    )


def test_moved_appointments_list_the_applicants_to_call(now_dossier, users, world):
    from eiso.calendars.models import CalendarChange

    CalendarChange.objects.create(
        summary="Nghỉ bù ngày 24/11",
        agency=world.commune_a,
        status="done",
        moved_count=1,
        moved_ids=[now_dossier.clock_id],
    )
    page = client_for(users[roles.RECEIVER]).get(reverse("dossiers:moved")).content.decode()
    assert "Nghỉ bù ngày 24/11" in page and now_dossier.code in page and "0912345678" in page
    page = client_for(world.outsider).get(reverse("dossiers:moved")).content.decode()
    assert now_dossier.code not in page


def test_working_time_reads_in_hours_and_minutes():
    assert working_time(9000) == "2 giờ 30 phút"
    assert working_time(3600) == "1 giờ"
    assert working_time(0) == "0 phút"
    assert working_time(None) == ""
    assert working_time(datetime.timedelta(minutes=45).total_seconds()) == "45 phút"
