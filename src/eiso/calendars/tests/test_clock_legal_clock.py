"""The legal clock of a dossier (pauses, resets, extension, timeliness) and step budgets."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from eiso.calendars.clock import CalendarInputError, ClockError, LegalClock, StepBudget, classify

from .clock_support import NATIONAL, at

CAL = NATIONAL
H = timedelta(hours=1)


def started(received: datetime | None = None, amount: int = 5) -> LegalClock:
    """A clock with a limit of `amount` working days (hours mode), received Monday 05/01/2026 08:00."""
    return LegalClock(CAL).start(received or at(2026, 1, 5, 8), amount)


# --- start, finish, timeliness --------------------------------------------------------------------------


def test_start_sets_the_due_moment() -> None:
    clock = started()
    assert clock.state == "running"
    assert clock.counting_started == at(2026, 1, 5, 8)
    assert clock.due() == clock.original_due() == at(2026, 1, 9, 17)
    assert clock.working_time_used(as_of=at(2026, 1, 6, 8)) == 8 * H
    assert clock.working_time_left(as_of=at(2026, 1, 6, 8)) == 32 * H


@pytest.mark.parametrize(
    ("finished", "expected"),
    [
        (at(2026, 1, 8, 16), "early"),  # a calendar day before the due date
        (at(2026, 1, 9, 8, 30), "on_time"),  # on the due date
        (at(2026, 1, 9, 17), "on_time"),  # exactly at the due moment
        (at(2026, 1, 9, 17, 0, 1), "late"),
        (at(2026, 1, 12, 9), "late"),
    ],
)
def test_status_of_a_finished_dossier(finished: datetime, expected: str) -> None:
    clock = started().finish(finished)
    assert clock.state == "finished"
    assert clock.status() == expected


def test_status_while_open() -> None:
    clock = started()
    assert clock.status() is None
    assert clock.status(as_of=at(2026, 1, 9, 16)) == "on_time"
    assert clock.status(as_of=at(2026, 1, 10, 9)) == "late"
    assert clock.working_time_left(as_of=at(2026, 1, 10, 9)) == -H  # Saturday 10/01 is worked
    assert clock.stop(at(2026, 1, 7, 9)).status() is None


def test_classify_uses_the_calendar_date() -> None:
    due = at(2026, 1, 9, 17)
    assert classify(at(2026, 1, 8, 23, 59), due) == "early"
    assert classify(at(2026, 1, 9, 0, 1), due) == "on_time"
    assert classify(at(2026, 1, 9, 17, 1), due) == "late"


# --- pauses -------------------------------------------------------------------------------------------


def test_pause_moves_the_due_moment_by_the_working_time_paused() -> None:
    # Paused Tue 06/01 10:00 → Thu 08/01 10:00 = 16 working hours; due Fri 09/01 17:00 moves by 16 h
    # across the swapped working Saturday 10/01: Saturday 8 h + Monday 8 h.
    clock = started().pause(at(2026, 1, 6, 10))
    assert clock.state == "paused"
    assert clock.due() == at(2026, 1, 9, 17)  # the open pause is not counted without as_of
    assert clock.due(as_of=at(2026, 1, 7, 10)) == at(2026, 1, 10, 17)
    clock = clock.resume(at(2026, 1, 8, 10))
    assert clock.due() == at(2026, 1, 12, 17)
    assert clock.original_due() == at(2026, 1, 12, 17)  # no extension: the same
    # 05/01 (8 h) + 06/01 08:00–10:00 (2 h) + 08/01 10:00–12:00 (2 h).
    assert clock.working_time_used(as_of=at(2026, 1, 8, 12)) == 12 * H
    assert clock.waiting_time() == timedelta(days=2)
    assert clock.waiting_working_time() == 16 * H


def test_time_left_is_frozen_during_a_pause() -> None:
    clock = started().pause(at(2026, 1, 6, 10))
    left_then = clock.working_time_left(as_of=at(2026, 1, 6, 10))
    assert clock.working_time_left(as_of=at(2026, 1, 8, 15)) == left_then == 30 * H


def test_pause_spanning_new_year_holidays() -> None:
    # Start Mon 29/12/2025 08:00, 5 days → due Tue 06/01/2026 17:00 (01–04/01 off).
    clock = started(at(2025, 12, 29, 8))
    assert clock.due() == at(2026, 1, 6, 17)
    # Paused Wed 31/12 15:00 → Mon 05/01 10:00: 2 h + 2 h of working time.
    clock = clock.pause(at(2025, 12, 31, 15)).resume(at(2026, 1, 5, 10))
    assert clock.due() == at(2026, 1, 7, 12)
    assert clock.waiting_time() == timedelta(days=4, hours=19)
    assert clock.waiting_working_time() == 4 * H
    finished = clock.finish(at(2026, 1, 7, 11))
    assert finished.status() == "on_time"
    # 29/12–31/12 and 05/01–06/01 (40 h) + 07/01 08:00–11:00 (3 h) − 4 h paused.
    assert finished.working_time_used() == 39 * H
    assert finished.elapsed_minus_waiting() == 39 * H


def test_pause_asked_after_hours_costs_only_working_time() -> None:
    clock = started().pause(at(2026, 1, 6, 18)).resume(at(2026, 1, 7, 7))
    assert clock.due() == at(2026, 1, 9, 17)
    assert clock.waiting_time() == 13 * H
    assert clock.waiting_working_time() == timedelta(0)


# --- reset (supplement after appraisal) --------------------------------------------------------------


def test_reset_restarts_the_limit_from_zero_across_holidays() -> None:
    clock = started(at(2025, 12, 22, 9), amount=3)
    assert clock.due() == at(2025, 12, 25, 9)
    clock = clock.pause(at(2025, 12, 23, 10))  # supplement requested
    # Complete dossier on Wed 31/12/2025 at 16:00, after the cut-off: counting restarts Mon 05/01/2026.
    clock = clock.reset(at(2025, 12, 31, 16))
    assert clock.state == "running"
    assert clock.period_start == at(2026, 1, 5, 8)
    assert clock.due() == at(2026, 1, 7, 17)
    assert clock.working_time_used(as_of=at(2026, 1, 5, 12)) == 4 * H
    assert len(clock.resets) == 1
    # The waiting time before the reset still counts as waiting (Decision 766).
    assert clock.waiting_time() == at(2025, 12, 31, 16) - at(2025, 12, 23, 10)
    assert clock.waiting_working_time() == 6 * H + 5 * 8 * H + 7 * H


def test_pauses_before_a_reset_do_not_move_the_new_due_moment() -> None:
    clock = started(amount=3).pause(at(2026, 1, 5, 10)).resume(at(2026, 1, 6, 10))
    assert clock.due() == at(2026, 1, 8, 17)
    clock = clock.reset(at(2026, 1, 7, 9))
    assert clock.due() == at(2026, 1, 10, 9)  # 3 × 8 h from Wed 09:00: due on the worked Saturday 10/01


# --- extension (apology letter) -------------------------------------------------------------------------


def test_extension_once_keeps_the_original_due() -> None:
    clock = started()  # due Fri 09/01/2026 17:00
    clock = clock.extend(at(2026, 1, 8, 16), at(2026, 1, 14, 17))  # 9 working hours left: allowed
    assert clock.due() == at(2026, 1, 14, 17)
    assert clock.original_due() == at(2026, 1, 9, 17)
    assert clock.extension is not None and clock.extension.previous_due == at(2026, 1, 9, 17)
    assert clock.finish(at(2026, 1, 13, 10)).status() == "early"


def test_second_extension_is_refused() -> None:
    clock = started().extend(at(2026, 1, 6, 9), at(2026, 1, 14, 17))
    with pytest.raises(ClockError, match="một lần") as caught:
        clock.extend(at(2026, 1, 7, 9), at(2026, 1, 20, 17))
    assert "only once" in caught.value.message_en


def test_late_extension_is_refused() -> None:
    clock = started()  # due Fri 09/01/2026 17:00
    with pytest.raises(ClockError, match="01 ngày làm việc") as caught:
        clock.extend(at(2026, 1, 9, 9), at(2026, 1, 14, 17))  # only 7 working hours left
    assert "at least one working day" in caught.value.message_en
    # Exactly one working day before is still allowed.
    assert clock.extend(at(2026, 1, 9, 8), at(2026, 1, 14, 17)).due() == at(2026, 1, 14, 17)


def test_extension_must_move_the_due_moment_later() -> None:
    with pytest.raises(ClockError, match="phải sau hạn hiện tại"):
        started().extend(at(2026, 1, 6, 9), at(2026, 1, 8, 17))


def test_pause_after_extension_moves_the_new_due() -> None:
    clock = started().extend(at(2026, 1, 6, 9), at(2026, 1, 14, 17))
    clock = clock.pause(at(2026, 1, 7, 9)).resume(at(2026, 1, 7, 11))
    assert clock.due() == at(2026, 1, 15, 10)
    assert clock.original_due() == at(2026, 1, 10, 10)  # 09/01 17:00 + 2 h, on the worked Saturday 10/01


# --- lifecycle errors and storage ----------------------------------------------------------------------


def test_invalid_transitions() -> None:
    fresh = LegalClock(CAL)
    with pytest.raises(ClockError, match="chưa bắt đầu"):
        fresh.pause(at(2026, 1, 5, 9))
    with pytest.raises(ClockError):
        fresh.due()
    clock = started()
    with pytest.raises(ClockError):
        clock.resume(at(2026, 1, 5, 9))
    with pytest.raises(ClockError):
        clock.start(at(2026, 1, 5, 9), 3)
    with pytest.raises(ClockError, match="sớm hơn"):
        clock.pause(at(2026, 1, 4, 9))
    with pytest.raises(ClockError, match="as_of"):
        clock.working_time_used()
    done = clock.finish(at(2026, 1, 7, 9))
    with pytest.raises(ClockError):
        done.pause(at(2026, 1, 8, 9))
    with pytest.raises(CalendarInputError):
        LegalClock(CAL).start(at(2026, 1, 5, 9), -1)


def test_finish_during_a_pause_closes_it() -> None:
    clock = started().pause(at(2026, 1, 6, 10)).finish(at(2026, 1, 7, 10))
    assert clock.pauses[-1].end == at(2026, 1, 7, 10)
    assert clock.waiting_working_time() == 8 * H


def test_events_return_new_clocks() -> None:
    clock = started()
    paused = clock.pause(at(2026, 1, 6, 10))
    assert clock.state == "running" and paused.state == "paused"


def test_round_trip_through_json() -> None:
    clock = (
        started(at(2025, 12, 29, 8))
        .pause(at(2025, 12, 31, 15))
        .reset(at(2026, 1, 5, 10))
        .extend(at(2026, 1, 6, 9), at(2026, 1, 20, 17))
        .pause(at(2026, 1, 7, 9))
    )
    stored = json.loads(json.dumps(clock.to_dict()))
    restored = LegalClock.from_dict(stored, CAL)
    assert restored == clock
    assert restored.due(as_of=at(2026, 1, 8, 9)) == clock.due(as_of=at(2026, 1, 8, 9))
    assert stored["limit"] == {"amount": 5, "unit": "working_days", "mode": "hours"}
    with pytest.raises(ClockError):
        LegalClock.from_dict({**stored, "version": 99}, CAL)
    with pytest.raises(ClockError):
        LegalClock.from_dict({**stored, "state": "exploded"}, CAL)


def test_estimated_clock() -> None:
    assert not started().estimated
    assert started(at(2027, 3, 1, 9)).estimated


def test_elapsed_minus_waiting_counts_from_reception_across_resets() -> None:
    clock = started(amount=3).pause(at(2026, 1, 5, 12)).reset(at(2026, 1, 6, 12))
    finished = clock.finish(at(2026, 1, 7, 12))
    # Elapsed 05/01 08:00 → 07/01 12:00 = 20 h, waiting 05/01 12:00 → 06/01 12:00 = 8 h.
    assert finished.elapsed_minus_waiting() == 12 * H
    assert finished.working_time_used() == 8 * H  # since the reset


# --- step budgets -------------------------------------------------------------------------------------


def test_step_budget_due_and_classification() -> None:
    budget = StepBudget(CAL, allotted_hours=4)
    assert budget.due(at(2026, 1, 5, 8)) == at(2026, 1, 5, 12)  # end of the morning, not 13:00
    assert budget.due(at(2026, 1, 5, 16)) == at(2026, 1, 6, 11)  # no cut-off for steps
    assert budget.due(at(2026, 1, 9, 15)) == at(2026, 1, 10, 10)  # swapped Saturday worked
    assert budget.due(at(2025, 12, 31, 16)) == at(2026, 1, 5, 11)  # across the New Year days off
    assert budget.classify(at(2026, 1, 5, 16), at(2026, 1, 5, 16, 30)) == "early"
    assert budget.classify(at(2026, 1, 5, 16), at(2026, 1, 6, 11)) == "on_time"
    assert budget.classify(at(2026, 1, 5, 16), at(2026, 1, 6, 11, 1)) == "late"
    assert budget.used(at(2026, 1, 5, 16), at(2026, 1, 6, 11)) == 4 * H
    assert budget.allotted == 4 * H


def test_step_budget_refuses_bad_allotments() -> None:
    with pytest.raises(CalendarInputError):
        StepBudget(CAL, allotted_hours=-1)
    with pytest.raises(CalendarInputError):
        StepBudget(CAL, allotted_hours=float("nan"))
