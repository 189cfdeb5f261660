"""Pure design of internal processes (quy trình nội bộ): model, validation, diff and renderings.

No Django in this package. The optional renderings import their libraries when called: documents.py
needs docxtpl (DOCX) and WeasyPrint (PDF); everything else is the standard library.

    design = ProcessDesign.from_json(text)
    issues = validate(design, limit_hours=40)           # [] when publishable
    print(render_text(diff_designs(old, new)))
    svg, bpmn = render_svg(design), to_bpmn(design)
    docx, pdf = documents.render_docx(design), documents.render_pdf(design)
"""

from .bpmn import to_bpmn
from .diff import DesignDiff, FieldChange, StepChange, diff_designs, render_text
from .flowchart import render_svg
from .graph import LongestPath, ParallelBlock, ProcessGraph
from .model import (
    CHANNELS,
    CONDITIONS,
    END,
    HOURS_PER_DAY,
    STEP_KINDS,
    Condition,
    DesignFormatError,
    ProcessDesign,
    StepDesign,
    StepKind,
    TimeLimit,
    Transition,
    days_to_hours,
    hours_to_days,
)
from .validate import Issue, is_valid, planned_hours, validate

__all__ = [
    "CHANNELS",
    "CONDITIONS",
    "END",
    "HOURS_PER_DAY",
    "STEP_KINDS",
    "Condition",
    "DesignDiff",
    "DesignFormatError",
    "FieldChange",
    "Issue",
    "LongestPath",
    "ParallelBlock",
    "ProcessDesign",
    "ProcessGraph",
    "StepChange",
    "StepDesign",
    "StepKind",
    "TimeLimit",
    "Transition",
    "days_to_hours",
    "diff_designs",
    "hours_to_days",
    "is_valid",
    "planned_hours",
    "render_svg",
    "render_text",
    "to_bpmn",
    "validate",
]
