"""The files a version is published as: DOCX (editable), PDF, SVG flowchart and BPMN 2.0 XML.

Shared by the download views and the API. The renderings are the pure ones of `design/`; this module
only adds what the database knows: the agency and its parent for the header, the approval day as the
issue day, and the names of the procedures.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from eiso.processes.design import documents, render_svg, to_bpmn
from eiso.processes.display import file_stem
from eiso.processes.models import ProcessVersion

FORMATS = ("docx", "pdf", "svg", "bpmn")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "svg": "image/svg+xml",
    "bpmn": "application/xml",
}
EXTENSIONS = {"docx": "docx", "pdf": "pdf", "svg": "svg", "bpmn": "bpmn"}


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    file_name: str


def _document_kwargs(version: ProcessVersion) -> dict:
    process = version.process
    agency = process.agency
    parent = agency.parent
    issued = timezone.localdate(version.approved_at).strftime("%d/%m/%Y") if version.approved_at else ""
    return {
        "agency_name": agency.name,
        "parent_agency_name": parent.name if parent else "",
        "issued_on": issued,
        "procedure_names": {p.code: p.name for p in version.procedures.all()},
    }


def export(version: ProcessVersion, file_format: str) -> ExportFile:
    """One rendering of `version` (select_related process__agency__parent for one query less)."""
    if file_format not in FORMATS:
        raise ValueError(file_format)
    design = version.design_obj
    if file_format == "docx":
        content = documents.render_docx(design, **_document_kwargs(version))
    elif file_format == "pdf":
        content = documents.render_pdf(design, **_document_kwargs(version))
    elif file_format == "svg":
        content = render_svg(design).encode("utf-8")
    else:
        content = to_bpmn(design).encode("utf-8")
    name = f"{file_stem(version.process.code, version.label)}.{EXTENSIONS[file_format]}"
    return ExportFile(content, CONTENT_TYPES[file_format], name)
