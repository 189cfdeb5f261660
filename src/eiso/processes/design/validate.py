"""Checks a process design before it is published: structure, owners, and the legal time limit.

`validate(design, limit_hours)` returns every problem found, never raises on a bad design. Each issue
has a stable `code`, a severity, a Vietnamese `message` naming the step(s) for the people who fix it,
the same in English (`message_en`) for logs and the API, and the step numbers to highlight.

Time: the planned time is the longest forward path from the first step to the end (graph.py):
parallel consultations count as their longest branch, and "return to step N" loops are not counted —
a loop's extra rounds are not planned time. A loop with no way out, though, is an error.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any, Literal

from .graph import ProcessGraph
from .model import END, HALF_DAY_HOURS, HoursLike, ProcessDesign, to_hours
from .text import (
    channel_label,
    format_hours,
    format_hours_en,
    path_text,
    step_list,
    step_list_en,
    target_label,
    target_label_en,
)

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem of a design; `steps` are the step numbers it is about (empty for the whole design)."""

    code: str
    severity: Severity
    message: str
    message_en: str
    steps: tuple[int, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["steps"] = list(self.steps)
        return data


def errors(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.is_error]


def is_valid(design: ProcessDesign, limit_hours: HoursLike | None = None) -> bool:
    """True when `validate` finds no error (warnings allowed)."""
    return not errors(validate(design, limit_hours))


def validate(design: ProcessDesign, limit_hours: HoursLike | None = None) -> list[Issue]:
    """Every issue of `design`, errors first, then in step order.

    `limit_hours` is the legal time limit of the channel being checked, in working hours; without it
    the design's strictest channel limit is used (and a warning is given when it has none).
    """
    issues: list[Issue] = []
    if not design.steps:
        issues.append(Issue("no_steps", "error", "Quy trình chưa có bước nào.", "The process has no steps."))
        return issues

    graph = ProcessGraph(design)
    issues += _check_steps(design)
    issues += _check_transitions(graph)
    issues += _check_paths(graph)
    issues += _check_parallel(graph)
    issues += _check_time(design, graph, limit_hours)
    issues.sort(key=lambda i: (not i.is_error, i.steps[:1] or (0,)))
    return issues


# --- each step on its own ------------------------------------------------------------------------


def _check_steps(design: ProcessDesign) -> list[Issue]:
    issues: list[Issue] = []
    counts = Counter(s.number for s in design.steps)
    for number, count in sorted(counts.items()):
        if count > 1:
            issues.append(
                Issue(
                    "duplicate_number",
                    "error",
                    f"Số thứ tự bước {number} bị trùng ({count} bước cùng số).",
                    f"Step number {number} is used by {count} steps.",
                    (number,),
                )
            )
    for step in design.steps:
        n = step.number
        if not step.name.strip():
            issues.append(
                Issue("empty_name", "error", f"Bước {n} chưa có tên.", f"Step {n} has no name.", (n,))
            )
        if not step.has_owner:
            issues.append(
                Issue(
                    "missing_owner",
                    "error",
                    f"Bước {n} ({step.name}) chưa có đơn vị hoặc người thực hiện.",
                    f"Step {n} ({step.name}) has no responsible unit or role.",
                    (n,),
                )
            )
        if step.hours < 0:
            issues.append(
                Issue(
                    "negative_time",
                    "error",
                    f"Thời gian của bước {n} ({step.name}) không được âm: {format_hours(step.hours)}.",
                    f"Step {n} ({step.name}) has a negative time: {format_hours_en(step.hours)}.",
                    (n,),
                )
            )
        elif step.time_unit == "days" and step.hours % HALF_DAY_HOURS:
            issues.append(
                Issue(
                    "not_half_days",
                    "warning",
                    f"Thời gian của bước {n} ({step.name}) là {format_hours(step.hours)}, không tròn "
                    "nửa ngày (4 giờ) dù được ghi theo ngày.",
                    f"Step {n} ({step.name}) is given in days but {format_hours_en(step.hours)} is not "
                    "a multiple of half a day (4 hours).",
                    (n,),
                )
            )
    return issues


# --- transitions ----------------------------------------------------------------------------------


def _check_transitions(graph: ProcessGraph) -> list[Issue]:
    issues: list[Issue] = []
    for number, transition in graph.unknown_targets:
        issues.append(
            Issue(
                "unknown_target",
                "error",
                f"Bước {number} chuyển tới bước {transition.target}, nhưng quy trình không có bước này.",
                f"Step {number} leads to step {transition.target}, which does not exist.",
                (number,),
            )
        )
    for number in graph.numbers:
        step = graph.steps[number]
        conditions = {t.condition for t in step.transitions}
        conditional = conditions & {"agreed", "not_agreed"}
        if conditional and "always" in conditions:
            issues.append(
                Issue(
                    "mixed_conditions",
                    "error",
                    f"Bước {number} ({step.name}) vừa có chuyển tiếp theo kết quả (đồng ý/không đồng ý) "
                    "vừa có chuyển tiếp vô điều kiện; hãy chọn một kiểu.",
                    f"Step {number} ({step.name}) mixes agreed/not agreed transitions with unconditional ones.",
                    (number,),
                )
            )
        if conditional and step.kind != "approval":
            issues.append(
                Issue(
                    "condition_outside_approval",
                    "error",
                    f"Bước {number} ({step.name}) không phải bước phê duyệt nên không thể rẽ nhánh theo "
                    "kết quả đồng ý/không đồng ý.",
                    f"Step {number} ({step.name}) is not an approval step, so it cannot branch on agreed/not agreed.",
                    (number,),
                )
            )
        if step.kind == "approval" and step.transitions:
            if not conditions & {"agreed", "always"}:
                issues.append(
                    Issue(
                        "approval_without_agreed",
                        "error",
                        f"Bước phê duyệt {number} ({step.name}) không có nhánh “đồng ý”.",
                        f"Approval step {number} ({step.name}) has no “agreed” branch.",
                        (number,),
                    )
                )
        if step.kind == "approval" and "not_agreed" not in conditions:
            issues.append(
                Issue(
                    "approval_without_not_agreed",
                    "warning",
                    f"Bước phê duyệt {number} ({step.name}) chưa nêu xử lý khi không đồng ý "
                    "(ví dụ: chuyển lại bước thẩm định).",
                    f"Approval step {number} ({step.name}) does not say what happens when not agreed.",
                    (number,),
                )
            )
    return issues


# --- reachability and loops ----------------------------------------------------------------------


def _check_paths(graph: ProcessGraph) -> list[Issue]:
    issues: list[Issue] = []
    first = graph.first
    assert first is not None
    unreachable = [n for n in graph.numbers if n not in graph.reachable]
    if unreachable:
        names = "; ".join(f"{n}. {graph.steps[n].name}" for n in unreachable)
        issues.append(
            Issue(
                "unreachable",
                "error",
                f"Không thể đi tới {step_list(unreachable)} từ bước đầu tiên (bước {first}): {names}.",
                f"{step_list_en(unreachable).capitalize()} cannot be reached from the first step "
                f"(step {first}): {names}.",
                tuple(unreachable),
            )
        )
    in_closed_loop: set[int] = set()
    for loop in graph.loops:
        if any(n in graph.reaches_end for n in loop):
            continue
        in_closed_loop.update(loop)
        cycle = path_text((*loop, loop[0]))
        issues.append(
            Issue(
                "loop_without_exit",
                "error",
                f"Vòng lặp giữa {step_list(loop)} ({cycle}) không có lối ra: không nhánh nào dẫn tới "
                "kết thúc quy trình.",
                f"The loop between {step_list_en(loop)} ({cycle}) has no exit: no branch leads to the end.",
                loop,
            )
        )
    stuck = [n for n in graph.numbers if n not in graph.reaches_end and n not in in_closed_loop]
    if stuck:
        issues.append(
            Issue(
                "no_path_to_end",
                "error",
                f"Từ {step_list(stuck)} không có đường nào dẫn tới kết thúc quy trình.",
                f"No path leads from {step_list_en(stuck)} to the end of the process.",
                tuple(stuck),
            )
        )
    return issues


def _check_parallel(graph: ProcessGraph) -> list[Issue]:
    issues: list[Issue] = []
    for block in graph.parallel_blocks:
        heads = [h for h in block.heads if h != END]
        if block.join == END:
            issues.append(
                Issue(
                    "parallel_without_join",
                    "error",
                    f"Các nhánh song song sau bước {block.fork} ({step_list(heads)}) không gặp lại nhau "
                    "ở một bước chung trước khi kết thúc.",
                    f"The parallel branches after step {block.fork} ({step_list_en(heads)}) never meet "
                    "again at a common step before the end.",
                    (block.fork, *heads),
                )
            )
        others = [h for h in heads if graph.steps[h].kind != "consultation"]
        if others:
            issues.append(
                Issue(
                    "parallel_not_consultation",
                    "warning",
                    f"Bước {block.fork} chuyển song song tới {step_list(others)}, nhưng chỉ các bước lấy "
                    "ý kiến mới thường chạy song song; kiểm tra lại loại bước.",
                    f"Step {block.fork} forks in parallel to {step_list_en(others)}, which are not "
                    "consultation steps; check the step kinds.",
                    (block.fork, *others),
                )
            )
    return issues


# --- time ------------------------------------------------------------------------------------------


def _check_time(design: ProcessDesign, graph: ProcessGraph, limit_hours: HoursLike | None) -> list[Issue]:
    channel_vi = channel_en = ""
    if limit_hours is None:
        strictest = design.strictest_limit
        if strictest is None:
            return [
                Issue(
                    "no_time_limit",
                    "warning",
                    "Quy trình chưa có thời hạn giải quyết theo quy định nên chưa kiểm tra được tổng thời gian.",
                    "The process has no legal time limit, so its total time was not checked.",
                )
            ]
        limit = strictest.hours
        channel_vi = f" ({channel_label(strictest.channel).lower()})"
        channel_en = f" ({strictest.channel})"
    else:
        limit = to_hours(limit_hours)
    longest = graph.longest_path
    if longest.hours <= limit:
        return []
    over = longest.hours - limit
    route = path_text(longest.steps)
    ending_vi = "" if longest.reaches_end else f", dừng ở {target_label(longest.steps[-1])}"
    ending_en = "" if longest.reaches_end else f", stopping at {target_label_en(longest.steps[-1])}"
    return [
        Issue(
            "over_time_limit",
            "error",
            f"Tổng thời gian theo nhánh dài nhất là {format_hours(longest.hours)}, vượt {format_hours(over)} "
            f"so với thời hạn {format_hours(limit)}{channel_vi} (nhánh: bước {route}{ending_vi}).",
            f"The longest path takes {format_hours_en(longest.hours)}, {format_hours_en(over)} over the "
            f"time limit of {format_hours_en(limit)}{channel_en} (path: steps {route}{ending_en}).",
            longest.steps,
        )
    ]


def planned_hours(design: ProcessDesign) -> Decimal:
    """The planned time of a design: its longest path in working hours."""
    return ProcessGraph(design).longest_path.hours
