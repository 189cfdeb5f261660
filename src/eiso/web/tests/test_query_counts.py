"""N+1 guard for list pages: the number of queries must not grow with the number of rows."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from eiso.accounts import roles
from eiso.accounts import services as accounts
from eiso.organizations import services as organizations
from eiso.organizations.models import AgencyKind

pytestmark = pytest.mark.django_db

PAGES = [
    ("organizations:list", {}),
    ("organizations:list", {"as_of": "01/01/2026"}),
    ("accounts:users", {}),
    ("web:audit", {}),
    ("web:home", {}),
]


def _grow(world, count):
    for i in range(count):
        unit = organizations.create_agency(
            actor=None,
            parent=world.commune_a,
            name=f"Bộ phận {i}",
            kind=AgencyKind.INTERNAL_UNIT,
            valid_from=world.commune_a.valid_from,
        )
        accounts.create_user(
            actor=None, username=f"nv{i}", full_name=f"Nhân viên {i}", agency=unit, role_code=roles.OFFICER
        )


def _count(client, name, params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse(name), params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", [roles.ADMIN, roles.OVERSIGHT_OFFICER, roles.ISO_SECRETARY])
def test_list_pages_do_not_grow_with_rows(world, role):
    client = Client()
    client.force_login(world.users[role])
    _grow(world, 3)
    small = {f"{n}{p}": _count(client, n, p) for n, p in PAGES}
    _grow_more = 25
    for i in range(_grow_more):
        organizations.create_agency(
            actor=None,
            parent=world.commune_a,
            name=f"Tổ {i}",
            kind=AgencyKind.INTERNAL_UNIT,
            valid_from=world.commune_a.valid_from,
        )
        accounts.create_user(
            actor=None,
            username=f"tv{i}",
            full_name=f"Thành viên {i}",
            agency=world.commune_a,
            role_code=roles.VIEWER,
        )
    large = {f"{n}{p}": _count(client, n, p) for n, p in PAGES}
    assert large == small
    assert max(large.values()) <= 20, large
