"""Vietnamese (and English) wording shared by validation messages, diffs and the renderings.

Numbers use the Vietnamese decimal comma ("0,5 ngày", "4,5 giờ"); time limits read the way the
published tables do: "5 ngày làm việc / 40 giờ".
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from .model import END, HOURS_PER_DAY, Condition, StepDesign, StepKind, Target, Transition

KIND_LABELS_VI: dict[StepKind, str] = {
    "task": "Xử lý",
    "approval": "Phê duyệt",
    "consultation": "Lấy ý kiến (song song)",
    "return_to_applicant": "Trả cho người nộp",
}
KIND_LABELS_EN: dict[StepKind, str] = {
    "task": "Task",
    "approval": "Approval",
    "consultation": "Consultation (parallel)",
    "return_to_applicant": "Return to applicant",
}
CONDITION_LABELS_VI: dict[Condition, str] = {
    "agreed": "Đồng ý",
    "not_agreed": "Không đồng ý",
    "always": "",
}
CONDITION_LABELS_EN: dict[Condition, str] = {"agreed": "Agreed", "not_agreed": "Not agreed", "always": ""}
CHANNEL_LABELS_VI: dict[str, str] = {
    "in_person": "Trực tiếp",
    "online": "Trực tuyến",
    "postal": "Bưu chính",
}
CHANNEL_LABELS_EN: dict[str, str] = {"in_person": "In person", "online": "Online", "postal": "Postal"}


def format_number(value: Decimal | int, *, decimal_comma: bool = True) -> str:
    """'3', '0,5', '4,25' (or '0.5' in English)."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    text = format(value.normalize(), "f")
    return text.replace(".", ",") if decimal_comma else text


def format_hours(hours: Decimal | int) -> str:
    """'36 giờ', '4,5 giờ'."""
    return f"{format_number(hours)} giờ"


def format_hours_en(hours: Decimal | int) -> str:
    value = format_number(hours, decimal_comma=False)
    return f"{value} hour" if value == "1" else f"{value} hours"


def format_days(hours: Decimal | int) -> str:
    """'0,5 ngày', '5 ngày' from working hours."""
    return f"{format_number(Decimal(hours) / HOURS_PER_DAY)} ngày"


def format_step_time(step: StepDesign) -> str:
    """The time cell of the steps table: '0,5 ngày (4 giờ)' when entered in days, else '16 giờ'."""
    if step.time_unit == "days":
        return f"{format_days(step.hours)} ({format_hours(step.hours)})"
    return format_hours(step.hours)


def format_limit(hours: Decimal | int) -> str:
    """'5 ngày làm việc / 40 giờ' (8 working hours a day)."""
    return f"{format_number(Decimal(hours) / HOURS_PER_DAY)} ngày làm việc / {format_hours(hours)}"


def channel_label(channel: str) -> str:
    return CHANNEL_LABELS_VI.get(channel, channel)


def target_label(target: Target) -> str:
    return "kết thúc" if target == END else f"bước {target}"


def target_label_en(target: Target) -> str:
    return "the end" if target == END else f"step {target}"


def transition_label(transition: Transition) -> str:
    """The arrow's text: its own label, else the condition ('Không đồng ý')."""
    return transition.label.strip() or CONDITION_LABELS_VI[transition.condition]


def describe_flow(step: StepDesign) -> str:
    """The branches of a step as sentences for the steps table; empty for the plain next step.

    'Nếu đồng ý: chuyển sang bước 6. Nếu không đồng ý: trả lại bước 2.'
    """
    parts: list[str] = []
    for t in step.transitions:
        if t.condition == "always":
            continue
        head = "Nếu đồng ý" if t.condition == "agreed" else "Nếu không đồng ý"
        parts.append(f"{head}: {_move(step, t)}")
    always = [t for t in step.transitions if t.condition == "always"]
    if len(always) > 1:
        targets = ", ".join(target_label(t.target) for t in always)
        parts.append(f"Chuyển đồng thời (song song) tới {targets}")
    elif len(always) == 1:
        t = always[0]
        following = t.target != END and t.target > step.number  # type: ignore[operator]
        if not following or t.label.strip():
            parts.append(f"{t.label.strip() or 'Chuyển tiếp'}: {_move(step, t)}")
    return ". ".join(parts) + ("." if parts else "")


def _move(step: StepDesign, transition: Transition) -> str:
    if transition.target == END:
        return "kết thúc quy trình"
    if transition.target <= step.number:  # type: ignore[operator]
        return f"trả lại bước {transition.target}"
    return f"chuyển sang bước {transition.target}"


def step_list(numbers: Iterable[int]) -> str:
    """'bước 3', 'các bước 2, 3 và 4'."""
    items = [str(n) for n in numbers]
    if len(items) == 1:
        return f"bước {items[0]}"
    return f"các bước {', '.join(items[:-1])} và {items[-1]}"


def step_list_en(numbers: Iterable[int]) -> str:
    items = [str(n) for n in numbers]
    if len(items) == 1:
        return f"step {items[0]}"
    return f"steps {', '.join(items[:-1])} and {items[-1]}"


def path_text(numbers: Iterable[int]) -> str:
    """'1 → 2 → 4 → 8'."""
    return " → ".join(str(n) for n in numbers)
