"""Types and constants shared by the clock modules.

Kept apart so that calendar.py can call arithmetic.py directly (no import inside a hot method) while
arithmetic.py works on a calendar it never imports at run time.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Literal

US_PER_SECOND = 1_000_000
SECONDS_PER_DAY = 86_400

# int is accepted wherever float is; numpy scalars are accepted at run time too.
Amount = float | Fraction | Decimal
Unit = Literal["working_days", "working_hours", "calendar_days", "months"]
Mode = Literal["hours", "days"]
UNITS: tuple[Unit, ...] = ("working_days", "working_hours", "calendar_days", "months")
MODES: tuple[Mode, ...] = ("hours", "days")

# Why counting starts where it does; explanations are rendered from this code.
StartRule = Literal[
    "in_hours",
    "before_opening",
    "between_periods",
    "after_cutoff",
    "after_hours",
    "non_working_day",
    "reception_day_not_counted",
]
