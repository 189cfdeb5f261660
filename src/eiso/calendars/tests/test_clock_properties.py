"""Property tests: the arithmetic against an independent oracle (numpy.busday_offset) and itself."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from eiso.calendars.clock import VN_TZ, LegalClock, WorkingCalendar

from .clock_support import NATIONAL

FIRST, LAST = date(2025, 1, 1), date(2027, 12, 31)
# The official days off without the swapped working Saturdays: numpy's business-day calendar can
# express this one exactly, so it is an independent oracle.
NO_SWAPS = WorkingCalendar(non_working_dates=NATIONAL.non_working_dates)
NO_SWAPS_BDC = np.busdaycalendar(
    weekmask=NO_SWAPS.weekmask,
    holidays=np.array(sorted(NO_SWAPS.non_working_dates), dtype="datetime64[D]"),
)

days = st.dates(min_value=FIRST, max_value=LAST)
moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31, 23, 59, 59)).map(
    lambda m: m.replace(microsecond=0, tzinfo=VN_TZ)
)
weekmasks = st.text(alphabet="01", min_size=7, max_size=7).filter(lambda m: "1" in m)
holiday_sets = st.frozensets(days, max_size=40)


def oracle_day(bdc: np.busdaycalendar, received: date, n: int) -> date:
    """Nth business day after `received`, the reception day not counted (Civil Code)."""
    due = np.busday_offset(np.datetime64(received, "D"), n, roll="backward", busdaycal=bdc).item()
    assert isinstance(due, date)
    return due


@settings(max_examples=300, deadline=None)
@given(received=moments, n=st.integers(min_value=1, max_value=60))
def test_days_mode_matches_numpy_on_the_official_holidays(received: datetime, n: int) -> None:
    result = NO_SWAPS.add(received, n, "working_days", "days")
    assert result.due.date() == oracle_day(NO_SWAPS_BDC, received.date(), n)
    assert result.due.time() == time(17)


@settings(max_examples=150, deadline=None)
@given(weekmask=weekmasks, holidays=holiday_sets, received=moments, n=st.integers(min_value=1, max_value=40))
def test_days_mode_matches_numpy_on_random_calendars(
    weekmask: str, holidays: frozenset[date], received: datetime, n: int
) -> None:
    cal = WorkingCalendar(non_working_dates=holidays, weekmask=weekmask)
    bdc = np.busdaycalendar(weekmask=weekmask, holidays=np.array(sorted(holidays), dtype="datetime64[D]"))
    assert cal.add(received, n, "working_days", "days").due.date() == oracle_day(bdc, received.date(), n)


@settings(max_examples=300, deadline=None)
@given(
    day=days,
    minute=st.integers(min_value=1, max_value=8 * 60 - 1).filter(lambda m: m != 4 * 60),
    n=st.integers(min_value=1, max_value=60),
)
def test_hours_mode_whole_days_keep_the_time_of_day(day: date, minute: int, n: int) -> None:
    """Started inside a working period before the cut-off, N days later is the same time N business days on."""
    if not np.is_busday(np.datetime64(day, "D"), busdaycal=NO_SWAPS_BDC):
        return
    clock_minutes = 8 * 60 + minute if minute < 4 * 60 else 13 * 60 + minute - 4 * 60
    if clock_minutes >= 15 * 60:  # after the cut-off counting starts the next day: another property
        return
    start = datetime.combine(day, time(clock_minutes // 60, clock_minutes % 60), VN_TZ)
    due = NO_SWAPS.add(start, n).due
    assert due.date() == np.busday_offset(np.datetime64(day, "D"), n, busdaycal=NO_SWAPS_BDC).item()
    assert due.timetz() == start.timetz()


@settings(max_examples=300, deadline=None)
@given(received=moments, hours=st.integers(min_value=0, max_value=400), quarter=st.integers(0, 3))
def test_round_trip_working_hours(received: datetime, hours: int, quarter: int) -> None:
    amount = hours + quarter / 4
    result = NATIONAL.add(received, amount, "working_hours")
    assert NATIONAL.working_time_between(result.counting_started, result.due) == timedelta(hours=amount)


@settings(max_examples=300, deadline=None)
@given(received=moments, n=st.integers(min_value=1, max_value=60))
def test_due_is_inside_working_hours_of_a_working_day(received: datetime, n: int) -> None:
    result = NATIONAL.add(received, n)
    due = result.due
    assert NATIONAL.is_working_day(due.date())
    assert any(start < due.time() <= end for start, end in NATIONAL.working_periods)
    assert result.counting_started >= received
    assert NATIONAL.working_time_between(result.counting_started, due) == n * NATIONAL.working_day_length


@settings(max_examples=200, deadline=None)
@given(
    received=moments, n=st.integers(min_value=0, max_value=60), extra=st.integers(min_value=0, max_value=10)
)
def test_more_time_is_never_earlier(received: datetime, n: int, extra: int) -> None:
    for unit, mode in [("working_days", "hours"), ("working_days", "days"), ("calendar_days", "hours")]:
        shorter = NATIONAL.add(received, n, unit, mode).due  # type: ignore[arg-type]
        longer = NATIONAL.add(received, n + extra, unit, mode).due  # type: ignore[arg-type]
        assert shorter <= longer


@settings(max_examples=200, deadline=None)
@given(
    received=moments,
    n=st.integers(min_value=1, max_value=30),
    pause_after=st.integers(min_value=0, max_value=200),
    pause_hours=st.integers(min_value=0, max_value=300),
)
def test_pauses_move_the_due_moment_by_the_paused_working_time(
    received: datetime, n: int, pause_after: int, pause_hours: int
) -> None:
    clock = LegalClock(NATIONAL).start(received, n)
    assert clock.counting_started is not None
    pause_at = clock.counting_started + timedelta(hours=pause_after)
    resume_at = pause_at + timedelta(hours=pause_hours)
    paused = clock.pause(pause_at).resume(resume_at)
    paused_working = NATIONAL.working_time_between(pause_at, resume_at)
    assert NATIONAL.working_time_between(clock.due(), paused.due()) == paused_working
    # Used + left is the whole limit, whenever it is measured (left is negative once overdue).
    as_of = resume_at + timedelta(hours=5)
    total = paused.working_time_used(as_of=as_of) + paused.working_time_left(as_of=as_of)
    assert total == n * NATIONAL.working_day_length
