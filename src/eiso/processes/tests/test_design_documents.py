"""The published documents: DOCX from the Word template, PDF from HTML (WeasyPrint)."""

import importlib.util
import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from eiso.core.tests.office import docx_to_pdf, flat, needs_office
from eiso.processes.design import ProcessDesign, StepDesign
from eiso.processes.design.documents import TEMPLATE, document_context, render_html
from eiso.processes.design.samples import marriage_registration

docx = pytest.importorskip("docx")
pytest.importorskip("docxtpl")
pypdf = pytest.importorskip("pypdf")

ROOT = Path(__file__).resolve().parents[4]
KWARGS = {
    "agency_name": "UBND xã Thử Nghiệm",
    "parent_agency_name": "UBND tỉnh Thử",
    "issued_on": "20/11/2025",
    "procedure_names": {"1.000894": "Đăng ký kết hôn"},
}


def pdf_text(data: bytes) -> str:
    return flat(" ".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages))


def docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return flat(" ".join(parts))


@pytest.fixture(scope="module")
def sample_docx() -> bytes:
    from eiso.processes.design.documents import render_docx

    return render_docx(marriage_registration(), **KWARGS)


def test_context_formats_limits_times_and_branches():
    context = document_context(marriage_registration(), **KWARGS)
    assert context["time_limits"] == [
        {"label": "Trực tiếp", "text": "5 ngày làm việc / 40 giờ"},
        {"label": "Trực tuyến", "text": "5 ngày làm việc / 40 giờ"},
    ]
    assert context["procedures"] == ["1.000894 – Đăng ký kết hôn"]
    assert context["planned_time"] == "40 giờ"
    steps = {s["number"]: s for s in context["steps"]}
    assert steps[1]["time"] == "0,5\u00a0ngày (4\u00a0giờ)"
    assert steps[5]["flow"] == "Nếu đồng ý: chuyển sang bước 6. Nếu không đồng ý: trả lại bước 2."
    assert steps[2]["flow"] == "Chuyển đồng thời (song song) tới bước 3, bước 4."
    assert steps[3]["flow"].startswith("Thực hiện song song")


def test_context_placeholders_when_the_design_is_bare():
    context = document_context(ProcessDesign("QT", "Thử"))
    assert context["procedures"] == ["(chưa gắn thủ tục hành chính)"]
    assert context["time_limits"][0]["text"] == "(chưa quy định)"


def test_docx_has_header_limits_and_one_row_per_step(sample_docx):
    document = docx.Document(io.BytesIO(sample_docx))
    text = docx_text(document)
    design = marriage_registration()
    for needle in (
        "QUY TRÌNH NỘI BỘ",
        "ĐĂNG KÝ KẾT HÔN",
        "UBND XÃ THỬ NGHIỆM",
        "Mã hiệu: QT-HT-01",
        "Lần ban hành: 02",
        "1.000894 – Đăng ký kết hôn",
        "Luật Hộ tịch số 60/2014/QH13",
        "Trực tiếp: 5 ngày làm việc / 40 giờ",
        "Tổng thời gian giải quyết",
    ):
        assert needle in text, needle
    steps_table = document.tables[1]
    header = [c.text for c in steps_table.rows[0].cells]
    assert header == ["Bước", "Đơn vị/người thực hiện", "Nội dung công việc", "Thời gian", "Biểu mẫu/kết quả"]
    rows = steps_table.rows[1:-1]
    assert len(rows) == len(design.steps)
    for row, step in zip(rows, design.steps, strict=True):
        cells = [flat(c.text) for c in row.cells]
        assert cells[0] == str(step.number)
        assert cells[1] == step.owner
        assert cells[2].startswith(step.name)
        assert step.work_content in cells[2]
        assert cells[4] == step.output
    assert flat(steps_table.rows[-1].cells[3].text) == "40 giờ"
    assert "{{" not in text and "{%" not in text


def test_docx_is_a4_in_times_new_roman(sample_docx):
    document = docx.Document(io.BytesIO(sample_docx))
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert round(section.left_margin.cm, 1) == 3.0
    assert document.styles["Normal"].font.name == "Times New Roman"
    with zipfile.ZipFile(io.BytesIO(sample_docx)) as archive:
        styles = archive.read("word/styles.xml").decode()
    assert 'w:eastAsia="Times New Roman"' in styles


def test_docx_escapes_markup_characters():
    from eiso.processes.design.documents import render_docx

    design = ProcessDesign(
        "QT&1",
        "Thủ tục <A> & B",
        steps=(StepDesign(1, "Kiểm tra <hồ sơ> & giấy tờ", unit="Phòng A & B", hours=4),),
    )
    document = docx.Document(io.BytesIO(render_docx(design)))
    text = docx_text(document)
    assert "Kiểm tra <hồ sơ> & giấy tờ" in text
    assert "THỦ TỤC <A> & B" in text


def test_shipped_template_matches_the_script(tmp_path):
    """The committed template is what scripts/make_process_template.py makes (edit the script, rerun)."""
    spec = importlib.util.spec_from_file_location(
        "make_process_template", ROOT / "scripts/make_process_template.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    made = module.build(tmp_path / "quy_trinh.docx")
    with zipfile.ZipFile(made) as fresh, zipfile.ZipFile(TEMPLATE) as shipped:
        for part in ("word/document.xml", "word/styles.xml", "word/header1.xml"):
            assert fresh.read(part) == shipped.read(part), part


@needs_office
def test_docx_opens_in_libreoffice_and_shows_the_steps(sample_docx, tmp_path):
    source = tmp_path / "quy_trinh.docx"
    source.write_bytes(sample_docx)
    pdfs = docx_to_pdf([source], tmp_path)
    text = pdf_text((pdfs / "quy_trinh.pdf").read_bytes())
    for step in marriage_registration().steps:
        assert step.name in text, step.name
    assert "5 ngày làm việc / 40 giờ" in text


def test_html_escapes_and_embeds_the_flowchart():
    design = replace(marriage_registration(), name="Đăng ký <kết hôn> & thử")
    html = render_html(design)
    assert "Đăng ký &lt;kết hôn&gt; &amp; thử" in html
    assert 'src="data:image/svg+xml;base64,' in html
    assert '"Times New Roman", "Liberation Serif", "Tinos", serif' in html  # not HTML-escaped inside <style>
    assert "data:image" not in render_html(design, include_flowchart=False)


def test_pdf_is_a4_and_contains_the_vietnamese_step_names():
    weasyprint = pytest.importorskip("weasyprint")  # noqa: F841 - needs pango from Debian
    from eiso.processes.design.documents import render_pdf

    data = render_pdf(marriage_registration(), **KWARGS)
    assert data.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = pdf_text(data)
    for step in marriage_registration().steps:
        assert step.name in text, step.name
    for needle in (
        "QUY TRÌNH NỘI BỘ",
        "Trực tiếp: 5 ngày làm việc / 40 giờ",
        "Tổng thời gian giải quyết",
        "Sơ đồ quy trình",
    ):
        assert needle in text, needle
    fonts = {
        str(font.get_object().get("/BaseFont"))
        for page in reader.pages
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values()
    }
    assert any("Liberation-Serif" in f or "Times" in f or "Tinos" in f for f in fonts), fonts
