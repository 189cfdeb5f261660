"""Numbering schemes (page + service), editing a document's metadata and links after creation, and the
starter kit rendered from its Word templates."""

import datetime
import importlib.util
import io
import sys
from pathlib import Path

import docx
import pytest
from django.test import Client
from django.urls import reverse

from eiso.calendars.clock import add_months
from eiso.core.errors import DomainError, PermissionRefused
from eiso.core.models import AuditEvent
from eiso.documents import services, starter
from eiso.documents.models import Document, NumberingScheme
from eiso.documents.tests.conftest import issued

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[4]


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


# --- numbering schemes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "Cần mẫu mã"),
        ("QT-HT", "đúng một chỗ {n}"),
        ("QT-{n}-{n}", "đúng một chỗ {n}"),
        ("QT-{so:02d}", "chỉ dùng {n}"),
        ("QT-{n:x}", "Định dạng số"),
        ("QT-{n", "ngoặc { } không khớp"),
        ("QT {n:02d}", "dấu cách"),
        ("{n:03d}", "chữ cái ký hiệu"),
    ],
)
def test_bad_patterns_are_refused_with_a_clear_message(world, pattern, message):
    with pytest.raises(DomainError) as refused:
        services.save_numbering_scheme(
            actor=world.users["iso_secretary"],
            agency=world.commune_a,
            kind="form",
            pattern=pattern,
            next_number=1,
        )
    assert message in refused.value.messages[0]
    assert not NumberingScheme.objects.filter(agency=world.commune_a, kind="form").exists()


def test_scheme_is_saved_audited_and_used(world):
    secretary = world.users["iso_secretary"]
    scheme = services.save_numbering_scheme(
        actor=secretary, agency=world.commune_a, kind="form", pattern="BM.UB-{n:03d}", next_number=7
    )
    event = AuditEvent.objects.filter(verb="document.numbering").latest("id")
    assert event.before is None and event.after["pattern"] == "BM.UB-{n:03d}"
    assert services.preview_code(world.commune_a, "form") == "BM.UB-007"
    document = services.create_document(actor=secretary, agency=world.commune_a, kind="form", title="Mẫu")
    assert document.code == "BM.UB-007"
    # Lowering the number does not reuse a code already in the register.
    services.save_numbering_scheme(
        actor=secretary, agency=world.commune_a, kind="form", pattern="BM.UB-{n:03d}", next_number=7
    )
    scheme.refresh_from_db()
    assert services.preview_code(world.commune_a, "form") == "BM.UB-008"
    event = AuditEvent.objects.filter(verb="document.numbering").latest("id")
    assert event.before == {"pattern": "BM.UB-{n:03d}", "next_number": 8}
    count = AuditEvent.objects.count()
    services.save_numbering_scheme(
        actor=secretary, agency=world.commune_a, kind="form", pattern="BM.UB-{n:03d}", next_number=7
    )
    assert AuditEvent.objects.count() == count  # nothing changed, nothing recorded


def test_only_secretary_head_and_admin_keep_the_schemes(world):
    for role in ("officer", "unit_head", "viewer"):
        with pytest.raises(PermissionRefused):
            services.save_numbering_scheme(
                actor=world.users[role], agency=world.commune_a, kind="form", pattern="BM-{n}", next_number=1
            )
    with pytest.raises(PermissionRefused):
        services.save_numbering_scheme(
            actor=world.outsider, agency=world.commune_a, kind="form", pattern="BM-{n}", next_number=1
        )
    for role in ("agency_head", "admin"):
        services.save_numbering_scheme(
            actor=world.users[role], agency=world.commune_a, kind="form", pattern="BM-{n}", next_number=3
        )
    assert _client(world.users["officer"]).get(reverse("documents:numbering")).status_code == 404


def test_numbering_pages(world):
    client = _client(world.users["iso_secretary"])
    page = client.get(reverse("documents:numbering"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="numbering-row"') == 10 and "QT.HT-01" in html
    url = reverse("documents:numbering_edit", args=["system_procedure"])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"pattern": "QT {n}", "next_number": 5})
    assert refused.status_code == 200 and "dấu cách" in refused.content.decode()
    saved = client.post(url, {"pattern": "QT.HT-{n:02d}", "next_number": 5}, follow=True)
    assert "QT.HT-05" in saved.content.decode()
    assert client.get(reverse("documents:numbering_edit", args=["khong-co"])).status_code == 404


# --- metadata and links ----------------------------------------------------------------------------


def _external(world, number="61/2018/NĐ-CP", agency=None):
    return services.add_external_document(
        actor=None, agency=agency or world.commune_a, number=number, title="Nghị định về một cửa"
    )


def test_update_metadata_and_links_is_audited(world):
    document = issued(world)
    entry = _external(world)
    secretary = world.users["iso_secretary"]
    effective = document.current_version.effective_date
    services.update_document(
        actor=secretary,
        document=document,
        title="Quy trình kiểm soát tài liệu và hồ sơ",
        owner_unit=world.commune_office,
        review_months=6,
        confidentiality="restricted",
        external_documents=[entry],
        effective_date=effective - datetime.timedelta(days=3),
    )
    document.refresh_from_db()
    assert document.title == "Quy trình kiểm soát tài liệu và hồ sơ"
    assert document.owner_unit == world.commune_office and document.review_months == 6
    assert list(document.external_references.all()) == [entry]
    assert document.current_version.effective_date == effective - datetime.timedelta(days=3)
    assert document.next_review_on == add_months(effective - datetime.timedelta(days=3), 6)
    event = AuditEvent.objects.filter(verb="document.update").latest("id")
    assert event.before["title"] == "Quy trình kiểm soát thông tin dạng văn bản"
    assert event.after["title"] == "Quy trình kiểm soát tài liệu và hồ sơ"
    assert event.before["external_documents"] == [] and event.after["external_documents"] == ["61/2018/NĐ-CP"]
    assert event.after["review_months"] == 6 and "effective_date" in event.after
    # The versions' search text follows the new title; their files and hashes do not change.
    version = document.current_version
    assert "tai lieu va ho so" in version.search_text


def test_refused_edits(world):
    document = issued(world)
    secretary = world.users["iso_secretary"]
    other = services.add_external_document(actor=None, agency=world.commune_b, number="1/2026/QĐ-UBND")
    with pytest.raises(DomainError, match="danh mục tài liệu bên ngoài của cơ quan"):
        services.update_document(actor=secretary, document=document, external_documents=[other])
    with pytest.raises(DomainError, match="Đơn vị chủ trì"):
        services.update_document(actor=secretary, document=document, owner_unit=world.commune_b)
    with pytest.raises(DomainError, match="1 đến 60"):
        services.update_document(actor=secretary, document=document, review_months=0)
    with pytest.raises(DomainError, match="Cần tên"):
        services.update_document(actor=secretary, document=document, title="  ")
    with pytest.raises(PermissionRefused):
        services.update_document(actor=world.users["officer"], document=document, title="X")
    draft = services.create_document(actor=secretary, agency=world.commune_a, kind="form", title="Mẫu")
    with pytest.raises(DomainError, match="phiên bản đang hiệu lực"):
        services.update_document(actor=secretary, document=draft, effective_date=datetime.date(2026, 1, 1))
    services.withdraw_document(actor=world.users["agency_head"], document=document, reason="Không dùng nữa")
    with pytest.raises(DomainError, match="đã bị thu hồi"):
        services.update_document(actor=secretary, document=document, title="Tên mới")
    document.refresh_from_db()
    assert document.title == "Quy trình kiểm soát thông tin dạng văn bản"


def test_head_of_the_owning_unit_may_edit(world):
    document = issued(world)
    unit_head = world.users["unit_head"]
    with pytest.raises(PermissionRefused):
        services.update_document(actor=unit_head, document=document, review_months=24)
    services.update_document(
        actor=world.users["iso_secretary"], document=document, owner_unit=world.commune_office
    )
    services.update_document(actor=unit_head, document=document, review_months=24)
    document.refresh_from_db()
    assert document.review_months == 24


def test_edit_page(world):
    document = issued(world)
    entry = _external(world)
    client = _client(world.users["iso_secretary"])
    url = reverse("documents:edit", args=[document.pk])
    assert "edit-metadata" in client.get(document.get_absolute_url()).content.decode()
    form = client.get(url)
    assert form.status_code == 200 and "61/2018/NĐ-CP" in form.content.decode()
    data = {
        "title": "Quy trình kiểm soát tài liệu",
        "owner_unit": world.commune_office.pk,
        "review_months": 18,
        "confidentiality": "internal",
        "effective_date": document.current_version.effective_date.strftime("%d/%m/%Y"),
        "external_documents": [entry.pk],
    }
    response = client.post(url, data, follow=True)
    html = response.content.decode()
    assert "Đã lưu thông tin tài liệu" in html and "61/2018/NĐ-CP" in html and "18 tháng" in html
    bad = client.post(url, {**data, "effective_date": ""})
    assert bad.status_code == 200 and "Cần ngày hiệu lực" in bad.content.decode()
    assert _client(world.users["officer"]).get(url).status_code == 404
    assert _client(world.outsider).get(url).status_code == 404


# --- starter kit -----------------------------------------------------------------------------------


def test_every_starter_template_renders_with_the_agency(world):
    assert len(starter.STARTER_KIT) == 9
    for draft in starter.STARTER_KIT:
        context = starter.template_context(world.commune_a, code="X-01", today=datetime.date(2026, 3, 2))
        data = starter.render(draft, context)
        text = _docx_text(data)  # python-docx opens it
        assert world.commune_a.name.upper() in text, draft.name
        assert "X-01" in text and "{{" not in text and "{%" not in text, draft.name
        assert "TCVN ISO 9001:2015" in text, draft.name
    objectives = next(d for d in starter.STARTER_KIT if d.kind == "quality_objectives")
    assert "NĂM 2026" in _docx_text(starter.render(objectives, context))


def test_templates_match_their_sources(tmp_path):
    """The committed .docx are what scripts/make_starter_templates.py makes from the .md sources."""
    spec = importlib.util.spec_from_file_location(
        "make_starter_templates", ROOT / "scripts/make_starter_templates.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    for source in module.sources():
        committed = (starter.TEMPLATES / f"{source.name}.docx").read_bytes()
        assert module.document_text(committed) == module.document_text(module.build(source)), source.name


def test_revision_fills_the_change_table(world):
    created = starter.start_qms(actor=world.users["iso_secretary"], agency=world.commune_a)
    document = created[0]
    data = starter.render_revision(
        document, version=2, changes=[{"date": "05/01/2026", "text": "Cập nhật hai cấp", "version": "02"}]
    )
    text = _docx_text(data)
    assert "Cập nhật hai cấp" in text and "Lần ban hành: 02" in text
    assert starter.render_revision(Document(kind="form", title="Khác"), version=2, changes=[]) is None
