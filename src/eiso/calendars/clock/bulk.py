"""Many due moments at once (reports, re-computation after a calendar change), vectorised with numpy.

Same rules as `WorkingCalendar.add` for `working_days` (both modes), at one-second resolution. The day
part works in the *index space of working days* built from `np.busdaycalendar` plus the swapped
working Saturdays (a weekmask cannot express those, so `np.busday_offset` alone would be wrong on
them): a date maps to its working-day index through a dense table, the offset is an integer addition,
and the index maps back through the sorted array of working dates. The time part is seconds-of-day
arithmetic on the working clock (see calendar.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .arithmetic import MAX_DAYS
from .calendar import INDEX_FIRST_DAY, INDEX_LAST_DAY, DayIndex
from .common import SECONDS_PER_DAY, US_PER_SECOND, Mode
from .errors import CalendarInputError

if TYPE_CHECKING:
    from .calendar import WorkingCalendar

DatetimeArray = npt.NDArray[np.datetime64]


def add_working_days_bulk(
    cal: WorkingCalendar,
    starts: npt.ArrayLike,
    amounts: npt.ArrayLike,
    *,
    mode: Mode = "hours",
) -> DatetimeArray:
    """Due moments for reception moments `starts` and limits `amounts` in working days.

    `starts` are naive datetime64 values in the calendar's local time (sub-second parts are dropped);
    the result is datetime64[s] in local time. In "hours" mode fractions of a day are allowed.
    """
    if mode not in ("hours", "days"):
        raise CalendarInputError(
            f"Cách tính không hợp lệ: {mode!r}; chỉ nhận 'hours' hoặc 'days'.",
            f"Unknown counting mode {mode!r}; expected 'hours' or 'days'.",
        )
    secs = _local_seconds(starts)
    days_amount = _checked_amounts(amounts, secs.shape, whole=mode == "days")
    ix = cal._ix
    day_s = ix.day_us // US_PER_SECOND
    epoch_day = secs // SECONDS_PER_DAY
    offset = epoch_day - ix.base_epoch_day
    _check_in_range(offset, ix.n_days)
    rank = ix.rank_np[offset]
    is_work = ix.is_work_np[offset]
    if mode == "days":
        first = rank + is_work  # the reception day is never counted
        last = first + days_amount.astype(np.int64) - 1
        zero = days_amount == 0
        if zero.any():  # "within the day": the day on which counting starts
            start_w = _counting_start_w(cal, ix, secs - epoch_day * SECONDS_PER_DAY, rank, is_work)
            last = np.where(zero, start_w // day_s, last)
        return _closing_of(ix, last)
    tod = secs - epoch_day * SECONDS_PER_DAY
    start_w = _counting_start_w(cal, ix, tod, rank, is_work)
    target = start_w + np.rint(days_amount * day_s).astype(np.int64)
    due = _moment(ix, target, closed_end=True)
    zero = target == start_w
    if zero.any():  # a zero limit is due at the counting start itself
        due = np.where(zero, _moment(ix, start_w, closed_end=False), due)
    return due.view("datetime64[s]")


def _local_seconds(starts: npt.ArrayLike) -> npt.NDArray[np.int64]:
    arr = np.asarray(starts)
    if not np.issubdtype(arr.dtype, np.datetime64):
        raise CalendarInputError(
            "Thời điểm tiếp nhận phải là mảng numpy datetime64 (giờ địa phương).",
            f"Starts must be a numpy datetime64 array in local time, got dtype {arr.dtype}.",
        )
    if np.isnat(arr).any():
        raise CalendarInputError("Có thời điểm tiếp nhận rỗng (NaT).", "Some starts are NaT.")
    return arr.astype("datetime64[s]").view(np.int64)


def _checked_amounts(
    amounts: npt.ArrayLike, shape: tuple[int, ...], *, whole: bool
) -> npt.NDArray[np.float64]:
    arr = np.broadcast_to(np.asarray(amounts, dtype=np.float64), shape)
    bad = ~np.isfinite(arr) | (arr < 0) | (arr > MAX_DAYS)
    if whole:
        bad |= arr != np.floor(arr)
    if bad.any():
        value = arr[bad][0]
        raise CalendarInputError(
            f"Thời hạn không hợp lệ: {value} ngày làm việc (phải từ 0 đến {MAX_DAYS}"
            f"{', là số nguyên' if whole else ''}).",
            f"Invalid amount {value} working days (expected 0..{MAX_DAYS}{', whole' if whole else ''}).",
        )
    return arr


def _check_in_range(offset: npt.NDArray[np.int64], n_days: int) -> None:
    if offset.size and (offset.min() < 0 or offset.max() >= n_days):
        first, last = INDEX_FIRST_DAY.year, INDEX_LAST_DAY.year
        raise CalendarInputError(
            f"Có ngày nằm ngoài phạm vi lịch làm việc ({first}–{last}).",
            f"Some dates are outside the supported calendar range ({first}–{last}).",
        )


def _period_arrays(
    ix: DayIndex,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(starts, ends, cumulative working seconds before each period), in seconds of the day."""
    starts = np.array([s for s, _e in ix.periods_us], dtype=np.int64) // US_PER_SECOND
    ends = np.array([e for _s, e in ix.periods_us], dtype=np.int64) // US_PER_SECOND
    before = np.array(ix.cum_before_us, dtype=np.int64) // US_PER_SECOND
    return starts, ends, before


def _counting_start_w(
    cal: WorkingCalendar,
    ix: DayIndex,
    tod: npt.NDArray[np.int64],
    rank: npt.NDArray[np.int64],
    is_work: npt.NDArray[np.bool_],
) -> npt.NDArray[np.int64]:
    """Working-clock position (seconds) where counting starts; same rules as the scalar code."""
    day_s = ix.day_us // US_PER_SECOND
    starts, ends, _before = _period_arrays(ix)
    worked = np.zeros_like(tod)
    for start, end in zip(starts, ends, strict=True):
        worked += np.clip(tod - start, 0, end - start)
    cutoff = cal._cutoff_us
    if cutoff is not None:
        # At or after the cut-off the day is over for counting purposes: start on the next working day.
        worked = np.where(tod >= cutoff // US_PER_SECOND, day_s, worked)
    return rank * day_s + worked * is_work  # a non-working day: `rank` already is the next working day


def _moment(ix: DayIndex, w: npt.NDArray[np.int64], *, closed_end: bool) -> npt.NDArray[np.int64]:
    """Local epoch seconds of working-clock positions (see `WorkingCalendar._moment`)."""
    day_s = ix.day_us // US_PER_SECOND
    starts, ends, before = _period_arrays(ix)
    if closed_end:
        k = (w - 1) // day_s
        rem = w - k * day_s  # in 1..day_s: a period end stays in its period
        period = np.searchsorted(before + (ends - starts), rem, side="left")
    else:
        k = w // day_s
        rem = w - k * day_s  # in 0..day_s-1: a period end belongs to the next period
        period = np.searchsorted(before + (ends - starts), rem, side="right")
    _check_in_range(k, len(ix.work_epoch_days_np))
    return ix.work_epoch_days_np[k] * SECONDS_PER_DAY + starts[period] + rem - before[period]


def _closing_of(ix: DayIndex, k: npt.NDArray[np.int64]) -> DatetimeArray:
    _check_in_range(k, len(ix.work_epoch_days_np))
    closing = ix.periods_us[-1][1] // US_PER_SECOND
    return (ix.work_epoch_days_np[k] * SECONDS_PER_DAY + closing).view("datetime64[s]")
