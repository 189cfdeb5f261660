"""Files of the register: type checked from the content, hashing, text extraction, the obsolete stamp.

- `sniff(data)` decides the type from the bytes (magic numbers), never from the name: PDF starts with
  ``%PDF-``; DOCX and XLSX are ZIP archives holding ``[Content_Types].xml`` and a ``word/`` or ``xl/``
  part; PNG and JPEG by their signatures. Executables (``MZ``, ELF, Mach-O, scripts) are refused with
  their own message, whatever they are called.
- `extract_text(data, media_type)` reads the words of a PDF (pypdf) or a DOCX (python-docx); run by the
  background task `eiso.documents.tasks.extract_version_text`.
- `obsolete_copy(data, media_type, file_name)` is what every download of a superseded or withdrawn
  version serves: a PDF gets "HẾT HIỆU LỰC" across every page (an overlay page drawn by WeasyPrint,
  merged by pypdf); a DOCX gets the words as the first paragraph and in every section header; any other
  type is served inside a ZIP beside a ``HET-HIEU-LUC.txt`` note, so the original bytes stay intact.
- `to_pdf(data)` converts a DOCX with LibreOffice when it is installed (a fresh profile per call).
- `store(field_file, name, data)` + `@removed_on_rollback`: storage is not transactional, so a file
  saved inside a transaction that rolls back would stay behind, referenced by no row. `store` notes
  every name it saves on the database connection and forgets it when the transaction commits
  (`on_commit`). A service decorated with `removed_on_rollback` (outside its `@transaction.atomic`)
  deletes the files it stored when it raises — its atomic block rolled back, so no row refers to them.
  When an *outer* transaction rolls back after the service returned, the names stay noted; the next
  decorated service that ends outside any transaction deletes every noted name that no row refers to
  (checked in the database, so a file whose commit callback was lost is never deleted).
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from eiso.core.errors import DomainError

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
JPEG = "image/jpeg"
EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx", PNG: "png", JPEG: "jpg"}
OBSOLETE_MARK = "HẾT HIỆU LỰC"

logger = logging.getLogger(__name__)

_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")


def max_upload_bytes() -> int:
    return int(getattr(settings, "EISO_UPLOAD_MAX_MB", 20)) * 1024 * 1024


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    media_type: str
    sha256: str
    size: int

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.media_type]


def sniff(data: bytes) -> str | None:
    """The media type of `data` from its content, or None when it is none of the accepted types."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if any(name.startswith("word/") for name in names):
            return DOCX
        if any(name.startswith("xl/") for name in names):
            return XLSX
    return None


def check_upload(data: bytes, file_name: str = "") -> CheckedFile:
    """Refuse what is too large, empty, executable or not one of the accepted types."""
    if not data:
        raise DomainError(_("Tệp rỗng."), code="empty", field="file")
    if len(data) > max_upload_bytes():
        raise DomainError(
            _("Tệp lớn hơn %(mb)s MB cho phép.") % {"mb": getattr(settings, "EISO_UPLOAD_MAX_MB", 20)},
            code="too_large",
            field="file",
        )
    if data.startswith(_EXECUTABLE_MAGIC):
        raise DomainError(
            _("Tệp “%(name)s” là chương trình chạy được, không phải tài liệu; hệ thống không nhận tệp này.")
            % {"name": file_name or "?"},
            code="executable",
            field="file",
        )
    media_type = sniff(data)
    if media_type is None:
        raise DomainError(
            _(
                "Nội dung tệp “%(name)s” không phải DOCX, PDF, XLSX hay ảnh PNG, JPEG (kiểm tra theo nội dung, không theo tên tệp)."
            )
            % {"name": file_name or "?"},
            code="file_type",
            field="file",
        )
    return CheckedFile(data, media_type, hashlib.sha256(data).hexdigest(), len(data))


# --- text ---------------------------------------------------------------------------------------


def extract_text(data: bytes, media_type: str) -> str:
    if media_type == PDF:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        return "\n".join((page.extract_text() or "") for page in reader.pages)
    if media_type == DOCX:
        import docx

        document = docx.Document(io.BytesIO(data))
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                parts.extend(cell.text for cell in row.cells)
        return "\n".join(part for part in parts if part)
    return ""


# --- the obsolete stamp ---------------------------------------------------------------------------

_OVERLAY_HTML = """<html><head><style>
@page {{ size: {w}pt {h}pt; margin: 0 }}
body {{ margin: 0; width: {w}pt; height: {h}pt; position: relative; font-family: "DejaVu Sans", sans-serif }}
.mark {{ position: absolute; top: {top}pt; left: 0; width: {w}pt; text-align: center;
  font-size: {size}pt; font-weight: bold; color: rgba(200, 0, 0, 0.35); transform: rotate(-30deg) }}
.band {{ position: absolute; top: 8pt; left: 0; width: {w}pt; text-align: center; font-size: 11pt;
  font-weight: bold; color: rgb(200, 0, 0) }}
</style></head><body><div class="band">{mark} — {note}</div><div class="mark">{mark}</div></body></html>"""


def _overlay(width: float, height: float):
    from pypdf import PdfReader
    from weasyprint import HTML

    size = max(24, min(width, height) / 7)
    html = _OVERLAY_HTML.format(
        w=f"{width:.1f}",
        h=f"{height:.1f}",
        top=f"{height / 2 - size / 2:.1f}",
        size=f"{size:.0f}",
        mark=OBSOLETE_MARK,
        note=_("bản lưu, không dùng để áp dụng"),
    )
    return PdfReader(io.BytesIO(HTML(string=html).write_pdf())).pages[0]


def stamp_pdf(data: bytes) -> bytes:
    """Every page gets the obsolete mark (one overlay per distinct page size)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    overlays: dict[tuple[int, int], object] = {}
    for page in writer.pages:
        box = page.mediabox
        key = (round(float(box.width)), round(float(box.height)))
        if key not in overlays:
            overlays[key] = _overlay(float(box.width), float(box.height))
        page.merge_page(overlays[key])
    writer.add_metadata({"/Subject": OBSOLETE_MARK})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def stamp_docx(data: bytes) -> bytes:
    import docx
    from docx.shared import Pt, RGBColor

    document = docx.Document(io.BytesIO(data))

    def red(run):
        run.bold = True
        run.font.size = Pt(14)
        run.font.color.rgb = RGBColor(0xC8, 0, 0)

    for section in document.sections:
        header = section.header
        paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        red(paragraph.insert_paragraph_before().add_run(OBSOLETE_MARK))
    body = document.paragraphs
    first = body[0].insert_paragraph_before() if body else document.add_paragraph()
    red(first.add_run(f"{OBSOLETE_MARK} — {_('bản lưu, không dùng để áp dụng')}"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def obsolete_copy(data: bytes, media_type: str, file_name: str) -> tuple[bytes, str, str]:
    """(bytes, media type, file name) served for an obsolete version."""
    stem = Path(file_name).stem or "tai-lieu"
    if media_type == PDF:
        return stamp_pdf(data), PDF, f"{stem}-HET-HIEU-LUC.pdf"
    if media_type == DOCX:
        return stamp_docx(data), DOCX, f"{stem}-HET-HIEU-LUC.docx"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "HET-HIEU-LUC.txt",
            f"{OBSOLETE_MARK}\n{_('Tệp kèm theo là bản lưu của một phiên bản đã hết hiệu lực, không dùng để áp dụng.')}\n",
        )
        archive.writestr(file_name or f"{stem}.{EXTENSIONS.get(media_type, 'bin')}", data)
    return out.getvalue(), "application/zip", f"{stem}-HET-HIEU-LUC.zip"


# --- conversion -----------------------------------------------------------------------------------


def libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(data: bytes, timeout: int = 60) -> bytes | None:
    """DOCX → PDF with LibreOffice (None when it is not installed or fails)."""
    binary = libreoffice()
    if not binary:
        return None
    with tempfile.TemporaryDirectory(prefix="eiso-lo-") as tmp:
        source = Path(tmp) / "in.docx"
        source.write_bytes(data)
        profile = Path(tmp) / "profile"
        try:
            subprocess.run(  # noqa: S603 - fixed arguments, no shell
                [
                    binary,
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    tmp,
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=timeout,
            )
        except (subprocess.SubprocessError, OSError):
            return None
        target = Path(tmp) / "in.pdf"
        return target.read_bytes() if target.exists() else None


# --- storage inside transactions ------------------------------------------------------------------


@dataclass(frozen=True)
class _Stored:
    storage: object
    name: str
    model: type
    field: str


def _noted(using: str | None = None) -> list[_Stored]:
    """Names saved by `store` whose transaction has not committed yet, kept on the connection (one per
    thread, like the transaction itself)."""
    connection = transaction.get_connection(using)
    noted = getattr(connection, "_eiso_stored_files", None)
    if noted is None:
        noted = connection._eiso_stored_files = []
    return noted


def _forget(noted: list[_Stored], entry: _Stored) -> None:
    if entry in noted:
        noted.remove(entry)


def store(field_file, name: str, data: bytes, using: str | None = None) -> str:
    """Save `data` under `name` into the storage of `field_file` (a FileField of an unsaved or saved
    instance; the instance itself is not saved) and note it until the transaction commits. Returns
    the stored name."""
    field_file.save(name, ContentFile(data), save=False)
    entry = _Stored(field_file.storage, field_file.name, type(field_file.instance), field_file.field.name)
    noted = _noted(using)
    noted.append(entry)
    # Outside a transaction this runs at once: the row is saved (or not) by the caller right after.
    transaction.on_commit(lambda: _forget(noted, entry), using=using, robust=True)
    return entry.name


def _delete(entry: _Stored) -> None:
    try:
        entry.storage.delete(entry.name)
    except OSError:  # the file stays; nothing refers to it and the next sweep retries
        logger.warning("Could not delete the orphan file %s", entry.name, exc_info=True)
        return


def _sweep(noted: list[_Stored]) -> None:
    """Outside any transaction: every noted name whose commit callback did not run belongs to a
    transaction that rolled back — unless a callback was lost, hence the check that no row has it."""
    for entry in list(noted):
        if not entry.model._default_manager.filter(**{entry.field: entry.name}).exists():
            _delete(entry)
        noted.remove(entry)


def removed_on_rollback(service):
    """Decorate a service (above `@transaction.atomic`) that stores files with `store`: what it stored
    is deleted from storage when it raises, and orphans of earlier rolled-back transactions are swept
    when it ends outside any transaction."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        noted = _noted()
        before = list(noted)
        try:
            result = service(*args, **kwargs)
        except BaseException:
            for entry in [e for e in noted if e not in before]:
                _delete(entry)
                noted.remove(entry)
            raise
        if not transaction.get_connection().in_atomic_block and noted:
            _sweep(noted)
        return result

    return wrapper
