"""What changed between two versions of a process design, for reviewers and the document history.

Steps are paired by name (in order, like a text diff of the steps table), so inserting a step in the
middle shows one added step and renumbered ones rather than every step "changed"; a step renamed in
place pairs with its old self by position. Transitions are compared as they act (a step without
transitions goes on to the next one) and in the new version's numbering, so a renumbering alone does
not show as a changed branch.

    d = diff_designs(old, new)
    d.added, d.removed, d.changed, d.header, d.to_dict()
    print(render_text(d))
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from .graph import ProcessGraph
from .model import END, ProcessDesign, StepDesign
from .text import (
    CONDITION_LABELS_VI,
    KIND_LABELS_VI,
    channel_label,
    format_limit,
    format_step_time,
)

STEP_FIELD_LABELS_VI: dict[str, str] = {
    "number": "Số thứ tự",
    "name": "Tên bước",
    "unit": "Đơn vị thực hiện",
    "role": "Người thực hiện",
    "work_content": "Nội dung công việc",
    "hours": "Thời gian",
    "output": "Biểu mẫu/kết quả",
    "kind": "Loại bước",
}
HEADER_FIELD_LABELS_VI: dict[str, str] = {
    "code": "Mã quy trình",
    "name": "Tên quy trình",
    "procedure_codes": "Mã thủ tục hành chính",
    "legal_bases": "Căn cứ pháp lý",
    "description": "Mô tả",
}


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field that differs; values are the texts people read ("16 giờ", "Phê duyệt")."""

    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class StepChange:
    """A step present in both versions whose fields or branches differ."""

    old_number: int
    new_number: int
    name: str
    fields: tuple[FieldChange, ...]
    transitions_added: tuple[str, ...]
    transitions_removed: tuple[str, ...]

    @property
    def renumbered(self) -> bool:
        return self.old_number != self.new_number


@dataclass(frozen=True, slots=True)
class DesignDiff:
    old_version: str
    new_version: str
    code: str
    name: str
    header: tuple[FieldChange, ...]
    added: tuple[StepDesign, ...]
    removed: tuple[StepDesign, ...]
    changed: tuple[StepChange, ...]
    renumbered: tuple[tuple[int, int, str], ...]  # (old number, new number, name): nothing else changed

    @property
    def is_empty(self) -> bool:
        return not (self.header or self.added or self.removed or self.changed or self.renumbered)

    def to_dict(self) -> dict[str, Any]:
        def field(c: FieldChange) -> dict[str, str]:
            return {"field": c.field, "label": c.label, "old": c.old, "new": c.new}

        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "header": [field(c) for c in self.header],
            "added": [{"number": s.number, "name": s.name} for s in self.added],
            "removed": [{"number": s.number, "name": s.name} for s in self.removed],
            "changed": [
                {
                    "old_number": c.old_number,
                    "new_number": c.new_number,
                    "name": c.name,
                    "fields": [field(f) for f in c.fields],
                    "transitions_added": list(c.transitions_added),
                    "transitions_removed": list(c.transitions_removed),
                }
                for c in self.changed
            ],
            "renumbered": [
                {"old_number": o, "new_number": n, "name": name} for o, n, name in self.renumbered
            ],
        }


def _key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def pair_steps(old: ProcessDesign, new: ProcessDesign) -> list[tuple[StepDesign | None, StepDesign | None]]:
    """(old, new) pairs in new-version order; None on the side where a step does not exist."""
    a, b = list(old.steps), list(new.steps)
    matcher = SequenceMatcher(None, [_key(s.name) for s in a], [_key(s.name) for s in b], autojunk=False)
    pairs: list[tuple[StepDesign | None, StepDesign | None]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pairs += zip(a[i1:i2], b[j1:j2], strict=True)
            continue
        common = min(i2 - i1, j2 - j1) if op == "replace" else 0
        pairs += zip(a[i1 : i1 + common], b[j1 : j1 + common], strict=True)
        pairs += [(s, None) for s in a[i1 + common : i2]]
        pairs += [(None, s) for s in b[j1 + common : j2]]
    # A step moved elsewhere shows first as removed and added: pair it again by its exact name.
    removed = {_key(o.name): i for i, (o, n) in enumerate(pairs) if n is None and o is not None}
    for i, (o, n) in enumerate(pairs):
        if o is None and n is not None and _key(n.name) in removed:
            j = removed.pop(_key(n.name))
            pairs[i] = (pairs[j][0], n)
            pairs[j] = (None, None)
    return [p for p in pairs if p != (None, None)]


def _step_fields(step: StepDesign) -> dict[str, str]:
    return {
        "number": str(step.number),
        "name": step.name,
        "unit": step.unit,
        "role": step.role,
        "work_content": step.work_content,
        "hours": format_step_time(step),
        "output": step.output,
        "kind": KIND_LABELS_VI[step.kind],
    }


def _flows(graph: ProcessGraph, number: int, renumber: dict[int, str]) -> list[str]:
    texts = []
    for edge in graph.out[number]:
        where = "kết thúc" if edge.target == END else renumber.get(edge.target, f"bước {edge.target}")  # type: ignore[arg-type]
        condition = CONDITION_LABELS_VI[edge.condition]
        text = f"{condition} → {where}" if condition else f"→ {where}"
        if edge.label.strip():
            text += f" ({edge.label.strip()})"
        texts.append(text)
    return texts


def _header(old: ProcessDesign, new: ProcessDesign) -> list[FieldChange]:
    changes = []
    for name, label in HEADER_FIELD_LABELS_VI.items():
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            show = "; ".join if isinstance(a, tuple) else str
            changes.append(FieldChange(name, label, show(a) or "(trống)", show(b) or "(trống)"))  # type: ignore[operator]
    channels = dict.fromkeys([t.channel for t in old.time_limits] + [t.channel for t in new.time_limits])
    for channel in channels:
        a_hours, b_hours = old.limit_for(channel), new.limit_for(channel)
        if a_hours != b_hours:
            changes.append(
                FieldChange(
                    f"time_limit.{channel}",
                    f"Thời hạn ({channel_label(channel).lower()})",
                    format_limit(a_hours) if a_hours is not None else "(không có)",
                    format_limit(b_hours) if b_hours is not None else "(không có)",
                )
            )
    return changes


def diff_designs(old: ProcessDesign, new: ProcessDesign) -> DesignDiff:
    """The differences from `old` to `new`."""
    pairs = pair_steps(old, new)
    old_graph, new_graph = ProcessGraph(old), ProcessGraph(new)
    # Old targets read in the new numbering; a target that is gone is named as such.
    renumber_old = {o.number: f"bước {n.number}" for o, n in pairs if o and n}
    renumber_old |= {o.number: f"bước {o.number} cũ (đã bỏ)" for o, n in pairs if o and not n}
    renumber_new = {s.number: f"bước {s.number}" for s in new.steps}

    added, removed, changed, renumbered = [], [], [], []
    for o, n in pairs:
        if o is None:
            added.append(n)
            continue
        if n is None:
            removed.append(o)
            continue
        before, after = _step_fields(o), _step_fields(n)
        fields = tuple(
            FieldChange(k, STEP_FIELD_LABELS_VI[k], before[k] or "(trống)", after[k] or "(trống)")
            for k in STEP_FIELD_LABELS_VI
            if before[k] != after[k]
        )
        old_flows = _flows(old_graph, o.number, renumber_old) if o.number in old_graph.steps else []
        new_flows = _flows(new_graph, n.number, renumber_new) if n.number in new_graph.steps else []
        plus = tuple(t for t in new_flows if t not in old_flows)
        minus = tuple(t for t in old_flows if t not in new_flows)
        if plus or minus or any(f.field != "number" for f in fields):
            changed.append(StepChange(o.number, n.number, n.name, fields, plus, minus))
        elif fields:
            renumbered.append((o.number, n.number, n.name))
    return DesignDiff(
        old_version=old.version,
        new_version=new.version,
        code=new.code,
        name=new.name,
        header=tuple(_header(old, new)),
        added=tuple(s for s in added if s is not None),
        removed=tuple(s for s in removed if s is not None),
        changed=tuple(changed),
        renumbered=tuple(renumbered),
    )


def _quote(text: str) -> str:
    return f"«{text}»"


def render_text(diff: DesignDiff) -> str:
    """The diff as Vietnamese text, one change a line, for the review page and the change record."""
    lines = [
        f"So sánh quy trình {diff.code} {_quote(diff.name)}: phiên bản {diff.old_version} → {diff.new_version}"
    ]
    if diff.is_empty:
        lines.append("Không có thay đổi.")
        return "\n".join(lines)
    if diff.header:
        lines.append("Thông tin chung:")
        lines += [f"  • {c.label}: {c.old} → {c.new}" for c in diff.header]
    if diff.added:
        lines.append("Thêm bước:")
        for s in diff.added:
            owner = f" — {s.owner}" if s.owner else ""
            lines.append(f"  + Bước {s.number} {_quote(s.name)}{owner}; {format_step_time(s)}")
    if diff.removed:
        lines.append("Bỏ bước:")
        lines += [f"  − Bước {s.number} cũ {_quote(s.name)}" for s in diff.removed]
    if diff.changed:
        lines.append("Sửa bước:")
        for c in diff.changed:
            was = f" (trước là bước {c.old_number})" if c.renumbered else ""
            lines.append(f"  ~ Bước {c.new_number}{was} {_quote(c.name)}:")
            for f in c.fields:
                if f.field == "number":
                    continue
                lines.append(f"      – {f.label}: {_quote(f.old)} → {_quote(f.new)}")
            if c.transitions_added or c.transitions_removed:
                parts = [f"thêm {_quote(t)}" for t in c.transitions_added]
                parts += [f"bỏ {_quote(t)}" for t in c.transitions_removed]
                lines.append(f"      – Chuyển tiếp: {'; '.join(parts)}")
    if diff.renumbered:
        moves = ", ".join(f"{o} → {n} {_quote(name)}" for o, n, name in diff.renumbered)
        lines.append(f"Chỉ đánh số lại: {moves}")
    return "\n".join(lines)
