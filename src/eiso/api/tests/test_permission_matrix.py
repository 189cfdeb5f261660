"""Every role × every list, detail and write endpoint.

- Lists return nothing outside the role's scope (and the administrator sees everything).
- Details of objects outside the scope are 404, never 403: an id must not tell that something exists.
- Writes on or into objects outside the scope are refused with 404 and leave no row and no audit event.
- Writes inside the scope are decided by the rules: allowed, or 403 with nothing written.
"""

import pytest

from eiso.accounts import roles
from eiso.accounts.models import Membership, User
from eiso.api.tests.world import (
    ALL_ROLES,
    PASSWORD,
    DocumentsWorld,
    World,
    add_documents,
    document_counts,
    row_counts,
)
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


# --- the document register (eiso.documents) --------------------------------------------------------


@pytest.fixture
def docs(world, settings, tmp_path) -> DocumentsWorld:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return add_documents(world)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_document_lists_and_details_follow_scope_and_confidentiality(world, docs, api, role):
    client = api(world.users[role])
    visible = docs.visible_ids(world, role)
    own, restricted, other = docs.own, docs.restricted, docs.other
    assert {r["id"] for r in _all(client, "/api/v1/documents/")} == visible
    versions = {r["document"] for r in _all(client, "/api/v1/document-versions/")}
    assert versions == visible
    hits = {r["document"] for r in _all(client, "/api/v1/document-search/?q=quy+trinh")}
    assert hits == visible
    changes = {r["document"] for r in _all(client, "/api/v1/document-change-requests/")}
    assert changes == visible & {own.pk, other.pk}
    externals = {r["id"] for r in _all(client, "/api/v1/external-documents/")}
    assert (docs.other_external.pk in externals) is (role == roles.ADMIN)
    mine = {r["id"] for r in _all(client, "/api/v1/documents/mine/")}
    assert mine == set()  # nobody in this list was sent one of them (the outsider is not listed)
    for document in (own, restricted, other):
        expected = 200 if document.pk in visible else 404
        version = document.current_version_id
        for url in (
            f"/api/v1/documents/{document.pk}/",
            f"/api/v1/documents/{document.pk}/read-status/",
            f"/api/v1/documents/{document.pk}/distribution/",
            f"/api/v1/document-versions/{version}/",
            f"/api/v1/document-versions/{version}/download/",
        ):
            assert client.get(url).status_code == expected, (document.title, url)
    for change in (docs.own_change, docs.other_change):
        expected = 200 if change.document_id in visible else 404
        assert client.get(f"/api/v1/document-change-requests/{change.pk}/").status_code == expected
    expected = 200 if role == roles.ADMIN else 404
    assert client.get(f"/api/v1/external-documents/{docs.other_external.pk}/").status_code == expected


def test_the_outsider_reads_their_own_register(world, docs, api):
    """The same endpoints answer in Hải Phòng for Hải Phòng (so the 404s above are about scope)."""
    client = api(world.outsider)
    assert {r["id"] for r in _all(client, "/api/v1/documents/")} == {docs.other.pk}
    assert {r["id"] for r in _all(client, "/api/v1/documents/mine/")} == {docs.other.pk}
    assert client.get(f"/api/v1/document-change-requests/{docs.other_change.pk}/").status_code == 200


def _outside_document_writes(world: World, docs: DocumentsWorld) -> list[tuple[str, str, dict]]:
    other, version = docs.other, docs.other.current_version_id
    change, entry = docs.other_change, docs.other_external
    return [
        ("post", "/api/v1/documents/", {"agency": world.commune_b.pk, "kind": "form", "title": "Biểu mẫu"}),
        ("post", f"/api/v1/documents/{other.pk}/upload/", {"change_summary": "x"}),
        ("post", f"/api/v1/documents/{other.pk}/lock/", {}),
        ("delete", f"/api/v1/documents/{other.pk}/lock/", {}),
        ("post", f"/api/v1/documents/{other.pk}/withdraw/", {"reason": "Thu hồi"}),
        ("post", f"/api/v1/documents/{other.pk}/distribution/", {"units": [world.commune_a.pk]}),
        ("post", f"/api/v1/documents/{docs.own.pk}/distribution/", {"units": [world.commune_b.pk]}),
        ("post", f"/api/v1/documents/{docs.own.pk}/distribution/", {"users": [world.outsider.pk]}),
        ("post", f"/api/v1/documents/{docs.restricted.pk}/lock/", {}),
        ("post", f"/api/v1/document-versions/{version}/submit/", {"password": PASSWORD}),
        ("post", f"/api/v1/document-versions/{version}/review/", {"password": PASSWORD}),
        ("post", f"/api/v1/document-versions/{version}/approve/", {"password": PASSWORD}),
        ("post", f"/api/v1/document-versions/{version}/return/", {"reason": "Trả lại"}),
        ("post", f"/api/v1/document-versions/{version}/issue/", {}),
        ("post", f"/api/v1/document-versions/{version}/acknowledge/", {}),
        ("post", f"/api/v1/document-versions/{docs.restricted.current_version_id}/acknowledge/", {}),
        ("post", "/api/v1/document-change-requests/", {"document": other.pk, "text": "Sửa"}),
        ("post", "/api/v1/document-change-requests/", {"document": docs.restricted.pk, "text": "Sửa"}),
        ("post", f"/api/v1/document-change-requests/{change.pk}/accept/", {}),
        ("post", f"/api/v1/document-change-requests/{change.pk}/reject/", {"note": "Không"}),
        ("post", "/api/v1/external-documents/", {"agency": world.commune_b.pk, "number": "30/2020/NĐ-CP"}),
        (
            "post",
            "/api/v1/external-documents/",
            {"agency": world.commune_a.pk, "number": "1", "documents": [other.pk]},
        ),
        (
            "post",
            f"/api/v1/external-documents/{entry.pk}/replace/",
            {"replacement_number": "118/2025/NĐ-CP", "effective_date": "2026-03-02"},
        ),
    ]


# Roles for whom the restricted document of Xã Văn Giang is hidden (its writes are 404 as well).
HIDDEN_RESTRICTED = {r for r in NON_ADMIN_ROLES if r not in (roles.AGENCY_HEAD, roles.ISO_SECRETARY)}


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_document_writes_outside_scope_are_404_and_leave_nothing(world, docs, api, role):
    client = api(world.users[role])
    before = document_counts()
    restricted_urls = {
        f"/api/v1/documents/{docs.restricted.pk}/lock/",
        f"/api/v1/document-versions/{docs.restricted.current_version_id}/acknowledge/",
    }
    for method, url, payload in _outside_document_writes(world, docs):
        on_restricted = url in restricted_urls or payload.get("document") == docs.restricted.pk
        if on_restricted and role not in HIDDEN_RESTRICTED:
            continue  # the head and the ISO secretary read it: the rules decide (as for any document)
        response = getattr(client, method)(url, payload, format="json")
        assert response.status_code == 404, (method, url, payload, response.json())
        assert response.json()["code"] == "not_found"
    assert document_counts() == before


# Inside the scope, on Xã Văn Giang's internal document: who may do what.
_EDITORS = {roles.ADMIN, roles.AGENCY_HEAD, roles.ISO_SECRETARY, roles.OFFICER}
_MANAGERS = {roles.ADMIN, roles.AGENCY_HEAD, roles.ISO_SECRETARY}
_TAKE_PART = _EDITORS | {roles.RECEIVER, roles.INTERNAL_AUDITOR}


def _table(allowed: set[str], ok: int) -> dict[str, int]:
    return {role: 404 if role == roles.UNIT_HEAD else ok if role in allowed else 403 for role in ALL_ROLES}


LOCK_OWN_DOCUMENT = _table(_EDITORS, 200)
DISTRIBUTE_OWN_DOCUMENT = _table(_MANAGERS, 200)
RAISE_CHANGE_REQUEST = _table(_TAKE_PART, 201)
DECIDE_CHANGE_REQUEST = _table(_MANAGERS, 200)
ACKNOWLEDGE_OWN_DOCUMENT = _table(_TAKE_PART, 200)
WITHDRAW_OWN_DOCUMENT = _table({roles.ADMIN, roles.AGENCY_HEAD}, 200)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_document_writes_inside_scope_follow_the_rules(world, docs, api, role):
    client = api(world.users[role])
    own, version = docs.own, docs.own.current_version_id
    cases = [
        (LOCK_OWN_DOCUMENT, "post", f"/api/v1/documents/{own.pk}/lock/", {}),
        (
            DISTRIBUTE_OWN_DOCUMENT,
            "post",
            f"/api/v1/documents/{own.pk}/distribution/",
            {"units": [world.commune_office.pk]},
        ),
        (
            RAISE_CHANGE_REQUEST,
            "post",
            "/api/v1/document-change-requests/",
            {"document": own.pk, "text": "Sửa"},
        ),
        (DECIDE_CHANGE_REQUEST, "post", f"/api/v1/document-change-requests/{docs.own_change.pk}/accept/", {}),
        (ACKNOWLEDGE_OWN_DOCUMENT, "post", f"/api/v1/document-versions/{version}/acknowledge/", {}),
        (
            WITHDRAW_OWN_DOCUMENT,
            "post",
            f"/api/v1/documents/{own.pk}/withdraw/",
            {"reason": "Không còn áp dụng"},
        ),
    ]
    for table, method, url, payload in cases:
        before = document_counts()
        response = getattr(client, method)(url, payload, format="json")
        assert response.status_code == table[role], (role, method, url, response.json())
        if response.status_code in (403, 404):
            assert document_counts() == before, (method, url)
        else:
            assert document_counts()["audit"] > before["audit"], (method, url)
