"""/api/v1/audit-events/ and /api/v1/oversight-scopes/."""

import datetime
import re

import pytest
from django.utils import timezone

from eiso.accounts import roles
from eiso.api.tests.world import row_counts
from eiso.core.models import AuditEvent
from eiso.organizations.models import OversightScope

pytestmark = pytest.mark.django_db


def results(response) -> list[dict]:
    assert response.status_code == 200, response.json()
    return response.json()["results"]


# --- audit events ---------------------------------------------------------------------------------


def test_audit_events_newest_first_with_local_offset(world, api):
    rows = results(api(world.users[roles.ADMIN]).get("/api/v1/audit-events/", {"page_size": 500}))
    assert len(rows) == AuditEvent.objects.count()
    assert [row["id"] for row in rows] == sorted((row["id"] for row in rows), reverse=True)
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+07:00", row["occurred_at"]) for row in rows
    )
    first = rows[-1]
    assert first["verb"] == "agency.create" and first["object_repr"] == "Tỉnh Hưng Yên"
    assert first["after"]["admin_code"] == "33" and len(first["hash"]) == 64


def test_audit_events_are_scoped(world, api):
    officer = world.users[roles.OFFICER]
    rows = results(api(officer).get("/api/v1/audit-events/", {"page_size": 500}))
    visible = world.visible_agency_ids(roles.OFFICER)
    assert rows
    for row in rows:
        own = row["object_type"] == "accounts.user" and row["object_id"] == str(officer.pk)
        assert row["agency"] in visible or own


def test_audit_event_filters(world, api):
    client = api(world.users[roles.ADMIN])
    on_commune = results(
        client.get("/api/v1/audit-events/", {"agency": world.commune_a.pk, "page_size": 500})
    )
    assert {row["agency"] for row in on_commune} == {world.commune_a.pk}
    changes = results(client.get("/api/v1/audit-events/", {"verb": "agency.change"}))
    assert changes and all(row["verb"] == "agency.change" for row in changes)
    about = results(
        client.get(
            "/api/v1/audit-events/", {"object_type": "organizations.agency", "object_id": world.st_a.pk}
        )
    )
    assert [row["verb"] for row in about] == ["agency.create"]

    today = timezone.localdate()
    assert len(
        results(client.get("/api/v1/audit-events/", {"since": today.isoformat(), "page_size": 500}))
    ) == (AuditEvent.objects.count())
    assert (
        results(
            client.get("/api/v1/audit-events/", {"until": (today - datetime.timedelta(days=1)).isoformat()})
        )
        == []
    )
    assert len(
        results(client.get("/api/v1/audit-events/", {"until": today.isoformat(), "page_size": 500}))
    ) == (AuditEvent.objects.count())
    newest = AuditEvent.objects.order_by("-id").first()
    moment = timezone.localtime(newest.occurred_at).isoformat()
    since_newest = results(client.get("/api/v1/audit-events/", {"since": moment}))
    assert [row["id"] for row in since_newest] == [newest.pk]
    # An unencoded "+07:00" arrives as " 07:00" and still works.
    assert results(client.get(f"/api/v1/audit-events/?since={moment}"))[0]["id"] == newest.pk
    response = client.get("/api/v1/audit-events/", {"since": "hôm qua"})
    assert response.status_code == 400 and "since" in response.json()["fields"]


def test_audit_event_detail_and_read_only(world, api):
    event = AuditEvent.objects.filter(agency=world.commune_b).first()
    assert api(world.users[roles.ADMIN]).get(f"/api/v1/audit-events/{event.pk}/").json()["id"] == event.pk
    assert (
        api(world.users[roles.OVERSIGHT_OFFICER]).get(f"/api/v1/audit-events/{event.pk}/").status_code == 404
    )
    client = api(world.users[roles.ADMIN])
    assert client.post("/api/v1/audit-events/", {}, format="json").status_code == 405
    assert client.delete(f"/api/v1/audit-events/{event.pk}/").status_code == 405


# --- oversight scopes -----------------------------------------------------------------------------


def test_oversight_scopes_list_and_filters(world, api):
    admin = api(world.users[roles.ADMIN])
    assert {row["id"] for row in results(admin.get("/api/v1/oversight-scopes/"))} == {
        world.scope_a.pk,
        world.scope_b.pk,
    }
    rows = results(admin.get("/api/v1/oversight-scopes/", {"overseer": world.st_b.pk}))
    assert [(row["overseer_name"], row["root_name"]) for row in rows] == [
        ("Sở Khoa học và Công nghệ Hải Phòng", "Thành phố Hải Phòng")
    ]
    assert results(admin.get("/api/v1/oversight-scopes/", {"active_on": "2025-01-01"})) == []
    officer = api(world.users[roles.OVERSIGHT_OFFICER])
    assert [row["id"] for row in results(officer.get("/api/v1/oversight-scopes/"))] == [world.scope_a.pk]
    assert results(api(world.users[roles.OFFICER]).get("/api/v1/oversight-scopes/")) == []


def test_grant_and_end_oversight(world, api):
    admin = api(world.users[roles.ADMIN])
    response = admin.post(
        "/api/v1/oversight-scopes/",
        {
            "overseer": world.justice_a.pk,
            "root": world.commune_a.pk,
            "valid_from": "2026-01-01",
            "note": "Thử",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    scope_id = response.json()["id"]
    response = admin.post(
        f"/api/v1/oversight-scopes/{scope_id}/end/", {"last_day": "2026-12-31"}, format="json"
    )
    assert response.status_code == 200 and response.json()["valid_to"] == "2026-12-31"
    verbs = AuditEvent.objects.filter(object_type="organizations.oversightscope", object_id=str(scope_id))
    assert sorted(verbs.values_list("verb", flat=True)) == ["oversight.end", "oversight.grant"]
    duplicate = admin.post(
        "/api/v1/oversight-scopes/",
        {"overseer": world.st_a.pk, "root": world.province_a.pk, "valid_from": "2026-01-01"},
        format="json",
    )
    assert duplicate.status_code == 400 and duplicate.json()["code"] == "duplicate_scope"


def test_only_administrators_grant_oversight(world, api):
    before = row_counts()
    response = api(world.users[roles.OVERSIGHT_OFFICER]).post(
        "/api/v1/oversight-scopes/",
        {"overseer": world.st_a.pk, "root": world.justice_a.pk, "valid_from": "2026-01-01"},
        format="json",
    )
    assert response.status_code == 403
    assert row_counts() == before
    assert OversightScope.objects.count() == 2
