"""Errors of the working-calendar module, each with a Vietnamese message and an English one.

`str(error)` is the Vietnamese message because the people who read it are Vietnamese officials; the
English text stays available for logs and the API (`message_en`).
"""

from __future__ import annotations


class CalendarError(Exception):
    """Base class: a refusal the caller can explain to a person."""

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_vi)
        self.message_vi = message_vi
        self.message_en = message_en


class CalendarInputError(CalendarError, ValueError):
    """Bad input: naive datetime, negative or absurd amount, unknown unit or mode, date out of range."""


class ClockError(CalendarError):
    """A legal-clock event that is not allowed in the clock's current state."""
