"""/api/v1/calendar/: due moments, days, import, changes and clocks; bad input answers 400 with a
message in the request's language."""

import io
from importlib import resources

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from eiso.accounts import roles
from eiso.calendars import services
from eiso.calendars.models import CalendarEntry
from eiso.calendars.tests.conftest import at

pytestmark = pytest.mark.django_db

DUE = "/api/v1/calendar/due/"


def client_for(user, language=None):
    client = APIClient()
    headers = {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}
    if language:
        headers["HTTP_ACCEPT_LANGUAGE"] = language
    client.credentials(**headers)
    return client


@pytest.fixture
def receiver(national, agency_tree, member):
    return member(agency_tree.commune, roles.RECEIVER)


def test_due_with_defaults(receiver):
    response = client_for(receiver).get(DUE, {"start": "2025-12-31T15:30:00+07:00", "amount": "1"})
    assert response.status_code == 200
    body = response.json()
    assert body["due"] == "2026-01-05T17:00:00+07:00"
    assert body["counting_started"] == "2026-01-05T08:00:00+07:00"
    assert body["estimated"] is False
    assert (body["unit"], body["mode"], body["agency"]) == ("working_days", "hours", None)
    assert body["due_display"] == "05/01/2026 17:00"
    assert any("15:00" in step for step in body["explanation"])


def test_due_for_an_agency_with_its_own_day_off(receiver, agency_tree):
    services.save_entry(
        actor=None,
        date=at(2026, 1, 5).date(),
        kind="holiday",
        name_vi="Ngày của xã",
        agency=agency_tree.commune,
    )
    params = {"start": "2025-12-31T15:30", "amount": "1", "agency": "12345"}
    body = client_for(receiver).get(DUE, params).json()
    assert body["due"] == "2026-01-06T17:00:00+07:00"
    assert body["agency"]["id"] == agency_tree.commune.pk
    params["agency"] = "33"
    assert client_for(receiver).get(DUE, params).json()["due"] == "2026-01-05T17:00:00+07:00"


def test_due_in_days_mode_and_other_units(receiver):
    client = client_for(receiver)
    body = client.get(DUE, {"start": "2026-01-09T10:00", "amount": "2", "mode": "days"}).json()
    assert body["due"] == "2026-01-12T17:00:00+07:00"  # Saturday 10/01 is worked: 10/01 and 12/01
    body = client.get(DUE, {"start": "2026-02-13T10:00", "amount": "3", "unit": "calendar_days"}).json()
    assert body["due"] == "2026-02-23T17:00:00+07:00"  # 16/02 falls in Tết: next working day
    body = client.get(DUE, {"start": "2026-03-02T09:00", "amount": "4", "unit": "working_hours"}).json()
    assert body["due"] == "2026-03-02T14:00:00+07:00"
    body = client.get(DUE, {"start": "2027-03-01T09:00", "amount": "1"}).json()
    assert body["estimated"] is True


@pytest.mark.parametrize(
    ("params", "field", "vi", "en"),
    [
        (
            {"start": "2026-01-05T09:00", "amount": "1", "agency": "000.99.99.H99"},
            "agency",
            "Không tìm thấy cơ quan",
            "No agency has the code",
        ),
        (
            {"start": "2026-01-05T09:00", "amount": "-1"},
            "amount",
            "không được là số âm",
            "must not be negative",
        ),
        (
            {"start": "2026-01-05T09:00", "amount": "5000"},
            "amount",
            "vượt quá mức tối đa",
            "exceeds the maximum",
        ),
        ({"start": "2026-01-05T09:00", "amount": "abc"}, "amount", "không phải là một số", "is not a number"),
        ({"start": "2026-01-05T09:00", "amount": "nan"}, "amount", "không phải là một số", "is not a number"),
        ({"start": "05-01-2026 9h", "amount": "1"}, "start", "không hợp lệ", "is not valid"),
        ({"start": "2026-02-30T09:00", "amount": "1"}, "start", "không hợp lệ", "is not valid"),
        ({"amount": "1"}, "start", "Cần thời điểm tiếp nhận", "reception moment is required"),
        (
            {"start": "2026-01-05T09:00", "amount": "1", "unit": "weeks"},
            "unit",
            "working_days",
            "working_days",
        ),
        ({"start": "2026-01-05T09:00", "amount": "1", "mode": "fast"}, "mode", "hours", "hours"),
        (
            {"start": "2026-01-05T09:00", "amount": "1.5", "mode": "days"},
            "amount",
            "số nguyên",
            "whole number",
        ),
        ({"start": "2155-01-05T09:00", "amount": "1"}, "start", "ngoài phạm vi", "outside the supported"),
    ],
)
def test_bad_input_is_a_400_with_a_clear_message(receiver, params, field, vi, en):
    response = client_for(receiver).get(DUE, params)
    assert response.status_code == 400
    body = response.json()
    assert vi in body["detail"], body
    assert field in body["fields"]
    english = client_for(receiver, "en").get(DUE, params).json()
    assert en in english["detail"], english


def test_due_needs_authentication(national):
    assert APIClient().get(DUE, {"start": "2026-01-05T09:00", "amount": "1"}).status_code == 401


def test_days_lists_special_days_with_names_and_references(receiver, agency_tree):
    body = (
        client_for(receiver).get("/api/v1/calendar/days/", {"from": "2026-01-01", "to": "2026-01-31"}).json()
    )
    assert [row["date"] for row in body] == ["2026-01-01", "2026-01-02", "2026-01-10"]
    swap = body[1]
    assert swap["kind"] == "swapped_day_off" and swap["is_day_off"] is True
    assert "12729/VPCP-KGVX" in swap["legal_reference"]
    assert body[2]["kind"] == "swapped_working_day" and body[2]["is_day_off"] is False
    english = client_for(receiver, "en").get(
        "/api/v1/calendar/days/", {"from": "2026-01-01", "to": "2026-01-01"}
    )
    assert english.json()[0]["name"] == "New Year's Day"
    estimated = (
        client_for(receiver).get("/api/v1/calendar/days/", {"from": "2027-01-01", "to": "2027-01-01"}).json()
    )
    assert estimated[0]["estimated"] is True


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-13-01"},
        {"from": "2026-02-01", "to": "2026-01-01"},
        {"from": "2000-01-01", "to": "2026-01-01"},
        {"agency": "nope"},
    ],
)
def test_days_bad_input(receiver, params):
    response = client_for(receiver).get("/api/v1/calendar/days/", params)
    assert response.status_code == 400 and response.json()["detail"]


def test_import_endpoint(national, system_admin):
    client = client_for(system_admin)
    sample = resources.files("eiso.calendars").joinpath("data/samples/lich-nghi-2026.json").read_bytes()
    upload = io.BytesIO(sample)
    upload.name = "lich-nghi-2026.json"
    response = client.post("/api/v1/calendar/import/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["year"] == 2026
    bad = io.BytesIO(b"date,kind,name_vi\n2026-01-01,holiday,A\n2026-02-31,holiday,B\n2026-03-02,oops,C\n")
    bad.name = "bad.csv"
    before = CalendarEntry.objects.count()
    response = client.post("/api/v1/calendar/import/", {"file": bad}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "import_invalid"
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(3, "date"), (4, "kind")]
    assert "Dòng 3" in body["detail"]
    assert CalendarEntry.objects.count() == before


def test_changes_and_clocks(national, agency_tree, system_admin, member, django_capture_on_commit_callbacks):
    record = services.start_clock(
        actor=None, subject="HS-1", received_at=at(2026, 6, 12, 9), amount=3, agency=agency_tree.commune
    )
    services.start_clock(
        actor=None, subject="HS-2", received_at=at(2026, 6, 12, 9), amount=3, agency=agency_tree.other_justice
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(system_admin).post(
            "/api/v1/calendar/entries/",
            {"date": "2026-06-15", "kind": "swapped_day_off", "name_vi": "Nghỉ"},
            format="json",
        )
    assert response.status_code == 201
    changes = client_for(system_admin).get("/api/v1/calendar/changes/").json()["results"]
    assert changes[0]["status"] == "done" and changes[0]["moved_count"] == 2
    assert record.pk in changes[0]["moved_ids"]
    officer = member(agency_tree.commune, roles.OFFICER)
    clocks = client_for(officer).get("/api/v1/calendar/clocks/?is_open=true").json()["results"]
    assert [c["subject"] for c in clocks] == ["HS-1"]
    assert clocks[0]["due_at"] == "2026-06-18T09:00:00+07:00"


def test_years_and_schedules(national, agency_tree, system_admin):
    client = client_for(system_admin)
    years = client.get("/api/v1/calendar/years/").json()["results"]
    assert {y["year"]: y["status"] for y in years}[2026] == "official"
    response = client.put(
        "/api/v1/calendar/years/2027/", {"status": "official", "legal_reference": "QĐ"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "official"
    response = client.post(
        "/api/v1/calendar/schedules/",
        {
            "agency": agency_tree.commune.pk,
            "morning_start": "07:30",
            "morning_end": "11:30",
            "afternoon_start": "13:30",
            "afternoon_end": "17:00",
            "reception_cutoff": "16:00",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = client.get(DUE, {"start": "2026-03-02T15:30", "amount": "1", "agency": "12345"}).json()
    assert body["due"] == "2026-03-03T15:30:00+07:00"  # before its 16:00 cut-off: counted the same day
    bad = client.post(
        "/api/v1/calendar/schedules/",
        {"agency": agency_tree.commune.pk, "morning_start": "12:00", "morning_end": "08:00"},
        format="json",
    )
    assert bad.status_code == 400
    schedule_id = response.json()["id"]
    assert client.delete(f"/api/v1/calendar/schedules/{schedule_id}/").status_code == 204
