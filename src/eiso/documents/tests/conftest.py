"""Fixtures of the register's tests: the API tests' `world` (see `eiso.api.tests.world`), small real
files (a PDF made by WeasyPrint, a DOCX by python-docx) and `issued(...)`, a document taken through
the whole lifecycle by the services."""

import io

import pytest

from eiso.api.tests.world import PASSWORD, World, build_world, client_for
from eiso.calendars import adapter
from eiso.documents import services


@pytest.fixture(autouse=True)
def _fresh_calendar_cache(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    adapter.invalidate()


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def api():
    return client_for


def make_pdf(text: str = "Quy trình kiểm soát tài liệu", pages: int = 2) -> bytes:
    from weasyprint import HTML

    body = "".join(f"<p style='page-break-after: always'>{text} — trang {i + 1}</p>" for i in range(pages))
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def make_docx(text: str = "Đăng ký khai sinh tại Phường Phố Hiến") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def pdf() -> bytes:
    return make_pdf()


def issued(world, *, title="Quy trình kiểm soát thông tin dạng văn bản", data=None, kind="system_procedure"):
    """A document of commune_a issued through drafter (iso_secretary) → head, with passwords."""
    users = world.users
    document = services.create_document(
        actor=users["iso_secretary"],
        agency=world.commune_a,
        kind=kind,
        title=title,
        data=data or make_pdf(),
        file_name="quy-trinh.pdf",
    )
    version = document.latest_version
    services.submit_version(actor=users["iso_secretary"], version=version, password=PASSWORD)
    services.approve_version(actor=users["agency_head"], version=version, password=PASSWORD)
    services.issue_version(actor=users["iso_secretary"], version=version)
    document.refresh_from_db()
    return document
