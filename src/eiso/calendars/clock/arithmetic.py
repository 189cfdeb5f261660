"""Due moment of a time limit (thời hạn giải quyết) received at a given moment.

Units and modes:

* ``working_days`` in ``"hours"`` mode (default): N working days = N × the daily working time (8 h),
  counted from the counting start (15:00 cut-off, lunch break...) and keeping the time of day. This is
  how internal processes convert days to hours. Fractions are allowed (0.5 day = 4 h).
* ``working_days`` in ``"days"`` mode (Civil Code 2015 Arts. 147–148): the reception day is not counted;
  the limit ends at the closing time of the Nth working day after it. ``0`` means "within the day":
  the closing time of the day on which counting starts (after the cut-off: the next working day).
* ``working_hours``: counted from the counting start, like the hours mode.
* ``calendar_days``: the reception day is not counted; the limit ends at the closing time of the last
  day, or of the next working day when the last day is not a working day.
* ``months``: the same day of the month N months later (the month's last day when it has no such day),
  at closing time, moved to the next working day when that day is not a working day.

The mode only changes ``working_days``; calendar days and months always follow the Civil Code rule.
The reception rules of `WorkingCalendar.counting_start` (15:00 cut-off, lunch break...) apply to every
limit counted in working time (``working_days`` in hours mode, ``working_hours``).
A due moment that falls exactly at the end of a working period is that end (12:00 or 17:00), never the
start of the next period. Amounts are rounded to the second.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from numbers import Real
from typing import TYPE_CHECKING

from .common import MODES, UNITS, US_PER_SECOND, Amount, Mode, StartRule, Unit
from .errors import CalendarInputError

if TYPE_CHECKING:
    from .calendar import WorkingCalendar

MAX_DAYS = 3650  # about ten years: anything longer is a typing error, not a time limit
MAX_MONTHS = 120

UNIT_NAMES_VI: dict[str, str] = {
    "working_days": "ngày làm việc",
    "working_hours": "giờ làm việc",
    "calendar_days": "ngày",
    "months": "tháng",
}


@dataclass(frozen=True)
class DueResult:
    """A computed due moment with what is needed to explain it.

    `explanation` is rendered on demand (it is not needed when computing many deadlines).
    """

    due: datetime
    counting_started: datetime
    estimated: bool
    received_at: datetime
    amount: Amount
    unit: Unit
    mode: Mode
    start_rule: StartRule
    calendar: WorkingCalendar = field(repr=False, compare=False)

    @property
    def explanation(self) -> list[str]:
        """Human-readable steps in Vietnamese, e.g. why counting started on the next working day."""
        from .explain import explain_due

        return explain_due(self)


def add(
    cal: WorkingCalendar,
    start: datetime,
    amount: Amount,
    unit: Unit = "working_days",
    mode: Mode = "hours",
) -> DueResult:
    """Due moment of a time limit of `amount` `unit` for a dossier received at `start`."""
    if unit not in UNITS:
        raise CalendarInputError(
            f"Đơn vị thời hạn không hợp lệ: {unit!r}; chỉ nhận working_days (ngày làm việc), "
            "working_hours (giờ làm việc), calendar_days (ngày theo lịch), months (tháng).",
            f"Unknown time-limit unit {unit!r}; expected one of {', '.join(UNITS)}.",
        )
    if mode not in MODES:
        raise CalendarInputError(
            f"Cách tính không hợp lệ: {mode!r}; chỉ nhận 'hours' (quy đổi ra giờ làm việc) hoặc 'days' "
            "(theo Bộ luật Dân sự: không tính ngày tiếp nhận).",
            f"Unknown counting mode {mode!r}; expected 'hours' or 'days'.",
        )
    local = cal.to_local(start)
    check_amount(amount, unit, mode, cal.working_day_length)
    if unit == "working_days" and mode == "hours":
        seconds = round(amount * (cal._ix.day_us // US_PER_SECOND))
        return _by_working_time(cal, local, seconds, amount, unit, mode)
    if unit == "working_hours":
        return _by_working_time(cal, local, round(amount * 3600), amount, unit, mode)
    if unit == "working_days":
        return _by_counted_days(cal, local, int(amount), amount, mode)
    n = int(amount)
    last_day = local.date() + timedelta(days=n) if unit == "calendar_days" else add_months(local.date(), n)
    return _by_last_day(cal, local, last_day, amount, unit, mode)


def check_amount(amount: object, unit: Unit, mode: Mode, day_length: timedelta) -> None:
    """Refuse negative, non-finite, absurd (> ~10 years) or wrongly fractional amounts."""
    unit_vi = UNIT_NAMES_VI[unit]
    if type(amount) is int or type(amount) is float:  # the common case, without the ABC check
        value = float(amount)
    elif isinstance(amount, Real | Decimal) and not isinstance(amount, bool):
        value = float(amount)
    else:
        value = math.nan
    if not math.isfinite(value):
        raise CalendarInputError(
            f"Thời hạn phải là một số hữu hạn, nhận được {amount!r}.",
            f"The amount must be a finite number, got {amount!r}.",
        )
    if value < 0:
        raise CalendarInputError(
            f"Thời hạn không được là số âm (nhận được {amount} {unit_vi}).",
            f"The amount must not be negative (got {amount} {unit}).",
        )
    if unit == "months":
        limit: float = MAX_MONTHS
    elif unit == "working_hours":
        limit = MAX_DAYS * day_length / timedelta(hours=1)
    else:
        limit = MAX_DAYS
    if value > limit:
        raise CalendarInputError(
            f"Thời hạn {amount} {unit_vi} vượt quá mức tối đa {limit:g} {unit_vi} (khoảng 10 năm); "
            "hãy kiểm tra lại số liệu.",
            f"The amount {amount} {unit} exceeds the maximum of {limit:g} (about ten years).",
        )
    whole_only = unit in ("calendar_days", "months") or (unit == "working_days" and mode == "days")
    if whole_only and value != int(value):
        raise CalendarInputError(
            f"Thời hạn tính theo {unit_vi} (cách tính theo ngày) phải là số nguyên, nhận được {amount}.",
            f"An amount in {unit} ({mode} mode) must be a whole number, got {amount}.",
        )


def add_months(day: date, months: int) -> date:
    """Same day of the month `months` later, clamped to the month's last day (Civil Code Art. 148)."""
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    last = _stdlib_calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def _by_working_time(
    cal: WorkingCalendar, local: datetime, seconds: int, amount: Amount, unit: Unit, mode: Mode
) -> DueResult:
    start_w, rule = cal._counting_start_w(local)
    counting = cal._moment(start_w, closed_end=False)
    due = counting if seconds == 0 else cal._moment(start_w + seconds * US_PER_SECOND, closed_end=True)
    return DueResult(
        due=due,
        counting_started=counting,
        estimated=cal._spans_estimated(local.year, due.year),
        received_at=local,
        amount=amount,
        unit=unit,
        mode=mode,
        start_rule=rule,
        calendar=cal,
    )


def _by_counted_days(cal: WorkingCalendar, local: datetime, n: int, amount: Amount, mode: Mode) -> DueResult:
    rule: StartRule
    if n == 0:
        # "Within the day": the day on which counting starts, so the cut-off moves it to the next day.
        start_w, rule = cal._counting_start_w(local)
        first = last = start_w // cal._ix.day_us
    else:
        # The reception day is never counted, whether or not it is a working day.
        rank, is_working = cal._day_rank(local.date())
        first = rank + int(is_working)
        last = first + n - 1
        rule = "reception_day_not_counted"
    due = cal._closing_of(last)
    return DueResult(
        due=due,
        counting_started=cal._opening_of(first),
        estimated=cal._spans_estimated(local.year, due.year),
        received_at=local,
        amount=amount,
        unit="working_days",
        mode=mode,
        start_rule=rule,
        calendar=cal,
    )


def _by_last_day(
    cal: WorkingCalendar, local: datetime, last_day: date, amount: Amount, unit: Unit, mode: Mode
) -> DueResult:
    rank, _is_working = cal._day_rank(last_day)  # the last day itself, or the next working day
    due = cal._closing_of(rank)
    next_day = local.date() + timedelta(days=1)
    return DueResult(
        due=due,
        counting_started=datetime(next_day.year, next_day.month, next_day.day, tzinfo=cal.tz),
        estimated=cal._spans_estimated(local.year, due.year),
        received_at=local,
        amount=amount,
        unit=unit,
        mode=mode,
        start_rule="reception_day_not_counted",
        calendar=cal,
    )
