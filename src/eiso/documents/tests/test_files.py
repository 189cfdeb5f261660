"""Uploads: the type is checked from the content, never from the name."""

import pytest

from eiso.core.errors import DomainError
from eiso.documents import files
from eiso.documents.tests.conftest import make_docx, make_pdf


def _xlsx() -> bytes:
    import io

    import openpyxl

    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


def test_types_from_content():
    assert files.check_upload(make_pdf(), "x.docx").media_type == files.PDF
    assert files.check_upload(make_docx(), "x.pdf").media_type == files.DOCX
    assert files.check_upload(_xlsx(), "x").media_type == files.XLSX
    assert files.sniff(b"\xff\xd8\xff\xe0" + b"0" * 10) == files.JPEG


@pytest.mark.parametrize("magic", [b"MZ\x90\x00", b"\x7fELF\x02\x01", b"#!/bin/sh\n"])
@pytest.mark.parametrize("name", ["quy-trinh.pdf", "bao-cao.docx"])
def test_renamed_executable_is_refused(magic, name):
    with pytest.raises(DomainError) as error:
        files.check_upload(magic + b"\x00" * 100, name)
    assert error.value.code == "executable"
    assert "chương trình" in error.value.messages[0]


def test_zip_that_is_not_office_and_plain_text_are_refused():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.txt", "x")
    for data in (out.getvalue(), b"hello"):
        with pytest.raises(DomainError) as error:
            files.check_upload(data, "a.docx")
        assert error.value.code == "file_type"


def test_size_limit(settings):
    settings.EISO_UPLOAD_MAX_MB = 1
    with pytest.raises(DomainError) as error:
        files.check_upload(b"%PDF-" + b"0" * (1024 * 1024), "big.pdf")
    assert error.value.code == "too_large"
