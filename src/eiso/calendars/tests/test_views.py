"""Pages: the year view, the deadline calculator, editing, import with row errors, recompute results."""

import io

import pytest
from django.test import Client

from eiso.accounts import roles
from eiso.calendars import services
from eiso.calendars.models import CalendarChange, CalendarEntry
from eiso.calendars.tests.conftest import at, d

pytestmark = pytest.mark.django_db


def page(user):
    client = Client()
    client.force_login(user)
    return client


def test_year_view_marks_the_2026_days(national, agency_tree, member):
    client = page(member(agency_tree.commune, roles.OFFICER))
    response = client.get("/lich/2026/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="day-2026-01-02" data-kind="swapped_day_off"' in html
    assert 'data-testid="day-2026-01-10" data-kind="swapped_working_day"' in html
    assert 'data-testid="official-badge"' in html
    assert "Công văn 12729/VPCP-KGVX" in html
    assert 'data-testid="add-entry"' not in html  # an officer only reads
    assert 'data-testid="estimated-badge"' in client.get("/lich/2027/").content.decode()
    assert client.get("/lich/").status_code == 302
    assert client.get("/lich/1800/").status_code == 404


def test_year_view_for_an_agency_shows_its_province_days(national, agency_tree, member):
    services.save_entry(
        actor=None,
        date=d("15/06/2026"),
        kind="holiday",
        name_vi="Ngày của tỉnh",
        legal_reference="NQ 1/2026",
        agency=agency_tree.province,
    )
    client = page(member(agency_tree.commune, roles.ISO_SECRETARY))
    html = client.get(f"/lich/2026/?agency={agency_tree.commune.pk}").content.decode()
    assert 'data-testid="day-2026-06-15" data-kind="holiday"' in html and "NQ 1/2026" in html
    assert 'data-testid="add-entry"' in html  # a secretary manages the commune's days
    national_html = client.get("/lich/2026/").content.decode()
    assert 'data-testid="day-2026-06-15" data-kind=""' in national_html


def test_calculator_explains_the_appointment(national, agency_tree, member):
    client = page(member(agency_tree.commune, roles.RECEIVER))
    assert client.get("/lich/tinh-han/").status_code == 200
    response = client.get(
        "/lich/tinh-han/",
        {
            "received_at": "31/12/2025 15:30",
            "amount": "1",
            "unit": "working_days",
            "mode": "hours",
            "agency": agency_tree.commune.pk,
        },
    )
    html = response.content.decode()
    assert response.context["result"].due == at(2026, 1, 5, 17)
    assert "05/01/2026 17:00" in html
    assert "sau giờ tiếp nhận 15:00" in html and "Tết Dương lịch" in html
    bad = client.get(
        "/lich/tinh-han/", {"received_at": "31/12/2025 15:30", "amount": "-2", "unit": "working_days"}
    )
    assert bad.context["result"] is None
    assert "không được là số âm" in bad.content.decode()


def test_admin_adds_a_day_and_sees_what_moved(
    national, agency_tree, system_admin, django_capture_on_commit_callbacks
):
    services.start_clock(
        actor=None, subject="HS-1", received_at=at(2026, 6, 12, 9), amount=3, agency=agency_tree.commune
    )
    client = page(system_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/lich/ngay/them/",
            {
                "date": "15/06/2026",
                "kind": "swapped_day_off",
                "name_vi": "Nghỉ hoán đổi",
                "legal_reference": "CV 1/VPCP",
            },
        )
    assert response.status_code == 302
    entry = CalendarEntry.objects.national().get(date=d("15/06/2026"))
    change = CalendarChange.objects.get()
    assert change.moved_count == 1
    html = client.get("/lich/2026/").content.decode()
    assert 'data-testid="recompute-results"' in html and 'data-testid="moved-count">1<' in html
    detail = client.get(f"/lich/tinh-lai/{change.pk}/").content.decode()
    assert "HS-1" in detail and "18/06/2026 09:00" in detail and "17/06/2026 09:00" in detail
    assert client.get("/lich/tinh-lai/").status_code == 200
    edit = client.post(
        f"/lich/ngay/{entry.pk}/sua/",
        {"date": "15/06/2026", "kind": "swapped_day_off", "name_vi": "Nghỉ hoán đổi (sửa)"},
    )
    assert edit.status_code == 302
    assert client.post(f"/lich/ngay/{entry.pk}/xoa/").status_code == 302
    assert not CalendarEntry.objects.filter(pk=entry.pk).exists()


def test_import_page_shows_row_errors(national, system_admin):
    client = page(system_admin)
    assert client.get("/lich/nhap/").status_code == 200
    upload = io.BytesIO(b"date,kind,name_vi\n2026-01-01,holiday,A\n2026-01-01,holiday,B\n")
    upload.name = "bad.csv"
    response = client.post("/lich/nhap/", {"file": upload, "status": "official", "replace": "on"})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-error"' in html
    assert "bị trùng với dòng 2" in html
    good = io.BytesIO(b"date,kind,name_vi\n2030-09-03,holiday,Quoc khanh\n")
    good.name = "ok.csv"
    response = client.post("/lich/nhap/", {"file": good, "status": "official", "replace": ""})
    assert response.status_code == 302


def test_sample_files_download(national, system_admin):
    client = page(system_admin)
    response = client.get("/lich/nhap/mau/lich-nghi-2026.xlsx")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert client.get("/lich/nhap/mau/secret.txt").status_code == 404


def test_schedule_and_year_status_pages(national, agency_tree, system_admin):
    client = page(system_admin)
    url = f"/lich/gio-lam-viec/{agency_tree.commune.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "morning_start": "07:30",
            "morning_end": "11:30",
            "afternoon_start": "13:30",
            "afternoon_end": "17:00",
            "weekdays": ["0", "1", "2", "3", "4"],
            "reception_cutoff": "16:00",
        },
    )
    assert response.status_code == 302
    assert agency_tree.commune.work_schedule.weekmask == "1111100"
    assert client.post(url, {"clear": "1"}).status_code == 302
    assert client.get("/lich/2027/tinh-trang/").status_code == 200
    assert (
        client.post("/lich/2027/tinh-trang/", {"status": "official", "legal_reference": "QĐ"}).status_code
        == 302
    )


def test_pages_in_english(national, system_admin):
    client = page(system_admin)
    client.cookies["django_language"] = "en"
    html = client.get("/lich/2026/").content.decode()
    assert "Working calendar 2026" in html and "Swapped day off" in html and "New Year&#x27;s Day" in html
    html = client.get(
        "/lich/tinh-han/", {"received_at": "31/12/2025 15:30", "amount": "1", "unit": "working_days"}
    ).content.decode()
    assert "Deadline calculator" in html and "05/01/2026 17:00" in html
