"""Builds the Word templates of the QMS starter kit (mô hình khung) from their readable sources.

    .venv/bin/python scripts/make_starter_templates.py [--check]

Reads src/eiso/documents/templates_docx/source/NN-name.md and writes
src/eiso/documents/templates_docx/NN-name.docx, one per draft; `--check` only reports which templates
differ from what their source gives (the test suite runs the same comparison). The .md source is the
text to change (docs/decisions/0014-starter-kit-templates.md): a hand edit in Word is lost the next
time this script runs.

Source format (a small Markdown subset, UTF-8):

    kind: system_procedure                    ← front matter up to the first blank line:
    title: Quy trình đánh giá nội bộ            the register's kind and title of the draft

    # QUY TRÌNH ĐÁNH GIÁ NỘI BỘ                 ← title block of the header (as printed)
    > Căn cứ: TCVN ISO 9001:2015, điều 9.2 …    ← the clause line, italic
    ## 1. Mục đích                              ← section heading
    Paragraph text; {{ agency_name }} …          ← paragraph (one line = one paragraph)
    - item                                      ← list item, printed "– item"

Paragraphs may use the docxtpl (Jinja) tags that eiso.documents.starter.template_context fills:
    agency_name, parent_agency_name, agency_head, drafter, code, version, issued_on, year, today,
    changes[].date/.text/.version (the "Theo dõi sửa đổi" table).

Layout as the internal-process template (scripts/make_process_template.py, whose helpers this reuses):
Decree 30/2020/NĐ-CP, A4 portrait, margins 20/20/30/15 mm, Times New Roman 13 pt in every font slot,
page number centred in the header from page 2; the header block agency | title | code, version, date;
a signature block (drafted, reviewed, approved) and the revision table at the end.
"""

from __future__ import annotations

import argparse
import datetime
import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docx import Document  # noqa: E402
from docx.enum.section import WD_ORIENT  # noqa: E402
from docx.enum.style import WD_STYLE_TYPE  # noqa: E402
from docx.enum.table import WD_TABLE_ALIGNMENT  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.shared import Cm, Pt  # noqa: E402
from make_process_template import _cell_text, _page_number, _repeat_header, _set_font, _widths  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "src/eiso/documents/templates_docx"
SOURCES = TEMPLATES / "source"


@dataclass
class Source:
    name: str
    kind: str
    title: str
    heading: str = ""
    clause: str = ""
    blocks: list[tuple[str, str]] = field(default_factory=list)  # ("section" | "para" | "item", text)


def parse(path: Path) -> Source:
    text = path.read_text(encoding="utf-8")
    head, _, body = text.partition("\n\n")
    meta = dict(line.split(":", 1) for line in head.splitlines() if ":" in line)
    meta = {key.strip(): value.strip() for key, value in meta.items()}
    if not meta.get("kind") or not meta.get("title"):
        raise ValueError(f"{path}: the front matter needs kind: and title:")
    source = Source(name=path.stem, kind=meta["kind"], title=meta["title"])
    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            source.blocks.append(("section", line[3:].strip()))
        elif line.startswith("# "):
            source.heading = line[2:].strip()
        elif line.startswith("> "):
            source.clause = line[2:].strip()
        elif line.startswith("- "):
            source.blocks.append(("item", line[2:].strip()))
        else:
            source.blocks.append(("para", line))
    if not source.heading:
        raise ValueError(f"{path}: a '# TITLE' line is needed")
    return source


def _styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    _set_font(normal, 13)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.15
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    table_style = styles.add_style("Bảng", WD_STYLE_TYPE.PARAGRAPH)
    table_style.base_style = normal
    _set_font(table_style, 12)
    table_style.paragraph_format.space_after = Pt(2)
    table_style.paragraph_format.line_spacing = 1.0
    table_style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    heading = styles.add_style("Mục", WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = normal
    _set_font(heading, 13, bold=True)
    heading.paragraph_format.space_before = Pt(9)
    heading.paragraph_format.space_after = Pt(3)
    heading.paragraph_format.keep_with_next = True
    item = styles.add_style("Ý", WD_STYLE_TYPE.PARAGRAPH)
    item.base_style = normal
    item.paragraph_format.left_indent = Cm(0.75)
    item.paragraph_format.first_line_indent = Cm(-0.5)


def _paragraph(document, text: str, style: str | None = None, *, italic=False, align=None):
    paragraph = document.add_paragraph(style=style)
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(text)
    if italic:
        run.italic = True
    return paragraph


def build(source: Source) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.header_distance = Cm(1)
    _page_number(section)
    _styles(document)

    head = document.add_table(rows=1, cols=3)
    head.style = "Table Grid"
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(head, (4.8, 7.2, 4.5))
    agency, title, control = head.rows[0].cells
    _cell_text(
        agency,
        [("{{ parent_agency_name|upper }}", False), ("{{ agency_name|upper }}", True)],
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _cell_text(title, [(source.heading, True)], align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(
        control,
        [
            ("Mã hiệu: {{ code }}", False),
            ("Lần ban hành: {{ version }}", False),
            ("Ngày ban hành: {{ issued_on }}", False),
        ],
    )
    document.add_paragraph()
    if source.clause:
        _paragraph(document, source.clause, italic=True)
    for kind, text in source.blocks:
        if kind == "section":
            _paragraph(document, text, "Mục")
        elif kind == "item":
            _paragraph(document, f"– {text}", "Ý")
        else:
            _paragraph(document, text)

    _paragraph(document, "Trách nhiệm", "Mục")
    signatures = document.add_table(rows=3, cols=3)
    signatures.style = "Table Grid"
    signatures.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(signatures, (5.5, 5.5, 5.5))
    labels = ("Người soạn thảo", "Người xem xét", "Người phê duyệt")
    for cell, label in zip(signatures.rows[0].cells, labels, strict=True):
        _cell_text(cell, [(label, True)], align=WD_ALIGN_PARAGRAPH.CENTER)
    for cell in signatures.rows[1].cells:
        _cell_text(cell, [("", False), ("", False), ("", False)])
    names = ("{{ drafter }}", "", "{{ agency_head }}")
    for cell, name in zip(signatures.rows[2].cells, names, strict=True):
        _cell_text(cell, [(name, False)], align=WD_ALIGN_PARAGRAPH.CENTER)

    _paragraph(document, "Theo dõi sửa đổi", "Mục")
    revisions = document.add_table(rows=4, cols=3)
    revisions.style = "Table Grid"
    revisions.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(revisions, (3.0, 10.5, 3.0))
    for cell, label in zip(
        revisions.rows[0].cells, ("Ngày", "Nội dung sửa đổi", "Lần ban hành"), strict=True
    ):
        _cell_text(cell, [(label, True)], align=WD_ALIGN_PARAGRAPH.CENTER)
    _repeat_header(revisions.rows[0])
    _cell_text(revisions.rows[1].cells[0], [("{%tr for c in changes %}", False)])
    row = revisions.rows[2].cells
    _cell_text(row[0], [("{{ c.date }}", False)], align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(row[1], [("{{ c.text }}", False)])
    _cell_text(row[2], [("{{ c.version }}", False)], align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(revisions.rows[3].cells[0], [("{%tr endfor %}", False)])

    document.core_properties.title = source.title
    document.core_properties.subject = source.kind
    document.core_properties.author = "eISO"
    # A fixed date keeps the output stable across runs (python-docx would stamp "now").
    stamp = datetime.datetime(2026, 1, 1)
    document.core_properties.created = document.core_properties.modified = stamp
    document.core_properties.last_modified_by = "eISO"
    document.core_properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def document_text(data: bytes) -> list[str]:
    """Every paragraph of the body and of its tables, in order: what --check compares."""
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return lines


def sources(directory: Path = SOURCES) -> list[Source]:
    return [parse(path) for path in sorted(directory.glob("*.md"))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="report templates that differ from their source")
    args = parser.parse_args(argv)
    stale = []
    for source in sources():
        target = TEMPLATES / f"{source.name}.docx"
        data = build(source)
        if args.check:
            if not target.exists() or document_text(target.read_bytes()) != document_text(data):
                stale.append(target)
            continue
        target.write_bytes(data)
        print(target.relative_to(ROOT))
    for target in stale:
        print(f"stale: {target.relative_to(ROOT)}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
