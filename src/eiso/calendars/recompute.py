"""Recompute the due moments of open legal clocks after a calendar change.

`recompute_open_clocks(changed_dates, scope)` selects the open clocks whose counting window can
contain a changed date (opened before the last changed date, due on or after the first) under the
changed scope, recomputes them on the current calendar and writes those whose due moment (or
"estimated" flag) changed, in batches:

* *plain* clocks (no pause, reset or extension; most of them) are recomputed together with numpy
  (`add_working_days_bulk`), moments travelling as epoch seconds (`EpochSeconds`);
* the others are rebuilt one by one as `LegalClock`s (`services.load_clock`).

Only `due_at` and `estimated` are written: a clock's stored `state` holds its limit and events, and
the moments that depend on the calendar (counting start, due moment) are computed again from it on
the current calendar whenever it is loaded (`services.load_clock`). Rewriting 100k JSON states
would triple the cost of the writes for nothing.

Writes are one statement per batch through a small database-aware helper (`set_clock_dues`):
`UPDATE … FROM unnest(…)` on PostgreSQL, `executemany` on SQLite. The caller holds the transaction;
rows are locked as they are read (`select_for_update`), so a clock event on one of them waits for
the recomputation.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, models, transaction
from django.utils import timezone

from eiso.calendars import adapter
from eiso.calendars.clock import VN_TZ, LegalClock, WorkingCalendar, add_working_days_bulk
from eiso.calendars.clock.errors import CalendarError
from eiso.calendars.models import ClockRecord

BATCH = 20_000
SAMPLE = 50
# Asia/Ho_Chi_Minh has been UTC+7 without daylight saving since 1975, over the whole calendar range.
OFFSET_S = 7 * 3600


class EpochSeconds(models.Func):
    """Whole seconds since 1970-01-01 UTC of a datetime column (reading 100k datetimes as text and
    parsing them in Python costs more than the whole recomputation)."""

    output_field = models.BigIntegerField()

    def as_sql(self, compiler, connection, **extra):  # other databases: the SQLite form is standard enough
        return self.as_sqlite(compiler, connection, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="FLOOR(EXTRACT(EPOCH FROM %(expressions)s))::bigint", **extra
        )

    def as_sqlite(self, compiler, connection, **extra):
        # '%%%%' survives the template's formatting and Django's %s → ? conversion as one '%'.
        return super().as_sql(
            compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)", **extra
        )


@dataclass
class RecomputeResult:
    checked: int = 0
    moved_ids: list[int] = field(default_factory=list)
    moves: list[dict] = field(default_factory=list)  # a sample: id, old and new due (ISO)
    estimated_changed: int = 0
    failed_ids: list[int] = field(default_factory=list)

    @property
    def moved(self) -> int:
        return len(self.moved_ids)


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, tzinfo=VN_TZ)


def affected_clocks(changed_dates: Iterable[datetime.date] | None, scope=None):
    """Open clocks under `scope` whose window [opening, due] can contain one of `changed_dates`
    (every open clock under `scope` when there are no dates: a change of working hours)."""
    qs = ClockRecord.objects.open().under(scope)
    dates = sorted(set(changed_dates or ()))
    if dates:
        qs = qs.filter(
            due_at__gte=_midnight(dates[0]),
            period_opened_at__lt=_midnight(dates[-1] + datetime.timedelta(days=1)),
        )
    return qs


@transaction.atomic
def recompute_open_clocks(
    changed_dates: Iterable[datetime.date] | None, scope=None, *, batch_size: int = BATCH
) -> RecomputeResult:
    """Recompute and store the due moments of the open clocks a calendar change can affect."""
    result = RecomputeResult()
    selected = affected_clocks(changed_dates, scope)
    calendars = _Calendars()
    last_id = 0
    while True:
        rows = list(
            selected.filter(plain=True, id__gt=last_id)
            .order_by("id")
            .select_for_update(of=("self",))
            .annotate(opened_s=EpochSeconds("period_opened_at"), due_s=EpochSeconds("due_at"))
            .values_list("id", "agency_id", "opened_s", "amount", "unit", "mode", "due_s", "estimated")[
                :batch_size
            ]
        )
        if not rows:
            break
        last_id = rows[-1][0]
        _plain_batch(rows, calendars, result)
    last_id = 0
    while True:
        rows = list(
            selected.filter(plain=False, id__gt=last_id)
            .order_by("id")
            .select_for_update(of=("self",))
            .values_list("id", "agency_id", "state", "due_at", "estimated", "cutoff")[
                : max(1, batch_size // 10)
            ]
        )
        if not rows:
            break
        last_id = rows[-1][0]
        _rebuilt_batch(rows, calendars, result)
    return result


class _Calendars:
    """Calendars by agency id, read fresh once per recomputation (paths in one query per batch)."""

    def __init__(self):
        self.by_agency: dict[int | None, WorkingCalendar] = {}

    def load(self, agency_ids: set[int | None]) -> None:
        from eiso.organizations.models import Agency

        missing = {a for a in agency_ids if a not in self.by_agency}
        if None in missing:
            self.by_agency[None] = adapter.calendar_for(None, fresh=not self.by_agency)
            missing.discard(None)
        if missing:
            for agency in Agency.objects.filter(pk__in=missing).only("path"):
                self.by_agency[agency.pk] = adapter.calendar_for(agency, fresh=not self.by_agency)

    def __getitem__(self, agency_id):
        return self.by_agency[agency_id]


def _plain_batch(rows: list[tuple], calendars: _Calendars, result: RecomputeResult) -> None:
    """Rows: (id, agency_id, opened epoch s, amount, unit, mode, due epoch s, estimated)."""
    calendars.load({row[1] for row in rows})
    n = len(rows)
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=n)
    opened = np.fromiter((row[2] for row in rows), dtype=np.int64, count=n) + OFFSET_S  # local seconds
    amounts = np.fromiter((row[3] for row in rows), dtype=np.float64, count=n)
    old_due = np.fromiter((row[6] if row[6] is not None else -1 for row in rows), dtype=np.int64, count=n)
    old_estimated = np.fromiter((row[7] for row in rows), dtype=bool, count=n)
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    by_key: dict[tuple[int, str], WorkingCalendar] = {}
    scalar: list[int] = []
    cal_codes = np.zeros(n, dtype=np.int64)
    codes: dict[int, tuple[int, WorkingCalendar]] = {}
    for index, row in enumerate(rows):
        cal = calendars[row[1]]
        cal_codes[index] = codes.setdefault(id(cal), (len(codes), cal))[0]
        if row[4] == "working_days" and row[5] in ("hours", "days"):
            key = (id(cal), row[5])
            groups[key].append(index)
            by_key[key] = cal
        else:
            scalar.append(index)
    new_due = np.zeros(n, dtype=np.int64)  # local seconds
    ok = np.ones(n, dtype=bool)
    for key, indexes in groups.items():
        cal, mode = by_key[key], key[1]
        idx = np.array(indexes, dtype=np.int64)
        starts = opened[idx].astype("datetime64[s]")
        try:
            new_due[idx] = add_working_days_bulk(cal, starts, amounts[idx], mode=mode).astype(np.int64)
        except CalendarError:
            ok[idx] = False
    for index in scalar:
        row = rows[index]
        opened_at = datetime.datetime.fromtimestamp(row[2], VN_TZ)
        try:
            outcome = calendars[row[1]].add(opened_at, row[3], row[4], row[5])
        except CalendarError:
            ok[index] = False
            continue
        new_due[index] = int(outcome.due.timestamp()) + OFFSET_S
    moved = ok & (new_due - OFFSET_S != old_due)
    new_estimated = _estimated(codes, cal_codes, opened, new_due)
    flag_changed = ok & (new_estimated != old_estimated)
    result.checked += n
    result.failed_ids += ids[~ok].tolist()
    result.estimated_changed += int(np.count_nonzero(flag_changed & ~moved))
    write = np.flatnonzero(moved | flag_changed)
    if not len(write):
        return
    moved_idx = np.flatnonzero(moved)
    result.moved_ids += ids[moved_idx].tolist()
    for i in moved_idx[: max(0, SAMPLE - len(result.moves))]:
        result.moves.append({"id": int(ids[i]), "old": _iso(old_due[i] + OFFSET_S), "new": _iso(new_due[i])})
    set_clock_dues(ids[write].tolist(), (new_due[write] - OFFSET_S).tolist(), new_estimated[write].tolist())


def _estimated(codes: dict, cal_codes: np.ndarray, opened: np.ndarray, due: np.ndarray) -> np.ndarray:
    """Whether a year from the opening to the due moment has no official schedule (per row)."""
    first_year = opened.astype("datetime64[s]").astype("datetime64[Y]").astype(np.int64) + 1970
    last_year = due.astype("datetime64[s]").astype("datetime64[Y]").astype(np.int64) + 1970
    estimated = np.zeros(len(opened), dtype=bool)
    for code, cal in codes.values():
        mask = cal_codes == code
        known = np.array(sorted(cal.estimated_years), dtype=np.int64)
        span = int((last_year[mask] - first_year[mask]).max(initial=0))
        for step in range(span + 1):
            year = first_year + step
            estimated |= mask & (year <= last_year) & np.isin(year, known)
    return estimated


def _iso_many(local_seconds: np.ndarray) -> list[str]:
    """'2026-06-16T09:00:00+07:00' for local epoch seconds: the format `LegalClock.to_dict` writes."""
    text = np.datetime_as_string(local_seconds.astype("datetime64[s]"), unit="s")
    return [f"{t}+07:00" for t in text.tolist()]


def _iso(local_seconds) -> str:
    return _iso_many(np.array([local_seconds], dtype=np.int64))[0]


def _rebuilt_batch(rows: list[tuple], calendars: _Calendars, result: RecomputeResult) -> None:
    from eiso.calendars.services import rebind

    calendars.load({row[1] for row in rows})
    ids, dues, flags = [], [], []
    for clock_id, agency_id, state, due_at, estimated, cutoff in rows:
        result.checked += 1
        calendar = calendars[agency_id] if cutoff is None else calendars[agency_id].with_cutoff(cutoff)
        try:
            clock = rebind(LegalClock.from_dict(state, calendar))
            due = clock.due()
            flag = clock.estimated
        except CalendarError:
            result.failed_ids.append(clock_id)
            continue
        moved = due_at is None or due != due_at
        if not moved and flag == estimated:
            continue
        if moved:
            result.moved_ids.append(clock_id)
            if len(result.moves) < SAMPLE:
                old = due_at.astimezone(VN_TZ).isoformat() if due_at else None
                result.moves.append({"id": clock_id, "old": old, "new": due.isoformat()})
        else:
            result.estimated_changed += 1
        ids.append(clock_id)
        dues.append(int(due.timestamp()))
        flags.append(flag)
    set_clock_dues(ids, dues, flags)


def set_clock_dues(ids: list[int], due_epochs: list[int], flags: list[bool]) -> None:
    """Set `due_at` (from UTC epoch seconds) and `estimated` of many clocks: one statement."""
    if not ids:
        return
    now = timezone.now()
    table = ClockRecord._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS c SET due_at = to_timestamp(v.due), estimated = v.estimated, "  # noqa: S608
                "updated_at = %s FROM unnest(%s::bigint[], %s::bigint[], %s::boolean[]) AS v(id, due, estimated) "
                "WHERE c.id = v.id",
                [now, ids, due_epochs, flags],
            )
            return
        adapt = connection.ops.adapt_datetimefield_value
        stamp = adapt(now)
        cursor.executemany(
            f"UPDATE {table} SET due_at = %s, estimated = %s, updated_at = %s WHERE id = %s",  # noqa: S608
            [
                (adapt(datetime.datetime.fromtimestamp(due, datetime.UTC)), flag, stamp, clock_id)
                for clock_id, due, flag in zip(ids, due_epochs, flags, strict=True)
            ],
        )
