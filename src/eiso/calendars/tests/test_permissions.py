"""Who may change which calendar: through the services, the pages and the API. A refusal leaves no
row and no audit event behind; what is outside one's scope answers 404."""

import io

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from eiso.accounts import roles
from eiso.calendars import services
from eiso.calendars.models import CalendarChange, CalendarEntry, WorkSchedule
from eiso.calendars.tests.conftest import d
from eiso.core.errors import PermissionRefused
from eiso.core.models import AuditEvent

pytestmark = pytest.mark.django_db

DAY = d("15/06/2026")


def counts():
    return (
        CalendarEntry.objects.count(),
        CalendarChange.objects.count(),
        WorkSchedule.objects.count(),
        AuditEvent.objects.count(),
    )


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def page(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people(national, agency_tree, member, system_admin):
    return {
        "secretary": member(agency_tree.justice, roles.ISO_SECRETARY),
        "other_secretary": member(agency_tree.other_justice, roles.ISO_SECRETARY),
        "oversight": member(agency_tree.science, roles.OVERSIGHT_OFFICER),
        "officer": member(agency_tree.justice, roles.OFFICER),
        "admin": system_admin,
    }


@pytest.fixture
def entries(agency_tree):
    return {
        "other": services.save_entry(
            actor=None, date=DAY, kind="holiday", name_vi="Ngày của Sở khác", agency=agency_tree.other_justice
        ),
        "province": services.save_entry(
            actor=None, date=DAY, kind="holiday", name_vi="Ngày của tỉnh", agency=agency_tree.province
        ),
        "national": CalendarEntry.objects.national().get(date=d("01/01/2026")),
    }


@pytest.mark.parametrize(
    ("who", "where", "allowed"),
    [
        ("secretary", "justice", True),
        ("secretary", "justice_unit", True),
        ("secretary", "other_justice", False),
        ("secretary", "province", False),
        ("secretary", None, False),
        ("officer", "justice", False),
        ("oversight", "province", True),
        ("oversight", "justice", True),
        ("oversight", "other_justice", False),
        ("oversight", None, False),
        ("admin", None, True),
        ("admin", "other_province", True),
    ],
)
def test_who_may_add_a_day(people, agency_tree, who, where, allowed):
    agency = getattr(agency_tree, where) if where else None
    before = counts()
    if allowed:
        services.save_entry(actor=people[who], date=DAY, kind="holiday", name_vi="Nghỉ", agency=agency)
        assert counts() != before
    else:
        with pytest.raises(PermissionRefused):
            services.save_entry(actor=people[who], date=DAY, kind="holiday", name_vi="Nghỉ", agency=agency)
        assert counts() == before


def test_secretary_cannot_touch_another_agencys_or_national_days(people, entries, agency_tree):
    secretary = people["secretary"]
    before = counts()
    for entry in entries.values():
        with pytest.raises(PermissionRefused):
            services.save_entry(
                actor=secretary,
                entry=entry,
                date=entry.date,
                kind="swapped_working_day",
                name_vi="Đổi",
                agency=entry.agency,
            )
        with pytest.raises(PermissionRefused):
            services.delete_entry(actor=secretary, entry=entry)
    with pytest.raises(PermissionRefused):
        services.import_schedule(
            actor=secretary, file=b"date,kind,name_vi\n2026-01-05,holiday,X\n", format="csv"
        )
    with pytest.raises(PermissionRefused):
        services.set_year_status(actor=secretary, year=2027, status="official")
    assert counts() == before


def test_pages_refuse_with_403_or_404(people, entries, agency_tree):
    client, officer = (
        page(people["secretary"]),
        page(people["officer"]),
    )  # log-ins are audited: before counting
    before = counts()
    other, national = entries["other"], entries["national"]
    # Another province's agency: not even visible.
    assert client.get(f"/lich/ngay/{other.pk}/sua/").status_code == 404
    assert client.post(f"/lich/ngay/{other.pk}/xoa/").status_code == 404
    assert client.get(f"/lich/2026/?agency={agency_tree.other_justice.pk}").status_code == 404
    # National and the province's: visible, not editable.
    for entry in (national, entries["province"]):
        assert client.get(f"/lich/ngay/{entry.pk}/sua/").status_code == 403
        assert (
            client.post(
                f"/lich/ngay/{entry.pk}/sua/", {"date": "01/01/2026", "kind": "holiday", "name_vi": "Đổi"}
            ).status_code
            == 403
        )
        assert client.post(f"/lich/ngay/{entry.pk}/xoa/").status_code == 403
    # Adding with another agency as scope: the choice is not offered.
    response = client.post(
        "/lich/ngay/them/",
        {"date": "15/06/2026", "kind": "holiday", "name_vi": "X", "agency": agency_tree.other_justice.pk},
    )
    assert response.status_code == 200 and "agency" in response.context["form"].errors
    response = client.post(
        "/lich/ngay/them/", {"date": "15/06/2026", "kind": "holiday", "name_vi": "X", "agency": ""}
    )
    assert response.status_code == 200 and "agency" in response.context["form"].errors
    assert client.get(f"/lich/gio-lam-viec/{agency_tree.other_justice.pk}/").status_code == 404
    assert (
        client.get(f"/lich/gio-lam-viec/{agency_tree.province.pk}/").status_code == 404
    )  # above their scope
    assert officer.get(f"/lich/gio-lam-viec/{agency_tree.justice.pk}/").status_code == 403
    assert client.get("/lich/2026/tinh-trang/").status_code == 403
    assert officer.get("/lich/nhap/").status_code == 403
    assert counts() == before


def test_api_refuses_with_403_or_404(people, entries, agency_tree):
    client = api(people["secretary"])
    before = counts()
    other, national = entries["other"], entries["national"]
    assert client.get(f"/api/v1/calendar/entries/{other.pk}/").status_code == 404
    assert (
        client.patch(f"/api/v1/calendar/entries/{other.pk}/", {"name_vi": "X"}, format="json").status_code
        == 404
    )
    assert client.delete(f"/api/v1/calendar/entries/{other.pk}/").status_code == 404
    assert (
        client.patch(f"/api/v1/calendar/entries/{national.pk}/", {"name_vi": "X"}, format="json").status_code
        == 403
    )
    assert client.delete(f"/api/v1/calendar/entries/{national.pk}/").status_code == 403
    response = client.post(
        "/api/v1/calendar/entries/",
        {"date": "2026-06-15", "kind": "holiday", "name_vi": "X", "agency": agency_tree.other_justice.pk},
        format="json",
    )
    assert response.status_code == 404
    response = client.post(
        "/api/v1/calendar/entries/", {"date": "2026-06-15", "kind": "holiday", "name_vi": "X"}, format="json"
    )
    assert response.status_code == 403
    upload = io.BytesIO(b"date,kind,name_vi\n2026-06-15,holiday,X\n")
    upload.name = "x.csv"
    assert client.post("/api/v1/calendar/import/", {"file": upload}, format="multipart").status_code == 403
    upload.seek(0)
    response = client.post(
        "/api/v1/calendar/import/",
        {"file": upload, "agency": agency_tree.other_justice.pk},
        format="multipart",
    )
    assert response.status_code == 404
    schedule = {"agency": agency_tree.province.pk, "morning_start": "07:00", "morning_end": "11:00"}
    assert client.post("/api/v1/calendar/schedules/", schedule, format="json").status_code == 404
    schedule["agency"] = agency_tree.justice.pk
    assert (
        api(people["officer"]).post("/api/v1/calendar/schedules/", schedule, format="json").status_code == 403
    )
    assert (
        client.put("/api/v1/calendar/years/2027/", {"status": "official"}, format="json").status_code == 403
    )
    assert counts() == before


def test_entries_list_shows_national_own_and_ancestors_only(people, entries, agency_tree):
    own = services.save_entry(
        actor=None, date=DAY, kind="holiday", name_vi="Của Sở", agency=agency_tree.justice
    )
    ids = set()
    url = "/api/v1/calendar/entries/?year=2026&page_size=500"
    for row in api(people["secretary"]).get(url).json()["results"]:
        ids.add(row["id"])
    assert {own.pk, entries["province"].pk, entries["national"].pk} <= ids
    assert entries["other"].pk not in ids


def test_allowed_writes_through_the_api(people, agency_tree):
    client = api(people["secretary"])
    response = client.post(
        "/api/v1/calendar/entries/",
        {"date": "2026-06-15", "kind": "holiday", "name_vi": "Của Sở", "agency": agency_tree.justice.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    entry_id = response.json()["id"]
    assert response.json()["scope"] == "agency"
    response = client.patch(
        f"/api/v1/calendar/entries/{entry_id}/", {"name_en": "Department day"}, format="json"
    )
    assert response.status_code == 200 and response.json()["name_en"] == "Department day"
    assert response.json()["agency"] == agency_tree.justice.pk
    assert client.delete(f"/api/v1/calendar/entries/{entry_id}/").status_code == 204
    verbs = list(AuditEvent.objects.filter(verb__startswith="calendar.entry").values_list("verb", flat=True))
    assert sorted(verbs) == ["calendar.entry.change", "calendar.entry.create", "calendar.entry.delete"]
