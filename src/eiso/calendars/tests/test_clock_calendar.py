"""WorkingCalendar as a value, and the Vietnamese explanations."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time

import pytest

from eiso.calendars.clock import VN_TZ, WorkingCalendar, format_date, format_moment

from .clock_support import NATIONAL, at, d


def test_defaults() -> None:
    cal = WorkingCalendar()
    assert cal.weekmask == "1111100"
    assert cal.working_periods == ((time(8), time(12)), (time(13), time(17)))
    assert cal.reception_cutoff == time(15)
    assert cal.tz is VN_TZ
    assert cal.working_day_length.total_seconds() == 8 * 3600
    assert (cal.opening_time, cal.closing_time) == (time(8), time(17))


def test_calendar_is_immutable_and_hashable() -> None:
    cal = WorkingCalendar(non_working_dates={date(2026, 1, 1)})  # type: ignore[arg-type]
    assert isinstance(cal.non_working_dates, frozenset)
    with pytest.raises(dataclasses.FrozenInstanceError):
        cal.weekmask = "1111110"  # type: ignore[misc]
    with pytest.raises(TypeError):
        cal.day_names[date(2026, 1, 1)] = "x"  # type: ignore[index]
    assert hash(cal) == hash(WorkingCalendar(non_working_dates=frozenset({date(2026, 1, 1)})))


def test_with_cutoff_shares_the_day_tables() -> None:
    other = NATIONAL.with_cutoff(time(16))
    assert other.reception_cutoff == time(16) and NATIONAL.reception_cutoff == time(15)
    assert other._ix is NATIONAL._ix


def test_working_dates() -> None:
    assert NATIONAL.working_dates(d("31/12/2025"), d("12/01/2026")) == [
        d("31/12/2025"),
        d("05/01/2026"),
        d("06/01/2026"),
        d("07/01/2026"),
        d("08/01/2026"),
        d("09/01/2026"),
        d("10/01/2026"),
        d("12/01/2026"),
    ]


def test_formatting() -> None:
    assert format_date(d("02/01/2026")) == "thứ Sáu 02/01/2026"
    assert format_date(d("04/01/2026")) == "Chủ nhật 04/01/2026"
    assert format_moment(at(2026, 1, 2, 15, 30)) == "15:30 thứ Sáu 02/01/2026"
    assert format_moment(at(2026, 1, 2, 15, 30, 20)) == "15:30:20 thứ Sáu 02/01/2026"


@pytest.mark.parametrize(
    ("received", "fragment"),
    [
        (at(2026, 1, 5, 9), "trong giờ làm việc và trước giờ tiếp nhận 15:00 → bắt đầu tính ngay từ 09:00"),
        (at(2026, 1, 5, 7), "trước giờ làm việc → bắt đầu tính từ 08:00 thứ Hai 05/01/2026"),
        (at(2026, 1, 5, 12, 15), "trong giờ nghỉ giữa hai buổi làm việc → bắt đầu tính từ 13:00"),
        (at(2026, 1, 5, 18), "ngoài giờ làm việc → bắt đầu tính từ 08:00 thứ Ba 06/01/2026"),
        (
            at(2026, 1, 1, 9),
            "là ngày không làm việc: Tết Dương lịch → bắt đầu tính từ 08:00 thứ Hai 05/01/2026",
        ),
        (at(2026, 1, 4, 9), "là ngày không làm việc: ngày nghỉ hằng tuần"),
    ],
)
def test_reception_explanations(received: datetime, fragment: str) -> None:
    assert fragment in NATIONAL.add(received, 1).explanation[0]


def test_explanation_lists_days_off_and_swapped_days() -> None:
    steps = NATIONAL.add(at(2025, 12, 31, 9), 6).explanation
    assert "Thời hạn 6 ngày làm việc × 8 giờ = 48 giờ làm việc" in steps[1]
    assert any(s.startswith("Không tính các ngày nghỉ: 01/01/2026 (Tết Dương lịch)") for s in steps)
    assert any("Có tính ngày làm việc bù: thứ Bảy 10/01/2026" in s for s in steps)
    assert steps[-1] == "Hạn giải quyết: 09:00 thứ Bảy 10/01/2026"
