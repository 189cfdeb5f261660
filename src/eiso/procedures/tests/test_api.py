"""The catalogue's API: detail by code, versions, import errors, export, assignments and coverage."""

import io
import json

import pytest

from eiso.accounts import roles
from eiso.procedures import importing, querysets
from eiso.procedures.models import AgencyProcedure, Procedure
from eiso.procedures.tests.conftest import as_json, portal_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(demo_bytes):
    importing.import_file(actor=None, data=demo_bytes, file_name="demo.json")


def test_detail_by_code_with_every_section(world, api, catalogue):
    body = api(world.users[roles.OFFICER]).get("/api/v1/procedures/1.001193/").json()
    current = body["current_version"]
    assert (body["code"], current["decision_number"], current["status"]) == (
        "1.001193",
        "2170/QĐ-BTP",
        "published",
    )
    assert [c["channel"] for c in current["channels"]] == ["direct", "online", "postal"]
    assert current["channels"][0]["cutoff"] == "15:00:00"
    assert current["legal_bases"][0]["number"] == "60/2014/QH13"
    assert [v["decision_number"] for v in body["versions"]] == ["2170/QĐ-BTP", "1872/QĐ-BTP"]
    versions = api(world.users[roles.OFFICER]).get("/api/v1/procedures/1.001193/versions/").json()
    assert [v["status"] for v in versions] == ["published", "superseded"]
    assert api(world.users[roles.OFFICER]).get("/api/v1/procedures/9.999999/").status_code == 404


def test_list_filters_and_search(world, api, catalogue):
    client = api(world.users[roles.VIEWER])
    assert client.get("/api/v1/procedures/", {"search": "chung thuc"}).json()["count"] == 5
    assert client.get("/api/v1/procedures/", {"complete": "no"}).json()["count"] == 2
    assert client.get("/api/v1/procedures/", {"level": "nowhere"}).status_code == 400


def test_import_errors_answer_400_with_every_error(world, api):
    bad = portal_record()
    del bad["name"]
    upload = io.BytesIO(as_json(bad))
    upload.name = "bad.json"
    response = api(world.users[roles.ADMIN]).post(
        "/api/v1/procedures/import/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "import_invalid" and body["errors"] == [
        {"record": "bản ghi 1 (1.001193)", "field": "name", "message": "Thiếu trường bắt buộc."}
    ]
    assert not Procedure.objects.exists()


def test_export_in_both_formats_with_filters(world, api, catalogue):
    client = api(world.users[roles.VIEWER])
    response = client.get("/api/v1/procedures/export/", {"file_format": "json", "search": "khai tu"})
    assert response["Content-Type"] == "application/json"
    assert "1.000656" in {item["code"] for item in json.loads(response.content)}
    level = client.get("/api/v1/procedures/export/", {"file_format": "json", "level": "province"})
    assert all(item["isProvince"] for item in json.loads(level.content))
    current = client.get("/api/v1/procedures/export/", {"search": "khai sinh", "versions": "current"})
    assert len([i for i in json.loads(current.content) if i["code"] == "1.001193"]) == 1
    xlsx = client.get("/api/v1/procedures/export/", {"file_format": "xlsx"})
    assert xlsx.content[:2] == b"PK"


def test_assign_end_and_coverage_of_a_subtree(world, api, catalogue, monkeypatch):
    client = api(world.users[roles.ISO_SECRETARY])
    response = client.post(
        "/api/v1/agency-procedures/",
        {
            "agency": world.commune_a.pk,
            "procedures": ["1.001193", "1.000656", "1.000894"],
            "valid_from": "2025-07-01",
        },
        format="json",
    )
    assert response.status_code == 201 and len(response.json()) == 3
    again = client.post(
        "/api/v1/agency-procedures/",
        {"agency": world.commune_a.pk, "procedures": ["1.001193"]},
        format="json",
    )
    assert again.status_code == 201 and again.json() == []  # already settled: nothing new
    unknown = client.post(
        "/api/v1/agency-procedures/", {"agency": world.commune_a.pk, "procedures": ["9.9"]}, format="json"
    )
    assert unknown.status_code == 400 and "9.9" in unknown.json()["detail"]
    khai_sinh = Procedure.objects.get(code="1.001193")
    monkeypatch.setattr(querysets, "in_force_procedure_ids", lambda ids, day: {khai_sinh.pk})
    body = client.get("/api/v1/procedure-coverage/", {"agency": world.commune_a.pk}).json()
    assert body["total"] == {
        "agency": None,
        "agency_name": "Xã Văn Giang",
        "total": 3,
        "covered": 1,
        "percent": 33,
    }
    assignment = AgencyProcedure.objects.get(procedure=khai_sinh)
    ended = client.post(
        f"/api/v1/agency-procedures/{assignment.pk}/end/", {"last_day": "2025-12-31"}, format="json"
    )
    assert ended.status_code == 200 and ended.json()["valid_to"] == "2025-12-31"
    listed = client.get("/api/v1/agency-procedures/", {"active_on": "2026-01-15"}).json()
    assert listed["count"] == 2
