"""The vectorised due-moment computation agrees with the scalar one."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eiso.calendars.clock import VN_TZ, CalendarInputError, add_working_days_bulk

from .clock_support import NATIONAL

local_moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31, 23, 59, 59)
).map(lambda m: m.replace(microsecond=0))
whole_days = st.integers(min_value=0, max_value=30)
# Multiples of 1/480 day (one minute), so both sides see the same whole number of seconds.
fractional_days = st.integers(min_value=0, max_value=30 * 480).map(lambda k: k / 480)


def scalar_due(start: datetime, amount: float, mode: str) -> np.datetime64:
    due = NATIONAL.add(start.replace(tzinfo=VN_TZ), amount, "working_days", mode).due  # type: ignore[arg-type]
    return np.datetime64(due.replace(tzinfo=None), "s")


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(st.tuples(local_moments, whole_days), min_size=1, max_size=60))
def test_days_mode_agrees_with_scalar(rows: list[tuple[datetime, int]]) -> None:
    starts = np.array([np.datetime64(s, "s") for s, _n in rows])
    amounts = np.array([n for _s, n in rows])
    dues = add_working_days_bulk(NATIONAL, starts, amounts, mode="days")
    assert list(dues) == [scalar_due(s, n, "days") for s, n in rows]


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(st.tuples(local_moments, fractional_days), min_size=1, max_size=60))
def test_hours_mode_agrees_with_scalar(rows: list[tuple[datetime, float]]) -> None:
    starts = np.array([np.datetime64(s, "s") for s, _n in rows])
    amounts = np.array([n for _s, n in rows])
    dues = add_working_days_bulk(NATIONAL, starts, amounts)
    assert list(dues) == [scalar_due(s, n, "hours") for s, n in rows]


def test_worked_examples_in_bulk() -> None:
    starts = np.array(
        ["2026-01-02T10:00", "2025-12-31T15:30", "2026-01-05T12:30", "2026-01-08T10:00", "2026-02-13T10:00"],
        dtype="datetime64[s]",
    )
    dues = add_working_days_bulk(NATIONAL, starts, [3, 1, 1, 2, 3])
    expected = [
        "2026-01-07T17:00",
        "2026-01-05T17:00",
        "2026-01-06T12:00",
        "2026-01-10T10:00",
        "2026-02-25T10:00",
    ]
    assert list(dues) == list(np.array(expected, dtype="datetime64[s]"))


def test_swapped_saturday_in_days_mode() -> None:
    # busday_offset alone would skip Saturday 10/01/2026; the index space does not.
    dues = add_working_days_bulk(
        NATIONAL, np.array(["2026-01-09T09:00"], dtype="datetime64[s]"), [1], mode="days"
    )
    assert dues[0] == np.datetime64("2026-01-10T17:00", "s")


def test_broadcast_amount_and_empty_input() -> None:
    starts = np.array(["2026-01-05T08:00", "2026-01-06T08:00"], dtype="datetime64[m]")
    assert list(add_working_days_bulk(NATIONAL, starts, 1)) == list(
        np.array(["2026-01-05T17:00", "2026-01-06T17:00"], dtype="datetime64[s]")
    )
    assert add_working_days_bulk(NATIONAL, np.array([], dtype="datetime64[s]"), []).shape == (0,)


@pytest.mark.parametrize(
    ("starts", "amounts", "mode"),
    [
        (np.array(["2026-01-05T08:00"], dtype="datetime64[s]"), [-1], "hours"),
        (np.array(["2026-01-05T08:00"], dtype="datetime64[s]"), [3651], "hours"),
        (np.array(["2026-01-05T08:00"], dtype="datetime64[s]"), [np.nan], "hours"),
        (np.array(["2026-01-05T08:00"], dtype="datetime64[s]"), [1.5], "days"),
        (np.array(["2026-01-05T08:00"], dtype="datetime64[s]"), [1], "weeks"),
        (np.array(["NaT"], dtype="datetime64[s]"), [1], "hours"),
        (np.array(["2160-01-05T08:00"], dtype="datetime64[s]"), [1], "hours"),
        (np.array([1, 2]), [1, 1], "hours"),
    ],
)
def test_bulk_bad_input(starts: np.ndarray, amounts: list[float], mode: str) -> None:
    with pytest.raises(CalendarInputError):
        add_working_days_bulk(NATIONAL, starts, amounts, mode=mode)  # type: ignore[arg-type]


def test_bulk_matches_scalar_on_a_fixed_sample() -> None:
    rng = np.random.default_rng(20260105)
    lo = np.datetime64("2025-01-01T00:00:00", "s").astype(np.int64)
    hi = np.datetime64("2028-01-01T00:00:00", "s").astype(np.int64)
    starts = rng.integers(lo, hi, 2000).astype("datetime64[s]")
    amounts = rng.integers(1, 31, 2000)
    for mode in ("hours", "days"):
        dues = add_working_days_bulk(NATIONAL, starts, amounts, mode=mode)  # type: ignore[arg-type]
        for start, amount, due in zip(starts, amounts, dues, strict=True):
            assert due == scalar_due(start.astype(datetime), int(amount), mode)
