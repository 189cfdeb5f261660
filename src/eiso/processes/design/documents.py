"""The published form of a process: DOCX from an editable Word template, and PDF from HTML.

Both show what agencies publish (domain.md §3): a header with the agency, the process name, code and
version; the procedures it serves; the legal bases; the time limit per channel as "N ngày làm việc /
N×8 giờ"; then the steps table — Bước, Đơn vị/người thực hiện, Nội dung công việc, Thời gian, Biểu
mẫu/kết quả — closed by the planned total. The PDF adds the flowchart on its own page.

DOCX: docxtpl fills `templates/quy_trinh.docx`, made by scripts/make_process_template.py and meant to be
edited in Word (pass `template=` for an agency's own copy). PDF: WeasyPrint renders an HTML template
kept here as a string, with the fonts of Decree 30/2020 and fallbacks that have Vietnamese glyphs.
No Django here.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .flowchart import render_svg
from .model import ProcessDesign
from .text import channel_label, describe_flow, format_hours, format_limit, format_step_time
from .validate import planned_hours

TEMPLATE = Path(__file__).resolve().parent / "templates" / "quy_trinh.docx"
PDF_FONTS = '"Times New Roman", "Liberation Serif", "Tinos", serif'

NOTES = (
    "Ghi chú: Tổng thời gian giải quyết là thời gian theo nhánh dài nhất của quy trình, tính theo giờ "
    "làm việc (1 ngày làm việc = 8 giờ); các bước thực hiện song song được tính theo bước dài nhất; "
    "thời gian của các lần trả lại bước trước không tính vào tổng thời gian.",
)


def document_context(
    design: ProcessDesign,
    *,
    agency_name: str = "",
    parent_agency_name: str = "",
    issued_on: str = "",
    procedure_names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The values both templates show; plain strings and lists (content stays plain for HTML).

    `procedure_names` maps TTHC codes to names ("1.000894" → "Đăng ký kết hôn") when the caller has
    the procedure catalogue at hand; `issued_on` is preformatted ("20/11/2025").
    """
    names = procedure_names or {}
    steps = []
    for step in design.steps:
        kind_note = {"consultation": "Thực hiện song song với các bước lấy ý kiến khác."}.get(step.kind, "")
        steps.append(
            {
                "number": step.number,
                "name": step.name,
                "owner": step.owner,
                "work_content": step.work_content,
                "flow": " ".join(part for part in (kind_note, describe_flow(step)) if part),
                # "0,5 ngày (4 giờ)" may break before the bracket only.
                "time": format_step_time(step).replace(" giờ", "\u00a0giờ").replace(" ngày", "\u00a0ngày"),
                "output": step.output,
                "kind": step.kind,
            }
        )
    return {
        "agency_name": agency_name,
        "parent_agency_name": parent_agency_name,
        "code": design.code,
        "name": design.name,
        "version": design.version,
        "issued_on": issued_on or "……/……/………",
        "description": design.description,
        "procedures": [f"{c} – {names[c]}" if names.get(c) else c for c in design.procedure_codes]
        or ["(chưa gắn thủ tục hành chính)"],
        "legal_bases": list(design.legal_bases) or ["(chưa nêu căn cứ pháp lý)"],
        "time_limits": [
            {"label": channel_label(t.channel), "text": format_limit(t.hours)} for t in design.time_limits
        ]
        or [{"label": "Thời hạn", "text": "(chưa quy định)"}],
        "steps": steps,
        "planned_time": format_hours(planned_hours(design)),
        "notes": list(NOTES),
    }


# --- DOCX ------------------------------------------------------------------------------------------


def render_docx(
    design: ProcessDesign,
    *,
    template: Path | str | None = None,
    agency_name: str = "",
    parent_agency_name: str = "",
    issued_on: str = "",
    procedure_names: Mapping[str, str] | None = None,
) -> bytes:
    """The process as a DOCX document (bytes), filled into `template` (default: the shipped one)."""
    from docxtpl import DocxTemplate, RichText  # optional dependency, imported when used

    context = document_context(
        design,
        agency_name=agency_name,
        parent_agency_name=parent_agency_name,
        issued_on=issued_on,
        procedure_names=procedure_names,
    )
    for step in context["steps"]:
        # One cell: the step name in bold, the work, then the branches in italics.
        rich = RichText()
        rich.add(step["name"], bold=True)
        if step["work_content"]:
            rich.add("\n" + step["work_content"])
        if step["flow"]:
            rich.add("\n" + step["flow"], italic=True)
        step["content"] = rich
    document = DocxTemplate(str(template or TEMPLATE))
    document.render(context, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- PDF -------------------------------------------------------------------------------------------

HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>Quy trình {{ code }} – {{ name }}</title>
<style>
@page { size: A4 portrait; margin: 20mm 15mm 20mm 30mm;
        @top-center { content: counter(page); font-family: {{ fonts|safe }}; font-size: 11pt; } }
@page :first { @top-center { content: none; } }
html { font-family: {{ fonts|safe }}; font-size: 13pt; line-height: 1.3; color: #000; }
h2 { font-size: 13pt; margin: 10pt 0 3pt; break-after: avoid; }
p { margin: 0 0 3pt; }
table { border-collapse: collapse; width: 100%; }
td, th { border: 0.75pt solid #000; padding: 3pt 4pt; vertical-align: top; }
.head td { text-align: center; font-weight: bold; vertical-align: middle; }
.head td.control { text-align: left; font-weight: normal; }
.steps { font-size: 12pt; }
.steps thead { display: table-header-group; }
.steps th { text-align: center; }
.steps td.c { text-align: center; }
.steps tr { break-inside: avoid; }
.steps tr.total td { font-weight: bold; text-align: center; }
.flow { font-style: italic; }
.notes { font-size: 12pt; font-style: italic; margin-top: 6pt; }
.chart { break-before: page; }
.chart img { display: block; margin: 0 auto; max-width: 100%; max-height: 245mm; }
</style>
</head>
<body>
<table class="head">
  <tr>
    <td style="width: 28%">{% if parent_agency_name %}<span style="font-weight: normal">{{ parent_agency_name|upper }}</span><br>{% endif %}{{ agency_name|upper }}</td>
    <td style="width: 45%">QUY TRÌNH NỘI BỘ<br>GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH<br>{{ name|upper }}</td>
    <td class="control">Mã hiệu: {{ code }}<br>Lần ban hành: {{ version }}<br>Ngày ban hành: {{ issued_on }}</td>
  </tr>
</table>
<h2>1. Thủ tục hành chính</h2>
{% for p in procedures %}<p>– {{ p }}</p>{% endfor %}
<h2>2. Căn cứ pháp lý</h2>
{% for b in legal_bases %}<p>– {{ b }}</p>{% endfor %}
<h2>3. Thời hạn giải quyết</h2>
{% for t in time_limits %}<p>– {{ t.label }}: {{ t.text }}</p>{% endfor %}
<h2>4. Trình tự thực hiện</h2>
<table class="steps">
  <colgroup><col style="width: 8%"><col style="width: 22%"><col style="width: 41%"><col style="width: 14%"><col style="width: 15%"></colgroup>
  <thead><tr><th>Bước</th><th>Đơn vị/người thực hiện</th><th>Nội dung công việc</th><th>Thời gian</th><th>Biểu mẫu/kết quả</th></tr></thead>
  <tbody>
  {% for s in steps %}
  <tr>
    <td class="c">{{ s.number }}</td>
    <td>{{ s.owner }}</td>
    <td><strong>{{ s.name }}</strong>{% if s.work_content %}<br>{{ s.work_content }}{% endif %}{% if s.flow %}<br><span class="flow">{{ s.flow }}</span>{% endif %}</td>
    <td class="c">{{ s.time }}</td>
    <td>{{ s.output }}</td>
  </tr>
  {% endfor %}
  <tr class="total"><td colspan="3">Tổng thời gian giải quyết</td><td>{{ planned_time }}</td><td></td></tr>
  </tbody>
</table>
{% for n in notes %}<p class="notes">{{ n }}</p>{% endfor %}
{% if flowchart %}
<section class="chart">
<h2>5. Sơ đồ quy trình</h2>
<img src="{{ flowchart }}" alt="Sơ đồ quy trình {{ code }}">
</section>
{% endif %}
</body>
</html>
"""


def render_html(
    design: ProcessDesign,
    *,
    include_flowchart: bool = True,
    agency_name: str = "",
    parent_agency_name: str = "",
    issued_on: str = "",
    procedure_names: Mapping[str, str] | None = None,
) -> str:
    """The printable HTML page the PDF is made from (usable as a preview too)."""
    from jinja2 import Environment  # comes with docxtpl

    context = document_context(
        design,
        agency_name=agency_name,
        parent_agency_name=parent_agency_name,
        issued_on=issued_on,
        procedure_names=procedure_names,
    )
    context["fonts"] = PDF_FONTS
    context["flowchart"] = ""
    if include_flowchart:
        svg = render_svg(design).encode("utf-8")
        context["flowchart"] = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    environment = Environment(autoescape=True)
    return environment.from_string(HTML_TEMPLATE).render(context)


def render_pdf(
    design: ProcessDesign,
    *,
    include_flowchart: bool = True,
    agency_name: str = "",
    parent_agency_name: str = "",
    issued_on: str = "",
    procedure_names: Mapping[str, str] | None = None,
) -> bytes:
    """The process as an A4 PDF (bytes), with the flowchart on the last page unless asked not to."""
    from weasyprint import HTML  # optional dependency with system libraries (pango)

    html = render_html(
        design,
        include_flowchart=include_flowchart,
        agency_name=agency_name,
        parent_agency_name=parent_agency_name,
        issued_on=issued_on,
        procedure_names=procedure_names,
    )
    return HTML(string=html).write_pdf()
