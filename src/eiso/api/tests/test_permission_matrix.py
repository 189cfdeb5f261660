"""Every role × every list, detail and write endpoint.

- Lists return nothing outside the role's scope (and the administrator sees everything).
- Details of objects outside the scope are 404, never 403: an id must not tell that something exists.
- Writes on or into objects outside the scope are refused with 404 and leave no row and no audit event.
- Writes inside the scope are decided by the rules: allowed, or 403 with nothing written.
"""

import pytest

from eiso.accounts import roles
from eiso.accounts.models import Membership, User
from eiso.api.tests.world import ALL_ROLES, World, row_counts
from eiso.core.models import AuditEvent
from eiso.organizations.models import Agency, OversightScope

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = [role for role in ALL_ROLES if role != roles.ADMIN]


def _all(client, url) -> list[dict]:
    response = client.get(url, {"page_size": 500})
    assert response.status_code == 200, response.json()
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert not (isinstance(body, dict) and body["next"]), "the page must hold every row for this check"
    return rows


def _in_scope(world: World, role: str, me: User):
    """Per list endpoint: the id set the role may see, written from the fixture's data."""
    agencies = world.visible_agency_ids(role)
    users = set(Membership.objects.filter(agency__in=agencies).values_list("user_id", flat=True)) | {me.pk}
    memberships = set(Membership.objects.filter(agency__in=agencies).values_list("pk", flat=True))
    memberships |= set(Membership.objects.filter(user=me).values_list("pk", flat=True))
    events = {
        event.pk
        for event in AuditEvent.objects.all()
        if event.agency_id in agencies
        or (event.object_type == "accounts.user" and event.object_id == str(me.pk))
    }
    scopes = set(OversightScope.objects.filter(overseer__in=agencies).values_list("pk", flat=True)) | set(
        OversightScope.objects.filter(root__in=agencies).values_list("pk", flat=True)
    )
    return {
        "/api/v1/agencies/": agencies,
        "/api/v1/users/": users,
        "/api/v1/memberships/": memberships,
        "/api/v1/audit-events/": events,
        "/api/v1/oversight-scopes/": scopes,
    }


def _outside_objects(world: World) -> dict[str, int]:
    """One object per detail endpoint that belongs to Hải Phòng only."""
    return {
        "/api/v1/agencies/": world.commune_b.pk,
        "/api/v1/users/": world.outsider.pk,
        "/api/v1/memberships/": world.outsider_membership.pk,
        "/api/v1/audit-events/": AuditEvent.objects.filter(agency=world.commune_b, verb="agency.create")
        .get()
        .pk,
        "/api/v1/oversight-scopes/": world.scope_b.pk,
    }


@pytest.mark.parametrize("role", ALL_ROLES)
def test_lists_return_nothing_outside_scope(world, api, role):
    me = world.users[role]
    client = api(me)
    expected = _in_scope(world, role, me)
    outside = _outside_objects(world)
    for url, allowed in expected.items():
        returned = {row["id"] for row in _all(client, url)}
        assert returned <= allowed, (url, returned - allowed)
        if role == roles.ADMIN:
            assert outside[url] in returned, url
        else:
            assert outside[url] not in returned, url
    # The lists are complete too, not merely small.
    assert {row["id"] for row in _all(client, "/api/v1/agencies/")} == expected["/api/v1/agencies/"]
    assert {row["id"] for row in _all(client, "/api/v1/users/")} == expected["/api/v1/users/"]
    assert len(_all(client, "/api/v1/roles/")) == len(ALL_ROLES)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_details_outside_scope_are_404(world, api, role):
    client = api(world.users[role])
    expected = 200 if role == roles.ADMIN else 404
    for url, pk in _outside_objects(world).items():
        assert client.get(f"{url}{pk}/").status_code == expected, url
    for suffix in ("subtree/", "history/"):
        assert client.get(f"/api/v1/agencies/{world.commune_b.pk}/{suffix}").status_code == expected, suffix
    assert client.get("/api/v1/agencies/tree/", {"root": world.province_b.pk}).status_code == expected
    # And inside the scope, details answer.
    me = world.users[role]
    home = world.home(role)
    own_membership = Membership.objects.filter(user=me).get()
    home_event = AuditEvent.objects.filter(agency=home, verb="agency.create").get()
    for url in (
        f"/api/v1/agencies/{home.pk}/",
        f"/api/v1/agencies/{home.pk}/subtree/",
        f"/api/v1/agencies/{home.pk}/history/",
        f"/api/v1/users/{me.pk}/",
        "/api/v1/users/me/",
        f"/api/v1/memberships/{own_membership.pk}/",
        f"/api/v1/audit-events/{home_event.pk}/",
        "/api/v1/roles/viewer/",
    ):
        assert client.get(url).status_code == 200, url


def _outside_writes(world: World, me: User, home: Agency) -> list[tuple[str, str, dict]]:
    b = world.commune_b
    return [
        (
            "post",
            "/api/v1/agencies/",
            {"name": "Phòng Mới", "kind": "internal_unit", "parent": b.pk, "valid_from": "2025-07-01"},
        ),
        ("post", f"/api/v1/agencies/{b.pk}/change/", {"effective_from": "2026-06-01", "name": "Phường Khác"}),
        ("patch", f"/api/v1/agencies/{b.pk}/contacts/", {"phone": "0225 3 822 000"}),
        ("post", f"/api/v1/agencies/{b.pk}/dissolve/", {"last_day": "2026-06-30"}),
        (
            "post",
            "/api/v1/users/",
            {"username": "moi", "full_name": "Người Mới", "agency": b.pk, "role": "officer"},
        ),
        ("patch", f"/api/v1/users/{world.outsider.pk}/", {"full_name": "Đổi Tên"}),
        ("post", "/api/v1/memberships/", {"user": world.outsider.pk, "agency": b.pk, "role": "viewer"}),
        ("post", "/api/v1/memberships/", {"user": me.pk, "agency": b.pk, "role": "viewer"}),
        ("post", "/api/v1/memberships/", {"user": world.outsider.pk, "agency": home.pk, "role": "viewer"}),
        ("post", f"/api/v1/memberships/{world.outsider_membership.pk}/end/", {}),
        (
            "post",
            "/api/v1/oversight-scopes/",
            {"overseer": world.st_b.pk, "root": b.pk, "valid_from": "2026-01-01"},
        ),
        ("post", f"/api/v1/oversight-scopes/{world.scope_b.pk}/end/", {"last_day": "2026-12-31"}),
    ]


def _fingerprint(world: World) -> tuple:
    b = Agency.objects.get(pk=world.commune_b.pk)
    return (
        row_counts(),
        (b.name, b.phone, b.valid_to, b.path),
        User.objects.filter(pk=world.outsider.pk).values_list("full_name", "is_active").get(),
        Membership.objects.filter(pk=world.outsider_membership.pk).values_list("valid_to", flat=True).get(),
        OversightScope.objects.filter(pk=world.scope_b.pk).values_list("valid_to", flat=True).get(),
    )


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_writes_outside_scope_are_404_and_leave_nothing(world, api, role):
    me = world.users[role]
    client = api(me)
    before = _fingerprint(world)
    for method, url, payload in _outside_writes(world, me, world.home(role)):
        response = getattr(client, method)(url, payload, format="json")
        assert response.status_code == 404, (method, url, payload, response.json())
        assert response.json()["code"] == "not_found"
    assert _fingerprint(world) == before


# Inside the scope: who may do what (403 = visible but not allowed, 404 = not visible).
CREATE_UNIT_IN_COMMUNE = {
    roles.ADMIN: 201,
    roles.OVERSIGHT_OFFICER: 201,
    roles.INSPECTOR: 403,
    roles.AGENCY_HEAD: 201,
    roles.ISO_SECRETARY: 201,
    roles.UNIT_HEAD: 404,
    roles.OFFICER: 403,
    roles.RECEIVER: 403,
    roles.INTERNAL_AUDITOR: 403,
    roles.VIEWER: 403,
}
CHANGE_COMMUNE_CONTACTS = {
    roles.ADMIN: 200,
    roles.OVERSIGHT_OFFICER: 200,
    roles.INSPECTOR: 403,
    roles.AGENCY_HEAD: 403,
    roles.ISO_SECRETARY: 403,
    roles.UNIT_HEAD: 404,
    roles.OFFICER: 403,
    roles.RECEIVER: 403,
    roles.INTERNAL_AUDITOR: 403,
    roles.VIEWER: 403,
}
UPDATE_OFFICER_POSITION = {
    roles.ADMIN: 200,
    roles.OVERSIGHT_OFFICER: 403,
    roles.INSPECTOR: 403,
    roles.AGENCY_HEAD: 200,
    roles.ISO_SECRETARY: 200,
    roles.UNIT_HEAD: 404,
    roles.OFFICER: 200,  # their own profile
    roles.RECEIVER: 403,
    roles.INTERNAL_AUDITOR: 403,
    roles.VIEWER: 403,
}
GRANT_VIEWER_IN_COMMUNE = {
    roles.ADMIN: 201,
    roles.OVERSIGHT_OFFICER: 403,
    roles.INSPECTOR: 403,
    roles.AGENCY_HEAD: 201,
    roles.ISO_SECRETARY: 201,
    roles.UNIT_HEAD: 404,
    roles.OFFICER: 403,
    roles.RECEIVER: 403,
    roles.INTERNAL_AUDITOR: 403,
    roles.VIEWER: 403,
}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_writes_inside_scope_follow_the_rules(world, api, role):
    client = api(world.users[role])
    commune = world.commune_a
    cases = [
        (
            CREATE_UNIT_IN_COMMUNE,
            "post",
            "/api/v1/agencies/",
            {
                "name": "Bộ phận một cửa",
                "kind": "internal_unit",
                "parent": commune.pk,
                "valid_from": "2025-07-01",
            },
        ),
        (
            CHANGE_COMMUNE_CONTACTS,
            "patch",
            f"/api/v1/agencies/{commune.pk}/contacts/",
            {"phone": "0221 3 999 999"},
        ),
        (
            UPDATE_OFFICER_POSITION,
            "patch",
            f"/api/v1/users/{world.users[roles.OFFICER].pk}/",
            {"position": "Công chức Tư pháp - Hộ tịch"},
        ),
        (
            GRANT_VIEWER_IN_COMMUNE,
            "post",
            "/api/v1/memberships/",
            {"user": world.users[roles.RECEIVER].pk, "agency": commune.pk, "role": "viewer"},
        ),
    ]
    for table, method, url, payload in cases:
        before = row_counts()
        response = getattr(client, method)(url, payload, format="json")
        assert response.status_code == table[role], (method, url, response.json())
        if response.status_code in (403, 404):
            assert row_counts() == before, (method, url)
        else:
            assert row_counts()["audit"] > before["audit"], (method, url)
