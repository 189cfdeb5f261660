"""External documents (the legal-change flag, XLSX import), search without diacritics, isolation."""

import datetime
import io

import pytest

from eiso.documents import search, services
from eiso.documents.importing import import_external_xlsx
from eiso.documents.models import DocumentVersion, ExternalDocument
from eiso.documents.tests.conftest import issued, make_docx
from eiso.processes.models import ReviewFlag

pytestmark = pytest.mark.django_db
CHANGE = datetime.date(2026, 3, 2)


def test_replacing_an_external_document_flags_what_refers_to_it(world):
    secretary = world.users["iso_secretary"]
    document = issued(world)
    entry = services.add_external_document(
        actor=secretary,
        agency=world.commune_a,
        number="61/2018/NĐ-CP",
        title="Một cửa",
        kind="decree",
        documents=[document],
    )
    flags = services.replace_external_document(
        actor=secretary, entry=entry, replacement_number="118/2025/NĐ-CP", effective_date=CHANGE
    )
    assert len(flags) == 1
    flag = ReviewFlag.objects.for_object(document).open().get()
    assert flag.reason == "external_document" and flag.legal_reference == "61/2018/NĐ-CP"
    assert flag.due_date >= datetime.date(2026, 6, 2)  # 3 months, moved to a working day
    entry.legal_document.refresh_from_db()
    assert entry.legal_document.replaced_by.number == "118/2025/NĐ-CP"
    # The replacement joins the list with the same references; replacing again is refused.
    new = ExternalDocument.objects.get(agency=world.commune_a, legal_document__number="118/2025/NĐ-CP")
    assert list(new.documents.all()) == [document]
    with pytest.raises(services.DomainError if hasattr(services, "DomainError") else Exception):
        services.replace_external_document(
            actor=secretary, entry=entry, replacement_number="1/2026", effective_date=CHANGE
        )


def test_replacement_from_the_catalogue_flags_agency_lists_too(world):
    """One mechanism: replacing in the shared register (catalogue page) reaches the agencies' lists."""
    from eiso.procedures import services as procedures

    document = issued(world)
    entry = services.add_external_document(
        actor=None, agency=world.commune_a, number="60/2014/QH13", documents=[document]
    )
    procedures.replace_legal_document(
        actor=None, document=entry.legal_document, replacement_number="99/2026/QH15", effective_date=CHANGE
    )
    assert ReviewFlag.objects.for_object(document).open().count() == 1


def test_only_managers_keep_the_external_list(world):
    with pytest.raises(services.PermissionRefused):
        services.add_external_document(actor=world.users["officer"], agency=world.commune_a, number="1/2026")
    with pytest.raises(services.PermissionRefused):
        services.add_external_document(actor=world.outsider, agency=world.commune_a, number="1/2026")


def test_import_xlsx(world):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Số ký hiệu", "Loại", "Trích yếu", "Cơ quan ban hành", "Ngày ban hành"])
    sheet.append(["60/2014/QH13", "Luật", "Luật Hộ tịch", "Quốc hội", "20/11/2014"])
    sheet.append(
        ["123/2015/NĐ-CP", "Nghị định", "Quy định chi tiết", "Chính phủ", datetime.datetime(2015, 11, 15)]
    )
    out = io.BytesIO()
    book.save(out)
    count = import_external_xlsx(
        actor=world.users["iso_secretary"], agency=world.commune_a, data=out.getvalue()
    )
    assert count == 2
    law = ExternalDocument.objects.get(legal_document__number="60/2014/QH13")
    assert law.kind == "law" and law.legal_document.issued_on == datetime.date(2014, 11, 20)
    assert import_external_xlsx(actor=None, agency=world.commune_a, data=out.getvalue()) == 0


@pytest.fixture
def indexed(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        a = issued(
            world, title="Quy trình đăng ký khai sinh", data=make_docx("Hồ sơ gồm tờ khai và giấy chứng sinh")
        )
        b = issued(
            world, title="Quy trình cấp bản sao trích lục", data=make_docx("Đối tượng: công dân Đà Nẵng")
        )
    return a, b


@pytest.mark.parametrize(
    "query, expected",
    [
        ("khai sinh", "Quy trình đăng ký khai sinh"),
        ("dang ky khai sinh", "Quy trình đăng ký khai sinh"),
        ("ĐĂNG KÝ", "Quy trình đăng ký khai sinh"),
        ("giay chung sinh", "Quy trình đăng ký khai sinh"),  # content
        ("da nang", "Quy trình cấp bản sao trích lục"),  # đ folded to d
        ("Đà Nẵng", "Quy trình cấp bản sao trích lục"),
    ],
)
def test_search_with_and_without_diacritics(world, indexed, query, expected):
    rows = list(search.search_versions(world.users["officer"], query))
    assert [v.document.title for v in rows] == [expected]


def test_search_filters_and_isolation(world, indexed):
    officer = world.users["officer"]
    assert search.search_versions(officer, "quy trinh", status="issued").count() == 2
    assert search.search_versions(officer, "quy trinh", kind="form").count() == 0
    assert search.search_versions(world.outsider, "quy trinh").count() == 0
    assert DocumentVersion.objects.visible_to(world.outsider).count() == 0


def test_highlight_marks_the_accented_text():
    html = search.highlight("Công dân Đà Nẵng nộp hồ sơ", "da nang")
    assert "<mark>Đà</mark>" in html and "<mark>Nẵng</mark>" in html
    assert "<script>" not in search.highlight("<script>x</script> da", "da")
