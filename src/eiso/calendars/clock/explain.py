"""Vietnamese explanations of computed deadlines, e.g. for the receipt and appointment slip.

Formatting follows Vietnamese usage: dd/mm/yyyy dates, "thứ Hai" … "Chủ nhật", decimal comma.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from .arithmetic import UNIT_NAMES_VI, add_months
from .common import Amount

if TYPE_CHECKING:
    from .arithmetic import DueResult
    from .calendar import WorkingCalendar

WEEKDAYS_VI = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
_MAX_LISTED_DAYS = 12  # a long list of days off would hide the answer


def format_date(day: date) -> str:
    """'thứ Sáu 02/01/2026'."""
    return f"{WEEKDAYS_VI[day.weekday()]} {day:%d/%m/%Y}"


def format_clock(t: time | datetime) -> str:
    """'08:00', or '08:00:30' when there are seconds."""
    return f"{t:%H:%M:%S}" if t.second or t.microsecond else f"{t:%H:%M}"


def format_moment(moment: datetime) -> str:
    """'15:30 thứ Sáu 02/01/2026'."""
    return f"{format_clock(moment)} {format_date(moment.date())}"


def format_number(value: Amount) -> str:
    """'3', '0,5' (decimal comma)."""
    as_float = float(value)
    if as_float == int(as_float):
        return str(int(as_float))
    return f"{as_float:.4f}".rstrip("0").replace(".", ",")


def format_working_time(span: timedelta) -> str:
    """'4 giờ 30 phút', '24 giờ', '0 phút'."""
    sign = "-" if span < timedelta(0) else ""
    minutes = round(abs(span).total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    parts = ([f"{hours} giờ"] if hours else []) + ([f"{minutes} phút"] if minutes or not hours else [])
    return sign + " ".join(parts)


def format_periods(cal: WorkingCalendar) -> str:
    """'08:00–12:00, 13:00–17:00'."""
    return ", ".join(f"{format_clock(s)}–{format_clock(e)}" for s, e in cal.working_periods)


def explain_due(result: DueResult) -> list[str]:
    """The steps that lead from the reception moment to the due moment."""
    cal = result.calendar
    steps = [_reception_step(result), _limit_step(result)]
    steps.extend(_calendar_steps(cal, result.received_at.date(), result.due.date()))
    steps.append(_due_step(result))
    if result.estimated:
        years = sorted(
            y for y in range(result.received_at.year, result.due.year + 1) if y in cal.estimated_years
        )
        listed = ", ".join(str(y) for y in years)
        steps.append(
            f"Lưu ý: năm {listed} chưa có lịch nghỉ chính thức; hạn này được tính theo lịch ước tính "
            "và có thể thay đổi khi lịch nghỉ được công bố."
        )
    return steps


def _reception_step(result: DueResult) -> str:
    cal = result.calendar
    received = f"Tiếp nhận lúc {format_moment(result.received_at)}"
    start = format_moment(result.counting_started)
    cutoff = cal.reception_cutoff
    rule = result.start_rule
    if rule == "reception_day_not_counted":
        return (
            f"{received}; ngày tiếp nhận không được tính (Bộ luật Dân sự 2015, Điều 147) → ngày đầu tiên "
            f"được tính là {format_date(result.counting_started.date())}"
        )
    if rule == "in_hours":
        before_cutoff = f" và trước giờ tiếp nhận {format_clock(cutoff)}" if cutoff else ""
        return f"{received}, trong giờ làm việc{before_cutoff} → bắt đầu tính ngay từ {start}"
    if rule == "non_working_day":
        day = result.received_at.date()
        name = cal.day_name(day) or "ngày nghỉ hằng tuần"
        return f"{received}, là ngày không làm việc: {name} → bắt đầu tính từ {start}"
    reason = {
        "before_opening": "trước giờ làm việc",
        "between_periods": "trong giờ nghỉ giữa hai buổi làm việc",
        "after_cutoff": f"sau giờ tiếp nhận {format_clock(cutoff)}" if cutoff else "sau giờ tiếp nhận",
        "after_hours": "ngoài giờ làm việc",
    }[rule]
    return f"{received}, {reason} → bắt đầu tính từ {start}"


def _limit_step(result: DueResult) -> str:
    cal = result.calendar
    amount = format_number(result.amount)
    unit_vi = UNIT_NAMES_VI[result.unit]
    if result.unit == "working_days" and result.mode == "hours":
        day = cal.working_day_length
        total = format_working_time(day * float(result.amount))
        return (
            f"Thời hạn {amount} {unit_vi} × {format_working_time(day)} = {total} làm việc, tính liên tục "
            f"trong giờ làm việc ({format_periods(cal)})"
        )
    if result.unit == "working_hours":
        return f"Thời hạn {amount} {unit_vi}, tính trong giờ làm việc ({format_periods(cal)})"
    closing = format_clock(cal.closing_time)
    if result.unit == "working_days":
        if int(result.amount) == 0:
            return f"Thời hạn trong ngày: hết giờ làm việc ({closing}) của ngày bắt đầu tính"
        return (
            f"Thời hạn {amount} {unit_vi}: hết giờ làm việc ({closing}) của ngày làm việc thứ {amount} "
            "được tính"
        )
    return _last_day_step(result, amount, unit_vi)


def _last_day_step(result: DueResult, amount: str, unit_vi: str) -> str:
    cal = result.calendar
    received = result.received_at.date()
    n = int(result.amount)
    if result.unit == "calendar_days":
        last = received + timedelta(days=n)
        text = (
            f"Thời hạn {amount} {unit_vi} theo lịch (kể cả ngày nghỉ) → ngày cuối cùng là {format_date(last)}"
        )
    else:
        last = add_months(received, n)
        text = f"Thời hạn {amount} {unit_vi} → ngày tương ứng của tháng cuối là {format_date(last)}"
        if last.day != received.day:
            text += f" (tháng này không có ngày {received.day}, lấy ngày cuối tháng)"
    if not cal.is_working_day(last):
        text += (
            f"; ngày này là ngày không làm việc nên hạn chuyển sang ngày làm việc tiếp theo, "
            f"{format_date(result.due.date())}"
        )
    return text


def _calendar_steps(cal: WorkingCalendar, first: date, last: date) -> list[str]:
    """Named days off skipped and swapped days worked between reception and due dates."""
    off: list[tuple[date, str]] = []
    worked: list[str] = []
    day = first
    while day <= last:
        name = cal.day_name(day)
        if day in cal.swapped_working_dates:
            worked.append(f"{format_date(day)} ({name or 'làm việc bù'})")
        elif day in cal.non_working_dates and cal.weekmask[day.weekday()] == "1":
            off.append((day, name or "ngày nghỉ"))
        day += timedelta(days=1)
    steps = []
    if off:
        steps.append("Không tính các ngày nghỉ: " + _join_limited(_group_runs(cal, off)))
    if worked:
        steps.append("Có tính ngày làm việc bù: " + _join_limited(worked))
    return steps


def _group_runs(cal: WorkingCalendar, days: list[tuple[date, str]]) -> list[str]:
    """'16/02–20/02/2026 (Tết …)' for days off with the same name and no working day between them."""
    runs: list[list[tuple[date, str]]] = []
    for day, name in days:
        if runs and runs[-1][-1][1] == name and not cal.working_dates(runs[-1][-1][0], day):
            runs[-1].append((day, name))
        else:
            runs.append([(day, name)])
    texts = []
    for run in runs:
        (first, name), (last, _name) = run[0], run[-1]
        span = f"{first:%d/%m/%Y}" if first == last else f"{first:%d/%m}–{last:%d/%m/%Y}"
        texts.append(f"{span} ({name})")
    return texts


def _join_limited(items: list[str]) -> str:
    if len(items) <= _MAX_LISTED_DAYS:
        return ", ".join(items)
    shown = ", ".join(items[:_MAX_LISTED_DAYS])
    return f"{shown} và {len(items) - _MAX_LISTED_DAYS} ngày khác"


def _due_step(result: DueResult) -> str:
    cal = result.calendar
    text = f"Hạn giải quyết: {format_moment(result.due)}"
    due_time = result.due.timetz().replace(tzinfo=None)
    ends = {end for _start, end in cal.working_periods}
    counts_hours = result.unit == "working_hours" or (
        result.unit == "working_days" and result.mode == "hours"
    )
    if counts_hours and due_time in ends and result.due != result.counting_started:
        text += " (hết buổi làm việc; không chuyển sang đầu buổi làm việc sau)"
    return text
