"""The legal clock of a dossier, and time budgets of the steps of an internal process.

`LegalClock` is an immutable value: every event returns a new clock, so a service can compute the next
state, validate it, and store `to_dict()` in a JSON field in the same transaction. It does no I/O.

Rules (domain.md §4–5):

* start: the limit runs from the counting start (15:00 cut-off...) to the due moment of `add`.
* pause / resume: waiting for the applicant is not counted; the due moment moves forward by the
  *working* time paused.
* reset (supplement after appraisal): the limit restarts from zero from the counting start after the
  moment the complete dossier arrives; earlier pauses no longer move the due moment (they still count
  as waiting time). An open pause ends at the reset.
* extend (apology letter): once per dossier, at least one working day (8 working hours) before the
  current due moment, to a later moment; the original due moment is kept. A reset after an extension
  supersedes the extended date, and an extension already used stays used.
* stop (on the applicant's request) and finish end the clock.

Timeliness (trước hạn / đúng hạn / quá hạn) of a finish or hand-over against its due moment:
late when it happens after the due moment; early when it happens on a calendar date before the due
date; otherwise on time. A dossier returned on the appointment day is "on time" even at 09:00, because
appointments are given as days; one returned the day before is "early".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from .arithmetic import check_amount
from .calendar import WorkingCalendar
from .common import US_PER_SECOND, Amount, Mode, Unit
from .errors import ClockError
from .explain import format_moment, format_working_time

ClockState = Literal["not_started", "running", "paused", "stopped", "finished"]
Timeliness = Literal["early", "on_time", "late"]
SERIAL_VERSION = 1

_STATE_VI: dict[str, str] = {
    "not_started": "chưa bắt đầu",
    "running": "đang tính thời hạn",
    "paused": "đang tạm dừng (chờ người nộp)",
    "stopped": "đã dừng xử lý",
    "finished": "đã hoàn thành",
}


def classify(done_at: datetime, due: datetime) -> Timeliness:
    """Early / on time / late of something done at `done_at` against `due` (see module docstring)."""
    done_local = done_at.astimezone(due.tzinfo)
    if done_local > due:
        return "late"
    if done_local.date() < due.date():
        return "early"
    return "on_time"


@dataclass(frozen=True)
class Pause:
    """Time spent waiting for the applicant; `end` is None while the pause lasts."""

    start: datetime
    end: datetime | None = None


@dataclass(frozen=True)
class Extension:
    """The one allowed extension: asked at `requested_at`, moving `previous_due` to `new_due`."""

    requested_at: datetime
    new_due: datetime
    previous_due: datetime


@dataclass(frozen=True)
class LegalClock:
    """State of a dossier's time limit. Events return a new clock; queries never change it."""

    calendar: WorkingCalendar = field(repr=False, compare=False)
    state: ClockState = "not_started"
    amount: Amount | None = None
    unit: Unit = "working_days"
    mode: Mode = "hours"
    received_at: datetime | None = None
    counting_started: datetime | None = None
    period_opened_at: datetime | None = None  # reception, or the latest reset
    period_start: datetime | None = None  # counting start of the current limit
    period_due: datetime | None = None  # due moment of the current limit, before pauses
    pauses: tuple[Pause, ...] = ()
    resets: tuple[datetime, ...] = ()
    extension: Extension | None = None
    ended_at: datetime | None = None
    last_event_at: datetime | None = None

    # --- events ------------------------------------------------------------------------------------

    def start(
        self, at: datetime, amount: Amount, unit: Unit = "working_days", mode: Mode = "hours"
    ) -> LegalClock:
        """Dossier received at `at` with a time limit of `amount` `unit`."""
        self._require_state("start", "not_started")
        result = self.calendar.add(at, amount, unit, mode)
        return replace(
            self,
            state="running",
            amount=amount,
            unit=unit,
            mode=mode,
            received_at=result.received_at,
            counting_started=result.counting_started,
            period_opened_at=result.received_at,
            period_start=result.counting_started,
            period_due=result.due,
            last_event_at=result.received_at,
        )

    def pause(self, at: datetime) -> LegalClock:
        """Start waiting for the applicant (time not counted)."""
        local = self._event_time("pause", at, "running")
        return replace(self, state="paused", pauses=(*self.pauses, Pause(local)), last_event_at=local)

    def resume(self, at: datetime) -> LegalClock:
        """The applicant answered: the clock runs again."""
        local = self._event_time("resume", at, "paused")
        return replace(self, state="running", pauses=self._closed_pauses(local), last_event_at=local)

    def reset(self, at: datetime) -> LegalClock:
        """Supplement after appraisal received at `at`: the limit restarts from zero."""
        local = self._event_time("reset", at, "running", "paused")
        assert self.amount is not None  # the state check guarantees it
        result = self.calendar.add(local, self.amount, self.unit, self.mode)
        return replace(
            self,
            state="running",
            pauses=self._closed_pauses(local),
            resets=(*self.resets, local),
            period_opened_at=local,
            period_start=result.counting_started,
            period_due=result.due,
            last_event_at=local,
        )

    def extend(self, at: datetime, new_due: datetime) -> LegalClock:
        """Apology letter sent at `at` setting a new due moment (once; original due kept)."""
        local = self._event_time("extend", at, "running", "paused")
        new_local = self.calendar.to_local(new_due)
        if self.extension is not None:
            previous = self.extension
            raise ClockError(
                "Thời hạn chỉ được hẹn lại một lần; hồ sơ đã được hẹn lại lúc "
                f"{_fmt(previous.requested_at)} (hạn mới {_fmt(previous.new_due)}).",
                f"The time limit may be extended only once; it was extended at "
                f"{previous.requested_at.isoformat()} to {previous.new_due.isoformat()}.",
            )
        current = self.due(as_of=local)
        left = self.calendar.working_time_between(local, current)
        one_day = self.calendar.working_day_length
        if left < one_day:
            raise ClockError(
                "Văn bản xin lỗi và hẹn lại ngày trả kết quả phải gửi chậm nhất 01 ngày làm việc "
                f"({_fmt_span(one_day)} làm việc) trước hạn {_fmt(current)}; lúc {_fmt(local)} "
                f"chỉ còn {_fmt_span(left)} làm việc.",
                f"An extension must be asked at least one working day ({one_day}) before the due moment "
                f"{current.isoformat()}; only {left} of working time is left at {local.isoformat()}.",
            )
        if new_local <= current:
            raise ClockError(
                f"Hạn mới {_fmt(new_local)} phải sau hạn hiện tại {_fmt(current)}.",
                f"The new due moment {new_local.isoformat()} must be after the current one "
                f"{current.isoformat()}.",
            )
        extension = Extension(requested_at=local, new_due=new_local, previous_due=current)
        return replace(self, extension=extension, last_event_at=local)

    def stop(self, at: datetime) -> LegalClock:
        """Processing stopped on the applicant's request (stop notice): the clock ends."""
        return self._end("stop", at, "stopped")

    def finish(self, at: datetime) -> LegalClock:
        """Processing finished (result available): the clock ends."""
        return self._end("finish", at, "finished")

    # --- queries -----------------------------------------------------------------------------------

    def due(self, as_of: datetime | None = None) -> datetime:
        """Current due moment: the extended one if any, moved forward by the working time paused.

        While a pause lasts the due moment keeps moving; `as_of` says up to when the open pause counts
        (without it the open pause is not counted yet).
        """
        self._require_started()
        ext = self.extension
        assert self.period_opened_at is not None and self.period_due is not None
        if ext is not None and ext.requested_at >= self.period_opened_at:
            return self._shifted(ext.new_due, ext.requested_at, as_of)
        return self._shifted(self.period_due, self.period_opened_at, as_of)

    def original_due(self, as_of: datetime | None = None) -> datetime:
        """Due moment without the extension (kept for reporting), moved by the working time paused."""
        self._require_started()
        assert self.period_opened_at is not None and self.period_due is not None
        return self._shifted(self.period_due, self.period_opened_at, as_of)

    def working_time_used(self, as_of: datetime | None = None) -> timedelta:
        """Working time counted against the current limit (pauses excluded)."""
        end = self._until(as_of)
        cal = self.calendar
        assert self.period_start is not None and self.period_opened_at is not None
        start_w = cal._w(cal.to_local(self.period_start))
        used = cal._w(end) - start_w - self._paused_us(self.period_opened_at, end, floor=self.period_start)
        return timedelta(microseconds=max(0, used))

    def working_time_left(self, as_of: datetime | None = None) -> timedelta:
        """Working time left before the due moment; negative when overdue."""
        end = self._until(as_of)
        cal = self.calendar
        return timedelta(microseconds=cal._w(self.due(as_of=end)) - cal._w(end))

    def waiting_time(self, as_of: datetime | None = None) -> timedelta:
        """Wall-clock time spent waiting for the applicant, over the whole life of the dossier."""
        self._require_started()
        total = timedelta(0)
        for pause in self.pauses:
            end = pause.end or (self.calendar.to_local(as_of) if as_of is not None else pause.start)
            total += max(timedelta(0), end - pause.start)
        return total

    def waiting_working_time(self, as_of: datetime | None = None) -> timedelta:
        """Working time spent waiting for the applicant, over the whole life of the dossier."""
        self._require_started()
        assert self.received_at is not None
        waiting = self._paused_us(self.received_at, self._optional(as_of), floor=self.counting_started)
        return timedelta(microseconds=waiting)

    def elapsed_minus_waiting(self, as_of: datetime | None = None) -> timedelta:
        """Decision 766 measure: (end − start − waiting for the applicant), in working time.

        Start is the first counting start (resets do not restart it), end is the finish/stop moment or
        `as_of`. Compare it with the legal limit when the dossier has no appointment date.
        """
        end = self._until(as_of)
        cal = self.calendar
        assert self.counting_started is not None
        elapsed = cal._w(end) - cal._w(cal.to_local(self.counting_started))
        waiting = self.waiting_working_time(as_of=end)
        return timedelta(microseconds=max(0, elapsed)) - waiting

    def status(self, as_of: datetime | None = None) -> Timeliness | None:
        """Timeliness: "early", "on_time" or "late" (see the module docstring).

        Finished: the finish moment against the due moment. Running or paused: "late" once `as_of` is
        past the due moment, else "on_time" (within time so far; never "early" before finishing).
        Not started, stopped, or open without `as_of`: None.
        """
        if self.state == "finished":
            assert self.ended_at is not None
            return classify(self.ended_at, self.due())
        if self.state in ("not_started", "stopped") or as_of is None:
            return None
        local = self.calendar.to_local(as_of)
        return "late" if local > self.due(as_of=local) else "on_time"

    @property
    def estimated(self) -> bool:
        """True when a date involved (reception to due or end) lies in a year without official schedule."""
        if self.received_at is None:
            return False
        last = max(self.due(), self.ended_at or self.due())
        return self.calendar._spans_estimated(self.received_at.year, last.year)

    # --- storage -----------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible state (the calendar is not stored; give it back to `from_dict`)."""
        amount: Any = self.amount
        if amount is not None:
            amount = int(amount) if amount == int(amount) else float(amount)
        ext = self.extension
        return {
            "version": SERIAL_VERSION,
            "state": self.state,
            "limit": {"amount": amount, "unit": self.unit, "mode": self.mode},
            "received_at": _iso(self.received_at),
            "counting_started": _iso(self.counting_started),
            "period_opened_at": _iso(self.period_opened_at),
            "period_start": _iso(self.period_start),
            "period_due": _iso(self.period_due),
            "pauses": [[_iso(p.start), _iso(p.end)] for p in self.pauses],
            "resets": [_iso(r) for r in self.resets],
            "extension": None
            if ext is None
            else {
                "requested_at": _iso(ext.requested_at),
                "new_due": _iso(ext.new_due),
                "previous_due": _iso(ext.previous_due),
            },
            "ended_at": _iso(self.ended_at),
            "last_event_at": _iso(self.last_event_at),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], calendar: WorkingCalendar) -> LegalClock:
        """Clock stored with `to_dict`, bound to `calendar`."""
        if data.get("version") != SERIAL_VERSION:
            raise ClockError(
                f"Phiên bản dữ liệu đồng hồ thời hạn không được hỗ trợ: {data.get('version')!r}.",
                f"Unsupported legal-clock data version {data.get('version')!r}.",
            )
        if data.get("state") not in _STATE_VI:
            raise ClockError(
                f"Trạng thái đồng hồ thời hạn không hợp lệ: {data.get('state')!r}.",
                f"Unknown legal-clock state {data.get('state')!r}.",
            )
        tz = calendar.tz

        def moment(value: str | None) -> datetime | None:
            return None if value is None else datetime.fromisoformat(value).astimezone(tz)

        def required(value: str) -> datetime:
            return datetime.fromisoformat(value).astimezone(tz)

        limit = data["limit"]
        ext = data.get("extension")
        return cls(
            calendar=calendar,
            state=data["state"],
            amount=limit["amount"],
            unit=limit["unit"],
            mode=limit["mode"],
            received_at=moment(data["received_at"]),
            counting_started=moment(data["counting_started"]),
            period_opened_at=moment(data["period_opened_at"]),
            period_start=moment(data["period_start"]),
            period_due=moment(data["period_due"]),
            pauses=tuple(Pause(required(start), moment(end)) for start, end in data["pauses"]),
            resets=tuple(required(r) for r in data["resets"]),
            extension=None
            if ext is None
            else Extension(
                required(ext["requested_at"]), required(ext["new_due"]), required(ext["previous_due"])
            ),
            ended_at=moment(data["ended_at"]),
            last_event_at=moment(data["last_event_at"]),
        )

    # --- internals ---------------------------------------------------------------------------------

    def _end(self, verb: str, at: datetime, state: ClockState) -> LegalClock:
        local = self._event_time(verb, at, "running", "paused")
        return replace(
            self, state=state, pauses=self._closed_pauses(local), ended_at=local, last_event_at=local
        )

    def _closed_pauses(self, at: datetime) -> tuple[Pause, ...]:
        return tuple(p if p.end is not None else Pause(p.start, at) for p in self.pauses)

    def _event_time(self, verb: str, at: datetime, *allowed: ClockState) -> datetime:
        """`at` in local time, after checking the state and that events come in order."""
        self._require_state(verb, *allowed)
        local = self.calendar.to_local(at)
        if self.last_event_at is not None and local < self.last_event_at:
            raise ClockError(
                f"Thời điểm {_fmt(local)} sớm hơn sự kiện trước đó ({_fmt(self.last_event_at)}).",
                f"Event at {local.isoformat()} is earlier than the previous event "
                f"({self.last_event_at.isoformat()}).",
            )
        return local

    def _require_state(self, verb: str, *allowed: ClockState) -> None:
        if self.state not in allowed:
            raise ClockError(
                f"Không thể thực hiện '{verb}' khi đồng hồ thời hạn {_STATE_VI[self.state]}.",
                f"Cannot {verb} a legal clock in state {self.state!r}.",
            )

    def _require_started(self) -> None:
        if self.state == "not_started":
            raise ClockError("Đồng hồ thời hạn chưa bắt đầu.", "The legal clock has not started.")

    def _optional(self, as_of: datetime | None) -> datetime | None:
        return None if as_of is None else self.calendar.to_local(as_of)

    def _until(self, as_of: datetime | None) -> datetime:
        """End of the measured interval: the end of the clock, else `as_of` (required while open)."""
        self._require_started()
        if self.ended_at is not None:
            return self.ended_at
        if as_of is None:
            raise ClockError(
                "Cần thời điểm tính (as_of) khi hồ sơ chưa kết thúc.",
                "An as_of moment is needed while the clock is still open.",
            )
        return self.calendar.to_local(as_of)

    def _paused_us(self, since: datetime, as_of: datetime | None, *, floor: datetime | None) -> int:
        """Working µs of the pauses started at or after `since`, not counting time before `floor`.

        An open pause counts up to `as_of` (not at all without it). The floor drops the part of a pause
        that lies before counting started (e.g. a pause asked after the cut-off), which costs nothing.
        """
        cal = self.calendar
        floor_w = cal._w(floor) if floor is not None else 0
        total = 0
        for pause in self.pauses:
            if pause.start < since:
                continue
            end = pause.end if pause.end is not None else as_of
            if end is None:
                continue
            paused = cal._w(end) - max(cal._w(pause.start), floor_w)
            total += max(0, paused)
        return total

    def _shifted(self, base: datetime, since: datetime, as_of: datetime | None) -> datetime:
        """`base` moved forward by the working time of the pauses started since `since`."""
        paused = self._paused_us(since, self._optional(as_of), floor=self.period_start)
        if paused == 0:
            return base
        cal = self.calendar
        return cal._moment(cal._w(base) + paused, closed_end=True)


@dataclass(frozen=True)
class StepBudget:
    """Time allotted to one step of an internal process, in working hours (e.g. 4 h to appraise).

    Steps start when the dossier is handed over, so no reception cut-off applies: a step handed over
    at 16:00 with 2 hours is due at 09:00 the next working day.
    """

    calendar: WorkingCalendar
    allotted_hours: float

    def __post_init__(self) -> None:
        check_amount(self.allotted_hours, "working_hours", "hours", self.calendar.working_day_length)

    @property
    def allotted(self) -> timedelta:
        return timedelta(seconds=round(self.allotted_hours * 3600))

    def due(self, started_at: datetime) -> datetime:
        """Due moment of the step started (received from the previous step) at `started_at`."""
        cal = self.calendar
        start_w = cal._w(cal.to_local(started_at))
        allotted_us = round(self.allotted_hours * 3600) * US_PER_SECOND
        if allotted_us == 0:
            return cal._moment(start_w, closed_end=False)
        return cal._moment(start_w + allotted_us, closed_end=True)

    def used(self, started_at: datetime, handed_over_at: datetime) -> timedelta:
        """Working time the step took."""
        return self.calendar.working_time_between(started_at, handed_over_at)

    def classify(self, started_at: datetime, handed_over_at: datetime) -> Timeliness:
        """Early / on time / late of the hand-over to the next step."""
        return classify(self.calendar.to_local(handed_over_at), self.due(started_at))


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _fmt(moment: datetime) -> str:
    return format_moment(moment)


def _fmt_span(span: timedelta) -> str:
    return format_working_time(span)
