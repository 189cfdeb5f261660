"""The dossier API (/api/v1/dossiers/, /api/v1/work-items/): reception with Idempotency-Key, the whole
lifecycle through work items, every dossier-level action, filters, and the error codes (400 refused
transition, 403 not allowed, 404 outside the scope, 409 conflict)."""

import datetime

import pytest
from django.utils import timezone

from eiso.accounts import roles
from eiso.core.models import AuditEvent
from eiso.dossiers import services
from eiso.dossiers.models import Dossier, HandOver, WorkItem

from .conftest import HOUSEHOLD

pytestmark = pytest.mark.django_db

URL = "/api/v1/dossiers/"


@pytest.fixture
def body(world, catalogue, process):
    return {
        "agency": world.commune_a.pk,
        "procedure": catalogue[HOUSEHOLD].pk,
        "channel": "direct",
        "applicant": {"name": "Lê Thị Hoa", "phone": "0987 654 321", "address": "Thôn 2, xã Văn Giang"},
        "components": [{"name": "Tờ khai", "original": True}, {"name": "CCCD (bản sao)"}],
    }


@pytest.fixture
def as_role(api, users):
    return lambda role: api(users[role])


def _receive(client, body, **headers):
    return client.post(URL, body, format="json", **headers)


def _open_items(dossier_id):
    return list(WorkItem.objects.filter(dossier_id=dossier_id, status="open").order_by("step_number"))


def test_reception_answers_the_dossier_with_appointment_and_first_step(as_role, body, users):
    response = _receive(as_role(roles.RECEIVER), body)
    assert response.status_code == 201, response.json()
    data = response.json()
    dossier = Dossier.objects.get(pk=data["id"])
    assert data["code"] == dossier.code and data["status"] == "processing"
    assert data["status_label"] == "Đang xử lý"
    assert data["appointment_at"] and data["book_number"] == 1 and len(data["lookup_secret"]) == 6
    assert [c["name"] for c in data["components"]] == ["Tờ khai", "CCCD (bản sao)"]
    [item] = data["open_work_items"]
    assert item["step_number"] == 1 and item["assignee"] == users[roles.RECEIVER].pk
    assert [h["action"] for h in data["hand_overs"]] == ["receive"]
    assert "finish_processing" in data["allowed_actions"]


def test_reception_by_procedure_code_and_counter_outcomes(as_role, body):
    client = as_role(roles.RECEIVER)
    by_code = {**body, "procedure_code": HOUSEHOLD}
    del by_code["procedure"]
    assert _receive(client, by_code).status_code == 201
    missing = {
        **body,
        "outcome": "supplement",
        "components": [{"name": "Tờ khai"}, {"name": "Giấy xác nhận cư trú", "received": False}],
    }
    response = _receive(client, missing)
    assert response.status_code == 201 and response.json()["status"] == "counter_supplement"
    assert "Giấy xác nhận cư trú" in response.json()["missing_note"]
    completed = client.post(f"{URL}{response.json()['id']}/receive-completed/", {}, format="json")
    assert completed.status_code == 200 and completed.json()["status"] == "processing"
    refused = _receive(client, {**body, "outcome": "refused"})
    assert refused.status_code == 400 and refused.json()["fields"] == {
        "refusal_reason": [refused.json()["detail"]]
    }
    refused = _receive(client, {**body, "outcome": "refused", "refusal_reason": "Không thuộc thẩm quyền"})
    assert refused.json()["status"] == "counter_refused"
    unknown = _receive(client, {**by_code, "procedure_code": "9.999999"})
    assert unknown.status_code == 400 and "procedure_code" in unknown.json()["fields"]


def test_idempotency_key_replays_and_refuses_another_body(as_role, body):
    client = as_role(roles.RECEIVER)
    first = _receive(client, body, HTTP_IDEMPOTENCY_KEY="c0ffee-1")
    again = _receive(client, body, HTTP_IDEMPOTENCY_KEY="c0ffee-1")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again["Idempotent-Replayed"] == "true"
    other = _receive(client, {**body, "channel": "online"}, HTTP_IDEMPOTENCY_KEY="c0ffee-1")
    assert other.status_code == 409
    assert other.json() == {
        "detail": "Idempotency-Key này đã được dùng cho một yêu cầu khác.",
        "code": "idempotency_mismatch",
    }
    assert Dossier.objects.count() == 1
    assert _receive(client, body, HTTP_IDEMPOTENCY_KEY="c0ffee-2").status_code == 201
    assert Dossier.objects.count() == 2
    # The key belongs to the caller: another receiver's same key is a new reception of their own.
    assert _receive(as_role(roles.AGENCY_HEAD), body, HTTP_IDEMPOTENCY_KEY="c0ffee-1").status_code == 201
    blank = _receive(client, body, HTTP_IDEMPOTENCY_KEY="  ")
    assert blank.status_code == 400 and Dossier.objects.count() == 3


def test_whole_lifecycle_through_the_work_item_endpoints(as_role, body, users):
    receiver, officer, head = as_role(roles.RECEIVER), as_role(roles.OFFICER), as_role(roles.AGENCY_HEAD)
    dossier_id = _receive(receiver, body).json()["id"]
    mine = receiver.get("/api/v1/work-items/", {"mine": 1}).json()["results"]
    assert [(r["dossier"], r["step_number"]) for r in mine] == [(dossier_id, 1)]
    step1 = mine[0]["id"]
    response = receiver.post(f"/api/v1/work-items/{step1}/complete/", {"note": "Đủ hồ sơ"}, format="json")
    assert response.status_code == 200, response.json()
    [step2] = response.json()
    assert step2["step_number"] == 2 and step2["assignee"] is None
    # Waiting in the pool: the officer sees it in the inbox and claims it.
    assert [r["id"] for r in officer.get("/api/v1/work-items/", {"mine": 1}).json()["results"]] == [
        step2["id"]
    ]
    claimed = officer.post(f"/api/v1/work-items/{step2['id']}/claim/", {}, format="json")
    assert claimed.json()["assignee"] == users[roles.OFFICER].pk
    [step3] = officer.post(f"/api/v1/work-items/{step2['id']}/complete/", {}, format="json").json()
    # The officer cannot approve; the head must choose agreed / not agreed.
    assert (
        officer.post(f"/api/v1/work-items/{step3['id']}/complete/", {"outcome": "agreed"}).status_code == 403
    )
    no_choice = head.post(f"/api/v1/work-items/{step3['id']}/complete/", {}, format="json")
    assert no_choice.status_code == 400 and "Đồng ý hoặc Không đồng ý" in no_choice.json()["detail"]
    approved = head.post(
        f"/api/v1/work-items/{step3['id']}/complete/",
        {"outcome": "agreed", "result_number": "21/GXN-UBND"},
        format="json",
    )
    [step4] = approved.json()
    detail = receiver.get(f"{URL}{dossier_id}/").json()
    assert detail["status"] == "result_ready" and detail["result_number"] == "21/GXN-UBND"
    assert detail["timeliness"] in ("early", "on_time")
    returned = receiver.post(
        f"/api/v1/work-items/{step4['id']}/complete/",
        {"returned_to": "Lê Thị Hoa", "return_method": "counter"},
        format="json",
    )
    assert returned.status_code == 200 and returned.json() == []
    detail = receiver.get(f"{URL}{dossier_id}/").json()
    assert detail["status"] == "returned" and detail["returned_to"] == "Lê Thị Hoa"
    assert detail["open_work_items"] == []
    actions = [h["action"] for h in detail["hand_overs"]]
    assert actions == ["receive", "complete", "complete", "complete", "finish", "return_result"]
    # A finished dossier refuses every further transition with the machine's reason.
    refused = receiver.post(f"{URL}{dossier_id}/withdraw/", {"reason": "x"}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "transition_refused"
    assert "Hồ sơ đã kết thúc" in refused.json()["detail"]


def test_second_completion_is_a_conflict_and_writes_nothing(as_role, body):
    receiver = as_role(roles.RECEIVER)
    dossier_id = _receive(receiver, body).json()["id"]
    [item] = _open_items(dossier_id)
    assert receiver.post(f"/api/v1/work-items/{item.pk}/complete/", {}, format="json").status_code == 200
    before = (HandOver.objects.count(), AuditEvent.objects.count())
    again = receiver.post(f"/api/v1/work-items/{item.pk}/complete/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    assert "đã được xử lý" in again.json()["detail"]
    assert (HandOver.objects.count(), AuditEvent.objects.count()) == before


def test_return_forward_consult_and_answer(as_role, body, users):
    receiver, officer, head = as_role(roles.RECEIVER), as_role(roles.OFFICER), as_role(roles.AGENCY_HEAD)
    dossier_id = _receive(receiver, body).json()["id"]
    [step1] = _open_items(dossier_id)
    [step2] = receiver.post(f"/api/v1/work-items/{step1.pk}/complete/", {}, format="json").json()
    forwarded = head.post(
        f"/api/v1/work-items/{step2['id']}/forward/", {"to_user": users[roles.OFFICER].pk}, format="json"
    )
    assert forwarded.status_code == 200 and forwarded.json()["assignee"] == users[roles.OFFICER].pk
    consulted = officer.post(
        f"/api/v1/work-items/{step2['id']}/consult/", {"body": "Công an xã", "hours": 4}, format="json"
    )
    assert consulted.status_code == 201 and consulted.json()["parent"] == step2["id"]
    blocked = officer.post(f"/api/v1/work-items/{step2['id']}/complete/", {}, format="json")
    assert blocked.status_code == 400 and blocked.json()["code"] == "open_consultations"
    answered = officer.post(
        f"/api/v1/work-items/{consulted.json()['id']}/answer/", {"note": "Đúng nơi cư trú"}, format="json"
    )
    assert answered.status_code == 200 and answered.json()["status"] == "done"
    wrong = officer.post(f"/api/v1/work-items/{step2['id']}/return-to-step/", {"step_number": 3, "note": "x"})
    assert wrong.status_code == 400 and wrong.json()["fields"]["step_number"]
    back = officer.post(
        f"/api/v1/work-items/{step2['id']}/return-to-step/", {"step_number": 1, "note": "Sai tờ khai"}
    )
    assert back.status_code == 200 and back.json()["step_number"] == 1
    assert back.json()["assignee"] == users[roles.RECEIVER].pk


def test_supplement_extension_refusal_stop_withdraw_and_finish(as_role, body):
    receiver, head = as_role(roles.RECEIVER), as_role(roles.AGENCY_HEAD)

    def new():
        return _receive(receiver, body).json()["id"]

    first = new()
    asked = head.post(f"{URL}{first}/request-supplement/", {"missing_note": "Giấy xác nhận cư trú"})
    assert asked.status_code == 200 and asked.json()["status"] == "supplement_requested"
    assert asked.json()["open_work_items"] == [] and asked.json()["supplement_count"] == 1
    resumed = receiver.post(f"{URL}{first}/supplement-received/", {"note": "Đã nộp đủ"})
    assert resumed.status_code == 200 and resumed.json()["status"] == "processing"
    assert receiver.post(f"{URL}{first}/supplement-received/", {}).status_code == 400

    second = new()
    no_reason = head.post(f"{URL}{second}/extend/", {"extra_working_days": 2}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["fields"]
    extended = head.post(f"{URL}{second}/extend/", {"extra_working_days": 2, "reason": "Chờ xác minh"})
    assert extended.status_code == 200 and extended.json()["extended_at"]
    assert extended.json()["appointment_at"] > extended.json()["original_appointment_at"]
    twice = head.post(f"{URL}{second}/extend/", {"extra_working_days": 1, "reason": "Lần hai"})
    assert twice.status_code == 400 and "một lần" in twice.json()["detail"]

    third = new()
    officer = as_role(roles.OFFICER)  # holds no open item of this dossier: not the one deciding
    assert officer.post(f"{URL}{third}/refuse/", {"reason": "x"}).status_code == 403
    refused = head.post(f"{URL}{third}/refuse/", {"reason": "Không đủ điều kiện"})
    assert refused.json()["status"] == "refused" and refused.json()["refusal_reason"] == "Không đủ điều kiện"

    assert receiver.post(f"{URL}{new()}/stop/", {"reason": "Người nộp đề nghị"}).json()["status"] == "stopped"
    assert receiver.post(f"{URL}{new()}/withdraw/", {"reason": "Rút"}).json()["status"] == "withdrawn"

    fifth = new()
    assert receiver.post(f"{URL}{fifth}/finish/", {"result_number": "1"}).status_code == 403
    finished = head.post(f"{URL}{fifth}/finish/", {"result_number": "9/QĐ", "result_summary": "Cấp"})
    assert finished.json()["status"] == "result_ready"
    early = receiver.post(f"{URL}{fifth}/return-result/", {"returned_to": "", "method": "counter"})
    assert early.status_code == 400
    done = receiver.post(f"{URL}{fifth}/return-result/", {"returned_to": "Lê Thị Hoa", "method": "postal"})
    assert done.json()["status"] == "returned" and done.json()["return_method"] == "postal"


def test_list_filters_and_search(as_role, body, receive_one, users):
    client = as_role(roles.RECEIVER)
    online = _receive(client, {**body, "channel": "online"}).json()["id"]
    direct = _receive(client, {**body, "applicant": {"name": "Phạm Đức Long", "phone": "0911000111"}}).json()[
        "id"
    ]
    march = receive_one()  # received Monday 2 March 2026
    services.stop(actor=users[roles.RECEIVER], dossier=march, reason="Rút", at=march.received_at)

    def ids(**params):
        response = client.get(URL, params)
        assert response.status_code == 200, response.json()
        return {r["id"] for r in response.json()["results"]}

    assert ids() == {online, direct, march.pk}
    assert ids(channel="online") == {online}
    assert ids(status="stopped") == {march.pk}
    assert ids(status=["stopped", "processing"]) == {online, direct, march.pk}
    assert ids(q="pham duc") == {direct}  # without diacritics
    assert ids(q="0911000111") == {direct}
    assert ids(q=march.code) == {march.pk}
    assert ids(received_from="2026-03-01", received_to="2026-03-31") == {march.pk}
    today = timezone.localdate().isoformat()
    assert ids(received_from=today) == {online, direct}
    assert ids(procedure=march.procedure_id) == {online, direct, march.pk}
    assert ids(risk="overdue") == set()
    assert ids(timeliness="late") == set()
    assert client.get(URL, {"status": "nonsense"}).status_code == 400


def test_work_item_list_scopes_and_mine(as_role, body, world, api):
    receiver = as_role(roles.RECEIVER)
    _receive(receiver, body)
    assert len(receiver.get("/api/v1/work-items/").json()["results"]) == 1
    assert as_role(roles.OFFICER).get("/api/v1/work-items/", {"mine": 1}).json()["results"] == []
    assert len(as_role(roles.INSPECTOR).get("/api/v1/work-items/").json()["results"]) == 1
    assert api(world.outsider).get("/api/v1/work-items/").json()["results"] == []


def test_read_only_and_outside_roles(as_role, body, world, api):
    dossier_id = _receive(as_role(roles.RECEIVER), body).json()["id"]
    [item] = _open_items(dossier_id)
    inspector = as_role(roles.INSPECTOR)
    assert inspector.get(f"{URL}{dossier_id}/").status_code == 200
    assert _receive(inspector, body).status_code == 403
    assert inspector.post(f"{URL}{dossier_id}/stop/", {"reason": "x"}).status_code == 403
    assert inspector.post(f"/api/v1/work-items/{item.pk}/complete/", {}).status_code == 403
    outsider = api(world.outsider)
    assert outsider.get(f"{URL}{dossier_id}/").status_code == 404
    assert outsider.post(f"{URL}{dossier_id}/stop/", {"reason": "x"}).status_code == 404
    assert outsider.post(f"/api/v1/work-items/{item.pk}/claim/", {}).status_code == 404
    assert _receive(outsider, body).status_code == 404  # the agency is outside their scope
    assert api(None).get(URL).status_code == 401
    assert Dossier.objects.get(pk=dossier_id).status == "processing"


def test_moments_cannot_be_set_through_the_api(as_role, body):
    """`at` is not an input: a client cannot back-date a reception or a step."""
    response = _receive(as_role(roles.RECEIVER), {**body, "at": "2020-01-01T08:00:00+07:00"})
    assert response.status_code == 201
    received = datetime.datetime.fromisoformat(response.json()["received_at"])
    assert abs(received - timezone.now()) < datetime.timedelta(minutes=5)
