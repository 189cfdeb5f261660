"""Procedure records: the one plain shape every import and export goes through.

A *record* is a dict of plain values describing one version of one procedure (the keys of
`empty_record()`). Readers turn a file into records — `from_portal` for one JSON object in the
National Public Service Portal's shape (shared/docs/domain.md §10), `eiso.procedures.xlsx` for the
workbook template — and report every problem with the record and the field it is in; writers do the
reverse (`to_portal`, `eiso.procedures.xlsx.write_workbook`). `eiso.procedures.services` stores records
and `record_of(version)` reads one back, so export → import gives the same records.

No Django models here: parsing is pure and can be tested without a database.
The file format is documented for people in docs/user/mau-nhap-thu-tuc.md.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from eiso.core.errors import DomainError
from eiso.core.text import vi_fold

LEVELS = ("ministry", "province", "commune", "other")
PORTAL_LEVEL_KEYS = {
    "ministry": "isMinistry",
    "province": "isProvince",
    "commune": "isWard",
    "other": "isOtherAgency",
}
CHANNELS = ("direct", "online", "postal")
STATUSES = ("draft", "published", "superseded")
ONLINE_LEVELS = ("full", "partial", "none")
UNITS = ("working_days", "working_hours", "calendar_days", "months")
MODES = ("days", "hours")
FEE_KINDS = ("fee", "charge")

# Portal codes → ours. YEAR has no unit of its own in the legal clock: it becomes 12 months.
PORTAL_UNITS = {
    "WORKING_DAY": "working_days",
    "DAY": "calendar_days",
    "HOUR": "working_hours",
    "MONTH": "months",
}
UNIT_TO_PORTAL = {value: key for key, value in PORTAL_UNITS.items()}
PORTAL_CHANNELS = {"DIRECT": ["direct"], "ONLINE": ["online"], "POSTAL": ["postal"]}
PORTAL_CHANNELS["DIRECT_AND_ONLINE"] = ["direct", "online"]
CHANNEL_TO_PORTAL = {"direct": "DIRECT", "online": "ONLINE", "postal": "POSTAL"}

# Words a person may type instead of the codes (compared folded: no case, no diacritics).
ALIASES = {
    "level": {
        "cap bo": "ministry",
        "bo": "ministry",
        "cap tinh": "province",
        "tinh": "province",
        "cap xa": "commune",
        "xa": "commune",
        "ward": "commune",
        "co quan khac": "other",
        "khac": "other",
    },
    "channel": {
        "truc tiep": "direct",
        "truc tuyen": "online",
        "buu chinh": "postal",
        "dich vu buu chinh": "postal",
    },
    "unit": {
        "ngay lam viec": "working_days",
        "gio lam viec": "working_hours",
        "gio": "working_hours",
        "ngay": "calendar_days",
        "ngay lich": "calendar_days",
        "thang": "months",
    },
    "mode": {
        "theo ngay": "days",
        "ngay": "days",
        "theo gio": "hours",
        "gio": "hours",
        "theo gio lam viec": "hours",
    },
    "kind": {"phi": "fee", "le phi": "charge"},
    "online_level": {
        "toan trinh": "full",
        "truc tuyen toan trinh": "full",
        "mot phan": "partial",
        "truc tuyen mot phan": "partial",
        "khong": "none",
        "khong truc tuyen": "none",
    },
    "status": {
        "du thao": "draft",
        "dang ap dung": "published",
        "da cong bo": "published",
        "het hieu luc": "superseded",
    },
}

CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._\-]{0,49}$")
# Fields whose change makes a new content (and so an update of the version); lifecycle and source
# metadata (status, validity, portal id, portal timestamp) are not content.
CONTENT_KEYS = (
    "code",
    "name",
    "decision_number",
    "decision_date",
    "decision_issuer",
    "levels",
    "sectors",
    "subjects",
    "competent_bodies",
    "implementing_bodies",
    "coordinating_bodies",
    "receiving_places",
    "steps",
    "channels",
    "cases",
    "results",
    "requirements",
    "online_level",
    "legal_bases",
    "related_codes",
)
LIMITS = {"name": 1000, "decision_number": 100, "decision_issuer": 255, "external_id": 64}


def empty_record() -> dict:
    return {
        "code": "",
        "name": "",
        "decision_number": "",
        "decision_date": None,
        "decision_issuer": "",
        "status": None,  # None: the importer's default
        "valid_from": None,
        "valid_to": None,
        "levels": [],
        "sectors": [],  # [{"code", "name"}]
        "subjects": [],
        "competent_bodies": [],
        "implementing_bodies": [],
        "coordinating_bodies": [],
        "receiving_places": [],
        "steps": [],  # [{"name", "description"}]
        "channels": [],  # [{"channel", "time_value", "time_unit", "counting_mode", "cutoff", "description", "fees"}]
        "cases": [],  # [{"name", "components": [{"name", "originals", "copies", "required", "form_name", "form_url"}]}]
        "results": [],  # [{"code", "name"}]
        "requirements": "",
        "online_level": "none",
        "legal_bases": [],  # [{"number", "title", "issuer", "issued_on", "effective_from"}]
        "related_codes": [],
        "external_id": "",
        "source_updated_at": None,
    }


def normalise(record: dict) -> dict:
    """The order-free parts in one order (sectors by code, levels by rank), so equal content hashes alike."""
    sectors = {}
    for sector in record["sectors"]:
        sectors.setdefault(sector["code"], sector)
    record["sectors"] = [sectors[code] for code in sorted(sectors)]
    record["levels"] = [level for level in LEVELS if level in record["levels"]]
    return record


def content_hash(record: dict) -> str:
    content = {key: record[key] for key in CONTENT_KEYS}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def missing_components(record: dict) -> list[str]:
    """The mandatory components (models.MANDATORY_COMPONENTS) a record lacks, in their order."""
    missing = []
    if not record["name"].strip():
        missing.append("name")
    if not record["steps"]:
        missing.append("steps")
    if not record["channels"]:
        missing.append("method")
    if not any(case["components"] for case in record["cases"]):
        missing.append("dossier")
    if not record["channels"] or any(c["time_value"] is None for c in record["channels"]):
        missing.append("time_limit")
    if not record["subjects"]:
        missing.append("subjects")
    if not record["implementing_bodies"]:
        missing.append("implementing_body")
    return missing


# --- errors -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordError:
    """One problem, named by record ("bản ghi 3 (1.001193)", "trang CachThuc, dòng 7") and field."""

    record: str
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"record": self.record, "field": self.field, "message": self.message}

    def __str__(self) -> str:
        return (
            f"{self.record}, {self.field}: {self.message}" if self.field else f"{self.record}: {self.message}"
        )


class ImportRefused(DomainError):
    """The file has errors: nothing was imported. `errors` lists every one (at most MAX_ERRORS)."""

    MAX_ERRORS = 500

    def __init__(self, errors: list[RecordError]):
        self.errors = errors[: self.MAX_ERRORS]
        first = str(errors[0]) if errors else ""
        message = _(
            "Không nhập được: %(count)s lỗi, chưa có bản ghi nào được lưu. Lỗi đầu tiên: %(first)s"
        ) % {
            "count": len(errors),
            "first": first,
        }
        super().__init__(message, code="import_invalid", field="file")


class Collector:
    """Errors of one record, each named with the record's label."""

    def __init__(self, label: str, errors: list[RecordError]):
        self.label = label
        self.errors = errors

    def add(self, field: str, message: str) -> None:
        self.errors.append(RecordError(self.label, field, message))


# --- value readers (shared with the XLSX reader) ----------------------------------------------------


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def choice(value, kind: str, allowed: tuple[str, ...], field: str, errors: Collector, default=None):
    """A code from `allowed`, or one of its Vietnamese aliases; else an error and `default`."""
    raw = text(value)
    if not raw:
        return default
    if raw.lower() in allowed:
        return raw.lower()
    alias = ALIASES.get(kind, {}).get(vi_fold(raw))
    if alias:
        return alias
    errors.add(
        field,
        _("Giá trị “%(value)s” không hợp lệ; dùng một trong: %(allowed)s.")
        % {
            "value": raw,
            "allowed": ", ".join(allowed),
        },
    )
    return default


def parse_date(value, field: str, errors: Collector) -> str | None:
    """YYYY-MM-DD, dd/mm/yyyy, a date/datetime, or milliseconds since 1970 → ISO date."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.datetime.fromtimestamp(value / 1000, tz=datetime.UTC).date().isoformat()
    raw = text(value)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(raw[:10], pattern).date().isoformat()
        except ValueError:
            continue
    errors.add(field, _("Ngày “%(value)s” không hợp lệ (dùng dd/mm/yyyy hoặc YYYY-MM-DD).") % {"value": raw})
    return None


def parse_time(value, field: str, errors: Collector) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    raw = text(value).lower().replace("h", ":").replace("giờ", ":").strip()
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2})?)?", raw.strip(": "))
    if match and int(match.group(1)) < 24 and int(match.group(2) or 0) < 60:
        return f"{int(match.group(1)):02d}:{int(match.group(2) or 0):02d}"
    errors.add(field, _("Giờ “%(value)s” không hợp lệ (ví dụ 15:00).") % {"value": text(value)})
    return None


def parse_number(value, field: str, errors: Collector) -> str | None:
    """A time limit: a number ≥ 0 (decimal comma allowed), kept as text without trailing zeros."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        errors.add(field, _("Phải là một số."))
        return None
    try:
        number = (
            Decimal(text(value).replace(",", "."))
            if not isinstance(value, int | float)
            else Decimal(str(value))
        )
    except InvalidOperation:
        errors.add(field, _("“%(value)s” không phải là một số.") % {"value": text(value)})
        return None
    if number < 0 or number >= 1_000_000:
        errors.add(field, _("Thời hạn phải từ 0 đến dưới 1.000.000."))
        return None
    if number != number.quantize(Decimal("0.01")):
        errors.add(field, _("Thời hạn chỉ được có tối đa 2 chữ số thập phân."))
        return None
    return format_number(number)


def format_number(number) -> str:
    number = Decimal(number)
    return format(
        number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize(), "f"
    )


def parse_amount(value, field: str, errors: Collector) -> int | None:
    """Money in đồng: 50000, "50.000", "50,000 đồng"."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        errors.add(field, _("Phải là một số tiền."))
        return None
    if isinstance(value, int | float):
        if value < 0 or value != int(value):
            errors.add(field, _("Số tiền phải là số nguyên không âm."))
            return None
        return int(value)
    digits = re.sub(r"[\s.,]|đồng|dong|vnđ|vnd", "", text(value).lower())
    if not digits.isdigit():
        errors.add(field, _("“%(value)s” không phải là số tiền.") % {"value": text(value)})
        return None
    return int(digits)


def parse_count(value, field: str, errors: Collector) -> int:
    if value in (None, ""):
        return 0
    try:
        number = int(float(text(value)))
    except ValueError:
        errors.add(field, _("“%(value)s” không phải là số nguyên.") % {"value": text(value)})
        return 0
    if number < 0 or number > 1000:
        errors.add(field, _("Số bản phải từ 0 đến 1000."))
        return 0
    return number


def parse_bool(value, default: bool = True) -> bool:
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        return value
    return vi_fold(text(value)) in {"1", "true", "x", "co", "yes", "bat buoc", "b"}


def check_length(record: dict, collector: Collector) -> None:
    for key, limit in LIMITS.items():
        if len(record[key]) > limit:
            collector.add(key, _("Dài quá %(limit)s ký tự.") % {"limit": limit})


def sector_code(code: str, name: str) -> str:
    return code or re.sub(r"[^a-z0-9]+", "-", vi_fold(name)).strip("-")[:64]


# --- the portal's JSON shape --------------------------------------------------------------------


def _list(obj: dict, key: str, errors: Collector, prefix: str = "") -> list:
    value = obj.get(key)
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        errors.add(f"{prefix}{key}", _("Phải là một danh sách."))
        return []
    return value


def _names(obj: dict, key: str, errors: Collector, name_key: str = "name") -> list[str]:
    names = []
    for index, item in enumerate(_list(obj, key, errors)):
        value = item.get(name_key) if isinstance(item, dict) else item
        if isinstance(value, dict | list):
            errors.add(
                f"{key}[{index}]", _("Phải là một chuỗi hoặc một đối tượng có “%(key)s”.") % {"key": name_key}
            )
            continue
        if text(value):
            names.append(text(value))
    return names


def _coded(obj: dict, key: str, errors: Collector) -> list[dict]:
    """[{code, name}] from a list of objects (or of plain names)."""
    rows = []
    for index, item in enumerate(_list(obj, key, errors)):
        if isinstance(item, dict):
            row = {"code": text(item.get("code")), "name": text(item.get("name"))}
        elif isinstance(item, str | int | float):
            row = {"code": "", "name": text(item)}
        else:
            errors.add(f"{key}[{index}]", _("Phải là một đối tượng {code, name}."))
            continue
        if row["code"] or row["name"]:
            rows.append(row)
    return rows


def _fee_kind(fee: dict, field: str, errors: Collector) -> str:
    declared = fee.get("feeType", fee.get("type"))
    if declared not in (None, ""):
        raw = text(declared).upper()
        if raw in ("FEE", "PHI"):
            return "fee"
        if raw in ("CHARGE", "LE_PHI", "LEPHI"):
            return "charge"
        return choice(declared, "kind", FEE_KINDS, f"{field}.feeType", errors, default="charge")
    # Undeclared: "Phí thẩm định…" is a fee, "Lệ phí…" and anything else a charge.
    description = vi_fold(text(fee.get("description")))
    is_fee = description.startswith("phi ") or (" phi " in f" {description} " and "le phi" not in description)
    return "fee" if is_fee else "charge"


def _channels(obj: dict, errors: Collector) -> list[dict]:
    channels: dict[str, dict] = {}
    for index, method in enumerate(_list(obj, "executionMethods", errors)):
        field = f"executionMethods[{index}]"
        if not isinstance(method, dict):
            errors.add(field, _("Phải là một đối tượng."))
            continue
        raw = text(method.get("submissionMethod"))
        names = PORTAL_CHANNELS.get(raw.upper())
        if names is None:
            one = choice(raw, "channel", CHANNELS, f"{field}.submissionMethod", errors) if raw else None
            if not raw:
                errors.add(f"{field}.submissionMethod", _("Thiếu cách thức nộp hồ sơ."))
            names = [one] if one else []
        value = parse_number(method.get("processingTime"), f"{field}.processingTime", errors)
        raw_unit = text(method.get("processingTimeUnit"))
        unit = "working_days"
        if raw_unit.upper() == "YEAR":
            unit = "months"
            value = format_number(Decimal(value) * 12) if value is not None else None
        elif raw_unit:
            unit = PORTAL_UNITS.get(raw_unit.upper()) or choice(
                raw_unit, "unit", UNITS, f"{field}.processingTimeUnit", errors, default="working_days"
            )
        mode = choice(
            method.get("countingMode"), "mode", MODES, f"{field}.countingMode", errors, default="days"
        )
        cutoff = parse_time(method.get("cutoff"), f"{field}.cutoff", errors)
        fees = []
        for fee_index, fee in enumerate(_list(method, "fees", errors, prefix=f"{field}.")):
            fee_field = f"{field}.fees[{fee_index}]"
            if not isinstance(fee, dict):
                errors.add(fee_field, _("Phải là một đối tượng."))
                continue
            fees.append(
                {
                    "kind": _fee_kind(fee, fee_field, errors),
                    "amount": parse_amount(fee.get("value", fee.get("amount")), f"{fee_field}.value", errors),
                    "currency": text(fee.get("currencyName")) or "Đồng",
                    "description": text(fee.get("description")),
                }
            )
        for name in names:
            if name in channels:
                errors.add(
                    f"{field}.submissionMethod",
                    _("Cách thức “%(channel)s” xuất hiện hơn một lần.")
                    % {"channel": CHANNEL_TO_PORTAL[name]},
                )
                continue
            channels[name] = {
                "channel": name,
                "time_value": value,
                "time_unit": unit,
                "counting_mode": mode,
                "cutoff": cutoff,
                "description": text(method.get("description")),
                "fees": [dict(fee) for fee in fees],
            }
    return [channels[name] for name in CHANNELS if name in channels]


def _cases(obj: dict, errors: Collector) -> list[dict]:
    cases = []
    for index, case in enumerate(_list(obj, "executionCases", errors)):
        field = f"executionCases[{index}]"
        if not isinstance(case, dict):
            errors.add(field, _("Phải là một đối tượng."))
            continue
        components = []
        for c_index, component in enumerate(_list(case, "profileComponents", errors, prefix=f"{field}.")):
            c_field = f"{field}.profileComponents[{c_index}]"
            if not isinstance(component, dict):
                errors.add(c_field, _("Phải là một đối tượng."))
                continue
            name = text(component.get("name"))
            if not name:
                errors.add(f"{c_field}.name", _("Thiếu tên thành phần hồ sơ."))
            attachments = component.get("attachments") or []
            first = attachments[0] if isinstance(attachments, list) and attachments else {}
            first = first if isinstance(first, dict) else {}
            components.append(
                {
                    "name": name,
                    "originals": parse_count(component.get("originalQty"), f"{c_field}.originalQty", errors),
                    "copies": parse_count(component.get("copyQty"), f"{c_field}.copyQty", errors),
                    "required": parse_bool(component.get("required"), default=True),
                    "form_name": text(first.get("fileName"))[:255],
                    "form_url": text(first.get("url"))[:500],
                }
            )
        cases.append({"name": text(case.get("name"))[:1000], "components": components})
    return cases


def _legal_bases(obj: dict, errors: Collector) -> list[dict]:
    bases, seen = [], set()
    for index, item in enumerate(_list(obj, "legalBasisesDetails", errors)):
        field = f"legalBasisesDetails[{index}]"
        if not isinstance(item, dict):
            errors.add(field, _("Phải là một đối tượng {code, name}."))
            continue
        number = text(item.get("code"))
        if not number:
            errors.add(f"{field}.code", _("Thiếu số, ký hiệu văn bản."))
            continue
        if len(number) > 100:
            errors.add(f"{field}.code", _("Dài quá %(limit)s ký tự.") % {"limit": 100})
            continue
        if number in seen:
            continue
        seen.add(number)
        bases.append(
            {
                "number": number,
                "title": text(item.get("name"))[:500],
                "issuer": text(item.get("issuer"))[:255],
                "issued_on": parse_date(item.get("issuedDate"), f"{field}.issuedDate", errors),
                "effective_from": parse_date(item.get("effectiveDate"), f"{field}.effectiveDate", errors),
            }
        )
    return bases


def _online_level(obj: dict, errors: Collector) -> str:
    if obj.get("onlineLevel") not in (None, ""):
        return choice(
            obj["onlineLevel"], "online_level", ONLINE_LEVELS, "onlineLevel", errors, default="none"
        )
    legacy = obj.get("onlineServiceLevel")  # the old 1–4 scale: 4 is full, 3 partial
    if legacy in (4, "4"):
        return "full"
    if legacy in (3, "3"):
        return "partial"
    return "none"


def from_portal(obj, label: str, errors: list[RecordError]) -> dict | None:
    """One record from one portal JSON object; None (and errors added) if it cannot be used."""
    collector = Collector(label, errors)
    if not isinstance(obj, dict):
        collector.add("", _("Mỗi bản ghi phải là một đối tượng JSON."))
        return None
    before = len(errors)
    record = empty_record()
    for key, target in (("code", "code"), ("name", "name"), ("decisionNo", "decision_number")):
        record[target] = text(obj.get(key))
        if not record[target]:
            collector.add(key, _("Thiếu trường bắt buộc."))
    if record["code"] and not CODE_RE.match(record["code"]):
        collector.add("code", _("Mã thủ tục “%(code)s” không hợp lệ.") % {"code": record["code"]})
    record["decision_date"] = parse_date(obj.get("decisionDate"), "decisionDate", collector)
    record["decision_issuer"] = text(obj.get("decisionIssuer"))
    if obj.get("status") not in (None, ""):
        record["status"] = choice(text(obj["status"]).lower(), "status", STATUSES, "status", collector)
    record["valid_from"] = parse_date(obj.get("validFrom"), "validFrom", collector)
    record["valid_to"] = parse_date(obj.get("validTo"), "validTo", collector)
    if record["valid_from"] and record["valid_to"] and record["valid_to"] < record["valid_from"]:
        collector.add("validTo", _("Ngày hết áp dụng phải từ ngày bắt đầu áp dụng trở đi."))
    record["levels"] = [
        level for level in LEVELS if parse_bool(obj.get(PORTAL_LEVEL_KEYS[level]), default=False)
    ]
    record["sectors"] = [
        {"code": sector_code(row["code"], row["name"]), "name": row["name"] or row["code"]}
        for row in _coded(obj, "categoriesDetails", collector)
    ]
    record["subjects"] = _names(obj, "subjectTypesDetails", collector)
    record["competent_bodies"] = _names(obj, "departmentsAuthority", collector)
    record["implementing_bodies"] = _names(obj, "departmentsExecuting", collector)
    record["coordinating_bodies"] = _names(obj, "departmentsCoordinating", collector)
    record["receiving_places"] = _names(obj, "receivingAddresses", collector)
    steps = []
    for index, step in enumerate(_list(obj, "executionSteps", collector)):
        if isinstance(step, dict):
            steps.append({"name": text(step.get("name")), "description": text(step.get("description"))})
        elif isinstance(step, str) and step.strip():
            steps.append({"name": "", "description": step.strip()})
        else:
            collector.add(f"executionSteps[{index}]", _("Phải là một đối tượng {name, description}."))
    record["steps"] = steps
    record["channels"] = _channels(obj, collector)
    record["cases"] = _cases(obj, collector)
    record["results"] = _coded(obj, "resultsDetails", collector)
    record["requirements"] = text(obj.get("requirementsAndConditions"))
    record["online_level"] = _online_level(obj, collector)
    record["legal_bases"] = _legal_bases(obj, collector)
    related = obj.get("relatedCodes")
    if related is None and isinstance(obj.get("relatedProcedures"), list):
        related = [item.get("code") if isinstance(item, dict) else item for item in obj["relatedProcedures"]]
    record["related_codes"] = (
        [text(code) for code in (related or []) if text(code)]
        if isinstance(related, list | type(None))
        else []
    )
    record["external_id"] = text(obj.get("id"))
    updated = obj.get("updatedAt")
    if isinstance(updated, int | float) and not isinstance(updated, bool):
        record["source_updated_at"] = datetime.datetime.fromtimestamp(
            updated / 1000, tz=datetime.UTC
        ).isoformat(timespec="seconds")
    check_length(record, collector)
    return normalise(record) if len(errors) == before else None


def _number_out(value: str | None):
    if value is None:
        return None
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


def to_portal(record: dict) -> dict:
    """The portal's JSON shape, with our extensions (docs/user/mau-nhap-thu-tuc.md)."""
    obj = {}
    if record["external_id"]:
        obj["id"] = record["external_id"]
    obj.update(
        {
            "code": record["code"],
            "name": record["name"],
            "decisionNo": record["decision_number"],
            "decisionDate": record["decision_date"],
            "decisionIssuer": record["decision_issuer"],
            "status": (record["status"] or "published").upper(),
            "validFrom": record["valid_from"],
            "validTo": record["valid_to"],
        }
    )
    for level in LEVELS:
        obj[PORTAL_LEVEL_KEYS[level]] = level in record["levels"]
    obj["categoriesDetails"] = [dict(row) for row in record["sectors"]]
    obj["subjectTypesDetails"] = [{"name": name} for name in record["subjects"]]
    obj["departmentsAuthority"] = [{"name": name} for name in record["competent_bodies"]]
    obj["departmentsExecuting"] = [{"name": name} for name in record["implementing_bodies"]]
    obj["departmentsCoordinating"] = [{"name": name} for name in record["coordinating_bodies"]]
    obj["receivingAddresses"] = [{"name": name} for name in record["receiving_places"]]
    obj["executionSteps"] = [dict(step) for step in record["steps"]]
    obj["executionMethods"] = [
        {
            "submissionMethod": CHANNEL_TO_PORTAL[c["channel"]],
            "processingTime": _number_out(c["time_value"]),
            "processingTimeUnit": UNIT_TO_PORTAL[c["time_unit"]],
            "countingMode": c["counting_mode"],
            "cutoff": c["cutoff"],
            "description": c["description"],
            "fees": [
                {
                    "feeType": "FEE" if fee["kind"] == "fee" else "CHARGE",
                    "value": fee["amount"],
                    "currencyName": fee["currency"],
                    "description": fee["description"],
                }
                for fee in c["fees"]
            ],
        }
        for c in record["channels"]
    ]
    obj["executionCases"] = [
        {
            "name": case["name"],
            "profileComponents": [
                {
                    "name": component["name"],
                    "originalQty": component["originals"],
                    "copyQty": component["copies"],
                    "required": component["required"],
                    "attachments": (
                        [{"fileName": component["form_name"], "url": component["form_url"]}]
                        if component["form_name"] or component["form_url"]
                        else []
                    ),
                }
                for component in case["components"]
            ],
        }
        for case in record["cases"]
    ]
    obj["legalBasisesDetails"] = [
        {
            "code": basis["number"],
            "name": basis["title"],
            "issuer": basis["issuer"],
            "issuedDate": basis["issued_on"],
            "effectiveDate": basis["effective_from"],
        }
        for basis in record["legal_bases"]
    ]
    obj["requirementsAndConditions"] = record["requirements"]
    obj["resultsDetails"] = [dict(row) for row in record["results"]]
    obj["onlineLevel"] = record["online_level"].upper()
    obj["relatedCodes"] = list(record["related_codes"])
    if record["source_updated_at"]:
        moment = datetime.datetime.fromisoformat(record["source_updated_at"])
        obj["updatedAt"] = int(moment.timestamp() * 1000)
    return obj


def read_json(data: bytes) -> tuple[list[tuple[str, dict]], list[RecordError]]:
    """Records of a JSON file: a list of records, one record, or an object holding the list under
    `data`, `items`, `records` or `result` (as the portal's answers do)."""
    errors: list[RecordError] = []
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [], [RecordError(_("tệp"), "", _("Không đọc được JSON: %(error)s") % {"error": exc})]
    if isinstance(document, dict) and "code" not in document:
        for key in ("data", "items", "records", "result", "content"):
            if isinstance(document.get(key), list):
                document = document[key]
                break
    items = document if isinstance(document, list) else [document]
    records = []
    for index, item in enumerate(items, start=1):
        code = text(item.get("code")) if isinstance(item, dict) else ""
        label = (
            _("bản ghi %(n)s (%(code)s)") % {"n": index, "code": code}
            if code
            else _("bản ghi %(n)s") % {"n": index}
        )
        record = from_portal(item, label, errors)
        if record is not None:
            records.append((label, record))
    return records, errors


def write_json(records: list[dict]) -> bytes:
    return json.dumps([to_portal(r) for r in records], ensure_ascii=False, indent=1).encode("utf-8")
