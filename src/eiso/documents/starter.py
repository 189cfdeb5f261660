"""Mô hình khung: the starter kit of documents every agency's QMS begins with.

`start_qms(actor=, agency=)` creates, in the agency's register, drafts of the three common documents
(quality policy, quality objectives, QMS description) and the six system procedures (documented
information; internal audit; management review; nonconformity and corrective action; risks and
opportunities; complaints and satisfaction). Each draft is a DOCX built with python-docx from the
outline below; the agency adapts, reviews and approves them like any other document. Texts are ours:
the standard is cited by clause number and title only. Starting again skips documents already there
(matched by kind and title).
"""

from __future__ import annotations

import io

from django.db import transaction

from eiso.documents.models import Document, DocumentKind

# (kind, title, clause references, sections: [(heading, [paragraphs])])
STARTER_KIT = [
    (
        DocumentKind.QUALITY_POLICY,
        "Chính sách chất lượng",
        "TCVN ISO 9001:2015, điều 5.2 Chính sách",
        [
            (
                "Chính sách",
                [
                    "{agency} cam kết giải quyết thủ tục hành chính cho tổ chức, cá nhân đúng quy định, "
                    "đúng hẹn, công khai, minh bạch; lấy sự hài lòng của người dân làm thước đo chất lượng.",
                    "Lãnh đạo và toàn thể cán bộ, công chức áp dụng, duy trì và cải tiến thường xuyên hệ thống "
                    "quản lý chất lượng; ứng dụng công nghệ thông tin trong điều hành và giải quyết công việc.",
                ],
            ),
            (
                "Phổ biến",
                [
                    "Chính sách được niêm yết tại Bộ phận Một cửa, đăng trên trang thông tin điện tử "
                    "và phổ biến tới mọi cán bộ, công chức; được xem xét hằng năm."
                ],
            ),
        ],
    ),
    (
        DocumentKind.QUALITY_OBJECTIVES,
        "Mục tiêu chất lượng năm",
        "TCVN ISO 9001:2015, điều 6.2 Mục tiêu chất lượng và hoạch định để đạt được mục tiêu",
        [
            (
                "Mục tiêu",
                [
                    "1. Ít nhất 98% hồ sơ thủ tục hành chính được giải quyết đúng hoặc trước hạn.",
                    "2. 100% hồ sơ trễ hạn có văn bản xin lỗi người dân gửi trước ngày hẹn trả.",
                    "3. Mức độ hài lòng của người dân đạt từ 90% trở lên.",
                    "4. Không có phản ánh, kiến nghị đúng về thái độ phục vụ của cán bộ, công chức.",
                ],
            ),
            (
                "Kế hoạch thực hiện",
                [
                    "Với mỗi mục tiêu: việc cần làm, người chịu trách nhiệm, nguồn lực, "
                    "thời hạn và cách đo lường; kết quả được báo cáo tại cuộc họp xem xét của lãnh đạo."
                ],
            ),
        ],
    ),
    (
        DocumentKind.QMS_DESCRIPTION,
        "Mô tả hệ thống quản lý chất lượng",
        "TCVN ISO 9001:2015, điều 4 Bối cảnh của tổ chức; điều 4.3 Xác định phạm vi; điều 4.4 Hệ thống quản lý chất lượng",
        [
            (
                "1. Phạm vi áp dụng",
                [
                    "Toàn bộ hoạt động giải quyết thủ tục hành chính cho tổ chức, cá nhân thuộc "
                    "thẩm quyền của {agency} (Quyết định 19/2014/QĐ-TTg)."
                ],
            ),
            (
                "2. Cơ cấu tổ chức",
                ["Sơ đồ tổ chức, Ban Chỉ đạo ISO, Thư ký ISO và trách nhiệm của từng bộ phận."],
            ),
            (
                "3. Các quá trình",
                [
                    "Danh mục quy trình hệ thống và quy trình nội bộ giải quyết thủ tục hành chính; "
                    "mối tương tác giữa các quá trình."
                ],
            ),
            (
                "4. Đáp ứng các điều khoản",
                [
                    "Điều 4 Bối cảnh của tổ chức; điều 5 Sự lãnh đạo; điều 6 Hoạch định; điều 7 Hỗ trợ; "
                    "điều 8 Thực hiện; điều 9 Đánh giá kết quả thực hiện; điều 10 Cải tiến — nêu cách cơ quan "
                    "đáp ứng từng điều và tài liệu liên quan.",
                    "Các điều khoản không áp dụng và lý do (ví dụ 8.3 Thiết kế và phát triển).",
                ],
            ),
        ],
    ),
    (
        DocumentKind.SYSTEM_PROCEDURE,
        "Quy trình kiểm soát thông tin dạng văn bản",
        "TCVN ISO 9001:2015, điều 7.5 Thông tin dạng văn bản",
        [
            (
                "1. Mục đích",
                [
                    "Thống nhất cách soạn thảo, xem xét, phê duyệt, ban hành, phân phối, sửa đổi và "
                    "lưu giữ tài liệu, hồ sơ của hệ thống quản lý chất lượng."
                ],
            ),
            (
                "2. Nội dung",
                [
                    "Soạn thảo dự thảo; trình xem xét; thủ trưởng cơ quan (hoặc người được uỷ quyền) phê duyệt; "
                    "Thư ký ISO ban hành và phân phối; cán bộ xác nhận đã đọc, hiểu.",
                    "Tài liệu hết hiệu lực được lưu và đóng dấu “HẾT HIỆU LỰC”; tài liệu bên ngoài được cập nhật "
                    "và rà soát trong 3 tháng khi văn bản pháp luật thay đổi.",
                ],
            ),
            (
                "3. Hồ sơ",
                ["Danh mục tài liệu nội bộ, danh mục tài liệu bên ngoài, danh mục hồ sơ, thời hạn lưu."],
            ),
        ],
    ),
    (
        DocumentKind.SYSTEM_PROCEDURE,
        "Quy trình đánh giá nội bộ",
        "TCVN ISO 9001:2015, điều 9.2 Đánh giá nội bộ",
        [
            (
                "1. Mục đích",
                ["Xác định hệ thống quản lý chất lượng phù hợp và được áp dụng, duy trì hiệu lực."],
            ),
            (
                "2. Nội dung",
                [
                    "Lập chương trình đánh giá ít nhất một lần mỗi năm; chọn chuyên gia đánh giá độc "
                    "lập với công việc được đánh giá; thực hiện, lập báo cáo; theo dõi hành động khắc phục."
                ],
            ),
            (
                "3. Hồ sơ",
                ["Chương trình, kế hoạch, phiếu ghi chép, báo cáo đánh giá, phiếu yêu cầu khắc phục."],
            ),
        ],
    ),
    (
        DocumentKind.SYSTEM_PROCEDURE,
        "Quy trình xem xét của lãnh đạo",
        "TCVN ISO 9001:2015, điều 9.3 Xem xét của lãnh đạo",
        [
            (
                "1. Mục đích",
                [
                    "Lãnh đạo xem xét hệ thống quản lý chất lượng để bảo đảm sự phù hợp, thỏa đáng, "
                    "hiệu lực và định hướng chiến lược."
                ],
            ),
            (
                "2. Nội dung",
                [
                    "Họp ít nhất một lần mỗi năm; đầu vào theo điều 9.3.2; đầu ra là các quyết định về "
                    "cơ hội cải tiến, nhu cầu thay đổi và nguồn lực."
                ],
            ),
            ("3. Hồ sơ", ["Thông báo họp, báo cáo đầu vào, biên bản, kết luận của lãnh đạo."]),
        ],
    ),
    (
        DocumentKind.SYSTEM_PROCEDURE,
        "Quy trình kiểm soát sự không phù hợp và hành động khắc phục",
        "TCVN ISO 9001:2015, điều 8.7 Kiểm soát đầu ra không phù hợp; điều 10.2 Sự không phù hợp và hành động khắc phục",
        [
            ("1. Mục đích", ["Phát hiện, xử lý sự không phù hợp và loại bỏ nguyên nhân để không tái diễn."]),
            (
                "2. Nội dung",
                [
                    "Ghi nhận sự không phù hợp; khắc phục tức thời; phân tích nguyên nhân; hành động "
                    "khắc phục; kiểm tra hiệu lực; cập nhật rủi ro và cơ hội khi cần."
                ],
            ),
            ("3. Hồ sơ", ["Phiếu theo dõi sự không phù hợp, phiếu yêu cầu hành động khắc phục."]),
        ],
    ),
    (
        DocumentKind.SYSTEM_PROCEDURE,
        "Quy trình quản lý rủi ro và cơ hội",
        "TCVN ISO 9001:2015, điều 6.1 Hành động giải quyết rủi ro và cơ hội",
        [
            (
                "1. Mục đích",
                [
                    "Nhận diện, đánh giá và xử lý rủi ro, cơ hội ảnh hưởng tới kết quả giải quyết "
                    "thủ tục hành chính."
                ],
            ),
            (
                "2. Nội dung",
                [
                    "Nhận diện theo từng quá trình; đánh giá khả năng xảy ra và mức độ ảnh hưởng; "
                    "lập kế hoạch xử lý; xem xét lại ít nhất mỗi năm."
                ],
            ),
            ("3. Hồ sơ", ["Sổ đăng ký rủi ro và cơ hội, kế hoạch xử lý."]),
        ],
    ),
    (
        DocumentKind.SYSTEM_PROCEDURE,
        "Quy trình giải quyết phản ánh, kiến nghị và đo lường sự hài lòng",
        "TCVN ISO 9001:2015, điều 9.1.2 Sự thỏa mãn của khách hàng",
        [
            (
                "1. Mục đích",
                ["Tiếp nhận, giải quyết phản ánh, kiến nghị của người dân và theo dõi mức độ hài lòng."],
            ),
            (
                "2. Nội dung",
                [
                    "Tiếp nhận qua hòm thư, đường dây nóng, cổng dịch vụ công; phân loại, giao xử lý, "
                    "trả lời; khảo sát sự hài lòng định kỳ; báo cáo kết quả."
                ],
            ),
            ("3. Hồ sơ", ["Sổ theo dõi phản ánh, kiến nghị; phiếu khảo sát; báo cáo tổng hợp."]),
        ],
    ),
]


def render_docx(agency_name: str, code: str, title: str, clause: str, sections) -> bytes:
    """The draft as a DOCX: header with agency, code and version, then the numbered sections."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    header = document.sections[0].header.paragraphs[0]
    header.text = f"{agency_name.upper()}    {code}    Lần ban hành: 01"
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title.upper())
    run.bold = True
    run.font.size = Pt(15)
    note = document.add_paragraph(f"Căn cứ: {clause}.")
    note.runs[0].italic = True
    for section_title, paragraphs in sections:
        document.add_paragraph().add_run(section_title).bold = True
        for text in paragraphs:
            document.add_paragraph(text.format(agency=agency_name))
    table = document.add_table(rows=2, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ["Người soạn thảo", "Người xem xét", "Người phê duyệt"], strict=True
    ):
        cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@transaction.atomic
def start_qms(*, actor, agency) -> list[Document]:
    """Khởi tạo hệ thống theo mô hình khung: the nine drafts (existing ones are kept)."""
    from eiso.documents import services

    existing = set(Document.objects.filter(agency=agency).values_list("kind", "title"))
    created = []
    for kind, title, clause, sections in STARTER_KIT:
        if (kind, title) in existing:
            continue
        code = services.next_code(agency, kind)
        created.append(
            services.create_document(
                actor=actor,
                agency=agency,
                kind=kind,
                title=title,
                code=code,
                data=render_docx(agency.name, code, title, clause, sections),
                file_name=f"{code}.docx",
                change_summary="Dự thảo theo mô hình khung",
            )
        )
    return created
