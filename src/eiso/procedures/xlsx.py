"""The XLSX template of the procedure catalogue (openpyxl), read and written.

One workbook, six sheets; row 1 of each holds the column keys (or their Vietnamese headings), any
order, extra columns ignored. A version is keyed by (`code`, `decision_number`) in every sheet:

- ThuTuc — one row per version: code, decision_number, name, decision_date, decision_issuer, status,
  valid_from, valid_to, levels, sectors, subjects, competent_bodies, implementing_bodies,
  coordinating_bodies, receiving_places, results, requirements, online_level, related_codes,
  external_id, source_updated_at. Lists go one item per line inside the cell; sectors and results
  as "CODE: name" lines.
- TrinhTu (steps): code, decision_number, name, description — one row per step, in order.
- CachThuc (channels): code, decision_number, channel, time_value, time_unit, counting_mode, cutoff,
  description.
- PhiLePhi (fees): code, decision_number, channel, kind, amount, currency, description.
- ThanhPhanHoSo (dossier components): code, decision_number, case, name, originals, copies, required,
  form_name, form_url — rows of one case together; a row without `name` is a case with no component.
- CanCuPhapLy (legal bases): code, decision_number, number, title, issuer, issued_on, effective_from.

People's documentation: docs/user/mau-nhap-thu-tuc.md.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile

from django.utils.translation import gettext as _

from eiso.core.text import vi_fold
from eiso.procedures import records as rec

SHEETS = {
    "main": ("ThuTuc", ["code", "decision_number", "name"]),
    "steps": ("TrinhTu", ["code", "decision_number"]),
    "channels": ("CachThuc", ["code", "decision_number", "channel"]),
    "fees": ("PhiLePhi", ["code", "decision_number", "channel"]),
    "components": ("ThanhPhanHoSo", ["code", "decision_number"]),
    "legal": ("CanCuPhapLy", ["code", "decision_number", "number"]),
}
COLUMNS = {
    "main": [
        ("code", "Mã thủ tục"),
        ("decision_number", "Số quyết định công bố"),
        ("name", "Tên thủ tục"),
        ("decision_date", "Ngày quyết định"),
        ("decision_issuer", "Cơ quan công bố"),
        ("status", "Tình trạng"),
        ("valid_from", "Áp dụng từ"),
        ("valid_to", "Áp dụng đến"),
        ("levels", "Cấp thực hiện"),
        ("sectors", "Lĩnh vực"),
        ("subjects", "Đối tượng thực hiện"),
        ("competent_bodies", "Cơ quan có thẩm quyền"),
        ("implementing_bodies", "Cơ quan thực hiện"),
        ("coordinating_bodies", "Cơ quan phối hợp"),
        ("receiving_places", "Địa chỉ tiếp nhận"),
        ("results", "Kết quả thực hiện"),
        ("requirements", "Yêu cầu, điều kiện"),
        ("online_level", "Mức độ trực tuyến"),
        ("related_codes", "Thủ tục liên quan"),
        ("external_id", "Mã trên Cổng DVC quốc gia"),
        ("source_updated_at", "Cập nhật trên nguồn"),
    ],
    "steps": [
        ("code", "Mã thủ tục"),
        ("decision_number", "Số quyết định công bố"),
        ("name", "Tên bước"),
        ("description", "Nội dung"),
    ],
    "channels": [
        ("code", "Mã thủ tục"),
        ("decision_number", "Số quyết định công bố"),
        ("channel", "Cách thức"),
        ("time_value", "Thời hạn"),
        ("time_unit", "Đơn vị"),
        ("counting_mode", "Cách tính"),
        ("cutoff", "Giờ chốt tiếp nhận"),
        ("description", "Mô tả thời hạn"),
    ],
    "fees": [
        ("code", "Mã thủ tục"),
        ("decision_number", "Số quyết định công bố"),
        ("channel", "Cách thức"),
        ("kind", "Loại"),
        ("amount", "Mức thu"),
        ("currency", "Đơn vị tiền"),
        ("description", "Mô tả"),
    ],
    "components": [
        ("code", "Mã thủ tục"),
        ("decision_number", "Số quyết định công bố"),
        ("case", "Trường hợp"),
        ("name", "Tên giấy tờ"),
        ("originals", "Bản chính"),
        ("copies", "Bản sao"),
        ("required", "Bắt buộc"),
        ("form_name", "Mẫu đơn, tờ khai"),
        ("form_url", "Đường dẫn mẫu"),
    ],
    "legal": [
        ("code", "Mã thủ tục"),
        ("decision_number", "Số quyết định công bố"),
        ("number", "Số, ký hiệu văn bản"),
        ("title", "Trích yếu"),
        ("issuer", "Cơ quan ban hành"),
        ("issued_on", "Ngày ban hành"),
        ("effective_from", "Ngày có hiệu lực"),
    ],
}
MAX_ROWS = 200_000
_CODED_LINE = re.compile(r"^([0-9A-Za-z._\-]{1,64}):\s+(.*)$")


def _lines(value) -> list[str]:
    return [line.strip() for line in rec.text(value).splitlines() if line.strip()]


def _coded_lines(value) -> list[dict]:
    rows = []
    for line in _lines(value):
        match = _CODED_LINE.match(line)
        rows.append({"code": match.group(1), "name": match.group(2)} if match else {"code": "", "name": line})
    return rows


def _header_map(sheet: str, header: tuple) -> dict[str, int]:
    known = {}
    for key, label in COLUMNS[sheet]:
        known[key] = key
        known[vi_fold(label)] = key
    columns = {}
    for index, cell in enumerate(header):
        key = known.get(rec.text(cell)) or known.get(vi_fold(rec.text(cell)))
        if key and key not in columns:
            columns[key] = index
    return columns


def _rows(workbook, sheet: str, errors: list[rec.RecordError]):
    """(row number, {key: value}) of one sheet; nothing if the sheet is absent (only ThuTuc is required)."""
    title, required = SHEETS[sheet]
    if title not in workbook.sheetnames:
        if sheet == "main":
            errors.append(rec.RecordError(_("tệp"), title, _("Thiếu trang “%(sheet)s”.") % {"sheet": title}))
        return
    rows = workbook[title].iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns = _header_map(sheet, header)
    missing = [key for key in required if key not in columns]
    if missing:
        for key in missing:
            errors.append(
                rec.RecordError(
                    _("trang %(sheet)s, dòng 1") % {"sheet": title}, key, _("Thiếu cột bắt buộc.")
                )
            )
        return
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS:
            errors.append(rec.RecordError(title, "", _("Quá %(n)s dòng.") % {"n": MAX_ROWS}))
            return
        if row is None or all(cell in (None, "") for cell in row):
            continue
        yield number, {key: (row[index] if index < len(row) else None) for key, index in columns.items()}


def _label(sheet: str, number: int, code: str) -> str:
    title = SHEETS[sheet][0]
    if code:
        return _("trang %(sheet)s, dòng %(row)s (%(code)s)") % {"sheet": title, "row": number, "code": code}
    return _("trang %(sheet)s, dòng %(row)s") % {"sheet": title, "row": number}


def read_workbook(data: bytes) -> tuple[list[tuple[str, dict]], list[rec.RecordError]]:
    from openpyxl import load_workbook

    errors: list[rec.RecordError] = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        return [], [rec.RecordError(_("tệp"), "", _("Không đọc được tệp XLSX: %(error)s") % {"error": exc})]
    try:
        return _read(workbook, errors)
    finally:
        workbook.close()


def _read(workbook, errors):
    records: dict[tuple[str, str], tuple[str, dict]] = {}
    for number, row in _rows(workbook, "main", errors):
        code = rec.text(row.get("code"))
        label = _label("main", number, code)
        c = rec.Collector(label, errors)
        before = len(errors)
        record = rec.empty_record()
        record["code"] = code
        record["name"] = rec.text(row.get("name"))
        record["decision_number"] = rec.text(row.get("decision_number"))
        for key in ("code", "name", "decision_number"):
            if not record[key]:
                c.add(key, _("Thiếu trường bắt buộc."))
        if code and not rec.CODE_RE.match(code):
            c.add("code", _("Mã thủ tục “%(code)s” không hợp lệ.") % {"code": code})
        record["decision_date"] = rec.parse_date(row.get("decision_date"), "decision_date", c)
        record["decision_issuer"] = rec.text(row.get("decision_issuer"))
        record["status"] = rec.choice(row.get("status"), "status", rec.STATUSES, "status", c)
        record["valid_from"] = rec.parse_date(row.get("valid_from"), "valid_from", c)
        record["valid_to"] = rec.parse_date(row.get("valid_to"), "valid_to", c)
        if record["valid_from"] and record["valid_to"] and record["valid_to"] < record["valid_from"]:
            c.add("valid_to", _("Ngày hết áp dụng phải từ ngày bắt đầu áp dụng trở đi."))
        levels = []
        for item in re.split(r"[,\n;]", rec.text(row.get("levels"))):
            if item.strip():
                level = rec.choice(item.strip(), "level", rec.LEVELS, "levels", c)
                if level:
                    levels.append(level)
        record["levels"] = levels
        record["sectors"] = [
            {"code": rec.sector_code(s["code"], s["name"]), "name": s["name"]}
            for s in _coded_lines(row.get("sectors"))
        ]
        for key in (
            "subjects",
            "competent_bodies",
            "implementing_bodies",
            "coordinating_bodies",
            "receiving_places",
        ):
            record[key] = _lines(row.get(key))
        record["results"] = _coded_lines(row.get("results"))
        record["requirements"] = rec.text(row.get("requirements"))
        record["online_level"] = rec.choice(
            row.get("online_level"), "online_level", rec.ONLINE_LEVELS, "online_level", c, default="none"
        )
        record["related_codes"] = [
            x.strip() for x in re.split(r"[,\n;]", rec.text(row.get("related_codes"))) if x.strip()
        ]
        record["external_id"] = rec.text(row.get("external_id"))
        updated = row.get("source_updated_at")
        if updated not in (None, ""):
            try:
                moment = (
                    updated
                    if isinstance(updated, datetime.datetime)
                    else datetime.datetime.fromisoformat(rec.text(updated))
                )
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=datetime.UTC)
                record["source_updated_at"] = moment.astimezone(datetime.UTC).isoformat(timespec="seconds")
            except ValueError:
                c.add("source_updated_at", _("Thời điểm không hợp lệ."))
        rec.check_length(record, c)
        key = (record["code"], record["decision_number"])
        if key in records and record["code"]:
            c.add(
                "decision_number",
                _("Trùng mã thủ tục và quyết định công bố với %(other)s.") % {"other": records[key][0]},
            )
        if len(errors) == before:
            records[key] = (label, record)
        else:
            records.setdefault(key, (label, None))

    def target(sheet, number, row):
        code = rec.text(row.get("code"))
        key = (code, rec.text(row.get("decision_number")))
        label = _label(sheet, number, code)
        if key not in records:
            errors.append(
                rec.RecordError(
                    label,
                    "decision_number",
                    _("Không có dòng tương ứng ở trang %(sheet)s.") % {"sheet": "ThuTuc"},
                )
            )
            return label, None
        return label, records[key][1]

    for number, row in _rows(workbook, "steps", errors):
        _step_label, record = target("steps", number, row)
        if record is not None:
            record["steps"].append(
                {"name": rec.text(row.get("name")), "description": rec.text(row.get("description"))}
            )
    for number, row in _rows(workbook, "channels", errors):
        label, record = target("channels", number, row)
        c = rec.Collector(label, errors)
        channel = rec.choice(row.get("channel"), "channel", rec.CHANNELS, "channel", c)
        value = rec.parse_number(row.get("time_value"), "time_value", c)
        unit = rec.choice(row.get("time_unit"), "unit", rec.UNITS, "time_unit", c, default="working_days")
        mode = rec.choice(row.get("counting_mode"), "mode", rec.MODES, "counting_mode", c, default="days")
        cutoff = rec.parse_time(row.get("cutoff"), "cutoff", c)
        if record is None or channel is None:
            continue
        if any(existing["channel"] == channel for existing in record["channels"]):
            c.add("channel", _("Cách thức “%(channel)s” xuất hiện hơn một lần.") % {"channel": channel})
            continue
        record["channels"].append(
            {
                "channel": channel,
                "time_value": value,
                "time_unit": unit,
                "counting_mode": mode,
                "cutoff": cutoff,
                "description": rec.text(row.get("description")),
                "fees": [],
            }
        )
    for number, row in _rows(workbook, "fees", errors):
        label, record = target("fees", number, row)
        c = rec.Collector(label, errors)
        channel = rec.choice(row.get("channel"), "channel", rec.CHANNELS, "channel", c)
        kind = rec.choice(row.get("kind"), "kind", rec.FEE_KINDS, "kind", c, default="charge")
        amount = rec.parse_amount(row.get("amount"), "amount", c)
        if record is None or channel is None:
            continue
        owner = next((x for x in record["channels"] if x["channel"] == channel), None)
        if owner is None:
            c.add("channel", _("Cách thức “%(channel)s” không có ở trang CachThuc.") % {"channel": channel})
            continue
        owner["fees"].append(
            {
                "kind": kind,
                "amount": amount,
                "currency": rec.text(row.get("currency")) or "Đồng",
                "description": rec.text(row.get("description")),
            }
        )
    for number, row in _rows(workbook, "components", errors):
        label, record = target("components", number, row)
        c = rec.Collector(label, errors)
        component = {
            "name": rec.text(row.get("name")),
            "originals": rec.parse_count(row.get("originals"), "originals", c),
            "copies": rec.parse_count(row.get("copies"), "copies", c),
            "required": rec.parse_bool(row.get("required"), default=True),
            "form_name": rec.text(row.get("form_name"))[:255],
            "form_url": rec.text(row.get("form_url"))[:500],
        }
        if record is None:
            continue
        case_name = rec.text(row.get("case"))[:1000]
        case = next((x for x in record["cases"] if x["name"] == case_name), None)
        if case is None:
            case = {"name": case_name, "components": []}
            record["cases"].append(case)
        if component["name"]:
            case["components"].append(component)
    for number, row in _rows(workbook, "legal", errors):
        label, record = target("legal", number, row)
        c = rec.Collector(label, errors)
        basis = {
            "number": rec.text(row.get("number"))[:100],
            "title": rec.text(row.get("title"))[:500],
            "issuer": rec.text(row.get("issuer"))[:255],
            "issued_on": rec.parse_date(row.get("issued_on"), "issued_on", c),
            "effective_from": rec.parse_date(row.get("effective_from"), "effective_from", c),
        }
        if not basis["number"]:
            c.add("number", _("Thiếu số, ký hiệu văn bản."))
        elif record is not None and all(b["number"] != basis["number"] for b in record["legal_bases"]):
            record["legal_bases"].append(basis)
    result = [(label, rec.normalise(record)) for label, record in records.values() if record is not None]
    return result, errors


def _cell_date(value: str | None):
    return datetime.date.fromisoformat(value) if value else None


def write_workbook(records: list[dict]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = {}
    for sheet, (title, _required) in SHEETS.items():
        ws = workbook.create_sheet(title)
        ws.append([key for key, _label in COLUMNS[sheet]])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for index, (key, _label) in enumerate(COLUMNS[sheet]):
            letter = ws.cell(row=1, column=index + 1).column_letter
            ws.column_dimensions[letter].width = (
                40 if key in ("name", "description", "title", "requirements") else 16
            )
        sheets[sheet] = ws
    for r in records:
        key = [r["code"], r["decision_number"]]
        sheets["main"].append(
            [
                *key,
                r["name"],
                _cell_date(r["decision_date"]),
                r["decision_issuer"],
                r["status"] or "published",
                _cell_date(r["valid_from"]),
                _cell_date(r["valid_to"]),
                ", ".join(r["levels"]),
                "\n".join(f"{s['code']}: {s['name']}" for s in r["sectors"]),
                "\n".join(r["subjects"]),
                "\n".join(r["competent_bodies"]),
                "\n".join(r["implementing_bodies"]),
                "\n".join(r["coordinating_bodies"]),
                "\n".join(r["receiving_places"]),
                "\n".join(f"{x['code']}: {x['name']}" if x["code"] else x["name"] for x in r["results"]),
                r["requirements"],
                r["online_level"],
                ", ".join(r["related_codes"]),
                r["external_id"],
                r["source_updated_at"] or "",
            ]
        )
        for step in r["steps"]:
            sheets["steps"].append([*key, step["name"], step["description"]])
        for c in r["channels"]:
            value = rec._number_out(c["time_value"])
            sheets["channels"].append(
                [
                    *key,
                    c["channel"],
                    value,
                    c["time_unit"],
                    c["counting_mode"],
                    c["cutoff"] or "",
                    c["description"],
                ]
            )
            for fee in c["fees"]:
                sheets["fees"].append(
                    [*key, c["channel"], fee["kind"], fee["amount"], fee["currency"], fee["description"]]
                )
        for case in r["cases"]:
            if not case["components"]:
                sheets["components"].append([*key, case["name"], "", 0, 0, "", "", ""])
            for comp in case["components"]:
                sheets["components"].append(
                    [
                        *key,
                        case["name"],
                        comp["name"],
                        comp["originals"],
                        comp["copies"],
                        "có" if comp["required"] else "không",
                        comp["form_name"],
                        comp["form_url"],
                    ]
                )
        for basis in r["legal_bases"]:
            sheets["legal"].append(
                [
                    *key,
                    basis["number"],
                    basis["title"],
                    basis["issuer"],
                    _cell_date(basis["issued_on"]),
                    _cell_date(basis["effective_from"]),
                ]
            )
    wrap = Alignment(wrap_text=True, vertical="top")
    for ws in sheets.values():
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, datetime.date):
                    cell.number_format = "DD/MM/YYYY"
                elif isinstance(cell.value, str) and "\n" in cell.value:
                    cell.alignment = wrap
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
