"""/api/v1/users/, /api/v1/memberships/, /api/v1/roles/."""

import datetime

import pytest

from eiso.accounts import roles
from eiso.accounts.models import Membership, User
from eiso.api.tests.world import PASSWORD, row_counts
from eiso.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def results(response) -> list[dict]:
    assert response.status_code == 200, response.json()
    return response.json()["results"]


# --- users ----------------------------------------------------------------------------------------


def test_users_list_is_scoped_and_shows_visible_memberships(world, api):
    rows = results(api(world.users[roles.OFFICER]).get("/api/v1/users/"))
    usernames = {row["username"] for row in rows}
    # Everyone with a role in the commune or its office; not the province's S&T staff, not Hải Phòng.
    assert usernames == {
        "agency.head",
        "iso.secretary",
        "unit.head",
        "officer",
        "receiver",
        "internal.auditor",
        "viewer",
    }
    officer = next(row for row in rows if row["username"] == "officer")
    assert [(m["agency"], m["role"]) for m in officer["memberships"]] == [(world.commune_a.pk, "officer")]
    assert officer["memberships"][0]["is_active"] is True


def test_user_memberships_elsewhere_are_hidden(world, api, member):
    officer = world.users[roles.OFFICER]
    member(world.commune_b, roles.VIEWER, user=officer)
    as_head = api(world.users[roles.AGENCY_HEAD]).get(f"/api/v1/users/{officer.pk}/").json()
    assert [m["agency"] for m in as_head["memberships"]] == [world.commune_a.pk]
    as_self = api(officer).get("/api/v1/users/me/").json()
    assert {m["agency"] for m in as_self["memberships"]} == {world.commune_a.pk, world.commune_b.pk}


def test_users_search_and_filters(world, api):
    client = api(world.users[roles.ADMIN])
    assert [
        row["username"] for row in results(client.get("/api/v1/users/", {"search": "tran van ngoai"}))
    ] == ["canbo.hongbang"]
    assert [row["username"] for row in results(client.get("/api/v1/users/", {"role": "inspector"}))] == [
        "inspector"
    ]
    in_commune_b = results(client.get("/api/v1/users/", {"agency": world.commune_b.pk}))
    assert [row["username"] for row in in_commune_b] == ["canbo.hongbang"]
    assert results(client.get("/api/v1/users/", {"is_active": "false"})) == []


def test_me(world, api):
    body = api(world.users[roles.ISO_SECRETARY]).get("/api/v1/users/me/").json()
    assert body["username"] == "iso.secretary" and body["is_admin"] is False
    assert [m["role"] for m in body["memberships"]] == ["iso_secretary"]
    assert api(world.users[roles.ADMIN]).get("/api/v1/users/me/").json()["is_admin"] is True


def test_create_user_with_first_role(world, api):
    client = api(world.users[roles.ISO_SECRETARY])
    response = client.post(
        "/api/v1/users/",
        {
            "username": "canbo.moi",
            "full_name": "Lê Thị Mới",
            "email": "moi@hungyen.gov.vn",
            "password": PASSWORD,
            "agency": world.commune_a.pk,
            "role": "officer",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["username"] == "canbo.moi" and "password" not in body
    assert [(m["agency"], m["role"]) for m in body["memberships"]] == [(world.commune_a.pk, "officer")]
    user = User.objects.get(username="canbo.moi")
    assert user.check_password(PASSWORD)
    verbs = AuditEvent.objects.filter(actor=world.users[roles.ISO_SECRETARY]).values_list("verb", flat=True)
    assert set(verbs) == {"user.create", "membership.grant"}


def test_create_user_errors(world, api):
    client = api(world.users[roles.ISO_SECRETARY], "vi")
    before = row_counts()
    response = client.post(
        "/api/v1/users/", {"username": "a", "full_name": "A", "agency": world.commune_a.pk}, format="json"
    )
    assert response.status_code == 400 and "role" in response.json()["fields"]
    response = client.post(
        "/api/v1/users/",
        {
            "username": "b",
            "full_name": "B",
            "password": "123",
            "agency": world.commune_a.pk,
            "role": "officer",
        },
        format="json",
    )
    assert response.status_code == 400 and "password" in response.json()["fields"]
    response = client.post(
        "/api/v1/users/",
        {"username": "OFFICER", "full_name": "Trùng", "agency": world.commune_a.pk, "role": "officer"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Tên đăng nhập “OFFICER” đã tồn tại."
    assert response.json()["fields"] == {"username": [response.json()["detail"]]}
    # A member manager cannot hand out restricted roles.
    response = client.post(
        "/api/v1/users/",
        {"username": "c", "full_name": "C", "agency": world.commune_a.pk, "role": "admin"},
        format="json",
    )
    assert response.status_code == 403
    assert row_counts() == before


def test_update_user(world, api):
    officer = world.users[roles.OFFICER]
    response = api(world.users[roles.AGENCY_HEAD]).patch(
        f"/api/v1/users/{officer.pk}/",
        {"position": "Công chức Văn hoá - Xã hội", "is_active": False},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (
        response.json()["position"] == "Công chức Văn hoá - Xã hội" and response.json()["is_active"] is False
    )
    event = AuditEvent.objects.filter(verb="user.update").get()
    assert event.before["is_active"] is True and event.after["is_active"] is False


def test_user_edits_own_profile_but_not_own_status(world, api):
    viewer = world.users[roles.VIEWER]
    client = api(viewer, "vi")
    assert (
        client.patch(f"/api/v1/users/{viewer.pk}/", {"phone": "0912 345 678"}, format="json").status_code
        == 200
    )
    response = client.patch(f"/api/v1/users/{viewer.pk}/", {"is_active": False}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Bạn không có quyền thực hiện thao tác này.", "code": "forbidden"}


# --- memberships ----------------------------------------------------------------------------------


def test_memberships_list_and_filters(world, api):
    client = api(world.users[roles.ADMIN])
    everyone = results(client.get("/api/v1/memberships/", {"page_size": 100}))
    assert len(everyone) == Membership.objects.count()
    in_commune = results(client.get("/api/v1/memberships/", {"agency": world.commune_a.pk}))
    assert {row["role"] for row in in_commune} == {
        "agency_head",
        "iso_secretary",
        "officer",
        "receiver",
        "internal_auditor",
        "viewer",
    }
    viewers = results(client.get("/api/v1/memberships/", {"role": "viewer"}))
    assert [row["username"] for row in viewers] == ["viewer"]
    mine = results(client.get("/api/v1/memberships/", {"user": world.outsider.pk}))
    assert [row["agency_name"] for row in mine] == ["Phường Hồng Bàng"]
    assert results(client.get("/api/v1/memberships/", {"active": "false"})) == []
    detail = client.get(f"/api/v1/memberships/{world.outsider_membership.pk}/").json()
    assert detail["role_name"] == "Công chức, viên chức" and detail["user_full_name"] == "Trần Văn Ngoài"


def test_memberships_scope_includes_own_elsewhere(world, api, member):
    officer = world.users[roles.OFFICER]
    # A past membership: it gives no scope today, but the officer still sees it as their own.
    member(
        world.commune_b,
        roles.VIEWER,
        user=officer,
        valid_from=datetime.date(2025, 7, 1),
        valid_to=datetime.date(2025, 12, 31),
    )
    rows = results(api(officer).get("/api/v1/memberships/", {"page_size": 100}))
    agencies = {row["agency"] for row in rows}
    assert world.commune_b.pk in agencies  # the officer's own membership there
    assert world.outsider_membership.pk not in {row["id"] for row in rows}


def test_grant_and_end_membership(world, api):
    client = api(world.users[roles.AGENCY_HEAD])
    receiver = world.users[roles.RECEIVER]
    response = client.post(
        "/api/v1/memberships/",
        {
            "user": receiver.pk,
            "agency": world.commune_office.pk,
            "role": "unit_head",
            "include_descendants": False,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["role"] == "unit_head" and body["include_descendants"] is False
    assert body["valid_from"] == datetime.date.today().isoformat() and body["valid_to"] is None

    response = client.post(f"/api/v1/memberships/{body['id']}/end/", {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["valid_to"] == datetime.date.today().isoformat()
    response = client.post(f"/api/v1/memberships/{body['id']}/end/", {}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "ended"
    verbs = AuditEvent.objects.filter(object_type="accounts.membership", object_id=str(body["id"]))
    assert sorted(verbs.values_list("verb", flat=True)) == ["membership.end", "membership.grant"]


def test_end_membership_before_it_starts_withdraws_it(world, api):
    client = api(world.users[roles.ISO_SECRETARY])
    response = client.post(
        "/api/v1/memberships/",
        {
            "user": world.users[roles.VIEWER].pk,
            "agency": world.commune_a.pk,
            "role": "officer",
            "valid_from": "2099-01-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    membership_id = response.json()["id"]
    response = client.post(f"/api/v1/memberships/{membership_id}/end/", {}, format="json")
    assert response.status_code == 204 and not response.content
    assert not Membership.objects.filter(pk=membership_id).exists()
    assert AuditEvent.objects.filter(verb="membership.end", object_id=str(membership_id)).exists()


def test_grant_membership_refused(world, api):
    before = row_counts()
    response = api(world.users[roles.OFFICER]).post(
        "/api/v1/memberships/",
        {"user": world.users[roles.VIEWER].pk, "agency": world.commune_a.pk, "role": "officer"},
        format="json",
    )
    assert response.status_code == 403
    response = api(world.users[roles.AGENCY_HEAD]).post(
        "/api/v1/memberships/",
        {"user": world.users[roles.VIEWER].pk, "agency": world.commune_a.pk, "role": "inspector"},
        format="json",
    )
    assert response.status_code == 403
    assert row_counts() == before


# --- roles ----------------------------------------------------------------------------------------


def test_roles_in_request_language(world, api):
    vi = api(world.users[roles.VIEWER], "vi").get("/api/v1/roles/").json()
    en = api(world.users[roles.VIEWER], "en").get("/api/v1/roles/").json()
    assert [r["code"] for r in vi] == [r["code"] for r in en] and len(vi) == 10
    assert vi[0] == {"code": "admin", "name": "Quản trị hệ thống", "read_only": False}
    assert en[0] == {"code": "admin", "name": "System administrator", "read_only": False}
    assert api(world.users[roles.VIEWER], "en-US").get("/api/v1/roles/viewer/").json()["name"] == "Viewer"
