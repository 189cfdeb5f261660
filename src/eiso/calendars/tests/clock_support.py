"""Shared helpers of the clock tests (no Django)."""

from __future__ import annotations

from datetime import date, datetime

from eiso.calendars.clock import VN_TZ, national_calendar

NATIONAL = national_calendar()


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """An aware moment in Vietnam time."""
    return datetime(year, month, day, hour, minute, second, tzinfo=VN_TZ)


def d(text: str) -> date:
    """date from 'dd/mm/yyyy', the way the legal texts write it."""
    day, month, year = (int(part) for part in text.split("/"))
    return date(year, month, day)
