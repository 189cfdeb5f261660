"""Permission matrix for pages: for every role, nothing outside the scope is shown, every page of
an outside object is 404, and every write to one is refused and leaves no row and no audit event."""

import pytest
from django.test import Client
from django.urls import reverse

from eiso.accounts import roles
from eiso.api.tests.world import ALL_ROLES, row_counts

pytestmark = pytest.mark.django_db

NON_ADMIN = [r for r in ALL_ROLES if r != roles.ADMIN]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", NON_ADMIN)
def test_outside_agency_pages_are_404(world, role):
    client = client_for(world.users[role])
    outside = world.province_b
    for name in ("detail", "children", "change", "contacts", "dissolve"):
        assert client.get(reverse(f"organizations:{name}", args=[outside.pk])).status_code == 404, name
    assert client.get(reverse("organizations:create", args=[outside.pk])).status_code == 404
    assert client.get(reverse("accounts:user_detail", args=[world.outsider.pk])).status_code == 404


@pytest.mark.parametrize("role", ALL_ROLES)
def test_lists_show_only_the_scope(world, role):
    client = client_for(world.users[role])
    agencies = client.get(reverse("organizations:list"), {"status": "all"}).content.decode()
    users = client.get(reverse("accounts:users")).content.decode()
    home = client.get(reverse("web:home")).content.decode()
    audit = client.get(reverse("web:audit")).content.decode()
    if role == roles.ADMIN:
        assert "Thành phố Hải Phòng" in agencies and "Trần Văn Ngoài" in users
        return
    for page in (agencies, home):
        assert "Hải Phòng" not in page and "Phường Hồng Bàng" not in page
    assert "Trần Văn Ngoài" not in users
    assert "Phường Hồng Bàng" not in audit and "canbo.hongbang" not in audit
    assert "Xã Văn Giang" in agencies  # every role here works in or oversees it (unit heads: its office only)
    if role == roles.UNIT_HEAD:
        return
    visible = world.visible_agency_ids(role)
    assert world.commune_a.pk in visible


@pytest.mark.parametrize("role", NON_ADMIN)
def test_writes_to_outside_objects_change_nothing(world, role):
    client = client_for(world.users[role])
    before = row_counts()
    outside = world.commune_b
    posts = [
        (
            reverse("organizations:change", args=[outside.pk]),
            {"effective_from": "01/01/2027", "name": "Bị đổi", "kind": "ward", "reason": "x"},
        ),
        (reverse("organizations:contacts", args=[outside.pk]), {"address": "Bị sửa"}),
        (reverse("organizations:dissolve", args=[outside.pk]), {"last_day": "31/12/2026", "reason": "x"}),
        (
            reverse("organizations:create", args=[outside.pk]),
            {"name": "Đơn vị lạ", "kind": "internal_unit", "valid_from": "01/01/2026"},
        ),
        (
            reverse("accounts:membership_grant", args=[world.outsider.pk]),
            {"agency": outside.pk, "role": "officer", "valid_from": "01/01/2026"},
        ),
        (reverse("accounts:membership_end", args=[world.outsider_membership.pk]), {}),
        (reverse("accounts:user_set_active", args=[world.outsider.pk]), {"is_active": "0"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert row_counts() == before
    world.outsider.refresh_from_db()
    assert world.outsider.is_active


def test_secretary_cannot_grant_restricted_roles_through_the_page(world):
    secretary = world.users[roles.ISO_SECRETARY]
    officer = world.users[roles.OFFICER]
    client = client_for(secretary)
    before = row_counts()
    response = client.post(
        reverse("accounts:membership_grant", args=[officer.pk]),
        {"agency": world.commune_a.pk, "role": "admin", "valid_from": "01/01/2026"},
    )
    assert response.status_code == 302
    assert row_counts() == before
    assert not officer.memberships.filter(role__code="admin").exists()


def test_read_only_roles_cannot_change_agencies_in_scope(world):
    for role in (roles.INSPECTOR, roles.VIEWER):
        client = client_for(world.users[role])
        before = row_counts()
        response = client.post(reverse("organizations:contacts", args=[world.commune_a.pk]), {"address": "X"})
        assert response.status_code == 403
        assert row_counts() == before
