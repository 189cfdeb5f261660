"""Builds the Word template of a published internal process (quy trình nội bộ), for docxtpl.

    .venv/bin/python scripts/make_process_template.py [OUTPUT]

Writes src/eiso/processes/design/templates/quy_trinh.docx (or OUTPUT). The template is an ordinary
DOCX: staff may restyle it in Word (fonts, widths, wording, logo) as long as the {{ … }} and {%… %}
tags stay. Layout follows Decree 30/2020/NĐ-CP: A4 portrait, margins top/bottom 20 mm, left 30 mm,
right 15 mm, Times New Roman 13 pt (12 pt in the steps table), page number centred in the header.

Tags the template uses (see eiso.processes.design.documents.document_context):
    agency_name, parent_agency_name, code, name, version, issued_on, procedures[], legal_bases[],
    time_limits[].label/.text, steps[].number/.owner/.content (rich text)/.time/.output,
    planned_time, notes
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "src/eiso/processes/design/templates/quy_trinh.docx"
FONT = "Times New Roman"
# Bước, Đơn vị/người thực hiện, Nội dung công việc, Thời gian, Biểu mẫu/kết quả: 16.5 cm of text width.
COLUMNS_CM = (1.5, 3.6, 6.4, 2.4, 2.6)


def _set_font(style_or_run, size: float | None = None, bold: bool | None = None) -> None:
    font = style_or_run.font
    font.name = FONT
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    # python-docx sets ascii/hAnsi only; set the East Asian and complex-script slots too so that Word
    # never substitutes another face for any character.
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _paragraph(
    container, text: str = "", *, bold: bool = False, align=None, style: str | None = None, size=None
):
    paragraph = container.add_paragraph(style=style)
    if align is not None:
        paragraph.alignment = align
    if text:
        run = paragraph.add_run(text)
        if bold:  # an explicit False would override the paragraph style's bold
            run.bold = True
        if size:
            run.font.size = Pt(size)
    return paragraph


def _cell_text(
    cell, lines: list[tuple[str, bool]], *, align=WD_ALIGN_PARAGRAPH.LEFT, style: str = "Bảng"
) -> None:
    """Replaces the cell's content with one paragraph per (text, bold) line."""
    first = cell.paragraphs[0]
    for i, (text, bold) in enumerate(lines):
        paragraph = first if i == 0 else cell.add_paragraph()
        paragraph.style = style
        paragraph.alignment = align
        if text:
            run = paragraph.add_run(text)
            if bold:
                run.bold = True


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _widths(table, widths_cm) -> None:
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=True):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _page_number(section) -> None:
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    # Decree 30: no number on the first page.
    section.different_first_page_header_footer = True


def build(output: Path) -> Path:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.header_distance = Cm(1)
    _page_number(section)

    styles = document.styles
    normal = styles["Normal"]
    _set_font(normal, 13)
    normal.paragraph_format.space_after = Pt(3)
    normal.paragraph_format.line_spacing = 1.1
    table_style = styles.add_style("Bảng", WD_STYLE_TYPE.PARAGRAPH)
    table_style.base_style = normal
    _set_font(table_style, 12)
    table_style.paragraph_format.space_after = Pt(2)
    table_style.paragraph_format.line_spacing = 1.0
    heading = styles.add_style("Mục", WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = normal
    _set_font(heading, 13, bold=True)
    heading.paragraph_format.space_before = Pt(9)
    heading.paragraph_format.space_after = Pt(3)
    heading.paragraph_format.keep_with_next = True

    # Header block: agency | title | document control (the usual ISO process header).
    head = document.add_table(rows=1, cols=3)
    head.style = "Table Grid"
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(head, (4.6, 7.4, 4.5))
    agency, title, control = head.rows[0].cells
    _cell_text(
        agency,
        [("{{ parent_agency_name|upper }}", False), ("{{ agency_name|upper }}", True)],
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _cell_text(
        title,
        [("QUY TRÌNH NỘI BỘ", True), ("GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", True), ("{{ name|upper }}", True)],
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _cell_text(
        control,
        [
            ("Mã hiệu: {{ code }}", False),
            ("Lần ban hành: {{ version }}", False),
            ("Ngày ban hành: {{ issued_on }}", False),
        ],
    )

    _paragraph(document, "1. Thủ tục hành chính", style="Mục")
    _paragraph(document, "{%p for p in procedures %}")
    _paragraph(document, "– {{ p }}")
    _paragraph(document, "{%p endfor %}")

    _paragraph(document, "2. Căn cứ pháp lý", style="Mục")
    _paragraph(document, "{%p for b in legal_bases %}")
    _paragraph(document, "– {{ b }}")
    _paragraph(document, "{%p endfor %}")

    _paragraph(document, "3. Thời hạn giải quyết", style="Mục")
    _paragraph(document, "{%p for t in time_limits %}")
    _paragraph(document, "– {{ t.label }}: {{ t.text }}")
    _paragraph(document, "{%p endfor %}")

    _paragraph(document, "4. Trình tự thực hiện", style="Mục")
    steps = document.add_table(rows=5, cols=5)
    steps.style = "Table Grid"
    steps.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(steps, COLUMNS_CM)
    labels = ("Bước", "Đơn vị/người thực hiện", "Nội dung công việc", "Thời gian", "Biểu mẫu/kết quả")
    for cell, label in zip(steps.rows[0].cells, labels, strict=True):
        _cell_text(cell, [(label, True)], align=WD_ALIGN_PARAGRAPH.CENTER)
    _repeat_header(steps.rows[0])
    _cell_text(steps.rows[1].cells[0], [("{%tr for s in steps %}", False)])
    row = steps.rows[2].cells
    _cell_text(row[0], [("{{ s.number }}", False)], align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(row[1], [("{{ s.owner }}", False)])
    _cell_text(row[2], [("{{r s.content }}", False)])
    _cell_text(row[3], [("{{ s.time }}", False)], align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(row[4], [("{{ s.output }}", False)])
    _cell_text(steps.rows[3].cells[0], [("{%tr endfor %}", False)])
    total = steps.rows[4].cells
    merged = total[0].merge(total[1]).merge(total[2])
    _cell_text(merged, [("Tổng thời gian giải quyết", True)], align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(total[3], [("{{ planned_time }}", True)], align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(total[4], [("", False)])

    _paragraph(document, "{%p for n in notes %}")
    notes = _paragraph(document, "{{ n }}", size=12)
    notes.runs[0].italic = True
    _paragraph(document, "{%p endfor %}")

    output.parent.mkdir(parents=True, exist_ok=True)
    document.core_properties.title = "Quy trình nội bộ giải quyết thủ tục hành chính"
    document.core_properties.author = "eISO"
    document.save(str(output))
    return output


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    print(build(target))
