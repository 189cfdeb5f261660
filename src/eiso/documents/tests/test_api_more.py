"""API: change requests, distribution and read status, edit lock, withdraw, "my documents".

Each write goes through a service: allowed writes leave an audit event, refused ones (400/403/404/409)
leave nothing.
"""

import pytest

from eiso.accounts import roles
from eiso.core.models import AuditEvent
from eiso.documents import services
from eiso.documents.models import ChangeRequest, Distribution, VersionStatus
from eiso.documents.tests.conftest import issued

pytestmark = pytest.mark.django_db


def _events(verb: str) -> int:
    return AuditEvent.objects.filter(verb=verb).count()


def test_change_requests(world, api):
    document = issued(world)
    officer, secretary = api(world.users[roles.OFFICER]), api(world.users[roles.ISO_SECRETARY])
    raised = officer.post(
        "/api/v1/document-change-requests/",
        {"document": document.pk, "text": "Bổ sung bước kiểm tra hồ sơ"},
        format="json",
    )
    assert raised.status_code == 201, raised.json()
    body = raised.json()
    assert (body["status"], body["raised_by"], body["document_code"]) == (
        "open",
        world.users[roles.OFFICER].username,
        document.code,
    )
    assert _events("document.change_request") == 1
    # An empty request and a read-only role are refused, leaving nothing.
    empty = officer.post("/api/v1/document-change-requests/", {"document": document.pk, "text": " "})
    assert empty.status_code == 400
    inspector = api(world.users[roles.INSPECTOR])
    refused = inspector.post(
        "/api/v1/document-change-requests/", {"document": document.pk, "text": "x"}, format="json"
    )
    assert refused.status_code == 403 and ChangeRequest.objects.count() == 1
    # The list filters by document and status; the inspector reads it (internal document).
    listed = inspector.get("/api/v1/document-change-requests/", {"document": document.pk, "status": "open"})
    assert [r["id"] for r in listed.json()["results"]] == [body["id"]]
    # Deciding: only the ISO secretary or the head; a rejection needs a reason.
    url = f"/api/v1/document-change-requests/{body['id']}/"
    assert officer.post(url + "accept/", {}, format="json").status_code == 403
    no_reason = secretary.post(url + "reject/", {"note": ""}, format="json")
    assert no_reason.status_code == 400
    assert no_reason.json()["fields"] == {"note": ["Cần nêu lý do không chấp nhận."]}
    rejected = secretary.post(url + "reject/", {"note": "Bước này đã có trong QT.HT-02"}, format="json")
    assert rejected.status_code == 200
    assert (rejected.json()["status"], rejected.json()["decided_by"]) == ("rejected", "iso.secretary")
    again = secretary.post(url + "accept/", {}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "decided"
    assert _events("document.change_decide") == 1
    # Another agency sees none of it.
    outsider = api(world.outsider)
    assert outsider.get(url).status_code == 404
    assert outsider.post(url + "accept/", {}, format="json").status_code == 404
    assert outsider.get("/api/v1/document-change-requests/").json()["count"] == 0


def test_accepting_a_change_request(world, api):
    document = issued(world)
    change = services.raise_change_request(actor=world.users[roles.OFFICER], document=document, text="Sửa")
    head = api(world.users[roles.AGENCY_HEAD])
    accepted = head.post(f"/api/v1/document-change-requests/{change.pk}/accept/", {}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"


def test_distribution_and_read_status(world, api):
    document = issued(world)
    secretary, officer = api(world.users[roles.ISO_SECRETARY]), api(world.users[roles.OFFICER])
    url = f"/api/v1/documents/{document.pk}/distribution/"
    assert secretary.get(url).json() == []
    # Nothing chosen, a unit outside the document's agency, or an invisible one: refused.
    assert secretary.post(url, {}, format="json").status_code == 400
    admin = api(world.users[roles.ADMIN])
    outside_agency = admin.post(url, {"units": [world.st_a.pk]}, format="json")
    assert outside_agency.status_code == 400 and outside_agency.json()["fields"] == {
        "units": ["Chỉ phân phối cho đơn vị thuộc cơ quan."]
    }
    invisible = secretary.post(url, {"units": [world.commune_b.pk]}, format="json")
    assert invisible.status_code == 404
    assert officer.post(url, {"users": [world.users[roles.RECEIVER].pk]}, format="json").status_code == 403
    assert not Distribution.objects.exists() and _events("document.distribute") == 0
    # Distribute to the commune's office and to the receiver by name.
    done = secretary.post(
        url,
        {"units": [world.commune_office.pk], "users": [world.users[roles.RECEIVER].pk]},
        format="json",
    )
    assert done.status_code == 200, done.json()
    assert {(r["unit"], r["username"]) for r in done.json()} == {
        (world.commune_office.pk, None),
        (None, world.users[roles.RECEIVER].username),
    }
    assert _events("document.distribute") == 1
    # Distributing again changes nothing and records nothing.
    assert len(secretary.post(url, {"units": [world.commune_office.pk]}, format="json").json()) == 2
    assert _events("document.distribute") == 1
    status = secretary.get(f"/api/v1/documents/{document.pk}/read-status/").json()
    unread = {r["username"] for r in status["unread"]}
    assert unread == {world.users[roles.RECEIVER].username, world.users[roles.UNIT_HEAD].username}
    api(world.users[roles.RECEIVER]).post(
        f"/api/v1/document-versions/{document.current_version_id}/acknowledge/"
    )
    status = secretary.get(f"/api/v1/documents/{document.pk}/read-status/").json()
    assert [r["username"] for r in status["read"]] == [world.users[roles.RECEIVER].username]
    assert [r["username"] for r in status["unread"]] == [world.users[roles.UNIT_HEAD].username]


def test_edit_lock(world, api):
    document = services.create_document(
        actor=world.users[roles.ISO_SECRETARY], agency=world.commune_a, kind="form", title="Biểu mẫu"
    )
    url = f"/api/v1/documents/{document.pk}/lock/"
    officer, secretary = api(world.users[roles.OFFICER]), api(world.users[roles.ISO_SECRETARY])
    assert api(world.users[roles.RECEIVER]).post(url).status_code == 403
    taken = officer.post(url)
    assert taken.status_code == 200 and taken.json()["locked_by"] == world.users[roles.OFFICER].pk
    busy = secretary.post(url)
    assert busy.status_code == 409 and world.users[roles.OFFICER].full_name in busy.json()["detail"]
    # Someone else releases only as ISO secretary or head.
    assert api(world.users[roles.INTERNAL_AUDITOR]).delete(url).status_code == 403
    released = officer.delete(url)
    assert released.status_code == 200 and released.json()["locked_by"] is None
    assert (_events("document.lock"), _events("document.unlock")) == (1, 1)
    assert api(world.outsider).post(url).status_code == 404


def test_withdraw(world, api):
    document = issued(world)
    url = f"/api/v1/documents/{document.pk}/withdraw/"
    assert api(world.users[roles.ISO_SECRETARY]).post(url, {"reason": "Hết căn cứ"}).status_code == 403
    head = api(world.users[roles.AGENCY_HEAD])
    assert head.post(url, {"reason": ""}, format="json").status_code == 400
    assert _events("document.withdraw") == 0
    withdrawn = head.post(url, {"reason": "Quy trình không còn áp dụng"}, format="json")
    assert withdrawn.status_code == 200
    document.current_version.refresh_from_db()
    assert document.current_version.status == VersionStatus.WITHDRAWN
    assert _events("document.withdraw") == 1
    again = head.post(url, {"reason": "Lần nữa"}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "status"


def test_my_documents(world, api):
    first = issued(world, title="Quy trình tiếp nhận hồ sơ")
    second = issued(world, title="Quy trình trả kết quả")
    issued(world, title="Không phân phối cho tôi")
    secretary = world.users[roles.ISO_SECRETARY]
    receiver = world.users[roles.RECEIVER]
    services.distribute(actor=secretary, document=first, users=[receiver])
    services.distribute(actor=secretary, document=second, units=[world.commune_a])
    client = api(receiver)
    mine = client.get("/api/v1/documents/mine/").json()
    assert {r["id"] for r in mine["results"]} == {first.pk, second.pk}
    client.post(f"/api/v1/document-versions/{first.current_version_id}/acknowledge/")
    assert [r["id"] for r in client.get("/api/v1/documents/mine/").json()["results"]] == [second.pk]
    assert api(world.outsider).get("/api/v1/documents/mine/").json()["count"] == 0


def test_new_endpoints_are_in_the_schema(world, api):
    schema = api(world.users[roles.OFFICER]).get("/api/v1/schema/").content.decode()
    for path in (
        "/api/v1/document-change-requests/",
        "/api/v1/document-change-requests/{id}/accept/",
        "/api/v1/document-change-requests/{id}/reject/",
        "/api/v1/documents/{id}/distribution/",
        "/api/v1/documents/{id}/lock/",
        "/api/v1/documents/{id}/withdraw/",
        "/api/v1/documents/mine/",
    ):
        assert f"{path}:" in schema, path
