"""One-stop forms (mẫu 01–07 of Circular 03/2025, 01–06 of Circular 01/2018): which apply, DOCX from the
editable templates, PDF through WeasyPrint, the QR code of the status page, pages, API and isolation."""

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse
from docx import Document
from docx.shared import Cm
from pypdf import PdfReader

from eiso.accounts import roles
from eiso.api.tests.world import client_for
from eiso.core.tests.office import docx_to_pdf, flat, needs_office
from eiso.dossiers import printing, services
from eiso.dossiers.models import TrackingBook, WorkItem

from .conftest import at

pytestmark = pytest.mark.django_db

APPLICANT = "Nguyễn Văn An"
LEGAL = {"tt03-2025": "03/2025/TT-VPCP", "tt01-2018": "01/2018/TT-VPCP"}


def open_items(dossier):
    return list(WorkItem.objects.filter(dossier=dossier, status="open").order_by("step_number"))


def docx_text(content: bytes) -> str:
    """Every paragraph of the body, of tables (nested too), headers and footers."""
    document = Document(io.BytesIO(content))

    def cells(tables):
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    yield from (p.text for p in cell.paragraphs)
                    yield from cells(cell.tables)

    parts = [p.text for p in document.paragraphs] + list(cells(document.tables))
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def dd(moment) -> str:
    return printing.fmt_date(moment)


@pytest.fixture
def dossier_for(receive_one, users):
    """A dossier in the state where form `kind` applies, and the date the form must show."""
    receiver, officer, head = users[roles.RECEIVER], users[roles.OFFICER], users[roles.AGENCY_HEAD]

    def make(kind):
        if kind == "supplement":
            dossier = receive_one(
                outcome="supplement",
                components=[
                    services.ComponentLine(name="Tờ khai"),
                    services.ComponentLine(name="Căn cước công dân", received=False),
                ],
            )
            return dossier, dd(dossier.received_at)
        if kind == "refusal":
            dossier = receive_one(outcome="refused", refusal_reason="Không thuộc thẩm quyền giải quyết")
            return dossier, dd(dossier.received_at)
        dossier = receive_one()
        if kind == "apology":
            services.extend(
                actor=head, dossier=dossier, extra_working_days=2, reason="Chờ xác minh", at=at(3)
            )
        elif kind == "stop":
            services.stop(actor=receiver, dossier=dossier, reason="Người nộp đề nghị dừng", at=at(3))
            dossier.refresh_from_db()
            return dossier, dd(dossier.closed_at)
        elif kind == "control":
            services.complete_step(actor=receiver, item=open_items(dossier)[0], at=at(2, 11))
            services.claim(actor=officer, item=open_items(dossier)[0])
            services.consult(
                actor=officer, item=open_items(dossier)[0], body="Công an xã", hours=4, at=at(2, 13)
            )
        dossier.refresh_from_db()
        return dossier, dd(dossier.appointment_at)

    return make


CASES = [
    (form_set, kind)
    for form_set in printing.FORM_SETS
    for kind in printing.FORM_SETS[form_set].numbers
    if kind != "book"
]


@pytest.mark.parametrize(("form_set", "kind"), CASES)
def test_every_dossier_form_renders_as_docx_and_pdf(dossier_for, form_set, kind):
    dossier, date = dossier_for(kind)
    fs = printing.get_form_set(form_set)
    number = fs.numbers[kind]
    assert number in [f.number for f in printing.forms_for(dossier, form_set)]

    content, name, media_type = printing.render_form(dossier, number, "docx", form_set=form_set)
    assert name == f"mau-{number}-{dossier.code}.docx" and media_type.endswith("wordprocessingml.document")
    text = docx_text(content)
    assert "{{" not in text and "{%" not in text  # every tag filled
    assert dossier.code in text and APPLICANT in text and date in text
    assert LEGAL[form_set] in text and f"Mẫu số {number}" in text
    assert printing.TITLES[kind].upper().split()[0] in text.upper()
    section = Document(io.BytesIO(content)).sections[0]
    assert abs(section.page_width - Cm(14.8)) < Cm(0.05) and abs(section.page_height - Cm(21)) < Cm(0.05)

    pdf, name, media_type = printing.render_form(dossier, number, "pdf", form_set=form_set)
    assert pdf.startswith(b"%PDF") and media_type == "application/pdf" and name.endswith(".pdf")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert abs(width - 419.5) < 2 and abs(height - 595.3) < 2  # A5 portrait in points
    words = pdf_text(pdf)
    assert dossier.code in words and APPLICANT in words and date in words and LEGAL[form_set] in words


@needs_office
def test_every_form_opens_in_libreoffice(dossier_for, receive_one, tmp_path):
    """Forms 01–07 of both legal sets, converted by LibreOffice in one run: each gives a PDF that shows
    the dossier's code, the applicant with every Vietnamese mark, and the form's number."""
    expected = {}
    for form_set, kind in CASES:
        dossier, _date = dossier_for(kind)
        number = printing.FORM_SETS[form_set].numbers[kind]
        name = f"{form_set}-{number}"
        (tmp_path / f"{name}.docx").write_bytes(printing.render_form(dossier, number, "docx", form_set)[0])
        expected[name] = [dossier.code, APPLICANT, f"Mẫu số {number}"]
    book = TrackingBook.objects.get(unit=receive_one().receiving_unit, year=2026)
    for form_set, fs in printing.FORM_SETS.items():
        name = f"{form_set}-{fs.numbers['book']}"
        (tmp_path / f"{name}.docx").write_bytes(
            printing.render_form(book, fs.numbers["book"], "docx", form_set)[0]
        )
        expected[name] = [book.unit.name, f"Mẫu số {fs.numbers['book']}"]
    pdfs = docx_to_pdf(sorted(tmp_path.glob("*.docx")), tmp_path)
    for name, words in expected.items():
        text = flat(pdf_text((pdfs / f"{name}.pdf").read_bytes()))
        for word in words:
            assert word in text, (name, word)


def test_receipt_fields_secret_and_components(receive_one):
    dossier = receive_one(
        components=[
            services.ComponentLine(name="Tờ khai đăng ký thường trú", original=True),
            services.ComponentLine(name="Giấy tờ chứng minh chỗ ở hợp pháp", quantity=2),
        ],
        fee_amount=15000,
        applicant=services.Applicant(
            name=APPLICANT, phone="0912345678", email="an@example.vn", address="Thôn 1"
        ),
    )
    text = docx_text(printing.render_form(dossier, "01", "docx")[0])
    assert "Tờ khai đăng ký thường trú" in text and "Bản chính" in text and "Bản sao" in text
    assert dossier.lookup_secret in text and "an@example.vn" in text and "0912345678" in text
    assert "15.000 đồng" in text and "3 ngày làm việc" in text
    assert "Quyển số 2026, Số thứ tự 1" in text
    appointment = printing.fmt_moment(dossier.appointment_at)
    assert appointment.endswith(dd(dossier.appointment_at)) and appointment in text
    assert dossier.lookup_secret in pdf_text(printing.render_form(dossier, "01", "pdf")[0])


@override_settings(EISO_PUBLIC_BASE_URL="https://dichvucong.example.vn/")
def test_qr_code_is_the_lookup_address(receive_one):
    dossier = receive_one()
    url = printing.lookup_url(dossier)
    assert url == f"https://dichvucong.example.vn/tra-cuu-ho-so/?ma={dossier.code}"
    expected = printing.qr_png(url)
    assert expected.startswith(b"\x89PNG")
    assert printing.qr_png(url + "x") != expected  # the image depends on the payload
    content, _name, _type = printing.render_form(dossier, "01", "docx")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        images = [archive.read(n) for n in archive.namelist() if n.startswith("word/media/")]
    assert expected in images  # the very code of the lookup address is embedded
    html = printing.preview_html(dossier, "06")
    assert url in html and "data:image/png;base64," in html


def test_counter_supplement_lists_everything_missing_without_appointment(receive_one):
    dossier = receive_one(
        outcome="supplement",
        components=[
            services.ComponentLine(name="Tờ khai"),
            services.ComponentLine(name="Căn cước công dân", received=False),
        ],
        missing_note="Bản sao sổ hộ khẩu",
    )
    assert [f.number for f in printing.forms_for(dossier)] == ["02"]
    text = docx_text(printing.render_form(dossier, "02", "docx")[0])
    assert "Căn cước công dân" in text and "Bản sao sổ hộ khẩu" in text
    assert "tại bộ phận tiếp nhận" in text and "tính lại từ đầu" not in text


def test_counter_form_02_keeps_its_date_after_the_completed_dossier_is_received(receive_one, users):
    dossier = receive_one(outcome="supplement", missing_note="Bản sao sổ hộ khẩu", at=at(2, 9))
    services.receive_completed(actor=users[roles.RECEIVER], dossier=dossier, at=at(5, 14))
    dossier.refresh_from_db()
    assert dossier.received_at == at(5, 14) and "02" in [f.number for f in printing.forms_for(dossier)]
    text = docx_text(printing.render_form(dossier, "02", "docx")[0])
    assert "tại bộ phận tiếp nhận" in text and "02/03/2026" in text and "05/03/2026" not in text


def test_supplement_after_appraisal_and_refusal_after_appraisal(receive_one, users):
    officer, head = users[roles.OFFICER], users[roles.AGENCY_HEAD]
    dossier = receive_one()
    services.complete_step(actor=users[roles.RECEIVER], item=open_items(dossier)[0], at=at(2, 11))
    services.claim(actor=officer, item=open_items(dossier)[0])
    services.request_supplement(
        actor=officer, dossier=dossier, missing_note="Thiếu xác nhận cư trú", at=at(3)
    )
    dossier.refresh_from_db()
    assert [f.number for f in printing.forms_for(dossier)] == ["01", "02", "06"]
    text = docx_text(printing.render_form(dossier, "02", "docx")[0])
    assert "Thiếu xác nhận cư trú" in text and "sau khi thẩm định" in text and "03/03/2026" in text

    refused = receive_one()
    services.refuse(actor=head, dossier=refused, reason="Không đủ điều kiện", at=at(3))
    refused.refresh_from_db()
    assert [f.number for f in printing.forms_for(refused)] == ["01", "03", "06"]
    text = docx_text(printing.render_form(refused, "03", "docx")[0])
    assert "Không đủ điều kiện" in text and "sau khi thẩm định" in text and head.get_full_name() in text


def test_apology_shows_old_and_new_appointment(dossier_for):
    dossier, new_date = dossier_for("apology")
    text = docx_text(printing.render_form(dossier, "04", "docx")[0])
    assert dd(dossier.original_appointment_at) in text and new_date in text
    assert dd(dossier.original_appointment_at) != new_date and "Chờ xác minh" in text


def test_control_slip_lists_every_hand_over(dossier_for):
    dossier, _date = dossier_for("control")
    content = printing.render_form(dossier, "06", "docx")[0]
    table = Document(io.BytesIO(content)).tables[-2]  # before the QR block
    rows = table.rows[1:]
    assert len(rows) == dossier.hand_overs.count() == 3  # receive, step 1 done, consultation sent
    assert rows[0].cells[0].text == "1" and "Nguyễn Văn An" in rows[0].cells[1].text
    text = docx_text(content)
    assert "Công an xã" in text and "Gửi lấy ý kiến" in text
    assert any(label in text for label in ("Trước hạn", "Đúng hạn", "Quá hạn"))


def test_forms_that_do_not_apply_are_refused(receive_one):
    dossier = receive_one()
    assert [f.number for f in printing.forms_for(dossier)] == ["01", "06"]
    for number in ("02", "03", "04", "05", "07", "08"):
        with pytest.raises(printing.FormUnavailable):
            printing.render_form(dossier, number, "pdf")
    with pytest.raises(printing.FormUnavailable, match="không áp dụng"):
        printing.render_form(dossier, "03", "docx")
    with pytest.raises(printing.FormUnavailable, match="docx hoặc pdf"):
        printing.render_form(dossier, "01", "odt")
    with pytest.raises(printing.FormUnavailable, match="không có mẫu số 07"):
        printing.render_form(dossier, "07", "docx", form_set="tt01-2018")
    with pytest.raises(printing.FormUnavailable, match="Không có bộ biểu mẫu"):
        printing.render_form(dossier, "01", "docx", form_set="tt99-2030")
    stopped = services.stop(actor=dossier.received_by, dossier=dossier, reason="Dừng", at=at(3))
    assert "05" in [f.number for f in printing.forms_for(stopped)]
    # the 2018 set has no stop notice: its 05 is the process control slip
    assert [f.kind for f in printing.forms_for(stopped, "tt01-2018")] == ["receipt", "control"]


@override_settings(EISO_FORM_SET="tt01-2018")
def test_the_setting_chooses_the_2018_set(receive_one):
    dossier = receive_one()
    text = docx_text(printing.render_form(dossier, "05", "docx")[0])
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH" in text and "01/2018/TT-VPCP" in text


@pytest.mark.parametrize("form_set", list(printing.FORM_SETS))
def test_tracking_book_numbers_rows_continuously_on_a4_landscape(receive_one, form_set):
    first, second = receive_one(), receive_one(applicant=services.Applicant(name="Trần Thị Bình"))
    book = TrackingBook.objects.get(unit=first.receiving_unit, year=2026)
    number = printing.FORM_SETS[form_set].numbers["book"]
    content, name, _type = printing.render_form(book, number, "docx", form_set=form_set)
    document = Document(io.BytesIO(content))
    section = document.sections[0]
    assert abs(section.page_width - Cm(29.7)) < Cm(0.05) and abs(section.page_height - Cm(21)) < Cm(0.05)
    rows = document.tables[-1].rows[1:]
    assert [r.cells[0].text for r in rows] == ["1", "2"]
    assert [r.cells[1].text for r in rows] == [first.code, second.code]
    assert rows[0].cells[4].text == APPLICANT and rows[1].cells[4].text == "Trần Thị Bình"
    text = docx_text(content)
    assert LEGAL[form_set] in text and dd(first.appointment_at) in text and "SỔ THEO DÕI HỒ SƠ" in text
    pdf = printing.render_form(book, number, "pdf", form_set=form_set)[0]
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    words = pdf_text(pdf)
    assert first.code in words and "Trần Thị Bình" in words
    with pytest.raises(printing.FormUnavailable):
        printing.render_form(book, "01", "pdf", form_set=form_set)


def test_every_template_exists_and_cites_its_legal_basis():
    for key, fs in printing.FORM_SETS.items():
        folder = printing.TEMPLATES_DIR / key
        assert sorted(p.name for p in folder.glob("*.docx")) == sorted(
            f"mau-{n}.docx" for n in fs.numbers.values()
        )
        for kind in fs.numbers:
            text = docx_text(Path(printing.template_path(fs, kind)).read_bytes())
            assert LEGAL[key] in text and f"Mẫu số {fs.numbers[kind]}" in text


# --- pages and API ---------------------------------------------------------------------------------


def test_form_page_downloads_and_is_scoped(client, receive_one, users, world):
    dossier = receive_one()
    url = reverse("dossiers:form", args=[dossier.pk, "01", "pdf"])
    assert url == f"/ho-so/{dossier.pk}/mau/01.pdf"
    client.force_login(users[roles.OFFICER])
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert f'filename="mau-01-{dossier.code}.pdf"' in response["Content-Disposition"]
    response = client.get(reverse("dossiers:form", args=[dossier.pk, "01", "docx"]) + "?set=tt01-2018")
    assert response.status_code == 200 and "01/2018/TT-VPCP" in docx_text(response.content)
    refused = client.get(reverse("dossiers:form", args=[dossier.pk, "03", "pdf"]))
    assert refused.status_code == 404
    assert "không áp dụng cho hồ sơ" in refused.content.decode()

    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_form_api_is_scoped_and_explains_refusals(receive_one, users, world):
    dossier = receive_one()
    url = f"/api/v1/dossiers/{dossier.pk}/forms/01/"
    assert reverse("dossier-form", args=[dossier.pk, "01"]) == url
    api = client_for(users[roles.RECEIVER])
    response = api.get(url, {"format": "docx"})
    assert response.status_code == 200 and dossier.code in docx_text(response.content)
    response = api.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert api.get(url, {"format": "odt"}).status_code == 400
    missing = api.get(f"/api/v1/dossiers/{dossier.pk}/forms/04/", {"format": "pdf"})
    assert missing.status_code == 404 and "không áp dụng" in missing.json()["detail"]
    assert client_for(world.outsider).get(url, {"format": "pdf"}).status_code == 404
    assert client_for(None).get(url).status_code == 401


def test_books_page_download_and_lock(client, receive_one, users, world):
    dossier = receive_one()
    old = TrackingBook.objects.create(unit=dossier.receiving_unit, year=2020, last_number=0)
    client.force_login(users[roles.RECEIVER])
    page = client.get(reverse("dossiers:books"))
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        reverse("dossiers:book", args=[old.pk, "pdf"]) in html and html.count('data-testid="book-lock"') == 1
    )
    book = TrackingBook.objects.get(unit=dossier.receiving_unit, year=2026)
    response = client.get(reverse("dossiers:book", args=[book.pk, "docx"]))
    assert response.status_code == 200 and dossier.code in docx_text(response.content)

    response = client.post(reverse("dossiers:book_lock", args=[old.pk]), follow=True)
    old.refresh_from_db()
    assert old.locked_at is not None and "Đã khóa sổ" in response.content.decode()
    response = client.post(reverse("dossiers:book_lock", args=[book.pk]), follow=True)
    book.refresh_from_db()
    assert book.locked_at is None and "năm đã kết thúc" in response.content.decode()

    client.force_login(world.outsider)
    assert client.get(reverse("dossiers:book", args=[book.pk, "pdf"])).status_code == 404
    assert client.post(reverse("dossiers:book_lock", args=[old.pk])).status_code == 404
    assert "book-row" not in client.get(reverse("dossiers:books")).content.decode()


def test_dates_are_local_dd_mm_yyyy():
    moment = datetime.datetime(2026, 3, 4, 20, 30, tzinfo=datetime.UTC)  # 05/03 03:30 in Hà Nội
    assert printing.fmt_date(moment) == "05/03/2026"
    assert printing.fmt_moment(moment) == "03 giờ 30 phút, ngày 05/03/2026"
