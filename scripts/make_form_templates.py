"""Writes the first version of the one-stop forms' Word templates (mẫu 01–07 of Circular 03/2025/TT-VPCP,
mẫu 01–06 of Circular 01/2018/TT-VPCP), for docxtpl.

    .venv/bin/python scripts/make_form_templates.py [--force] [--only tt03-2025/mau-01]

Writes src/eiso/dossiers/form_templates/<set>/mau-NN.docx. It is a bootstrap, run once: afterwards the
.docx files ARE the source (docs/decisions/0016-one-stop-form-templates.md) — staff and developers edit
them in Word or LibreOffice (wording, logo, widths) as long as the {{ … }} / {%… %} tags stay whole. The
script therefore never overwrites an existing template unless given --force (or --only for one file).

Layout: A5 portrait (148 × 210 mm) for the slips 01–06, A4 landscape for the tracking book; margins
15/15/20/12 mm; Times New Roman (every font slot; Liberation Serif is its metric-compatible substitute
with all Vietnamese glyphs) 11 pt, tables 10 pt (9 pt in the control slip and the book).

Tags (filled by eiso.dossiers.printing.form_context; every value is a plain string unless noted):
    form_number, legal_basis, parent_agency (upper), agency (upper), unit_name, agency_name, place_date,
    code, applicant_name, applicant_address, applicant_phone, applicant_email, procedure, case_name,
    received_at, received_date, appointment_at, appointment_date, receiver_name, lookup_url, qr (image)
    01: components[].no/.name/.kind/.quantity, sets, time_limit, return_place, fees, book_year, book_number,
        lookup_secret
    02: request_date, stage, missing[] (lines), contact
    03: refusal_date, stage, reasons[] (lines)
    04: original_appointment_at, extension_date, extension_reasons[], appointment_at
    05: stop_date, stop_reasons[]
    06: lead_body, consulted, rows[].no/.parties/.times/.people/.result/.note
    07 (book): unit_name, year, locked, entries[].no/.code/.procedure/.sets/.applicant/.contact/.lead/
        .received/.appointment/.transferred/.settled/.returned/.note
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docx import Document  # noqa: E402
from docx.enum.section import WD_ORIENT  # noqa: E402
from docx.enum.style import WD_STYLE_TYPE  # noqa: E402
from docx.enum.table import WD_TABLE_ALIGNMENT  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.shared import Cm, Pt  # noqa: E402
from make_process_template import _no_borders, _repeat_header, _set_font, _widths  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_DIR = ROOT / "src/eiso/dossiers/form_templates"
CENTER, LEFT, RIGHT, JUSTIFY = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)


@dataclass(frozen=True)
class FormSet:
    key: str
    circular: str  # printed in every template: the legal basis of its layout
    decree: str
    numbers: dict  # form kind → number in this set


SETS = (
    FormSet(
        key="tt03-2025",
        circular="Thông tư số 03/2025/TT-VPCP của Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ",
        decree="Nghị định số 118/2025/NĐ-CP của Chính phủ",
        numbers={
            "receipt": "01",
            "supplement": "02",
            "refusal": "03",
            "apology": "04",
            "stop": "05",
            "control": "06",
            "book": "07",
        },
    ),
    FormSet(
        key="tt01-2018",
        circular="Thông tư số 01/2018/TT-VPCP ngày 23/11/2018 của Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ",
        decree="Nghị định số 61/2018/NĐ-CP của Chính phủ",
        numbers={
            "receipt": "01",
            "supplement": "02",
            "refusal": "03",
            "apology": "04",
            "control": "05",
            "book": "06",
        },
    ),
)

A5_TEXT_CM = 14.8 - 2.0 - 1.2  # 11.6 cm
A4L_TEXT_CM = 29.7 - 2.0 - 1.2  # 26.5 cm


# --- document scaffolding --------------------------------------------------------------------------


def _document(*, landscape: bool = False):
    document = Document()
    section = document.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(14.8), Cm(21)
    section.top_margin = section.bottom_margin = Cm(1.5)
    section.left_margin, section.right_margin = Cm(2.0), Cm(1.2)
    section.header_distance = section.footer_distance = Cm(0.8)

    styles = document.styles
    normal = styles["Normal"]
    _set_font(normal, 11)
    normal.paragraph_format.space_after = Pt(2)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.05
    table = styles.add_style("Bảng", WD_STYLE_TYPE.PARAGRAPH)
    table.base_style = normal
    _set_font(table, 9 if landscape else 10)
    table.paragraph_format.space_after = Pt(0)
    table.paragraph_format.line_spacing = 1.0
    small = styles.add_style("Nhỏ", WD_STYLE_TYPE.PARAGRAPH)
    small.base_style = normal
    _set_font(small, 9)
    small.paragraph_format.space_after = Pt(0)
    title = styles.add_style("Tên mẫu", WD_STYLE_TYPE.PARAGRAPH)
    title.base_style = normal
    _set_font(title, 12, bold=True)
    title.paragraph_format.alignment = CENTER
    title.paragraph_format.space_before = Pt(8)
    title.paragraph_format.space_after = Pt(6)
    title.paragraph_format.keep_with_next = True
    return document


def _p(container, text: str = "", *, style: str | None = None, align=None, bold=False, italic=False):
    paragraph = container.add_paragraph(style=style)
    if align is not None:
        paragraph.alignment = align
    if text:
        run = paragraph.add_run(text)
        if bold:
            run.bold = True
        if italic:
            run.italic = True
    return paragraph


def _runs(container, parts, *, style: str | None = None, align=JUSTIFY):
    """One paragraph of (text, bold) parts: labels plain, values bold, as forms print them."""
    paragraph = container.add_paragraph(style=style)
    paragraph.alignment = align
    for text, bold in parts:
        run = paragraph.add_run(text)
        if bold:
            run.bold = True
    return paragraph


def _cell(cell, lines, *, align=LEFT, style: str = "Bảng") -> None:
    """Replaces a cell's content with one paragraph per line; a line is text or (text, bold, italic)."""
    first = cell.paragraphs[0]
    for i, line in enumerate(lines):
        text, bold, italic = (line, False, False) if isinstance(line, str) else line
        paragraph = first if i == 0 else cell.add_paragraph()
        paragraph.style = style
        paragraph.alignment = align
        if text:
            run = paragraph.add_run(text)
            run.bold = bold or None
            run.italic = italic or None


def _form_mark(document, spec: FormSet, kind: str) -> None:
    """Top right: the form's number and its legal basis (the layout it follows)."""
    _p(document, f"Mẫu số {spec.numbers[kind]}", style="Nhỏ", align=RIGHT, bold=True)
    _p(document, f"(Ban hành kèm theo {spec.circular})", style="Nhỏ", align=RIGHT, italic=True)


def _national_header(document, width: float, *, number_line: str = "Số: ……/……") -> None:
    """Agency | national motto, borderless (Decree 30/2020 layout)."""
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    left_cm = round(width * 0.44, 2)
    _widths(table, (left_cm, round(width - left_cm, 2)))
    agency, motto = table.rows[0].cells
    _cell(
        agency,
        ["{{ parent_agency }}", ("{{ agency }}", True, False), "———————", number_line],
        align=CENTER,
    )
    _cell(
        motto,
        [
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False),
            ("Độc lập - Tự do - Hạnh phúc", True, False),
            "———————————",
            ("{{ place_date }}", False, True),
        ],
        align=CENTER,
    )


def _title(document, *lines: str) -> None:
    for line in lines:
        _p(document, line, style="Tên mẫu")


def _qr_block(document, width: float, *, with_secret: bool = False) -> None:
    """QR code of the public status page, with the address in words (and the lookup secret on 01)."""
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, (2.6, round(width - 2.6, 2)))
    image, text = table.rows[0].cells
    _cell(image, ["{{ qr }}"], align=CENTER)
    lines = [
        ("Tra cứu tình trạng giải quyết hồ sơ:", True, False),
        "– Quét mã QR bên cạnh, hoặc truy cập {{ lookup_url }}",
        ("Mã hồ sơ: {{ code }}", True, False),
    ]
    if with_secret:
        lines.append(("Mã tra cứu: {{ lookup_secret }}", True, False))
        lines.append(("(Giữ bí mật mã tra cứu; chỉ cung cấp cho người được ủy quyền.)", False, True))
    _cell(text, lines, style="Nhỏ")


def _signatures(document, width: float, left: list, right: list) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    half = round(width / 2, 2)
    _widths(table, (half, half))
    for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
        _cell(cell, lines, align=CENTER, style="Normal")


def _grid(document, headers, row_tags, widths, loop: str, end: str = "{%tr endfor %}"):
    """A bordered table: header row (repeated on each page), then a docxtpl row loop."""
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, widths)
    for cell, label in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, [(label, True, False)], align=CENTER)
    _repeat_header(table.rows[0])
    _cell(table.rows[1].cells[0], [loop])
    for cell, (tag, align) in zip(table.rows[2].cells, row_tags, strict=True):
        _cell(cell, [tag], align=align)
    _cell(table.rows[3].cells[0], [end])
    return table


def _lines(document, loop_var: str, items: str, prefix: str = "– ") -> None:
    _p(document, f"{{%p for {loop_var} in {items} %}}")
    _p(document, f"{prefix}{{{{ {loop_var} }}}}", align=JUSTIFY)
    _p(document, "{%p endfor %}")


def _who(document) -> None:
    _runs(document, [("Ông/Bà/Tổ chức: ", False), ("{{ applicant_name }}", True)])
    _runs(document, [("Địa chỉ: ", False), ("{{ applicant_address }}", False)])
    _runs(
        document,
        [("Số điện thoại: ", False), ("{{ applicant_phone }}", False), ("   Email: ", False)]
        + [("{{ applicant_email }}", False)],
    )
    _runs(document, [("Nội dung yêu cầu giải quyết: ", False), ("{{ procedure }}", False)])
    _p(document, "{%p if case_name %}")
    _runs(document, [("Trường hợp: ", False), ("{{ case_name }}", False)])
    _p(document, "{%p endif %}")
    _runs(document, [("Mã hồ sơ: ", False), ("{{ code }}", True)])


# --- the forms -------------------------------------------------------------------------------------


def receipt(spec: FormSet):
    document = _document()
    width = A5_TEXT_CM
    _form_mark(document, spec, "receipt")
    _national_header(document, width, number_line="Mã hồ sơ: {{ code }}")
    _title(document, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    _runs(document, [("{{ unit_name }}", False), (" tiếp nhận hồ sơ của:", False)])
    _who(document)
    _p(document, "1. Hồ sơ gồm:", bold=True)
    _grid(
        document,
        ("TT", "Tên giấy tờ", "Hình thức (bản chính, bản sao)", "Số lượng"),
        (
            ("{{ c.no }}", CENTER),
            ("{{ c.name }}", LEFT),
            ("{{ c.kind }}", CENTER),
            ("{{ c.quantity }}", CENTER),
        ),
        (0.9, 6.3, 2.6, 1.8),
        "{%tr for c in components %}",
    )
    _runs(document, [("2. Số lượng hồ sơ: ", True), ("{{ sets }}", False), (" (bộ)", False)])
    _runs(document, [("3. Thời gian giải quyết hồ sơ theo quy định: ", True), ("{{ time_limit }}", False)])
    _runs(document, [("4. Thời gian nhận hồ sơ: ", True), ("{{ received_at }}", False)])
    _runs(document, [("5. Thời gian trả kết quả giải quyết hồ sơ: ", True), ("{{ appointment_at }}", True)])
    _runs(document, [("6. Đăng ký nhận kết quả tại: ", True), ("{{ return_place }}", False)])
    _runs(document, [("7. Phí, lệ phí: ", True), ("{{ fees }}", False)])
    _runs(
        document,
        [
            ("8. Vào Sổ theo dõi hồ sơ: ", True),
            ("Quyển số {{ book_year }}, Số thứ tự {{ book_number }}", False),
        ],
    )
    _qr_block(document, width, with_secret=True)
    _signatures(
        document,
        width,
        [("NGƯỜI NỘP HỒ SƠ", True, False), ("(Ký và ghi rõ họ tên)", False, True), "", "", ""],
        [
            ("NGƯỜI TIẾP NHẬN HỒ SƠ", True, False),
            ("(Ký và ghi rõ họ tên)", False, True),
            "",
            "",
            ("{{ receiver_name }}", True, False),
        ],
    )
    return document


def supplement(spec: FormSet):
    document = _document()
    width = A5_TEXT_CM
    _form_mark(document, spec, "supplement")
    _national_header(document, width)
    _title(document, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ")
    _runs(
        document,
        [("Ngày {{ received_date }}, ", False), ("{{ unit_name }}", False), (" tiếp nhận hồ sơ của:", False)],
    )
    _who(document)
    _runs(
        document,
        [
            ("Sau khi xem xét ({{ stage }}), ngày {{ request_date }}, ", False),
            (
                "đề nghị Ông/Bà/Tổ chức bổ sung, hoàn thiện hồ sơ gồm những nội dung sau (nêu đầy đủ, một lần):",
                False,
            ),
        ],
    )
    _lines(document, "m", "missing")
    _p(document, "{%p if appointment_date %}")
    _runs(
        document,
        [
            ("Thời hạn giải quyết được tính lại từ đầu kể từ ngày nhận đủ hồ sơ bổ sung ", False),
            ("(ngày hẹn trước khi yêu cầu bổ sung: {{ appointment_date }}).", False),
        ],
    )
    _p(document, "{%p endif %}")
    _runs(
        document,
        [
            ("Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà/Tổ chức liên hệ ", False),
            ("{{ contact }}", False),
            (" để được hướng dẫn.", False),
        ],
    )
    _p(document, "Xin trân trọng cảm ơn./.", italic=True)
    _qr_block(document, width)
    _signatures(
        document,
        width,
        [("", False, False)],
        [
            ("NGƯỜI HƯỚNG DẪN", True, False),
            ("(Ký và ghi rõ họ tên)", False, True),
            "",
            "",
            ("{{ receiver_name }}", True, False),
        ],
    )
    return document


def refusal(spec: FormSet):
    document = _document()
    width = A5_TEXT_CM
    _form_mark(document, spec, "refusal")
    _national_header(document, width)
    _title(document, "PHIẾU TỪ CHỐI TIẾP NHẬN", "GIẢI QUYẾT HỒ SƠ")
    _runs(
        document,
        [("Ngày {{ received_date }}, ", False), ("{{ unit_name }}", False), (" tiếp nhận hồ sơ của:", False)],
    )
    _who(document)
    _runs(
        document,
        [
            (
                "Qua xem xét ({{ stage }}), ngày {{ refusal_date }}, cơ quan, đơn vị thông báo không tiếp nhận, ",
                False,
            ),
            ("giải quyết hồ sơ này với lý do cụ thể như sau:", False),
        ],
    )
    _lines(document, "r", "reasons")
    _p(document, "Xin thông báo cho Ông/Bà/Tổ chức được biết và thực hiện./.", italic=True)
    _qr_block(document, width)
    _signatures(
        document,
        width,
        [("", False, False)],
        [
            ("NGƯỜI TIẾP NHẬN / THỦ TRƯỞNG CƠ QUAN", True, False),
            ("(Ký và ghi rõ họ tên)", False, True),
            "",
            "",
            ("{{ signer_name }}", True, False),
        ],
    )
    return document


def apology(spec: FormSet):
    document = _document()
    width = A5_TEXT_CM
    _form_mark(document, spec, "apology")
    _national_header(document, width)
    _title(document, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ")
    _runs(
        document,
        [
            ("Ngày {{ received_date }}, ", False),
            ("{{ unit_name }}", False),
            (" tiếp nhận giải quyết hồ sơ của:", False),
        ],
    )
    _who(document)
    _runs(
        document,
        [("Thời gian hẹn trả kết quả giải quyết hồ sơ: ", False), ("{{ original_appointment_at }}", True)],
    )
    _runs(
        document,
        [
            ("Tuy nhiên đến nay, ", False),
            ("{{ agency_name }}", False),
            (" chưa trả kết quả giải quyết hồ sơ của Ông/Bà/Tổ chức đúng hẹn ghi trên ", False),
            ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả. Lý do:", False),
        ],
    )
    _lines(document, "r", "extension_reasons")
    _runs(
        document,
        [
            ("Sự chậm trễ này đã gây phiền hà cho Ông/Bà/Tổ chức. ", False),
            ("{{ agency_name }}", False),
            (" xin lỗi Ông/Bà/Tổ chức và sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà/Tổ chức vào: ", False),
            ("{{ appointment_at }}", True),
            (".", False),
        ],
    )
    _p(document, "Xin trân trọng cảm ơn./.", italic=True)
    _qr_block(document, width)
    _signatures(
        document,
        width,
        [("", False, False)],
        [
            ("THỦ TRƯỞNG CƠ QUAN", True, False),
            ("(Ký, ghi rõ họ tên và đóng dấu)", False, True),
            "",
            "",
            ("{{ signer_name }}", True, False),
        ],
    )
    _p(document, "Ngày lập phiếu: {{ extension_date }}", style="Nhỏ", italic=True)
    return document


def stop(spec: FormSet):
    document = _document()
    width = A5_TEXT_CM
    _form_mark(document, spec, "stop")
    _national_header(document, width)
    _title(document, "THÔNG BÁO", "DỪNG XỬ LÝ HỒ SƠ")
    _runs(
        document,
        [("Ngày {{ received_date }}, ", False), ("{{ unit_name }}", False), (" tiếp nhận hồ sơ của:", False)],
    )
    _who(document)
    _runs(
        document,
        [
            ("Theo đề nghị của Ông/Bà/Tổ chức, ngày {{ stop_date }}, ", False),
            ("{{ agency_name }}", False),
            (" dừng xử lý hồ sơ nêu trên. Nội dung đề nghị, lý do:", False),
        ],
    )
    _lines(document, "r", "stop_reasons")
    _p(
        document,
        "Thời hạn giải quyết hồ sơ chấm dứt kể từ thời điểm dừng xử lý. Hồ sơ được trả lại theo đề nghị "
        "của Ông/Bà/Tổ chức; nếu có nhu cầu, Ông/Bà/Tổ chức nộp hồ sơ mới./.",
        align=JUSTIFY,
    )
    _qr_block(document, width)
    _signatures(
        document,
        width,
        [("", False, False)],
        [
            ("NGƯỜI TIẾP NHẬN HỒ SƠ", True, False),
            ("(Ký và ghi rõ họ tên)", False, True),
            "",
            "",
            ("{{ signer_name }}", True, False),
        ],
    )
    return document


def control(spec: FormSet):
    document = _document()
    width = A5_TEXT_CM
    _form_mark(document, spec, "control")
    _national_header(document, width)
    _title(document, "PHIẾU KIỂM SOÁT QUÁ TRÌNH", "GIẢI QUYẾT HỒ SƠ")
    _p(document, "(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả)", align=CENTER, italic=True)
    _runs(document, [("Mã hồ sơ: ", False), ("{{ code }}", True)])
    _runs(document, [("Người nộp: ", False), ("{{ applicant_name }}", True)])
    _runs(document, [("Thủ tục: ", False), ("{{ procedure }}", False)])
    _runs(document, [("Nhận hồ sơ: ", False), ("{{ received_at }}", False)])
    _runs(document, [("Hẹn trả kết quả: ", False), ("{{ appointment_at }}", True)])
    _runs(document, [("Cơ quan (bộ phận) giải quyết hồ sơ: ", False), ("{{ lead_body }}", False)])
    _runs(document, [("Cơ quan phối hợp giải quyết hồ sơ: ", False), ("{{ consulted }}", False)])
    _grid(
        document,
        (
            "TT",
            "Tên cơ quan, bộ phận (giao → nhận)",
            "Thời gian giao, nhận hồ sơ",
            "Người giao, người nhận",
            "Kết quả (trước hạn, đúng hạn, quá hạn)",
            "Ghi chú",
        ),
        (
            ("{{ r.no }}", CENTER),
            ("{{ r.parties }}", LEFT),
            ("{{ r.times }}", CENTER),
            ("{{ r.people }}", LEFT),
            ("{{ r.result }}", CENTER),
            ("{{ r.note }}", LEFT),
        ),
        (0.7, 2.9, 2.1, 2.1, 1.7, 2.1),
        "{%tr for r in rows %}",
    )
    _qr_block(document, width)
    return document


def book(spec: FormSet):
    document = _document(landscape=True)
    width = A4L_TEXT_CM
    _form_mark(document, spec, "book")
    _national_header(document, width, number_line="")
    _title(document, "SỔ THEO DÕI HỒ SƠ")
    _p(document, "{{ unit_name }} — Quyển số: {{ year }} (năm {{ year }})", align=CENTER, bold=True)
    _p(document, "{%p if locked %}")
    _p(document, "Sổ đã khóa: {{ locked }}", align=CENTER, italic=True)
    _p(document, "{%p endif %}")
    _grid(
        document,
        (
            "Số TT",
            "Mã hồ sơ",
            "Tên TTHC",
            "Số lượng hồ sơ (bộ)",
            "Tên cá nhân, tổ chức",
            "Địa chỉ, số điện thoại",
            "Cơ quan chủ trì giải quyết",
            "Nhận hồ sơ",
            "Hẹn trả kết quả",
            "Chuyển hồ sơ đến cơ quan giải quyết",
            "Có kết quả giải quyết",
            "Trả kết quả",
            "Ghi chú",
        ),
        (
            ("{{ e.no }}", CENTER),
            ("{{ e.code }}", LEFT),
            ("{{ e.procedure }}", LEFT),
            ("{{ e.sets }}", CENTER),
            ("{{ e.applicant }}", LEFT),
            ("{{ e.contact }}", LEFT),
            ("{{ e.lead }}", LEFT),
            ("{{ e.received }}", CENTER),
            ("{{ e.appointment }}", CENTER),
            ("{{ e.transferred }}", CENTER),
            ("{{ e.settled }}", CENTER),
            ("{{ e.returned }}", CENTER),
            ("{{ e.note }}", LEFT),
        ),
        (1.0, 3.0, 3.6, 1.3, 2.4, 2.8, 2.4, 1.7, 1.7, 1.7, 1.7, 1.7, 1.5),
        "{%tr for e in entries %}",
    )
    return document


BUILDERS = {
    "receipt": receipt,
    "supplement": supplement,
    "refusal": refusal,
    "apology": apology,
    "stop": stop,
    "control": control,
    "book": book,
}


def build(spec: FormSet, kind: str, output: Path) -> Path:
    document = BUILDERS[kind](spec)
    document.core_properties.title = f"Mẫu số {spec.numbers[kind]} ({spec.key})"
    document.core_properties.author = "eISO"
    document.core_properties.subject = spec.circular
    output.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(output))
    return output


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--force", action="store_true", help="overwrite existing templates (loses Word edits)"
    )
    parser.add_argument("--only", help="one template, e.g. tt03-2025/mau-01 (overwritten)")
    parser.add_argument("--output", type=Path, default=OUTPUT_DIR)
    args = parser.parse_args(argv)
    for spec in SETS:
        for kind, number in spec.numbers.items():
            name = f"{spec.key}/mau-{number}"
            if args.only and args.only != name:
                continue
            target = args.output / f"{name}.docx"
            if target.exists() and not (args.force or args.only):
                print(f"kept    {target} (edit it in Word; --force to regenerate)")
                continue
            print(f"written {build(spec, kind, target)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
