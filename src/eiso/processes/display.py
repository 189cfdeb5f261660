"""How a design reads on a page: the steps table rows, the limits, the issues and the inline flowchart."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe

from eiso.core.text import vi_fold
from eiso.processes.design import Issue, ProcessDesign, render_svg, validate
from eiso.processes.design.graph import ProcessGraph
from eiso.processes.design.text import (
    KIND_LABELS_VI,
    channel_label,
    describe_flow,
    format_hours,
    format_limit,
    format_step_time,
)
from eiso.processes.services import issue_message


@dataclass
class StepRow:
    number: int
    name: str
    owner: str
    unit: str
    role: str
    work_content: str
    time: str
    output: str
    kind: str
    kind_label: str
    flow: str
    problems: list[str] = field(default_factory=list)
    on_longest_path: bool = False


@dataclass
class EditorView:
    """Everything the steps editor partial shows about one design."""

    design: ProcessDesign
    rows: list[StepRow]
    issues: list[Issue]
    errors: list[str]
    warnings: list[str]
    planned: str
    limits: list[tuple[str, str]]
    limit_hours: object
    overrun: str
    svg: SafeString
    branches: bool = False  # some step is off the longest path (parallel or alternative branches)

    @property
    def valid(self) -> bool:
        return not self.errors


def inline_svg(design: ProcessDesign) -> SafeString:
    """The flowchart for embedding in a page (no XML declaration). `render_svg` escapes every text."""
    svg = render_svg(design)
    svg = re.sub(r"^<\?xml[^>]*\?>\s*", "", svg)
    return mark_safe(svg.replace("<svg ", '<svg class="process-flowchart" ', 1))  # noqa: S308


def editor_view(design: ProcessDesign) -> EditorView:
    issues = validate(design)
    graph = ProcessGraph(design)
    longest = set(graph.longest_path.steps)
    per_step: dict[int, list[str]] = {}
    for issue in issues:
        for number in issue.steps:
            if issue.code != "over_time_limit":
                per_step.setdefault(number, []).append(issue_message(issue))
    rows = [
        StepRow(
            number=s.number,
            name=s.name,
            owner=s.owner,
            unit=s.unit,
            role=s.role,
            work_content=s.work_content,
            time=format_step_time(s),
            output=s.output,
            kind=s.kind,
            kind_label=KIND_LABELS_VI[s.kind],
            flow=describe_flow(s),
            problems=per_step.get(s.number, []),
            on_longest_path=s.number in longest,
        )
        for s in design.steps
    ]
    strictest = design.strictest_limit
    overrun = ""
    if strictest is not None and graph.longest_path.hours > strictest.hours:
        overrun = format_hours(graph.longest_path.hours - strictest.hours)
    return EditorView(
        design=design,
        rows=rows,
        issues=issues,
        errors=[issue_message(i) for i in issues if i.is_error],
        warnings=[issue_message(i) for i in issues if not i.is_error],
        planned=format_hours(graph.longest_path.hours),
        limits=[(channel_label(t.channel), format_limit(t.hours)) for t in design.time_limits],
        limit_hours=strictest.hours if strictest else None,
        overrun=overrun,
        svg=inline_svg(design),
        branches=any(not row.on_longest_path for row in rows),
    )


def file_stem(code: str, label: str) -> str:
    """ "QT-1.004873_lan-02": ASCII, safe in every browser's download dialog."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", vi_fold(code).upper()).strip("-") or "QUY-TRINH"
    return f"{stem}_lan-{label}"
