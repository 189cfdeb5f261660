"""Fixtures of the calendar's Django tests (the pure clock tests need none of them)."""

import datetime

import pytest

from eiso.calendars import adapter
from eiso.calendars.clock import VN_TZ


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Each test starts without calendars cached by an earlier (rolled back) test."""
    adapter.invalidate()
    yield
    adapter.invalidate()


@pytest.fixture
def national(db):
    """The national calendar as the data migration leaves it (seeded again if a flush removed it)."""
    from eiso.calendars.models import CalendarEntry
    from eiso.calendars.seed import seed_national

    if CalendarEntry.objects.national().count() < 250:
        seed_national()
    adapter.invalidate()


def at(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


def d(text: str) -> datetime.date:
    day, month, year = (int(part) for part in text.split("/"))
    return datetime.date(year, month, day)
