"""Reading a year's schedule from a file: CSV, XLSX or JSON (format in docs/user/lich-lam-viec.md).

Parsing only: every row is checked and every problem is reported with its row and column, so the
administrator fixes the file once. `eiso.calendars.services.import_schedule` writes nothing unless
the whole file is valid.

Columns (CSV and XLSX, first row = header, any order, extra columns ignored):
`date` (YYYY-MM-DD or dd/mm/yyyy), `kind` (holiday, compensatory_day_off, swapped_day_off,
swapped_working_day), `name_vi`; optional `name_en`, `legal_reference`. JSON: the shape of
`calendars/data/vn_official_<year>.json` — an object with `year`, optional `status` and
`legal_reference`, and `entries`, a list of objects with the same keys as the columns.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from eiso.calendars.models import EntryKind
from eiso.core.errors import DomainError
from eiso.core.text import vi_fold

FORMATS = ("csv", "xlsx", "json")
REQUIRED_COLUMNS = ("date", "kind", "name_vi")
OPTIONAL_COLUMNS = ("name_en", "legal_reference")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
MAX_ERRORS = 200
LIMITS = {"name_vi": 255, "name_en": 255, "legal_reference": 500}

# Besides the codes, the Vietnamese names a person is likely to type (compared without diacritics).
KIND_ALIASES = {
    "ngay le": EntryKind.HOLIDAY,
    "ngay le, tet": EntryKind.HOLIDAY,
    "le": EntryKind.HOLIDAY,
    "nghi bu": EntryKind.COMPENSATORY_DAY_OFF,
    "ngay nghi bu": EntryKind.COMPENSATORY_DAY_OFF,
    "nghi hoan doi": EntryKind.SWAPPED_DAY_OFF,
    "ngay nghi hoan doi": EntryKind.SWAPPED_DAY_OFF,
    "lam bu": EntryKind.SWAPPED_WORKING_DAY,
    "lam viec bu": EntryKind.SWAPPED_WORKING_DAY,
    "ngay lam viec bu": EntryKind.SWAPPED_WORKING_DAY,
}


@dataclass(frozen=True)
class RowError:
    row: int  # spreadsheet row (header = 1) or JSON entry number (first = 1)
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "message": self.message}

    def __str__(self) -> str:
        return _("Dòng %(row)s, cột %(field)s: %(message)s") % {
            "row": self.row,
            "field": self.field,
            "message": self.message,
        }


class ScheduleImportError(DomainError):
    """The file cannot be imported; `errors` lists every problem found (row, field, message)."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        first = str(errors[0]) if errors else ""
        more = len(errors) - 1
        message = (
            _("Tệp không hợp lệ, chưa nhập gì: %(first)s (và %(more)s lỗi khác).")
            % {"first": first, "more": more}
            if more
            else _("Tệp không hợp lệ, chưa nhập gì: %(first)s") % {"first": first}
        )
        super().__init__(message, code="import_invalid", field="file")


@dataclass
class ParsedRow:
    row: int
    date: datetime.date
    kind: str
    name_vi: str
    name_en: str = ""
    legal_reference: str = ""


@dataclass
class ParsedSchedule:
    year: int
    rows: list[ParsedRow]
    status: str | None = None
    legal_reference: str = ""
    errors: list[RowError] = field(default_factory=list)


def detect_format(name: str, declared: str | None = None) -> str:
    fmt = (declared or Path(name or "").suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ScheduleImportError(
            [
                RowError(
                    0,
                    "format",
                    _("Định dạng tệp “%(format)s” không được hỗ trợ; dùng CSV, XLSX hoặc JSON.")
                    % {"format": fmt or "?"},
                )
            ]
        )
    return fmt


def parse_schedule(content: bytes, fmt: str, *, year: int | None = None) -> ParsedSchedule:
    """Parse and check a whole file; raise ScheduleImportError listing every problem."""
    if len(content) > MAX_BYTES:
        raise ScheduleImportError(
            [
                RowError(
                    0, "file", _("Tệp quá lớn (tối đa %(size)s MB).") % {"size": MAX_BYTES // (1024 * 1024)}
                )
            ]
        )
    errors: list[RowError] = []
    header_status: str | None = None
    header_reference = ""
    if fmt == "json":
        raw_rows, file_year, header_status, header_reference = _json_rows(content, errors)
        year = year or file_year
    elif fmt == "csv":
        raw_rows = _csv_rows(content, errors)
    else:
        raw_rows = _xlsx_rows(content, errors)
    if errors:
        raise ScheduleImportError(errors)
    if not raw_rows:
        raise ScheduleImportError([RowError(0, "file", _("Tệp không có dòng dữ liệu nào."))])
    if len(raw_rows) > MAX_ROWS:
        raise ScheduleImportError(
            [RowError(0, "file", _("Tệp có quá nhiều dòng (tối đa %(max)s).") % {"max": MAX_ROWS})]
        )
    rows: list[ParsedRow] = []
    seen: dict[datetime.date, int] = {}
    for number, values in raw_rows:
        parsed = _check_row(number, values, errors)
        if parsed is None:
            continue
        if year is None:
            year = parsed.date.year
        if parsed.date.year != year:
            errors.append(
                RowError(
                    number,
                    "date",
                    _("Ngày %(day)s không thuộc năm %(year)s của tệp.")
                    % {"day": f"{parsed.date:%d/%m/%Y}", "year": year},
                )
            )
            continue
        if parsed.date in seen:
            errors.append(
                RowError(
                    number,
                    "date",
                    _("Ngày %(day)s bị trùng với dòng %(other)s.")
                    % {"day": f"{parsed.date:%d/%m/%Y}", "other": seen[parsed.date]},
                )
            )
            continue
        seen[parsed.date] = number
        rows.append(parsed)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise ScheduleImportError(errors[:MAX_ERRORS])
    if header_status not in (None, "official", "estimated"):
        raise ScheduleImportError(
            [RowError(0, "status", _("Tình trạng năm phải là official hoặc estimated."))]
        )
    assert year is not None
    return ParsedSchedule(year=year, rows=rows, status=header_status, legal_reference=header_reference)


def parse_date(value) -> datetime.date | None:
    """A date from a cell: a date/datetime, 'YYYY-MM-DD' or 'dd/mm/yyyy'; None when it is not one."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_kind(value) -> str | None:
    text = str(value or "").strip()
    if text in EntryKind.values:
        return text
    return KIND_ALIASES.get(vi_fold(text))


def _check_row(number: int, values: dict, errors: list[RowError]) -> ParsedRow | None:
    before = len(errors)
    day = parse_date(values.get("date"))
    if day is None:
        errors.append(
            RowError(
                number,
                "date",
                _("“%(value)s” không phải là ngày hợp lệ (cần YYYY-MM-DD hoặc dd/mm/yyyy).")
                % {"value": _text(values.get("date"))},
            )
        )
    elif not 1990 <= day.year <= 2150:
        errors.append(
            RowError(
                number, "date", _("Năm %(year)s nằm ngoài phạm vi lịch (1990–2150).") % {"year": day.year}
            )
        )
    kind = parse_kind(values.get("kind"))
    if kind is None:
        errors.append(
            RowError(
                number,
                "kind",
                _("Loại ngày “%(value)s” không hợp lệ; dùng một trong: %(choices)s.")
                % {"value": _text(values.get("kind")), "choices": ", ".join(EntryKind.values)},
            )
        )
    texts = {name: _text(values.get(name)) for name in ("name_vi", "name_en", "legal_reference")}
    if not texts["name_vi"]:
        errors.append(RowError(number, "name_vi", _("Tên tiếng Việt không được để trống.")))
    for name, limit in LIMITS.items():
        if len(texts[name]) > limit:
            errors.append(RowError(number, name, _("Dài quá %(max)s ký tự.") % {"max": limit}))
    if len(errors) > before:
        return None
    return ParsedRow(number, day, kind, texts["name_vi"], texts["name_en"], texts["legal_reference"])


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _check_header(header: list[str], errors: list[RowError]) -> list[str]:
    names = [vi_fold(str(h or "")).replace(" ", "_") for h in header]
    for column in REQUIRED_COLUMNS:
        if column not in names:
            errors.append(RowError(1, column, _("Thiếu cột bắt buộc “%(column)s”.") % {"column": column}))
    return names


def _csv_rows(content: bytes, errors: list[RowError]) -> list[tuple[int, dict]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        errors.append(RowError(0, "file", _("Tệp CSV phải được lưu với bảng mã UTF-8.")))
        return []
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    lines = [row for row in reader]
    if not lines:
        return []
    names = _check_header(lines[0], errors)
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in line):
            continue
        rows.append((number, dict(zip(names, line, strict=False))))
    return rows


def _xlsx_rows(content: bytes, errors: list[RowError]) -> list[tuple[int, dict]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError, ValueError):
        errors.append(RowError(0, "file", _("Không đọc được tệp XLSX.")))
        return []
    try:
        sheet = workbook.worksheets[0]
        lines = list(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()
    if not lines:
        return []
    names = _check_header(list(lines[0]), errors)
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if all(cell is None or str(cell).strip() == "" for cell in line):
            continue
        rows.append((number, dict(zip(names, line, strict=False))))
    return rows


def _json_rows(content: bytes, errors: list[RowError]):
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        errors.append(RowError(0, "file", _("Tệp JSON không hợp lệ: %(error)s") % {"error": exc}))
        return [], None, None, ""
    year = status = None
    reference = ""
    if isinstance(data, dict):
        year, status = data.get("year"), data.get("status")
        reference = _text(data.get("legal_reference"))
        entries = data.get("entries")
        if year is not None and not (isinstance(year, int) and 1990 <= year <= 2150):
            errors.append(RowError(0, "year", _("Năm “%(value)s” không hợp lệ.") % {"value": year}))
            year = None
    else:
        entries = data
    if not isinstance(entries, list):
        errors.append(RowError(0, "entries", _("Tệp JSON cần danh sách “entries”.")))
        return [], year, status, reference
    rows = []
    for number, item in enumerate(entries, start=1):
        if not isinstance(item, dict):
            errors.append(RowError(number, "entries", _("Mỗi mục phải là một đối tượng JSON.")))
            continue
        missing = [c for c in REQUIRED_COLUMNS if c not in item]
        for column in missing:
            errors.append(
                RowError(number, column, _("Thiếu trường bắt buộc “%(column)s”.") % {"column": column})
            )
        if not missing:
            rows.append((number, item))
    return rows, year, status, reference
