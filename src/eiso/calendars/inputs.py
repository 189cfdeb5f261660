"""Reading a deadline question from text (API query, command line, calculator form).

One parser for the three, so each refuses bad input with the same message: a `DomainError` naming
the field, in the active language (Vietnamese unless English was asked for).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from eiso.calendars.adapter import calendar_for
from eiso.calendars.clock import VN_TZ, CalendarInputError, DueResult
from eiso.core.errors import DomainError

UNITS = ("working_days", "working_hours", "calendar_days", "months")
MODES = ("hours", "days")
UNIT_LABELS = {
    "working_days": "ngày làm việc",
    "working_hours": "giờ làm việc",
    "calendar_days": "ngày (theo lịch)",
    "months": "tháng",
}
MAX_DAYS_SPAN = 3660


@dataclass(frozen=True)
class DueQuery:
    start: datetime.datetime
    amount: Decimal
    unit: str = "working_days"
    mode: str = "hours"
    agency: object | None = None


def parse_start(text: str | None) -> datetime.datetime:
    """ISO 8601 (a time without offset is Vietnam time), or 'dd/mm/yyyy HH:MM' as people type it."""
    value = (text or "").strip()
    if not value:
        raise DomainError(_("Cần thời điểm tiếp nhận (start)."), code="required", field="start")
    moment = None
    try:
        moment = datetime.datetime.fromisoformat(value.replace(" ", "T", 1) if "/" not in value else value)
    except ValueError:
        for pattern in ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y"):
            try:
                moment = datetime.datetime.strptime(value, pattern)
                break
            except ValueError:
                continue
    if moment is None:
        raise DomainError(
            _("Thời điểm tiếp nhận “%(value)s” không hợp lệ; dùng ISO 8601, ví dụ 2026-01-05T09:30:00+07:00.")
            % {"value": value[:60]},
            code="invalid_start",
            field="start",
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN_TZ)
    return moment.astimezone(VN_TZ).replace(microsecond=0)


def parse_date(text: str | None, field: str) -> datetime.date:
    value = (text or "").strip()
    for parse in (datetime.date.fromisoformat, lambda v: datetime.datetime.strptime(v, "%d/%m/%Y").date()):
        try:
            return parse(value)
        except ValueError:
            continue
    raise DomainError(
        _("Ngày “%(value)s” không hợp lệ; dùng YYYY-MM-DD, ví dụ 2026-01-05.") % {"value": value[:40]},
        code="invalid_date",
        field=field,
    )


def parse_amount(text) -> Decimal:
    value = str(text if text is not None else "").strip().replace(",", ".")
    if not value:
        raise DomainError(_("Cần thời hạn (amount)."), code="required", field="amount")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise DomainError(
            _("Thời hạn “%(value)s” không phải là một số.") % {"value": value[:40]},
            code="invalid_amount",
            field="amount",
        )
    return amount


def parse_unit(text: str | None) -> str:
    value = (text or "working_days").strip()
    if value not in UNITS:
        raise DomainError(
            _(
                "Đơn vị thời hạn “%(value)s” không hợp lệ; dùng working_days, working_hours, calendar_days hoặc months."
            )
            % {"value": value[:40]},
            code="invalid_unit",
            field="unit",
        )
    return value


def parse_mode(text: str | None) -> str:
    value = (text or "hours").strip()
    if value not in MODES:
        raise DomainError(
            _(
                "Cách tính “%(value)s” không hợp lệ; dùng hours (quy ra giờ làm việc) hoặc days (không tính ngày tiếp nhận)."
            )
            % {"value": value[:40]},
            code="invalid_mode",
            field="mode",
        )
    return value


def find_agency(code: str | None):
    """An agency by its electronic identifier (000.00.15.H33) or administrative code (33, 11980)."""
    from eiso.organizations.models import Agency

    value = (code or "").strip()
    if not value:
        return None
    found = (
        Agency.objects.active_on().filter(electronic_id=value).first()
        or Agency.objects.active_on().filter(admin_code=value).first()
    )
    if found is None:
        raise DomainError(
            _("Không tìm thấy cơ quan có mã “%(code)s” (mã định danh điện tử hoặc mã đơn vị hành chính).")
            % {"code": value[:40]},
            code="unknown_agency",
            field="agency",
        )
    return found


def parse_due_query(*, start, amount, unit=None, mode=None, agency=None) -> DueQuery:
    return DueQuery(
        start=parse_start(start),
        amount=parse_amount(amount),
        unit=parse_unit(unit),
        mode=parse_mode(mode),
        agency=find_agency(agency) if isinstance(agency, str | type(None)) else agency,
    )


def compute_due(query: DueQuery) -> DueResult:
    """The due moment on the agency's calendar; the calendar's refusals as DomainError (400)."""
    from eiso.calendars.services import localized

    try:
        return calendar_for(query.agency).add(query.start, query.amount, query.unit, query.mode)
    except CalendarInputError as exc:
        field = "start" if "phạm vi lịch" in exc.message_vi else "amount"
        raise DomainError(localized(exc), code="invalid", field=field) from None


def parse_period(first: str | None, last: str | None) -> tuple[datetime.date, datetime.date]:
    """A date range for listing days: both ends included, at most ten years, defaults to this year."""
    today = datetime.date.today()
    begin = parse_date(first, "from") if first else datetime.date(today.year, 1, 1)
    end = parse_date(last, "to") if last else datetime.date(begin.year, 12, 31)
    if end < begin:
        raise DomainError(
            _("Ngày kết thúc (to) phải từ ngày bắt đầu (from) trở đi."), code="invalid_range", field="to"
        )
    if (end - begin).days > MAX_DAYS_SPAN:
        raise DomainError(_("Khoảng thời gian tối đa là 10 năm."), code="invalid_range", field="to")
    return begin, end
