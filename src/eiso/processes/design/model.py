"""The design of an internal process (quy trình nội bộ) as immutable values, and its JSON form.

A design is what an agency publishes as the steps table of a procedure (domain.md §3): numbered steps,
each with a responsible unit or person, the work content, the time allotted in working hours (entered
in hours or in 0.5-day units of 8 working hours a day) and the output form or record, plus explicit
branches such as "if not agreed, return to step N".

Transitions: a step with no transitions goes on to the next step by number (or to the end after the
last step), which is how the published tables read. Explicit transitions replace that default:

* all `always` — one target is a plain hand-over; several targets run **in parallel** (consultation of
  other bodies, each branch with its own time, meeting again at a common step);
* `agreed` / `not_agreed` — the outcome of an approval step; a `not_agreed` transition to an earlier
  step is a loop ("return to step N"), whose extra rounds are not part of the planned time.

Everything here is pure Python: the Django app stores `to_dict()` in a JSON column.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, cast, get_args

HOURS_PER_DAY = Decimal(8)
HALF_DAY_HOURS = Decimal(4)
SCHEMA_VERSION = 1

StepKind = Literal["task", "approval", "consultation", "return_to_applicant"]
Condition = Literal["agreed", "not_agreed", "always"]
TimeUnit = Literal["hours", "days"]
Channel = Literal["in_person", "online", "postal"]
End = Literal["end"]
Target = int | End

STEP_KINDS: tuple[StepKind, ...] = get_args(StepKind)
CONDITIONS: tuple[Condition, ...] = get_args(Condition)
TIME_UNITS: tuple[TimeUnit, ...] = get_args(TimeUnit)
CHANNELS: tuple[Channel, ...] = get_args(Channel)
END: End = "end"

HoursLike = Decimal | int | float | str


class DesignFormatError(ValueError):
    """Stored or submitted data that is not a process design; Vietnamese message, English beside it."""

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_vi)
        self.message_vi = message_vi
        self.message_en = message_en


def to_hours(value: HoursLike) -> Decimal:
    """A finite Decimal number of hours from an int, float, Decimal or numeric string."""
    if isinstance(value, bool):
        raise DesignFormatError(f"Số giờ không hợp lệ: {value!r}", f"Not a number of hours: {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise DesignFormatError(f"Số giờ không hợp lệ: {value!r}", f"Not a number of hours: {value!r}")
        value = repr(value)  # Decimal(0.1) would keep the binary noise
    try:
        hours = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise DesignFormatError(
            f"Số giờ không hợp lệ: {value!r}", f"Not a number of hours: {value!r}"
        ) from None
    if not hours.is_finite():
        raise DesignFormatError(f"Số giờ không hợp lệ: {value!r}", f"Not a number of hours: {value!r}")
    return hours


def days_to_hours(days: HoursLike) -> Decimal:
    """Working days to working hours at 8 hours a day (0.5 day = 4 h)."""
    return to_hours(days) * HOURS_PER_DAY


def hours_to_days(hours: HoursLike) -> Decimal:
    """Working hours to working days at 8 hours a day."""
    return to_hours(hours) / HOURS_PER_DAY


@dataclass(frozen=True, slots=True)
class Transition:
    """Where a step hands the dossier on: another step's number or "end", under a condition.

    `label` is the text drawn on the arrow ("Không đồng ý: trả lại để thẩm định lại"); the condition
    alone gives a default label.
    """

    target: Target
    label: str = ""
    condition: Condition = "always"

    @property
    def is_conditional(self) -> bool:
        return self.condition != "always"


@dataclass(frozen=True, slots=True)
class TimeLimit:
    """The legal time limit of one submission channel (thời hạn giải quyết), in working hours."""

    channel: str
    hours: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "hours", to_hours(self.hours))

    @property
    def days(self) -> Decimal:
        return self.hours / HOURS_PER_DAY


@dataclass(frozen=True, slots=True)
class StepDesign:
    """One step of the steps table (bước quy trình).

    `number` is the step's position ("Bước 3") and its identity inside the design; `hours` is the time
    allotted in working hours, whatever unit the designer typed: `time_unit="days"` only records that
    the table shows it in (half) days. `role` and `unit` together name the owner (đơn vị / người thực
    hiện); at least one is required.
    """

    number: int
    name: str
    role: str = ""
    unit: str = ""
    work_content: str = ""
    hours: Decimal = Decimal(0)
    time_unit: TimeUnit = "hours"
    output: str = ""
    kind: StepKind = "task"
    transitions: tuple[Transition, ...] = ()

    def __post_init__(self) -> None:
        # Accept ints, floats and lists from callers and JSON; store exact, hashable values.
        object.__setattr__(self, "hours", to_hours(self.hours))
        object.__setattr__(self, "transitions", tuple(self.transitions))

    @property
    def days(self) -> Decimal:
        return self.hours / HOURS_PER_DAY

    @property
    def owner(self) -> str:
        """'Bộ phận Một cửa – Công chức Tư pháp - Hộ tịch', or whichever of the two is given."""
        return " – ".join(part for part in (self.unit.strip(), self.role.strip()) if part)

    @property
    def has_owner(self) -> bool:
        return bool(self.role.strip() or self.unit.strip())


@dataclass(frozen=True, slots=True)
class ProcessDesign:
    """A version of an internal process: identity, the procedures it serves, time limits, steps.

    `version` is the label people read ("Lần ban hành 02"); `procedure_codes` are national TTHC codes
    ("1.000894"); `time_limits` holds the legal limit per submission channel (in_person, online,
    postal) in working hours. Steps are kept in `number` order.
    """

    code: str
    name: str
    version: str = "01"
    procedure_codes: tuple[str, ...] = ()
    time_limits: tuple[TimeLimit, ...] = ()
    steps: tuple[StepDesign, ...] = ()
    legal_bases: tuple[str, ...] = ()
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "procedure_codes", tuple(self.procedure_codes))
        object.__setattr__(self, "time_limits", tuple(self.time_limits))
        object.__setattr__(self, "legal_bases", tuple(self.legal_bases))
        object.__setattr__(self, "steps", tuple(sorted(self.steps, key=lambda s: s.number)))

    # --- reading -------------------------------------------------------------------------------

    def step(self, number: int) -> StepDesign | None:
        for step in self.steps:
            if step.number == number:
                return step
        return None

    def limit_for(self, channel: str) -> Decimal | None:
        """The legal limit of `channel` in working hours, or None when the design has none."""
        for limit in self.time_limits:
            if limit.channel == channel:
                return limit.hours
        return None

    @property
    def strictest_limit(self) -> TimeLimit | None:
        """The shortest limit over the channels: a design meeting it meets them all."""
        return min(self.time_limits, key=lambda t: t.hours, default=None)

    @property
    def total_hours(self) -> Decimal:
        """Plain sum of every step's time (no parallelism, no loops); see validate.longest_path."""
        return sum((s.hours for s in self.steps), Decimal(0))

    def with_steps(self, steps: Iterable[StepDesign]) -> ProcessDesign:
        return replace(self, steps=tuple(steps))

    # --- JSON -----------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (hours as numbers, exact for the halves and quarters used in practice)."""
        return {
            "schema": SCHEMA_VERSION,
            "code": self.code,
            "name": self.name,
            "version": self.version,
            "procedure_codes": list(self.procedure_codes),
            "legal_bases": list(self.legal_bases),
            "description": self.description,
            "time_limits": [{"channel": t.channel, "hours": _number(t.hours)} for t in self.time_limits],
            "steps": [_step_to_dict(s) for s in self.steps],
        }

    def to_json(self, *, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProcessDesign:
        """The design stored by `to_dict`; raises DesignFormatError on malformed input."""
        _expect(isinstance(data, Mapping), "thiết kế quy trình phải là một đối tượng JSON", "a JSON object")
        schema = data.get("schema", SCHEMA_VERSION)
        if schema != SCHEMA_VERSION:
            raise DesignFormatError(
                f"Phiên bản định dạng {schema!r} không được hỗ trợ (hỗ trợ: {SCHEMA_VERSION})",
                f"Unsupported design schema {schema!r} (supported: {SCHEMA_VERSION})",
            )
        try:
            limits = tuple(
                TimeLimit(channel=str(t["channel"]), hours=t["hours"]) for t in data.get("time_limits", ())
            )
            steps = tuple(_step_from_dict(s) for s in data.get("steps", ()))
            return cls(
                code=_str(data, "code", required=True),
                name=_str(data, "name", required=True),
                version=_str(data, "version") or "01",
                procedure_codes=tuple(str(c) for c in data.get("procedure_codes", ())),
                legal_bases=tuple(str(b) for b in data.get("legal_bases", ())),
                description=_str(data, "description"),
                time_limits=limits,
                steps=steps,
            )
        except (KeyError, TypeError) as exc:
            raise DesignFormatError(
                f"Thiết kế quy trình thiếu hoặc sai trường: {exc}", f"Malformed process design: {exc}"
            ) from None

    @classmethod
    def from_json(cls, text: str | bytes) -> ProcessDesign:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DesignFormatError(f"JSON không hợp lệ: {exc}", f"Invalid JSON: {exc}") from None
        return cls.from_dict(data)


# --- JSON helpers -------------------------------------------------------------------------------


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _step_to_dict(step: StepDesign) -> dict[str, Any]:
    return {
        "number": step.number,
        "name": step.name,
        "role": step.role,
        "unit": step.unit,
        "work_content": step.work_content,
        "hours": _number(step.hours),
        "time_unit": step.time_unit,
        "output": step.output,
        "kind": step.kind,
        "transitions": [
            {"target": t.target, "label": t.label, "condition": t.condition} for t in step.transitions
        ],
    }


def _expect(ok: bool, vi: str, en: str) -> None:
    if not ok:
        raise DesignFormatError(f"Dữ liệu không hợp lệ: {vi}", f"Invalid data: expected {en}")


def _str(data: Mapping[str, Any], key: str, *, required: bool = False) -> str:
    value = data.get(key, "")
    if required and key not in data:
        raise KeyError(key)
    _expect(isinstance(value, str), f"trường {key!r} phải là chuỗi", f"field {key!r} to be a string")
    return cast(str, value)


def _choice(value: Any, allowed: tuple[str, ...], key: str) -> Any:
    if value not in allowed:
        raise DesignFormatError(
            f"Giá trị {value!r} của trường {key!r} không hợp lệ (cho phép: {', '.join(allowed)})",
            f"Invalid {key!r}: {value!r} (allowed: {', '.join(allowed)})",
        )
    return value


def _target_from_json(value: Any) -> Target:
    if value == END:
        return END
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise DesignFormatError(
        f'Đích chuyển tiếp {value!r} phải là số bước hoặc "end"',
        f'Transition target {value!r} must be a step number or "end"',
    )


def _step_from_dict(data: Mapping[str, Any]) -> StepDesign:
    _expect(isinstance(data, Mapping), "mỗi bước phải là một đối tượng JSON", "each step to be an object")
    number = data["number"]
    _expect(
        isinstance(number, int) and not isinstance(number, bool),
        "số thứ tự bước phải là số nguyên",
        "the step number to be an integer",
    )
    transitions = tuple(
        Transition(
            target=_target_from_json(t["target"]),
            label=_str(t, "label"),
            condition=_choice(t.get("condition", "always"), CONDITIONS, "condition"),
        )
        for t in data.get("transitions", ())
    )
    return StepDesign(
        number=number,
        name=_str(data, "name", required=True),
        role=_str(data, "role"),
        unit=_str(data, "unit"),
        work_content=_str(data, "work_content"),
        hours=data.get("hours", 0),
        time_unit=_choice(data.get("time_unit", "hours"), TIME_UNITS, "time_unit"),
        output=_str(data, "output"),
        kind=_choice(data.get("kind", "task"), STEP_KINDS, "kind"),
        transitions=transitions,
    )
