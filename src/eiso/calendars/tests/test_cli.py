"""`eiso calendar due|show|import|seed|recompute`: output, and a non-zero exit with the API's message."""

import io
from importlib import resources

import pytest
from django.core.management import CommandError, call_command

from eiso.calendars.models import CalendarEntry

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue()


def test_due_prints_the_due_moment(national):
    out = run("due", "2025-12-31T15:30", "1", "--explain")
    assert out.splitlines()[0] == "2026-01-05T17:00:00+07:00"
    assert "05/01/2026 17:00" in out and "sau giờ tiếp nhận 15:00" in out


def test_due_with_unit_mode_and_agency(national, agency_tree):
    assert run("due", "09/01/2026 10:00", "2", "working_days", "--mode", "days").startswith(
        "2026-01-12T17:00:00+07:00"
    )
    assert "Cơ quan: Xã Thử" in run("due", "2026-01-05T09:00", "1", "--agency", "12345")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("due", "2026-01-05T09:00", "1", "--agency", "98765"), "Không tìm thấy cơ quan có mã “98765”"),
        (("due", "2026-01-05T09:00", "-3"), "không được là số âm"),
        (("due", "2026-01-05T09:00", "99999"), "vượt quá mức tối đa"),
        (("due", "31-12-2025", "1"), "không hợp lệ"),
        (("due", "2026-01-05T09:00", "1", "fortnights"), "Đơn vị thời hạn “fortnights” không hợp lệ"),
        (("due", "2026-01-05T09:00", "1", "--mode", "weeks"), "Cách tính “weeks” không hợp lệ"),
        (("show", "20x6"), "không hợp lệ"),
        (("import", "/nonexistent/lich.csv"), "Không đọc được tệp"),
    ],
)
def test_bad_input_exits_non_zero_with_the_message(national, args, message):
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert message in str(caught.value)


def test_same_message_as_the_api(national, system_admin):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(system_admin)
    body = client.get("/api/v1/calendar/due/", {"start": "2026-01-05T09:00", "amount": "-3"}).json()
    with pytest.raises(CommandError) as caught:
        run("due", "2026-01-05T09:00", "-3")
    assert str(caught.value) == body["detail"]


def test_show_lists_the_year(national):
    out = run("show", "2026")
    assert "Chính thức" in out.splitlines()[0]
    assert "02/01/2026 H" in out and "10/01/2026 W" in out and "250 ngày làm việc" in out
    assert "Ước tính" in run("show", "2027").splitlines()[0]


def test_import_and_its_errors(national, agency_tree, tmp_path):
    sample = resources.files("eiso.calendars").joinpath("data/samples/lich-nghi-2026.csv").read_bytes()
    good = tmp_path / "lich.csv"
    good.write_bytes(sample)
    out = run("import", str(good), "--agency", "33")
    assert "Năm 2026: thêm 16" in out
    bad = tmp_path / "sai.csv"
    bad.write_text("date,kind,name_vi\n2026-01-01,holiday,A\n2026-01-02,nope,B\n", encoding="utf-8")
    before = CalendarEntry.objects.count()
    with pytest.raises(CommandError) as caught:
        run("import", str(bad))
    assert "Dòng 3, cột kind" in str(caught.value)
    assert CalendarEntry.objects.count() == before


def test_seed_is_idempotent_and_recompute_runs_pending_changes(national):
    assert "Đã thêm 0 ngày" in run("seed")
    assert "Đã xử lý 0 thay đổi lịch" in run("recompute")
