"""Working calendar and deadline arithmetic for Vietnamese state agencies (pure Python + numpy).

No Django here: the Django app stores calendar entries and clock states, and calls these functions.

    cal = national_calendar()
    result = cal.add(received_at, 3, "working_days")        # hours mode: 3 × 8 working hours
    result.due, result.counting_started, result.estimated, result.explanation

    clock = LegalClock(cal).start(received_at, 15, "working_days")
    clock = clock.pause(asked_at).resume(answered_at)       # events return a new clock
    clock.due(), clock.working_time_left(as_of=now), clock.to_dict()
"""

from .arithmetic import DueResult, add, add_months
from .bulk import add_working_days_bulk
from .calendar import (
    DEFAULT_RECEPTION_CUTOFF,
    DEFAULT_WORKING_PERIODS,
    VN_TZ,
    WEEKMASK_MON_FRI,
    WorkingCalendar,
)
from .common import MODES, UNITS, Amount, Mode, StartRule, Unit
from .errors import CalendarError, CalendarInputError, ClockError
from .explain import format_date, format_moment
from .legal_clock import ClockState, Extension, LegalClock, Pause, StepBudget, Timeliness, classify
from .national import (
    OFFICIAL_YEARS,
    CalendarEntry,
    EntryKind,
    calendar_from_entries,
    load_official,
    national_calendar,
    seed_entries,
)

__all__ = [
    "DEFAULT_RECEPTION_CUTOFF",
    "DEFAULT_WORKING_PERIODS",
    "MODES",
    "OFFICIAL_YEARS",
    "UNITS",
    "Amount",
    "VN_TZ",
    "WEEKMASK_MON_FRI",
    "CalendarEntry",
    "CalendarError",
    "CalendarInputError",
    "ClockError",
    "ClockState",
    "DueResult",
    "EntryKind",
    "Extension",
    "LegalClock",
    "Mode",
    "Pause",
    "StartRule",
    "StepBudget",
    "Timeliness",
    "Unit",
    "WorkingCalendar",
    "add",
    "add_months",
    "add_working_days_bulk",
    "calendar_from_entries",
    "classify",
    "format_date",
    "format_moment",
    "load_official",
    "national_calendar",
    "seed_entries",
]
