"""Permission matrix of the catalogue, pages and API (in the style of eiso.api.tests.test_permission_matrix).

- The national catalogue is readable by every signed-in role.
- Another agency's catalogue, coverage and assignments are 404 (pages and API) and never listed.
- Writes: importing and publishing — administrators and oversight officers; assigning procedures to an
  agency — administrators, oversight officers over it, its head and ISO secretary. A refused write
  leaves no row and no audit event.
"""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse

from eiso.accounts import roles
from eiso.api.tests.world import ALL_ROLES, row_counts
from eiso.procedures import importing, services
from eiso.procedures.models import AgencyProcedure, Procedure, ProcedureImport, ProcedureVersion
from eiso.procedures.tests.conftest import as_json, portal_record

pytestmark = pytest.mark.django_db

NON_ADMIN = [r for r in ALL_ROLES if r != roles.ADMIN]
START = datetime.date(2025, 7, 1)
MANAGERS = {roles.ADMIN, roles.OVERSIGHT_OFFICER}


@pytest.fixture
def catalogue(world):
    importing.import_file(
        actor=None,
        data=as_json(
            portal_record(),
            portal_record(code="1.000656", name="Thủ tục đăng ký khai tử"),
            portal_record(code="1.000894", name="Thủ tục đăng ký kết hôn"),
            portal_record(code="1.000894", decision="2550/QĐ-BTP", status="DRAFT"),
        ),
        file_name="t.json",
    )
    procedures = {p.code: p for p in Procedure.objects.all()}
    services.assign_procedures(
        actor=None,
        agency=world.commune_a,
        procedures=[procedures["1.001193"], procedures["1.000656"]],
        valid_from=START,
    )
    services.assign_procedures(
        actor=None,
        agency=world.commune_b,
        procedures=[procedures["1.001193"], procedures["1.000894"]],
        valid_from=START,
    )
    return procedures


def _page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _counts():
    return (
        row_counts(),
        AgencyProcedure.objects.count(),
        ProcedureVersion.objects.count(),
        Procedure.objects.count(),
    )


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_catalogue_is_readable_by_every_role(world, api, catalogue, role):
    user = world.users[role]
    page = _page_client(user)
    listing = page.get(reverse("procedures:list"), {"search": "dang ky khai tu"})
    assert listing.status_code == 200 and "1.000656" in listing.content.decode()
    assert page.get(reverse("procedures:detail", args=["1.001193"])).status_code == 200
    client = api(user)
    assert client.get("/api/v1/procedures/", {"search": "khai sinh"}).json()["count"] == 1
    assert client.get("/api/v1/procedures/1.001193/").status_code == 200
    assert client.get("/api/v1/procedures/1.001193/versions/").status_code == 200


def test_anonymous_callers_see_nothing(catalogue, api):
    assert Client().get(reverse("procedures:list")).status_code == 302
    assert api().get("/api/v1/procedures/").status_code == 401


@pytest.mark.parametrize("role", NON_ADMIN)
def test_another_agencys_catalogue_and_coverage_are_invisible(world, api, catalogue, role):
    user = world.users[role]
    outside = world.commune_b
    outside_assignment = AgencyProcedure.objects.filter(agency=outside).first()
    page = _page_client(user)
    assert page.get(reverse("procedures:agency", args=[outside.pk])).status_code == 404
    assert page.get(reverse("procedures:coverage"), {"agency": outside.pk}).status_code == 404
    detail = page.get(reverse("procedures:detail", args=["1.001193"])).content.decode()
    assert "Phường Hồng Bàng" not in detail
    coverage = page.get(reverse("procedures:coverage")).content.decode()
    assert "Hồng Bàng" not in coverage and "Hải Phòng" not in coverage
    assert (
        page.get(reverse("procedures:list"), {"agency": outside.pk}).content.decode().count("procedure-row")
        == 0
    )
    client = api(user)
    assert client.get(f"/api/v1/agency-procedures/{outside_assignment.pk}/").status_code == 404
    assert client.get("/api/v1/procedure-coverage/", {"agency": outside.pk}).status_code == 404
    listed = client.get("/api/v1/agency-procedures/", {"page_size": 500}).json()["results"]
    assert outside.pk not in {row["agency"] for row in listed}
    assert client.get("/api/v1/procedures/", {"agency": outside.pk}).json()["count"] == 0


def test_the_administrator_sees_every_agency(world, api, catalogue):
    client = api(world.users[roles.ADMIN])
    listed = client.get("/api/v1/agency-procedures/", {"page_size": 500}).json()["results"]
    assert {row["agency"] for row in listed} == {world.commune_a.pk, world.commune_b.pk}
    body = client.get("/api/v1/procedure-coverage/", {"agency": world.province_b.pk}).json()
    assert (body["total"]["total"], [row["agency"] for row in body["agencies"]]) == (2, [world.commune_b.pk])


@pytest.mark.parametrize("role", ALL_ROLES)
def test_own_catalogue_and_coverage_answer_inside_the_scope(world, api, catalogue, role):
    if role == roles.UNIT_HEAD:
        return  # sees only the commune's office, which settles nothing
    client = api(world.users[role])
    body = client.get("/api/v1/procedure-coverage/", {"agency": world.commune_a.pk}).json()
    assert (body["total"]["total"], body["total"]["covered"]) == (2, 0)
    page = _page_client(world.users[role])
    assert page.get(reverse("procedures:agency", args=[world.commune_a.pk])).status_code == 200
    assert (
        "Xã Văn Giang"
        in page.get(reverse("procedures:coverage"), {"agency": world.commune_a.pk}).content.decode()
    )


ASSIGN_IN_COMMUNE = {
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


@pytest.mark.parametrize("role", ALL_ROLES)
def test_writes_follow_the_rules(world, api, catalogue, role):
    client = api(world.users[role])
    manager = role in MANAGERS
    before = _counts()
    response = client.post(
        "/api/v1/agency-procedures/",
        {"agency": world.commune_a.pk, "procedures": ["1.000894"], "valid_from": "2025-07-01"},
        format="json",
    )
    assert response.status_code == ASSIGN_IN_COMMUNE[role], response.json()
    if response.status_code != 201:
        assert _counts() == before
    else:
        assert AgencyProcedure.objects.filter(agency=world.commune_a, procedure__code="1.000894").exists()

    before = _counts()
    upload = io.BytesIO(as_json(portal_record(code="1.999999", name="Thủ tục mới")))
    upload.name = "moi.json"
    response = client.post("/api/v1/procedures/import/", {"file": upload}, format="multipart")
    assert response.status_code == (201 if manager else 403), response.json()
    assert Procedure.objects.filter(code="1.999999").exists() == manager
    if not manager:
        assert _counts() == before

    draft = ProcedureVersion.objects.get(decision_number="2550/QĐ-BTP")
    before = _counts()
    response = client.post(
        f"/api/v1/procedure-versions/{draft.pk}/publish/", {"valid_from": "2026-03-01"}, format="json"
    )
    assert response.status_code == (200 if manager else 403), response.json()
    if not manager:
        assert _counts() == before

    page = _page_client(world.users[role])
    assert page.get(reverse("procedures:import")).status_code == (200 if manager else 403)


@pytest.mark.parametrize("role", NON_ADMIN)
def test_writes_to_another_agency_are_404_and_leave_nothing(world, api, catalogue, role):
    client = api(world.users[role])
    outside = world.commune_b
    assignment = AgencyProcedure.objects.filter(agency=outside).first()
    page = _page_client(world.users[role])  # logging in is audited: before the counts
    before = _counts()
    response = client.post(
        "/api/v1/agency-procedures/", {"agency": outside.pk, "procedures": ["1.000656"]}, format="json"
    )
    assert response.status_code == 404
    assert (
        client.post(f"/api/v1/agency-procedures/{assignment.pk}/end/", {}, format="json").status_code == 404
    )
    assert (
        page.post(
            reverse("procedures:agency", args=[outside.pk]), {"codes": "1.000656", "valid_from": "01/07/2025"}
        ).status_code
        == 404
    )
    assert (
        page.post(
            reverse("procedures:assignment_end", args=[assignment.pk]), {"last_day": "01/01/2026"}
        ).status_code
        == 404
    )
    assert _counts() == before


def test_import_jobs_are_private(world, api, catalogue):
    officer = world.users[roles.OVERSIGHT_OFFICER]
    job = importing.start_import(actor=officer, file_name="a.json", data=as_json(portal_record()))
    assert api(officer).get(f"/api/v1/procedure-imports/{job.pk}/").status_code == 200
    assert api(world.users[roles.ADMIN]).get(f"/api/v1/procedure-imports/{job.pk}/").status_code == 200
    assert (
        api(world.users[roles.ISO_SECRETARY]).get(f"/api/v1/procedure-imports/{job.pk}/").status_code == 404
    )
    assert (
        _page_client(world.users[roles.ISO_SECRETARY])
        .get(reverse("procedures:import_job", args=[job.pk]))
        .status_code
        == 404
    )
    assert ProcedureImport.objects.count() == 1
