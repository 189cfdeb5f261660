"""The working calendar of a Vietnamese state agency and its "working clock".

Every computation maps a moment to a position on a *working clock*: the number of working microseconds
elapsed since the first day of the supported range. Outside working hours the clock stands still, so
the working time between two moments is a subtraction, and adding N working hours is an addition
followed by the inverse mapping. One position can map back to two moments (12:00 and 13:00, 17:00 and
08:00 next working day): a *due* moment takes the earlier one (a period end), a *start* moment the later.

The day part of the clock is a dense table built once per calendar (numpy's business-day calendar plus
the swapped working Saturdays, which a weekmask cannot express), so every lookup is O(1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from . import arithmetic
from .common import US_PER_SECOND, Amount, Mode, StartRule, Unit
from .errors import CalendarInputError

if TYPE_CHECKING:
    from .arithmetic import DueResult

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_WORKING_PERIODS: tuple[tuple[time, time], ...] = ((time(8), time(12)), (time(13), time(17)))
DEFAULT_RECEPTION_CUTOFF = time(15)
WEEKMASK_MON_FRI = "1111100"

# The supported range: wide enough for any administrative deadline (limits are capped at ~10 years)
# and small enough (~59k days) for the day tables to stay in the CPU cache.
INDEX_FIRST_DAY = date(1990, 1, 1)
INDEX_LAST_DAY = date(2150, 12, 31)

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def time_to_us(t: time) -> int:
    """Microseconds since midnight of a wall-clock time."""
    return ((t.hour * 60 + t.minute) * 60 + t.second) * US_PER_SECOND + t.microsecond


def _tod_us(dt: datetime) -> int:
    return ((dt.hour * 60 + dt.minute) * 60 + dt.second) * US_PER_SECOND + dt.microsecond


@dataclass(frozen=True, slots=True)
class DayIndex:
    """Dense tables over the supported range (internal; shared by the scalar and the bulk code).

    `rank[o]` is the number of working days before day offset `o`: the index of that day when it is a
    working day, and the index of the next working day when it is not.
    """

    base_ordinal: int
    n_days: int
    rank: list[int]
    is_work: list[bool]
    work_ordinals: list[int]
    day_us: int
    periods_us: tuple[tuple[int, int], ...]
    cum_before_us: tuple[int, ...]
    # numpy views of the same tables, in seconds, for bulk.py.
    base_epoch_day: int
    rank_np: npt.NDArray[np.int64]
    is_work_np: npt.NDArray[np.bool_]
    work_epoch_days_np: npt.NDArray[np.int64]

    def worked_before(self, tod_us: int) -> int:
        """Working microseconds of a working day that have elapsed at time of day `tod_us`."""
        total = 0
        for start, end in self.periods_us:
            if tod_us <= start:
                break
            total += (tod_us if tod_us < end else end) - start
        return total

    def time_of_day(self, worked_us: int, *, closed_end: bool) -> int:
        """Inverse of `worked_before`: time of day when `worked_us` of the day have been worked."""
        for (start, end), before in zip(self.periods_us, self.cum_before_us, strict=True):
            after = before + end - start
            if worked_us < after or (closed_end and worked_us == after):
                return start + worked_us - before
        raise AssertionError(f"{worked_us} µs is beyond one working day")  # callers reduce modulo a day


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are worked and during which hours; immutable and safe to share between threads.

    `non_working_dates` holds holidays, compensatory days off and swapped days off (a date listed here
    that already falls on a weekly rest day changes nothing). `swapped_working_dates` are rest days that
    are worked (a Saturday worked in exchange for a bridging weekday off). `weekmask` is Monday-first,
    as in numpy. All wall-clock values are in `tz`; every working day has the same `working_periods`.
    """

    non_working_dates: frozenset[date] = frozenset()
    swapped_working_dates: frozenset[date] = frozenset()
    weekmask: str = WEEKMASK_MON_FRI
    working_periods: tuple[tuple[time, time], ...] = DEFAULT_WORKING_PERIODS
    reception_cutoff: time | None = DEFAULT_RECEPTION_CUTOFF
    tz: ZoneInfo = VN_TZ
    estimated_years: frozenset[int] = frozenset()
    # Display names of special days, for explanations only; not part of equality.
    day_names: Mapping[date, str] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, repr=False
    )

    def __post_init__(self) -> None:
        # Accept any iterable/mapping from callers but store immutable values: the class is shared.
        object.__setattr__(self, "non_working_dates", frozenset(self.non_working_dates))
        object.__setattr__(self, "swapped_working_dates", frozenset(self.swapped_working_dates))
        object.__setattr__(self, "estimated_years", frozenset(self.estimated_years))
        object.__setattr__(self, "working_periods", tuple(tuple(p) for p in self.working_periods))
        object.__setattr__(self, "day_names", MappingProxyType(dict(self.day_names)))
        _validate_weekmask(self.weekmask)
        _validate_periods(self.working_periods)
        both = self.non_working_dates & self.swapped_working_dates
        if both:
            listed = ", ".join(f"{d:%d/%m/%Y}" for d in sorted(both))
            raise CalendarInputError(
                f"Ngày vừa là ngày nghỉ vừa là ngày làm việc bù: {listed}.",
                f"Dates listed both as non-working and as swapped working days: {listed}.",
            )

    # --- derived constants -------------------------------------------------------------------------

    @cached_property
    def _ix(self) -> DayIndex:
        return _build_index(self)

    @cached_property
    def _cutoff_us(self) -> int | None:
        return None if self.reception_cutoff is None else time_to_us(self.reception_cutoff)

    @cached_property
    def working_day_length(self) -> timedelta:
        """Working time in one working day (8 h by default): one working day in "hours" mode."""
        return timedelta(microseconds=self._ix.day_us)

    @property
    def opening_time(self) -> time:
        return self.working_periods[0][0]

    @property
    def closing_time(self) -> time:
        return self.working_periods[-1][1]

    def with_cutoff(self, cutoff: time | None) -> WorkingCalendar:
        """The same calendar with another reception cut-off (procedures may set their own)."""
        other = replace(self, reception_cutoff=cutoff)
        if "_ix" in self.__dict__:  # the day tables do not depend on the cut-off: share them
            other.__dict__["_ix"] = self.__dict__["_ix"]
        return other

    # --- public queries ----------------------------------------------------------------------------

    def to_local(self, moment: datetime) -> datetime:
        """`moment` converted to the calendar's time zone; refuses naive datetimes."""
        if not isinstance(moment, datetime):
            raise CalendarInputError(
                f"Cần một thời điểm kiểu datetime có múi giờ, nhận được {type(moment).__name__}.",
                f"Expected a timezone-aware datetime, got {type(moment).__name__}.",
            )
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise CalendarInputError(
                f"Thời điểm {moment.isoformat()} thiếu múi giờ; hãy truyền datetime có múi giờ "
                "(ví dụ Asia/Ho_Chi_Minh).",
                f"The moment {moment.isoformat()} is naive; pass a timezone-aware datetime.",
            )
        return moment.astimezone(self.tz)

    def is_working_day(self, day: date) -> bool:
        """True for a working day. An aware datetime is first converted to the calendar's zone."""
        if isinstance(day, datetime):
            day = self.to_local(day).date()
        if day in self.swapped_working_dates:
            return True
        if day in self.non_working_dates:
            return False
        return self.weekmask[day.weekday()] == "1"

    def day_name(self, day: date) -> str | None:
        """Display name of a special day (holiday, swap), if the calendar knows one."""
        return self.day_names.get(day)

    def is_estimated(self, day: date) -> bool:
        """True when `day` lies in a year whose official schedule is not known yet."""
        return day.year in self.estimated_years

    def next_working_moment(self, moment: datetime) -> datetime:
        """`moment` itself when inside working hours, else the start of the next working period."""
        return self._moment(self._w(self.to_local(moment)), closed_end=False)

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time from `a` to `b` (negative when `b` is before `a`)."""
        return timedelta(microseconds=self._w(self.to_local(b)) - self._w(self.to_local(a)))

    def counting_start(self, received_at: datetime) -> datetime:
        """Moment from which a time limit runs for a dossier received at `received_at`.

        Within working hours and before the cut-off: that moment; before opening: the opening; during
        the lunch break: the afternoon opening; at or after the cut-off, outside working hours or on a
        non-working day: the opening of the next working day. The cut-off is exclusive: a dossier
        received at exactly 15:00 is "not before 15:00" and starts the next working day.
        """
        w, _rule = self._counting_start_w(self.to_local(received_at))
        return self._moment(w, closed_end=False)

    def add(
        self, start: datetime, amount: Amount, unit: Unit = "working_days", mode: Mode = "hours"
    ) -> DueResult:
        """Due moment of a time limit; see `arithmetic.add` for the rules."""
        return arithmetic.add(self, start, amount, unit, mode)

    def working_dates(self, first: date, last: date) -> list[date]:
        """Working days from `first` to `last`, both included."""
        ix = self._ix
        lo = ix.rank[self._offset(first.toordinal())]
        hi = ix.rank[self._offset(last.toordinal()) + 1]
        return [date.fromordinal(o) for o in ix.work_ordinals[lo:hi]]

    # --- working-clock primitives (used by the sibling modules) ------------------------------------

    def _offset(self, ordinal: int) -> int:
        """Day offset into the tables; refuses dates outside the supported range."""
        ix = self._ix
        offset = ordinal - ix.base_ordinal
        if 0 <= offset < ix.n_days:
            return offset
        raise _out_of_range(date.fromordinal(ordinal))

    def _w(self, local: datetime) -> int:
        """Working-clock position of a local moment (flat outside working hours)."""
        ix = self._ix
        offset = self._offset(local.toordinal())
        base = ix.rank[offset] * ix.day_us
        if not ix.is_work[offset]:
            return base
        return base + ix.worked_before(_tod_us(local))

    def _counting_start_w(self, local: datetime) -> tuple[int, StartRule]:
        """Working-clock position where counting starts for a reception at `local`, and why."""
        ix = self._ix
        offset = self._offset(local.toordinal())
        rank = ix.rank[offset]
        if not ix.is_work[offset]:
            return rank * ix.day_us, "non_working_day"
        tod = _tod_us(local)
        if tod >= ix.periods_us[-1][1]:
            return (rank + 1) * ix.day_us, "after_hours"
        cutoff = self._cutoff_us
        if cutoff is not None and tod >= cutoff:
            return (rank + 1) * ix.day_us, "after_cutoff"
        if tod < ix.periods_us[0][0]:
            return rank * ix.day_us, "before_opening"
        in_period = any(start <= tod < end for start, end in ix.periods_us)
        return rank * ix.day_us + ix.worked_before(tod), "in_hours" if in_period else "between_periods"

    def _moment(self, w: int, *, closed_end: bool) -> datetime:
        """Local moment of working-clock position `w`.

        With `closed_end` a position at a period boundary maps to the end of the earlier period (a due
        moment at 12:00 or 17:00), otherwise to the start of the later one (a counting start).
        """
        ix = self._ix
        day_us = ix.day_us
        if closed_end:
            k, rem = divmod(w - 1, day_us)
            rem += 1
        else:
            k, rem = divmod(w, day_us)
        tod = ix.time_of_day(rem, closed_end=closed_end)
        if not 0 <= k < len(ix.work_ordinals):
            raise _out_of_range(INDEX_LAST_DAY if k >= 0 else INDEX_FIRST_DAY)
        day = date.fromordinal(ix.work_ordinals[k])
        seconds, micro = divmod(tod, US_PER_SECOND)
        minutes, second = divmod(seconds, 60)
        hour, minute = divmod(minutes, 60)
        return datetime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=self.tz)

    def _opening_of(self, k: int) -> datetime:
        """Opening moment of the working day with index `k`."""
        return self._moment(k * self._ix.day_us, closed_end=False)

    def _closing_of(self, k: int) -> datetime:
        """Closing moment of the working day with index `k`."""
        return self._moment((k + 1) * self._ix.day_us, closed_end=True)

    def _day_rank(self, day: date) -> tuple[int, bool]:
        """(index of `day` or of the next working day, whether `day` is a working day)."""
        ix = self._ix
        offset = self._offset(day.toordinal())
        return ix.rank[offset], ix.is_work[offset]

    def _spans_estimated(self, first_year: int, last_year: int) -> bool:
        estimated = self.estimated_years
        return bool(estimated) and any(y in estimated for y in range(first_year, last_year + 1))


def _out_of_range(day: date) -> CalendarInputError:
    first, last = INDEX_FIRST_DAY.year, INDEX_LAST_DAY.year
    return CalendarInputError(
        f"Ngày {day:%d/%m/%Y} nằm ngoài phạm vi lịch làm việc ({first}–{last}).",
        f"{day.isoformat()} is outside the supported calendar range ({first}–{last}).",
    )


def _validate_weekmask(weekmask: str) -> None:
    if not (isinstance(weekmask, str) and len(weekmask) == 7 and set(weekmask) <= {"0", "1"}):
        raise CalendarInputError(
            f"Mặt nạ ngày làm việc trong tuần không hợp lệ: {weekmask!r} (cần 7 ký tự 0/1, bắt đầu từ thứ Hai).",
            f"Invalid weekmask {weekmask!r}: expected 7 characters 0/1, Monday first.",
        )
    if "1" not in weekmask:
        raise CalendarInputError(
            "Tuần phải có ít nhất một ngày làm việc.", "The weekmask must contain at least one working day."
        )


def _validate_periods(periods: tuple[tuple[time, time], ...]) -> None:
    previous_end: time | None = None
    for period in periods:
        ok = len(period) == 2 and all(isinstance(t, time) and t.tzinfo is None for t in period)
        if not ok or period[0] >= period[1] or (previous_end is not None and period[0] < previous_end):
            raise CalendarInputError(
                f"Giờ làm việc không hợp lệ: {periods!r} (cần các khoảng (bắt đầu, kết thúc) tăng dần, "
                "không chồng lấn).",
                f"Invalid working periods {periods!r}: expected increasing, non-overlapping (start, end).",
            )
        previous_end = period[1]
    if not periods:
        raise CalendarInputError(
            "Cần ít nhất một khoảng giờ làm việc.", "At least one working period is needed."
        )


def _build_index(cal: WorkingCalendar) -> DayIndex:
    first = np.datetime64(INDEX_FIRST_DAY, "D")
    days = np.arange(first, np.datetime64(INDEX_LAST_DAY, "D") + 1)
    holidays = sorted(d for d in cal.non_working_dates if INDEX_FIRST_DAY <= d <= INDEX_LAST_DAY)
    busdaycal = np.busdaycalendar(weekmask=cal.weekmask, holidays=np.array(holidays, dtype="datetime64[D]"))
    is_work = np.is_busday(days, busdaycal=busdaycal)
    # A weekmask cannot say "this one Saturday is worked": mark swapped working days explicitly.
    swapped = sorted(d for d in cal.swapped_working_dates if INDEX_FIRST_DAY <= d <= INDEX_LAST_DAY)
    is_work[(np.array(swapped, dtype="datetime64[D]") - first).astype(np.int64)] = True
    rank = np.zeros(len(days) + 1, dtype=np.int64)
    np.cumsum(is_work, out=rank[1:])
    work_epoch_days = days[is_work].astype(np.int64)

    periods_us = tuple((time_to_us(s), time_to_us(e)) for s, e in cal.working_periods)
    cum_before: list[int] = []
    total = 0
    for start, end in periods_us:
        cum_before.append(total)
        total += end - start
    return DayIndex(
        base_ordinal=INDEX_FIRST_DAY.toordinal(),
        n_days=len(days),
        rank=rank.tolist(),
        is_work=is_work.tolist(),
        work_ordinals=(work_epoch_days + _EPOCH_ORDINAL).tolist(),
        day_us=total,
        periods_us=periods_us,
        cum_before_us=tuple(cum_before),
        base_epoch_day=INDEX_FIRST_DAY.toordinal() - _EPOCH_ORDINAL,
        rank_np=rank,
        is_work_np=is_work,
        work_epoch_days_np=work_epoch_days,
    )
