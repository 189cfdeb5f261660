"""Import an agency's list of external documents from XLSX (one row per document, header on row 1).

Columns, by header name (case and diacritics ignored): Số ký hiệu, Loại, Trích yếu, Cơ quan ban hành,
Ngày ban hành, Ngày hiệu lực, Hết hiệu lực, Đường dẫn. Rows already in the list are skipped; a bad row
refuses the whole file with its row number (nothing is written).
"""

from __future__ import annotations

import datetime
import io

from django.db import transaction
from django.utils.translation import gettext as _

from eiso.core.errors import DomainError
from eiso.core.text import vi_fold
from eiso.documents import files
from eiso.documents.models import ExternalDocument, ExternalKind

HEADERS = {
    "so ky hieu": "number",
    "so, ky hieu": "number",
    "loai": "kind",
    "trich yeu": "title",
    "co quan ban hanh": "issuer",
    "ngay ban hanh": "issued_on",
    "ngay hieu luc": "effective_from",
    "het hieu luc": "expires_on",
    "duong dan": "link",
}
_KINDS = {vi_fold(str(label)): value for value, label in ExternalKind.choices} | {
    "luat": "law",
    "nghi dinh": "decree",
    "quyet dinh": "decision",
    "thong tu": "circular",
    "chi thi": "directive",
    "tieu chuan": "standard",
}


def _date(value, row: int):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.datetime.strptime(str(value).strip(), "%d/%m/%Y").date()
    except ValueError:
        raise DomainError(
            _("Dòng %(row)s: ngày “%(value)s” không đúng dạng dd/mm/yyyy.") % {"row": row, "value": value}
        ) from None


@files.removed_on_rollback
@transaction.atomic
def import_external_xlsx(*, actor, agency, data: bytes) -> int:
    import openpyxl

    from eiso.documents import services

    if files.sniff(data) != files.XLSX:
        raise DomainError(_("Tệp không phải XLSX."), code="file_type", field="file")
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns = {i: HEADERS.get(vi_fold(str(h or ""))) for i, h in enumerate(header)}
    if "number" not in columns.values():
        raise DomainError(_("Thiếu cột “Số ký hiệu”."), code="header", field="file")
    existing = set(
        ExternalDocument.objects.filter(agency=agency).values_list("legal_document__number", flat=True)
    )
    count = 0
    for index, values in enumerate(rows, start=2):
        record = {columns[i]: v for i, v in enumerate(values) if columns.get(i)}
        number = str(record.get("number") or "").strip()
        if not number or number in existing:
            continue
        services.add_external_document(
            actor=actor,
            agency=agency,
            number=number,
            title=str(record.get("title") or ""),
            issuer=str(record.get("issuer") or ""),
            issued_on=_date(record.get("issued_on"), index),
            effective_from=_date(record.get("effective_from"), index),
            expires_on=_date(record.get("expires_on"), index),
            kind=_KINDS.get(vi_fold(str(record.get("kind") or "")), ExternalKind.OTHER),
            link=str(record.get("link") or ""),
        )
        existing.add(number)
        count += 1
    return count
