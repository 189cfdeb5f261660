"""Counting start and due-moment arithmetic on the national calendar (worked examples)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from eiso.calendars.clock import CalendarInputError, WorkingCalendar, add

from .clock_support import NATIONAL, at

CAL = NATIONAL


# --- counting start ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (at(2026, 1, 5, 9, 15), at(2026, 1, 5, 9, 15)),  # within hours, before the cut-off
        (at(2026, 1, 5, 7, 30), at(2026, 1, 5, 8)),  # before opening
        (at(2026, 1, 5, 12, 30), at(2026, 1, 5, 13)),  # lunch break
        (at(2026, 1, 5, 12), at(2026, 1, 5, 13)),  # 12:00 is already the break
        (at(2026, 1, 5, 14, 59, 59), at(2026, 1, 5, 14, 59, 59)),
        (at(2026, 1, 5, 15), at(2026, 1, 6, 8)),  # the cut-off itself is "not before 15:00"
        (at(2026, 1, 5, 15, 30), at(2026, 1, 6, 8)),  # after the cut-off
        (at(2026, 1, 5, 17), at(2026, 1, 6, 8)),
        (at(2026, 1, 5, 20), at(2026, 1, 6, 8)),  # outside hours
        (at(2026, 1, 1, 10), at(2026, 1, 5, 8)),  # on a holiday (then a swapped day off, a weekend)
        (at(2026, 1, 10, 9), at(2026, 1, 10, 9)),  # on the swapped working Saturday
        (at(2026, 1, 9, 15, 30), at(2026, 1, 10, 8)),  # Friday after cut-off: next is that Saturday
        (at(2025, 12, 31, 15, 30), at(2026, 1, 5, 8)),
    ],
)
def test_counting_start(received: datetime, expected: datetime) -> None:
    assert CAL.counting_start(received) == expected


def test_counting_start_converts_other_zones() -> None:
    # 01:30 UTC = 08:30 in Vietnam.
    assert CAL.counting_start(datetime(2026, 1, 5, 1, 30, tzinfo=UTC)) == at(2026, 1, 5, 8, 30)
    assert CAL.counting_start(datetime(2026, 1, 5, 1, 30, tzinfo=UTC)).tzinfo is CAL.tz


def test_cut_off_is_configurable() -> None:
    late = CAL.with_cutoff(time(16, 30))
    assert late.counting_start(at(2026, 1, 5, 15, 30)) == at(2026, 1, 5, 15, 30)
    none = CAL.with_cutoff(None)
    assert none.counting_start(at(2026, 1, 5, 16, 59)) == at(2026, 1, 5, 16, 59)
    assert none.counting_start(at(2026, 1, 5, 17)) == at(2026, 1, 6, 8)
    assert CAL.reception_cutoff == time(15)


def test_next_working_moment() -> None:
    assert CAL.next_working_moment(at(2026, 1, 5, 10)) == at(2026, 1, 5, 10)
    assert CAL.next_working_moment(at(2026, 1, 5, 12)) == at(2026, 1, 5, 13)
    assert CAL.next_working_moment(at(2026, 1, 5, 16)) == at(2026, 1, 5, 16)  # no cut-off here
    assert CAL.next_working_moment(at(2026, 1, 5, 17)) == at(2026, 1, 6, 8)
    assert CAL.next_working_moment(at(2026, 1, 9, 18)) == at(2026, 1, 10, 8)


def test_working_time_between() -> None:
    assert CAL.working_time_between(at(2026, 1, 5, 8), at(2026, 1, 5, 17)) == timedelta(hours=8)
    assert CAL.working_time_between(at(2026, 1, 5, 11), at(2026, 1, 5, 14)) == timedelta(hours=2)
    # Across New Year 2026: 31/12 afternoon, then Monday 05/01 (01–04/01 are off).
    assert CAL.working_time_between(at(2025, 12, 31, 16), at(2026, 1, 5, 9)) == timedelta(hours=2)
    assert CAL.working_time_between(at(2026, 1, 5, 9), at(2025, 12, 31, 16)) == -timedelta(hours=2)
    # Friday to Monday across the swapped working Saturday 10/01/2026.
    assert CAL.working_time_between(at(2026, 1, 9, 8), at(2026, 1, 12, 8)) == timedelta(hours=16)


# --- worked examples from the brief -------------------------------------------------------------------


def test_received_on_the_swapped_friday_three_days_is_wednesday_1700() -> None:
    result = CAL.add(at(2026, 1, 2, 10), 3, "working_days")
    assert result.counting_started == at(2026, 1, 5, 8)
    assert result.due == at(2026, 1, 7, 17)  # not Thursday 08:00
    assert not result.estimated


def test_received_after_cut_off_on_new_year_eve() -> None:
    # Wednesday 31/12/2025 at 15:30: 01/01 holiday, 02/01 swapped day off, 03–04/01 weekend.
    result = CAL.add(at(2025, 12, 31, 15, 30), 1, "working_days", "hours")
    assert result.counting_started == at(2026, 1, 5, 8)
    assert result.due == at(2026, 1, 5, 17)
    steps = result.explanation
    assert steps[0] == (
        "Tiếp nhận lúc 15:30 thứ Tư 31/12/2025, sau giờ tiếp nhận 15:00 → bắt đầu tính từ 08:00 thứ Hai 05/01/2026"
    )
    assert any("01/01/2026 (Tết Dương lịch)" in step for step in steps)
    assert steps[-1].startswith("Hạn giải quyết: 17:00 thứ Hai 05/01/2026")


# --- hours mode ---------------------------------------------------------------------------------------


def test_end_of_morning_is_noon_not_one_pm() -> None:
    # Received during lunch: counting 13:00 Monday; 8 h = 4 h that afternoon + 4 h Tuesday morning.
    result = CAL.add(at(2026, 1, 5, 12, 30), 1)
    assert result.counting_started == at(2026, 1, 5, 13)
    assert result.due == at(2026, 1, 6, 12)


def test_exactly_at_1700_is_the_end_of_the_day() -> None:
    assert CAL.add(at(2026, 1, 5, 8), 3).due == at(2026, 1, 7, 17)
    assert CAL.add(at(2026, 1, 5, 13), 4, "working_hours").due == at(2026, 1, 5, 17)
    assert CAL.add(at(2026, 1, 5, 8), 4, "working_hours").due == at(2026, 1, 5, 12)


def test_received_at_1700_starts_next_morning() -> None:
    result = CAL.add(at(2026, 1, 5, 17), 1)
    assert result.counting_started == at(2026, 1, 6, 8)
    assert result.due == at(2026, 1, 6, 17)


def test_keeps_the_time_of_day() -> None:
    assert CAL.add(at(2026, 1, 5, 9, 30), 2).due == at(2026, 1, 7, 9, 30)


def test_swapped_saturday_counts() -> None:
    # Thursday 08/01/2026 10:00 + 2 days: Friday, then Saturday 10/01 (worked), due Saturday 10:00.
    assert CAL.add(at(2026, 1, 8, 10), 2).due == at(2026, 1, 10, 10)
    # Received on the swapped Saturday itself.
    result = CAL.add(at(2026, 1, 10, 9), 1)
    assert result.counting_started == at(2026, 1, 10, 9)
    assert result.due == at(2026, 1, 12, 9)


def test_across_tet_2026() -> None:
    # Friday 13/02/2026 10:00: 6 h that day, Tết 16–20/02, then 23/02 (8 h), 24/02 (8 h), 25/02 2 h.
    result = CAL.add(at(2026, 2, 13, 10), 3)
    assert result.due == at(2026, 2, 25, 10)
    assert any("16/02–20/02/2026" in step for step in result.explanation)


def test_across_the_year_end() -> None:
    # 30/12/2025 10:00: 6 h + 31/12 8 h + 05/01 8 h + 06/01 2 h.
    assert CAL.add(at(2025, 12, 30, 10), 3).due == at(2026, 1, 6, 10)


def test_fractional_days() -> None:
    assert CAL.add(at(2026, 1, 5, 8), 0.5).due == at(2026, 1, 5, 12)
    assert CAL.add(at(2026, 1, 5, 8), Fraction(1, 4)).due == at(2026, 1, 5, 10)
    assert CAL.add(at(2026, 1, 5, 8), Decimal("1.5")).due == at(2026, 1, 6, 12)
    assert CAL.add(at(2026, 1, 5, 8), 1.5, "working_hours").due == at(2026, 1, 5, 9, 30)


def test_zero_in_hours_mode_is_the_counting_start() -> None:
    result = CAL.add(at(2026, 1, 5, 15, 30), 0)
    assert result.due == result.counting_started == at(2026, 1, 6, 8)


# --- days mode (Civil Code) -----------------------------------------------------------------------------


def test_days_mode_does_not_count_the_reception_day() -> None:
    # Monday 05/01/2026 at 09:00: counted days are Tue, Wed, Thu → due Thursday 17:00.
    result = CAL.add(at(2026, 1, 5, 9), 3, "working_days", "days")
    assert result.counting_started == at(2026, 1, 6, 8)
    assert result.due == at(2026, 1, 8, 17)
    assert "Điều 147" in result.explanation[0]


def test_days_mode_from_a_holiday() -> None:
    # Received on New Year's day: the first counted day is Monday 05/01/2026.
    assert CAL.add(at(2026, 1, 1, 9), 1, "working_days", "days").due == at(2026, 1, 5, 17)


def test_days_mode_counts_the_swapped_saturday() -> None:
    assert CAL.add(at(2026, 1, 9, 9), 1, "working_days", "days").due == at(2026, 1, 10, 17)


def test_days_mode_zero_is_within_the_day() -> None:
    assert CAL.add(at(2026, 1, 5, 9), 0, "working_days", "days").due == at(2026, 1, 5, 17)
    # After the cut-off a same-day procedure is due the next working day.
    assert CAL.add(at(2026, 1, 5, 15, 30), 0, "working_days", "days").due == at(2026, 1, 6, 17)


# --- calendar days and months -------------------------------------------------------------------------


def test_calendar_days_last_day_working() -> None:
    result = CAL.add(at(2026, 1, 5, 9), 10, "calendar_days")
    assert result.due == at(2026, 1, 15, 17)
    assert result.counting_started == at(2026, 1, 6)


def test_calendar_days_last_day_off_moves_to_next_working_day() -> None:
    # 12/02/2026 + 10 days = Sunday 22/02 (end of the Tết break) → Monday 23/02 17:00.
    assert CAL.add(at(2026, 2, 12, 9), 10, "calendar_days").due == at(2026, 2, 23, 17)
    # Ending on a holiday: 22/12/2025 + 10 = 01/01/2026 → Monday 05/01/2026.
    assert CAL.add(at(2025, 12, 22, 9), 10, "calendar_days").due == at(2026, 1, 5, 17)


def test_months() -> None:
    assert CAL.add(at(2026, 3, 16, 9), 1, "months").due == at(2026, 4, 16, 17)
    # 31/01 + 1 month → 28/02/2026 (a Saturday) → Monday 02/03/2026.
    result = CAL.add(at(2026, 1, 31, 9), 1, "months")
    assert result.due == at(2026, 3, 2, 17)
    assert "lấy ngày cuối tháng" in result.explanation[1]
    # 30/03/2026 + 1 month = Thursday 30/04/2026, a holiday → Monday 04/05/2026.
    assert CAL.add(at(2026, 3, 30, 9), 1, "months").due == at(2026, 5, 4, 17)
    assert CAL.add(at(2025, 12, 15, 9), 2, "months").due == at(2026, 2, 23, 17)  # 15/02/2026 is in Tết


# --- estimated years ----------------------------------------------------------------------------------


def test_estimated_flag_for_2027() -> None:
    assert CAL.add(at(2027, 3, 1, 9), 1).estimated
    assert not CAL.add(at(2026, 3, 2, 9), 1).estimated
    crossing = CAL.add(at(2026, 12, 28, 9), 10)
    assert crossing.estimated
    assert "năm 2027 chưa có lịch nghỉ chính thức" in crossing.explanation[-1]


def test_free_function_and_method_agree() -> None:
    assert add(CAL, at(2026, 1, 5, 9), 2) == CAL.add(at(2026, 1, 5, 9), 2)


# --- bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "unit", "mode"),
    [
        (-1, "working_days", "hours"),
        (3651, "working_days", "hours"),
        (3651, "calendar_days", "hours"),
        (121, "months", "hours"),
        (29_201, "working_hours", "hours"),
        (math.nan, "working_days", "hours"),
        (math.inf, "working_days", "hours"),
        (True, "working_days", "hours"),
        ("3", "working_days", "hours"),
        (1.5, "working_days", "days"),
        (1.5, "calendar_days", "hours"),
        (1.5, "months", "hours"),
        (3, "weeks", "hours"),
        (3, "working_days", "minutes"),
    ],
)
def test_bad_amounts_units_and_modes(amount: object, unit: str, mode: str) -> None:
    with pytest.raises(CalendarInputError) as caught:
        CAL.add(at(2026, 1, 5, 9), amount, unit, mode)  # type: ignore[arg-type]
    assert caught.value.message_en
    assert str(caught.value) == caught.value.message_vi != caught.value.message_en
    assert isinstance(caught.value, ValueError)


def test_negative_amount_message_is_vietnamese() -> None:
    with pytest.raises(CalendarInputError, match="không được là số âm") as caught:
        CAL.add(at(2026, 1, 5, 9), -2)
    assert "must not be negative" in caught.value.message_en


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(CalendarInputError, match="thiếu múi giờ") as caught:
        CAL.add(datetime(2026, 1, 5, 9), 1)
    assert "naive" in caught.value.message_en
    with pytest.raises(CalendarInputError):
        CAL.counting_start(datetime(2026, 1, 5, 9))
    with pytest.raises(CalendarInputError):
        CAL.working_time_between(datetime(2026, 1, 5, 9), at(2026, 1, 5, 10))


def test_date_instead_of_datetime_is_refused() -> None:
    with pytest.raises(CalendarInputError, match="datetime"):
        CAL.add(at(2026, 1, 5).date(), 1)  # type: ignore[arg-type]


def test_out_of_range_dates_are_refused() -> None:
    with pytest.raises(CalendarInputError, match="ngoài phạm vi"):
        CAL.add(at(2151, 1, 5, 9), 1)
    with pytest.raises(CalendarInputError, match="ngoài phạm vi"):
        CAL.add(at(2150, 12, 1, 9), 3000)


def test_invalid_calendars_are_refused() -> None:
    with pytest.raises(CalendarInputError):
        WorkingCalendar(weekmask="0000000")
    with pytest.raises(CalendarInputError):
        WorkingCalendar(weekmask="11111")
    with pytest.raises(CalendarInputError):
        WorkingCalendar(working_periods=((time(13), time(17)), (time(8), time(12))))
    with pytest.raises(CalendarInputError):
        WorkingCalendar(working_periods=((time(12), time(8)),))
    day = at(2026, 1, 10).date()
    with pytest.raises(CalendarInputError):
        WorkingCalendar(non_working_dates=frozenset({day}), swapped_working_dates=frozenset({day}))


def test_custom_periods_and_weekmask() -> None:
    # A six-day week with a single 07:30–11:30 period (4 h per day).
    cal = WorkingCalendar(
        weekmask="1111110", working_periods=((time(7, 30), time(11, 30)),), reception_cutoff=None
    )
    assert cal.working_day_length == timedelta(hours=4)
    assert cal.add(at(2026, 1, 9, 9, 30), 1).due == at(2026, 1, 10, 9, 30)
    assert cal.add(at(2026, 1, 9, 7, 30), 1).due == at(2026, 1, 9, 11, 30)
