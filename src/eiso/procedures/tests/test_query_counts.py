"""Query-count baselines: the catalogue list page and API lists must not grow with the rows shown."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from eiso.accounts import roles
from eiso.procedures import importing, services
from eiso.procedures.models import Procedure
from eiso.procedures.tests.conftest import as_json, portal_record

pytestmark = pytest.mark.django_db

# Measured: 10 (administrator) to 12 (oversight officer) — session + user, scope (memberships, oversight
# scopes), sector choices, agency choices, count, page (sectors are copied on the procedure), and the
# shell's active agency, switcher and unread-notifications bell.
PAGE_BASELINE = 12
# Measured: 4–6 — token + user, scope, count, page (and for procedures the two prefetches).
API_BASELINES = {"/api/v1/procedures/": 6, "/api/v1/agency-procedures/": 5}


def _grow(world, start: int, stop: int) -> None:
    records = [
        portal_record(
            code=f"9.{n:06d}",
            name=f"Thủ tục thử nghiệm {n}",
            categoriesDetails=[{"code": f"S{n % 3}", "name": f"Lĩnh vực {n % 3}"}],
        )
        for n in range(start, stop)
    ]
    importing.import_file(actor=None, data=as_json(*records), file_name="grow.json")
    services.assign_procedures(
        actor=None,
        agency=world.commune_a,
        procedures=list(Procedure.objects.filter(code__startswith="9.")),
        valid_from=datetime.date(2025, 7, 1),
    )


def _count(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("role", [roles.ADMIN, roles.OVERSIGHT_OFFICER, roles.ISO_SECRETARY])
@pytest.mark.parametrize(
    "params", [{}, {"search": "thu nghiem"}, {"agency": "commune"}, {"level": "commune", "complete": "yes"}]
)
def test_list_page_does_not_grow_with_rows(world, django_assert_max_num_queries, role, params):
    client = Client()
    client.force_login(world.users[role])
    if params.get("agency") == "commune":
        params = {"agency": world.commune_a.pk}
    url = reverse("procedures:list")
    _grow(world, 0, 5)
    client.get(url, params)
    with django_assert_max_num_queries(PAGE_BASELINE):
        small = _count(client, url, params)
    _grow(world, 5, 30)
    with django_assert_max_num_queries(PAGE_BASELINE):
        large = _count(client, url, params)
    assert small == large, f"{small} queries with 5 rows, {large} with 30"
    assert client.get(url, {**params, "search": "thu nghiem"}).content.decode().count("procedure-row") == 30


@pytest.mark.parametrize("role", [roles.ADMIN, roles.OVERSIGHT_OFFICER, roles.OFFICER])
@pytest.mark.parametrize("url", list(API_BASELINES))
def test_api_lists_do_not_grow_with_rows(world, api, django_assert_max_num_queries, role, url):
    client = api(world.users[role])
    _grow(world, 0, 5)
    client.get(url)
    with django_assert_max_num_queries(API_BASELINES[url]):
        small = _count(client, url, {"page_size": 500})
    _grow(world, 5, 30)
    with django_assert_max_num_queries(API_BASELINES[url]):
        large = _count(client, url, {"page_size": 500})
    assert small == large, f"{url}: {small} queries with 5 rows, {large} with 30"
    assert client.get(url, {"page_size": 500}).json()["count"] >= 30
