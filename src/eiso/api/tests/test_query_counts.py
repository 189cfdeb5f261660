"""Query-count baselines for list endpoints: the count must not grow with the number of rows (N+1 guard).

Each list is measured with 5 and with 30 rows of its own kind; both must be equal and within the
baseline. A new per-row query (a missing select_related / prefetch) breaks the equality; a new
per-request query breaks the baseline — raise it only knowingly.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eiso.accounts import roles
from eiso.accounts import services as accounts
from eiso.api.tests.world import REFORM
from eiso.organizations import services as organizations
from eiso.organizations.models import AgencyKind

pytestmark = pytest.mark.django_db

# Token + user (1), scope: memberships (1) and oversight scopes (1, oversight roles only), count (1),
# page (1), plus one prefetch for users.
BASELINES = {
    "/api/v1/agencies/": 5,
    "/api/v1/users/": 6,
    "/api/v1/memberships/": 5,
    "/api/v1/audit-events/": 5,
    "/api/v1/oversight-scopes/": 5,
    "/api/v1/roles/": 2,
    "/api/v1/agencies/tree/": 4,
}


def _grow(world, start: int, stop: int) -> None:
    """Rows of every listed kind inside the oversight officer's scope (Hưng Yên)."""
    for n in range(start, stop):
        unit = organizations.create_agency(
            actor=None,
            name=f"Phòng thử nghiệm {n}",
            kind=AgencyKind.INTERNAL_UNIT,
            parent=world.st_a,
            valid_from=REFORM,
        )
        accounts.create_user(
            actor=None,
            username=f"nguoidung{n}",
            full_name=f"Người dùng {n}",
            agency=unit,
            role_code=roles.OFFICER,
        )
        organizations.grant_oversight(actor=None, overseer=world.st_a, root=unit, valid_from=REFORM)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": 500})
    assert response.status_code == 200, response.json()
    return len(captured.captured_queries)


@pytest.mark.parametrize("role", [roles.ADMIN, roles.OVERSIGHT_OFFICER, roles.OFFICER])
@pytest.mark.parametrize("url", list(BASELINES))
def test_list_query_count_does_not_grow_with_rows(world, api, django_assert_max_num_queries, role, url):
    client = api(world.users[role])
    _grow(world, 0, 5)
    client.get(url)  # warm-up: content types and other per-process caches
    with django_assert_max_num_queries(BASELINES[url]):
        small = _count(client, url)
    _grow(world, 5, 30)
    with django_assert_max_num_queries(BASELINES[url]):
        large = _count(client, url)
    assert small == large, f"{url}: {small} queries with 5 rows, {large} with 30"


def test_the_rows_are_really_listed(world, api):
    """The growth above lands in the lists measured (else the equality would prove nothing)."""
    client = api(world.users[roles.OVERSIGHT_OFFICER])
    _grow(world, 0, 30)
    assert client.get("/api/v1/agencies/", {"kind": "internal_unit"}).json()["count"] >= 30
    assert client.get("/api/v1/users/", {"search": "nguoi dung"}).json()["count"] >= 30
    assert client.get("/api/v1/memberships/", {"role": "officer"}).json()["count"] >= 30
    assert client.get("/api/v1/oversight-scopes/").json()["count"] == 31
    assert client.get("/api/v1/audit-events/").json()["count"] >= 90
