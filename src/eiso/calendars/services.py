"""Every change to the working calendar and to stored legal clocks. One transaction each,
permission-checked (`eiso.calendars.rules`), audited as the last statement.

A change that can move deadlines also (in the same transaction) replaces the calendar version token,
so every process rebuilds its calendars, and writes a `CalendarChange` row; after commit the
background task `recompute_calendar_change` recomputes the open clocks it affects and fills in how
many moved. `actor=None` means the system itself (seed, demo, commands).

Locking policy: a clock event locks its `ClockRecord` row (`select_for_update`); the recomputation
locks the open clocks it selects, so the two queue instead of overwriting each other.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from eiso.calendars import adapter, rules
from eiso.calendars.clock import CalendarInputError, ClockError, LegalClock, WorkingCalendar
from eiso.calendars.importing import ParsedSchedule, detect_format, parse_schedule
from eiso.calendars.models import (
    DAY_OFF_KINDS,
    OPEN_STATES,
    CalendarChange,
    CalendarEntry,
    CalendarYear,
    ClockRecord,
    EntryKind,
    EntryScope,
    WorkSchedule,
    YearStatus,
)
from eiso.core import rows
from eiso.core.audit import record_event, snapshot
from eiso.core.errors import DomainError, PermissionRefused
from eiso.organizations.models import Agency, AgencyKind

ENTRY_FIELDS = ("date", "kind", "name_vi", "name_en", "legal_reference", "scope", "agency_id", "estimated")
FIRST_YEAR, LAST_YEAR = 1990, 2150


def localized(error: CalendarInputError | ClockError) -> str:
    """The pure module's message in the active language (it carries Vietnamese and English)."""
    from django.utils.translation import get_language

    return error.message_en if (get_language() or "vi").startswith("en") else error.message_vi


def _d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionRefused()


def scope_of(agency: Agency | None) -> str:
    if agency is None:
        return EntryScope.NATIONAL
    return EntryScope.PROVINCE if agency.kind == AgencyKind.PROVINCE else EntryScope.AGENCY


def _scope_label(agency: Agency | None) -> str:
    return agency.name if agency is not None else _("toàn quốc")


def _calendar_changed(*, actor, summary: str, agency: Agency | None, dates) -> CalendarChange:
    """New calendar version, a CalendarChange row, and its recomputation queued after commit."""
    adapter.bump_version()
    change = CalendarChange.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=actor.get_username() if getattr(actor, "is_authenticated", False) else "",
        summary=summary[:500],
        agency=agency,
        dates=sorted({d.isoformat() for d in dates}),
    )
    transaction.on_commit(lambda: _enqueue(change.pk))
    return change


def _enqueue(change_id: int) -> None:
    from eiso.calendars.tasks import recompute_calendar_change

    recompute_calendar_change.enqueue(change_id)


# --- special days ------------------------------------------------------------------------------------


def _validate_entry(*, date, kind, name_vi, name_en, legal_reference) -> None:
    errors: dict[str, list] = {}
    if not isinstance(date, datetime.date) or not FIRST_YEAR <= date.year <= LAST_YEAR:
        errors.setdefault("date", []).append(
            _("Ngày phải nằm trong khoảng năm %(first)s–%(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    if kind not in EntryKind.values:
        errors.setdefault("kind", []).append(_("Loại ngày không hợp lệ."))
    if not (name_vi or "").strip():
        errors.setdefault("name_vi", []).append(_("Tên tiếng Việt không được để trống."))
    for name, value, limit in (
        ("name_vi", name_vi, 255),
        ("name_en", name_en, 255),
        ("legal_reference", legal_reference, 500),
    ):
        if len(value or "") > limit:
            errors.setdefault(name, []).append(_("Dài quá %(max)s ký tự.") % {"max": limit})
    if errors:
        from django.core.exceptions import ValidationError

        raise ValidationError(errors)


@transaction.atomic
def save_entry(
    *,
    actor,
    date: datetime.date,
    kind: str,
    name_vi: str,
    name_en: str = "",
    legal_reference: str = "",
    agency: Agency | None = None,
    entry: CalendarEntry | None = None,
    reason: str = "",
) -> CalendarEntry:
    """Thêm hoặc sửa một ngày nghỉ / làm việc bù of `agency` (national when None).

    Without `entry`, an existing entry of the same date and scope is updated (upsert).
    """
    if actor is not None:
        _require(rules.can_manage_calendar(actor, agency))
    if entry is not None:
        entry = (
            CalendarEntry.objects.select_for_update(of=("self",)).select_related("agency").get(pk=entry.pk)
        )
        if actor is not None:
            _require(rules.can_manage_calendar(actor, entry.agency))
    _validate_entry(date=date, kind=kind, name_vi=name_vi, name_en=name_en, legal_reference=legal_reference)
    clash = (
        CalendarEntry.objects.filter(date=date, agency=agency).exclude(pk=getattr(entry, "pk", None)).first()
    )
    if entry is None:
        entry = clash
    elif clash is not None:
        raise DomainError(
            _("%(scope)s đã có ngày %(day)s (“%(name)s”); hãy sửa ngày đó.")
            % {"scope": _scope_label(agency).capitalize(), "day": _d(date), "name": clash.name_vi},
            code="duplicate_date",
            field="date",
        )
    before = snapshot(entry, ENTRY_FIELDS) if entry is not None else None
    old_effect = {(entry.date, entry.kind in DAY_OFF_KINDS)} if entry is not None else set()
    old_agency = entry.agency if entry is not None else None
    entry = entry or CalendarEntry()
    entry.date, entry.kind = date, kind
    entry.name_vi, entry.name_en, entry.legal_reference = (
        name_vi.strip(),
        (name_en or "").strip(),
        (legal_reference or "").strip(),
    )
    entry.agency, entry.scope, entry.estimated = agency, scope_of(agency), False
    entry.save()
    after = snapshot(entry, ENTRY_FIELDS)
    if before == after:
        raise DomainError(_("Không có thay đổi nào để ghi nhận."), code="no_change")
    new_effect = {(entry.date, entry.kind in DAY_OFF_KINDS)}
    moved_dates = {day for day, _off in old_effect ^ new_effect}
    moved_scope = before is not None and old_agency != agency
    if moved_scope:
        moved_dates |= {day for day, _off in old_effect} | {entry.date}
    adapter.bump_version()  # names show in explanations even when no deadline moves
    if moved_dates:
        # An entry moved from one scope to another (rare): recompute everywhere.
        scope_agency = None if moved_scope else agency
        _calendar_changed(
            actor=actor,
            summary=_("%(verb)s %(day)s — %(kind)s: %(name)s (%(scope)s)")
            % {
                "verb": _("Thêm") if before is None else _("Sửa"),
                "day": _d(entry.date),
                "kind": entry.get_kind_display(),
                "name": entry.name_vi,
                "scope": _scope_label(agency),
            },
            agency=scope_agency,
            dates=moved_dates,
        )
    record_event(
        actor=actor,
        verb="calendar.entry.create" if before is None else "calendar.entry.change",
        obj=entry,
        agency=agency,
        before=before,
        after=after,
        reason=reason,
    )
    return entry


@transaction.atomic
def delete_entry(*, actor, entry: CalendarEntry, reason: str = "") -> None:
    """Xoá một ngày nghỉ / làm việc bù."""
    entry = CalendarEntry.objects.select_for_update(of=("self",)).select_related("agency").get(pk=entry.pk)
    if actor is not None:
        _require(rules.can_manage_calendar(actor, entry.agency))
    before = snapshot(entry, ENTRY_FIELDS)
    entry_id, label = entry.pk, str(entry)
    entry.delete()
    _calendar_changed(
        actor=actor,
        summary=_("Xoá %(day)s — %(kind)s: %(name)s (%(scope)s)")
        % {
            "day": _d(entry.date),
            "kind": entry.get_kind_display(),
            "name": entry.name_vi,
            "scope": _scope_label(entry.agency),
        },
        agency=entry.agency,
        dates={entry.date},
    )
    record_event(
        actor=actor,
        verb="calendar.entry.delete",
        object_type="calendars.calendarentry",
        object_id=str(entry_id),
        object_repr=label,
        agency=entry.agency,
        before=before,
        reason=reason,
    )


@transaction.atomic
def set_year_status(
    *, actor, year: int, status: str, legal_reference: str = "", note: str = ""
) -> CalendarYear:
    """Đánh dấu năm có lịch nghỉ chính thức hay còn ước tính (administrators)."""
    if actor is not None:
        _require(rules.can_manage_calendar(actor, None))
    if status not in YearStatus.values:
        raise DomainError(
            _("Tình trạng năm phải là chính thức hoặc ước tính."), code="invalid", field="status"
        )
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(_("Năm nằm ngoài phạm vi lịch."), code="invalid", field="year")
    row = CalendarYear.objects.select_for_update().filter(year=year).first()
    before = snapshot(row, ["year", "status", "legal_reference", "note"]) if row else None
    row = row or CalendarYear(year=year)
    row.status, row.legal_reference, row.note = status, legal_reference, note
    row.save()
    after = snapshot(row, ["year", "status", "legal_reference", "note"])
    if before == after:
        raise DomainError(_("Không có thay đổi nào để ghi nhận."), code="no_change")
    if before is None or before["status"] != status:
        _calendar_changed(
            actor=actor,
            summary=_("Năm %(year)s: %(status)s") % {"year": year, "status": row.get_status_display()},
            agency=None,
            dates={datetime.date(year, 1, 1), datetime.date(year, 12, 31)},
        )
    else:
        adapter.bump_version()
    record_event(actor=actor, verb="calendar.year", obj=row, before=before, after=after)
    return row


# --- working hours -------------------------------------------------------------------------------------

SCHEDULE_FIELDS = (
    "morning_start",
    "morning_end",
    "afternoon_start",
    "afternoon_end",
    "weekmask",
    "reception_cutoff",
    "legal_reference",
)


@transaction.atomic
def set_work_schedule(
    *,
    actor,
    agency: Agency,
    morning_start: datetime.time,
    morning_end: datetime.time,
    afternoon_start: datetime.time | None,
    afternoon_end: datetime.time | None,
    weekmask: str,
    reception_cutoff: datetime.time | None,
    legal_reference: str = "",
) -> WorkSchedule:
    """Đặt giờ làm việc, ngày làm việc trong tuần và giờ tiếp nhận cuối của một cơ quan."""
    if actor is not None:
        _require(rules.can_manage_calendar(actor, agency))
    if (afternoon_start is None) != (afternoon_end is None):
        raise DomainError(
            _("Cần cả giờ bắt đầu và giờ kết thúc buổi chiều (hoặc để trống cả hai)."), field="afternoon_end"
        )
    schedule = WorkSchedule.objects.select_for_update().filter(agency=agency).first()
    before = snapshot(schedule, SCHEDULE_FIELDS) if schedule else None
    schedule = schedule or WorkSchedule(agency=agency)
    values = {
        "morning_start": morning_start,
        "morning_end": morning_end,
        "afternoon_start": afternoon_start,
        "afternoon_end": afternoon_end,
        "weekmask": weekmask,
        "reception_cutoff": reception_cutoff,
        "legal_reference": legal_reference,
    }
    for name, value in values.items():
        setattr(schedule, name, value)
    try:
        WorkingCalendar(
            weekmask=weekmask, working_periods=schedule.periods(), reception_cutoff=reception_cutoff
        )
    except CalendarInputError as exc:
        raise DomainError(localized(exc), code="invalid_schedule") from None
    schedule.save()
    after = snapshot(schedule, SCHEDULE_FIELDS)
    if before == after:
        raise DomainError(_("Không có thay đổi nào để ghi nhận."), code="no_change")
    _calendar_changed(
        actor=actor,
        summary=_("Giờ làm việc của %(agency)s: %(hours)s")
        % {"agency": agency.name, "hours": schedule.describe()},
        agency=agency,
        dates=(),
    )
    record_event(
        actor=actor, verb="calendar.schedule", obj=schedule, agency=agency, before=before, after=after
    )
    return schedule


@transaction.atomic
def clear_work_schedule(*, actor, agency: Agency) -> None:
    """Bỏ giờ làm việc riêng: the agency goes back to its parent's or the national hours."""
    if actor is not None:
        _require(rules.can_manage_calendar(actor, agency))
    schedule = WorkSchedule.objects.select_for_update().filter(agency=agency).first()
    if schedule is None:
        raise DomainError(_("Cơ quan này chưa có giờ làm việc riêng."), code="no_change")
    before = snapshot(schedule, SCHEDULE_FIELDS)
    schedule_id = schedule.pk
    schedule.delete()
    _calendar_changed(
        actor=actor,
        summary=_("Bỏ giờ làm việc riêng của %(agency)s") % {"agency": agency.name},
        agency=agency,
        dates=(),
    )
    record_event(
        actor=actor,
        verb="calendar.schedule",
        object_type="calendars.workschedule",
        object_id=str(schedule_id),
        object_repr=agency.name,
        agency=agency,
        before=before,
    )


# --- a year's schedule from a file ---------------------------------------------------------------------


@dataclass
class ImportResult:
    year: int
    agency: Agency | None
    added: list[datetime.date] = field(default_factory=list)
    changed: list[datetime.date] = field(default_factory=list)
    removed: list[datetime.date] = field(default_factory=list)
    unchanged: int = 0
    status_changed: bool = False
    change: CalendarChange | None = None

    @property
    def total(self) -> int:
        return len(self.added) + len(self.changed) + len(self.removed)


def _read(file) -> tuple[bytes, str]:
    if isinstance(file, bytes | bytearray):
        return bytes(file), ""
    if isinstance(file, str):
        from pathlib import Path

        path = Path(file)
        try:
            return path.read_bytes(), path.name
        except OSError as exc:
            raise DomainError(
                _("Không đọc được tệp %(name)s: %(error)s") % {"name": file, "error": exc.strerror},
                field="file",
            ) from None
    content = file.read()
    return content, getattr(file, "name", "") or ""


@transaction.atomic
def import_schedule(
    *,
    actor,
    file,
    format: str | None = None,  # noqa: A002 - the word users and the API use
    agency: Agency | None = None,
    year: int | None = None,
    status: str | None = None,
    legal_reference: str = "",
    replace: bool = True,
) -> ImportResult:
    """Nhập lịch nghỉ của một năm từ tệp CSV, XLSX hoặc JSON — all or nothing.

    The file's entries become the year's entries of `agency` (national when None): new dates are
    added, differing ones corrected and, with `replace`, dates missing from the file removed. For the
    national calendar the year is marked official (or `status`, or the JSON file's `status`).
    Any invalid row refuses the whole file (`ScheduleImportError` lists every row and column).
    """
    if actor is not None:
        _require(rules.can_manage_calendar(actor, agency))
    content, name = _read(file)
    fmt = detect_format(name, format)
    parsed: ParsedSchedule = parse_schedule(content, fmt, year=year)
    result = ImportResult(year=parsed.year, agency=agency)
    existing = {
        e.date: e
        for e in CalendarEntry.objects.select_for_update().filter(agency=agency).in_year(parsed.year)
    }
    in_file = {row.date for row in parsed.rows}
    affected: set[datetime.date] = set()
    scope = scope_of(agency)
    new_rows = []
    for row in parsed.rows:
        entry = existing.get(row.date)
        values = {
            "kind": row.kind,
            "name_vi": row.name_vi,
            "name_en": row.name_en,
            "legal_reference": row.legal_reference,
        }
        if entry is None:
            new_rows.append(
                CalendarEntry(date=row.date, agency=agency, scope=scope, estimated=False, **values)
            )
            result.added.append(row.date)
            affected.add(row.date)
            continue
        if all(getattr(entry, k) == v for k, v in values.items()) and not entry.estimated:
            result.unchanged += 1
            continue
        if (entry.kind in DAY_OFF_KINDS) != (row.kind in DAY_OFF_KINDS):
            affected.add(row.date)
        for key, value in values.items():
            setattr(entry, key, value)
        entry.estimated = False
        entry.save()
        result.changed.append(row.date)
    if replace:
        gone = [e for day, e in existing.items() if day not in in_file]
        for entry in gone:
            result.removed.append(entry.date)
            affected.add(entry.date)
        CalendarEntry.objects.filter(pk__in=[e.pk for e in gone]).delete()
    CalendarEntry.objects.bulk_create(new_rows)
    if agency is None:
        wanted = status or parsed.status or YearStatus.OFFICIAL
        reference = legal_reference or parsed.legal_reference
        row = CalendarYear.objects.select_for_update().filter(year=parsed.year).first()
        if row is None or row.status != wanted or (reference and row.legal_reference != reference):
            result.status_changed = row is None or row.status != wanted
            row = row or CalendarYear(year=parsed.year)
            row.status = wanted
            row.legal_reference = reference or row.legal_reference
            row.save()
    if result.status_changed:
        affected |= {datetime.date(parsed.year, 1, 1), datetime.date(parsed.year, 12, 31)}
    if not result.total and not result.status_changed:
        return result
    adapter.bump_version()
    summary = _(
        "Nhập lịch năm %(year)s (%(scope)s) từ %(file)s: thêm %(added)s, sửa %(changed)s, xoá %(removed)s ngày"
    ) % {
        "year": parsed.year,
        "scope": _scope_label(agency),
        "file": name or fmt.upper(),
        "added": len(result.added),
        "changed": len(result.changed),
        "removed": len(result.removed),
    }
    if affected:
        result.change = _calendar_changed(actor=actor, summary=summary, agency=agency, dates=affected)
    record_event(
        actor=actor,
        verb="calendar.import",
        object_type="calendars.calendaryear",
        object_id=str(parsed.year),
        object_repr=summary,
        agency=agency,
        after={
            "year": parsed.year,
            "file": name,
            "format": fmt,
            "added": [d.isoformat() for d in result.added],
            "changed": [d.isoformat() for d in result.changed],
            "removed": [d.isoformat() for d in result.removed],
            "status": status or parsed.status or (YearStatus.OFFICIAL if agency is None else None),
        },
    )
    return result


@transaction.atomic
def seed_calendar(*, actor=None, years=None) -> tuple[int, int]:
    """Nạp lịch nghỉ toàn quốc (idempotent): official years from the shipped data, estimates elsewhere."""
    from eiso.calendars.seed import SEED_YEARS, seed_national

    if actor is not None:
        _require(rules.can_manage_calendar(actor, None))
    years = list(years or SEED_YEARS)
    entries, year_rows = seed_national(years=years)
    if entries or year_rows:
        adapter.bump_version()
        if ClockRecord.objects.open().exists():
            _calendar_changed(
                actor=actor,
                summary=_("Nạp lịch nghỉ toàn quốc %(first)s–%(last)s")
                % {"first": min(years), "last": max(years)},
                agency=None,
                dates={datetime.date(min(years), 1, 1), datetime.date(max(years), 12, 31)},
            )
        record_event(
            actor=actor,
            verb="calendar.seed",
            object_type="calendars.calendarentry",
            object_id="",
            object_repr=_("Lịch nghỉ toàn quốc %(first)s–%(last)s")
            % {"first": min(years), "last": max(years)},
            after={"entries": entries, "years": year_rows},
        )
    return entries, year_rows


# --- stored legal clocks -------------------------------------------------------------------------------

CLOCK_EVENTS = ("pause", "resume", "reset", "extend", "stop", "finish")


def rebind(clock: LegalClock) -> LegalClock:
    """The clock with its calendar-derived moments recomputed on its (current) calendar.

    A stored state keeps the counting start and due moment computed when its last event happened;
    they are computed again from the reception (or latest reset) moment, so a calendar change made
    since then is taken into account. The recomputation after a calendar change updates `due_at`
    only; the state itself is rewritten at the clock's next event.
    """
    from dataclasses import replace

    if clock.state == "not_started":
        return clock
    cal = clock.calendar
    period = cal.add(clock.period_opened_at, clock.amount, clock.unit, clock.mode)
    first = period if not clock.resets else cal.add(clock.received_at, clock.amount, clock.unit, clock.mode)
    return replace(
        clock,
        counting_started=first.counting_started,
        period_start=period.counting_started,
        period_due=period.due,
    )


def load_clock(record: ClockRecord, calendar: WorkingCalendar | None = None) -> LegalClock:
    """The LegalClock stored in `record`, on its agency's current calendar."""
    calendar = calendar or adapter.calendar_for(record.agency)
    if record.cutoff is not None:
        calendar = calendar.with_cutoff(record.cutoff)
    return rebind(LegalClock.from_dict(record.state, calendar))


def sync_columns(record: ClockRecord, clock: LegalClock) -> None:
    """Copy the clock's state and the values queries need onto the record (not saved)."""
    record.state = clock.to_dict()
    record.status = clock.state
    record.is_open = clock.state in OPEN_STATES
    record.amount = float(clock.amount) if clock.amount is not None else 0.0
    record.unit, record.mode = clock.unit, clock.mode
    record.plain = not (clock.pauses or clock.resets or clock.extension) and record.cutoff is None
    record.period_opened_at = clock.period_opened_at
    record.due_at = clock.due() if clock.state != "not_started" else None
    record.estimated = clock.estimated


def require_clock_scope(actor, agency: Agency | None) -> None:
    from eiso.accounts.scope import scope_for

    if actor is None:
        return
    scope = scope_for(actor)
    _require(scope.everything or (agency is not None and scope.contains(agency, writable=True)))


@transaction.atomic
def start_clock(
    *,
    actor,
    subject: str,
    received_at: datetime.datetime,
    amount,
    unit: str = "working_days",
    mode: str = "hours",
    agency: Agency | None = None,
    cutoff: datetime.time | None = None,
) -> ClockRecord:
    """Bắt đầu tính thời hạn (e.g. a dossier received): a new open ClockRecord.

    `cutoff` is the procedure's own reception cut-off when it has one (else the calendar's)."""
    require_clock_scope(actor, agency)
    if not (subject or "").strip():
        raise DomainError(_("Cần ghi đối tượng tính thời hạn."), field="subject")
    try:
        # Whole seconds: what the bulk recomputation works in, so both give the same moments.
        received_at = (
            received_at.replace(microsecond=0) if isinstance(received_at, datetime.datetime) else received_at
        )
        calendar = adapter.calendar_for(agency)
        if cutoff is not None:
            calendar = calendar.with_cutoff(cutoff)
        clock = LegalClock(calendar).start(received_at, amount, unit, mode)
    except (CalendarInputError, ClockError) as exc:
        raise DomainError(localized(exc), code="invalid_clock") from None
    record = ClockRecord(agency=agency, subject=subject.strip()[:255], cutoff=cutoff)
    sync_columns(record, clock)
    record.save()
    record_event(actor=actor, verb="clock.start", obj=record, agency=agency, after=record.state)
    return record


# The columns an event changes (sync_columns), for writers that update only those.
CLOCK_EVENT_COLUMNS = (
    "state",
    "status",
    "is_open",
    "amount",
    "unit",
    "mode",
    "plain",
    "period_opened_at",
    "due_at",
    "estimated",
    "updated_at",
)


def apply_clock_event(
    record: ClockRecord, event: str, at: datetime.datetime, new_due: datetime.datetime | None = None
) -> tuple[dict, LegalClock]:
    """`event` applied to the clock `record` holds (read under a lock): its columns synced, not saved.
    Returns the state before and the clock after."""
    if event not in CLOCK_EVENTS:
        raise DomainError(_("Sự kiện không hợp lệ: %(event)s.") % {"event": event}, field="event")
    before = record.state
    clock = load_clock(record)
    try:
        at = at.replace(microsecond=0) if isinstance(at, datetime.datetime) else at
        clock = clock.extend(at, new_due) if event == "extend" else getattr(clock, event)(at)
    except (CalendarInputError, ClockError) as exc:
        raise DomainError(localized(exc), code="invalid_clock") from None
    except TypeError:
        raise DomainError(_("Gia hạn cần hạn mới."), field="new_due") from None
    sync_columns(record, clock)
    return before, clock


def audit_clock_event(actor, record: ClockRecord, before: dict, event: str, *, writer=rows, head=None):
    """The audit event of a clock event (`writer` and `head` as in `record_event`)."""
    return record_event(
        actor=actor,
        verb="clock.event",
        obj=record,
        agency=record.agency,
        before=before,
        after=record.state,
        reason=event,
        writer=writer,
        head=head,
    )


@transaction.atomic
def clock_event(
    *, actor, record: ClockRecord, event: str, at: datetime.datetime, new_due: datetime.datetime | None = None
) -> ClockRecord:
    """Tạm dừng, tiếp tục, tính lại từ đầu, gia hạn, dừng hoặc kết thúc một đồng hồ thời hạn."""
    if event not in CLOCK_EVENTS:
        raise DomainError(_("Sự kiện không hợp lệ: %(event)s.") % {"event": event}, field="event")
    record = ClockRecord.objects.select_for_update(of=("self",)).select_related("agency").get(pk=record.pk)
    require_clock_scope(actor, record.agency)
    before, _clock = apply_clock_event(record, event, at, new_due)
    record.save()
    audit_clock_event(actor, record, before, event)
    return record
