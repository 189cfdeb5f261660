"""From calendar rows to a `WorkingCalendar`: `calendar_for(agency)`, cached per process.

Every deadline goes through `calendar_for`, so it must cost nothing in the common case:

* the rows (national entries, agencies' entries, working hours, year statuses) are read once per
  *calendar version* into a snapshot; a service that changes any of them replaces the token of the
  one `CalendarVersion` row in its transaction and drops this process's cache at once;
* other processes notice the new token the next time they check it, at most every
  `EISO_CALENDAR_CACHE_SECONDS` (2 s by default; 0 in tests). The background recomputation always
  checks (`fresh=True`), so it never works from a stale calendar;
* a calendar is keyed by the agency's materialized path (the ids of the agency and of the agencies
  above it), so a move in the tree gives another key with no invalidation, and agencies that share
  the same days and hours share one `WorkingCalendar` object — whose day tables are built once.
"""

from __future__ import annotations

import datetime
import threading
import time
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from eiso.calendars.clock import (
    DEFAULT_RECEPTION_CUTOFF,
    DEFAULT_WORKING_PERIODS,
    WEEKMASK_MON_FRI,
    WorkingCalendar,
)
from eiso.calendars.clock.calendar import INDEX_FIRST_DAY, INDEX_LAST_DAY
from eiso.calendars.querysets import path_ids

DAY_OFF = frozenset({"holiday", "compensatory_day_off", "swapped_day_off"})
DEFAULT_SCHEDULE = (WEEKMASK_MON_FRI, DEFAULT_WORKING_PERIODS, DEFAULT_RECEPTION_CUTOFF)


@dataclass(frozen=True)
class _Snapshot:
    token: str
    national: dict[datetime.date, tuple[str, str]]
    by_agency: dict[int, dict[datetime.date, tuple[str, str]]]
    schedules: dict[int, tuple]
    estimated_years: frozenset[int]
    calendars: dict = field(default_factory=dict)  # path → WorkingCalendar
    interned: dict = field(default_factory=dict)  # content → WorkingCalendar


_lock = threading.Lock()
_snapshot: _Snapshot | None = None
_checked_at = 0.0


def _ttl() -> float:
    return float(getattr(settings, "EISO_CALENDAR_CACHE_SECONDS", 2.0))


def _read_token() -> str:
    from eiso.calendars.models import CalendarVersion

    return CalendarVersion.objects.order_by("pk").values_list("token", flat=True).first() or ""


def invalidate() -> None:
    """Forget this process's calendars (the next `calendar_for` reads the rows again)."""
    global _snapshot, _checked_at
    with _lock:
        _snapshot = None
        _checked_at = 0.0


def bump_version() -> None:
    """Mark the calendar as changed; call inside the service's transaction."""
    from eiso.calendars.models import CalendarVersion

    token = uuid.uuid4().hex
    if not CalendarVersion.objects.update(token=token):
        CalendarVersion.objects.create(token=token)
    invalidate()
    transaction.on_commit(invalidate)  # readers in this process may have cached the old rows meanwhile


def _load(token: str) -> _Snapshot:
    from eiso.calendars.models import CalendarEntry, CalendarYear, WorkSchedule

    national: dict[datetime.date, tuple[str, str]] = {}
    by_agency: dict[int, dict[datetime.date, tuple[str, str]]] = {}
    rows = CalendarEntry.objects.order_by().values_list("agency_id", "date", "kind", "name_vi")
    for agency_id, day, kind, name in rows.iterator(chunk_size=5000):
        target = national if agency_id is None else by_agency.setdefault(agency_id, {})
        target[day] = (kind, name)
    schedules = {
        agency_id: (weekmask, _periods(ms, me, as_, ae), cutoff)
        for agency_id, ms, me, as_, ae, weekmask, cutoff in WorkSchedule.objects.values_list(
            "agency_id",
            "morning_start",
            "morning_end",
            "afternoon_start",
            "afternoon_end",
            "weekmask",
            "reception_cutoff",
        )
    }
    official = set(CalendarYear.objects.filter(status="official").values_list("year", flat=True))
    every_year = range(INDEX_FIRST_DAY.year, INDEX_LAST_DAY.year + 1)
    return _Snapshot(
        token=token,
        national=national,
        by_agency=by_agency,
        schedules=schedules,
        estimated_years=frozenset(y for y in every_year if y not in official),
    )


def _periods(morning_start, morning_end, afternoon_start, afternoon_end):
    if afternoon_start and afternoon_end:
        return ((morning_start, morning_end), (afternoon_start, afternoon_end))
    return ((morning_start, morning_end),)


def _current_snapshot(fresh: bool) -> _Snapshot:
    global _snapshot, _checked_at
    snapshot = _snapshot
    now = time.monotonic()
    if snapshot is not None and not fresh and now - _checked_at < _ttl():
        return snapshot
    token = _read_token()
    with _lock:
        if _snapshot is not None and _snapshot.token == token:
            _checked_at = now
            return _snapshot
    loaded = _load(token)
    with _lock:
        _snapshot, _checked_at = loaded, now
    return loaded


def _build(snapshot: _Snapshot, path: str | None) -> WorkingCalendar:
    ids = path_ids(path) if path else []
    overrides: dict[datetime.date, tuple[str, str]] = {}
    schedule = DEFAULT_SCHEDULE
    for agency_id in ids:  # root first: a deeper agency's entry replaces a higher one's
        overrides.update(snapshot.by_agency.get(agency_id, {}))
        schedule = snapshot.schedules.get(agency_id, schedule)
    content = (tuple(sorted(overrides.items())), schedule)
    calendar = snapshot.interned.get(content)
    if calendar is not None:
        return calendar
    days = {**snapshot.national, **overrides}
    weekmask, periods, cutoff = schedule
    calendar = WorkingCalendar(
        non_working_dates=frozenset(d for d, (kind, _n) in days.items() if kind in DAY_OFF),
        swapped_working_dates=frozenset(d for d, (kind, _n) in days.items() if kind not in DAY_OFF),
        weekmask=weekmask,
        working_periods=periods,
        reception_cutoff=cutoff,
        estimated_years=snapshot.estimated_years,
        day_names={d: name for d, (_kind, name) in days.items()},
    )
    snapshot.interned[content] = calendar
    return calendar


def agency_path_on(agency, on: datetime.date | None) -> str:
    """The agency's materialized path, or the path it had on day `on` (from its versions)."""
    if on is None or on >= datetime.date.today():
        return agency.path
    from eiso.organizations.models import AgencyVersion

    chain: list[int] = []
    current = agency.pk
    while current is not None and current not in chain:
        chain.append(current)
        current = (
            AgencyVersion.objects.as_of(on)
            .filter(agency_id=current)
            .values_list("parent_id", flat=True)
            .first()
        )
    return "".join(f"{agency_id:08d}/" for agency_id in reversed(chain))


def calendar_for(agency=None, *, on: datetime.date | None = None, fresh: bool = False) -> WorkingCalendar:
    """The working calendar of `agency` (an Agency, its id, or None for the national calendar).

    National entries, then the entries of each agency above it down to the agency itself (deeper
    ones replace higher ones on the same date), with the working hours of the nearest agency that
    has set them. With `on`, the agencies above it are those of the tree as it stood that day.
    """
    if agency is not None and not hasattr(agency, "path"):
        from eiso.organizations.models import Agency

        agency = Agency.objects.only("path").get(pk=agency)
    path = agency_path_on(agency, on) if agency is not None else None
    snapshot = _current_snapshot(fresh)
    calendar = snapshot.calendars.get(path)
    if calendar is None:
        calendar = _build(snapshot, path)
        snapshot.calendars[path] = calendar
    return calendar


@dataclass(frozen=True)
class EffectiveDay:
    """A special day as it applies to one agency, with where it comes from."""

    date: datetime.date
    kind: str
    name_vi: str
    name_en: str
    legal_reference: str
    scope: str
    agency_id: int | None
    agency_name: str
    estimated: bool
    entry_id: int

    @property
    def is_day_off(self) -> bool:
        return self.kind in DAY_OFF


def effective_days(agency, first: datetime.date, last: datetime.date) -> list[EffectiveDay]:
    """The special days from `first` to `last` that apply to `agency` (national when None)."""
    from eiso.calendars.models import CalendarEntry

    depth = {agency_id: index for index, agency_id in enumerate(path_ids(agency.path))} if agency else {}
    rows = CalendarEntry.objects.applying_to(agency).between(first, last).select_related("agency")
    chosen: dict[datetime.date, tuple[int, CalendarEntry]] = {}
    for entry in rows:
        level = -1 if entry.agency_id is None else depth[entry.agency_id]
        if entry.date not in chosen or level > chosen[entry.date][0]:
            chosen[entry.date] = (level, entry)
    return [
        EffectiveDay(
            date=e.date,
            kind=e.kind,
            name_vi=e.name_vi,
            name_en=e.name_en,
            legal_reference=e.legal_reference,
            scope=e.scope,
            agency_id=e.agency_id,
            agency_name=e.agency.name if e.agency_id else "",
            estimated=e.estimated,
            entry_id=e.pk,
        )
        for _level, e in (chosen[d] for d in sorted(chosen))
    ]
