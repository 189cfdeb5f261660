"""The one-stop forms of a dossier (biểu mẫu cơ chế một cửa), DOCX and PDF, domain.md §4.

Forms by kind, numbered per legal set (`FORM_SETS`; `EISO_FORM_SET` picks the default):

    kind        tt03-2025  tt01-2018  applies when
    receipt        01         01      the dossier was received (its clock started)
    supplement     02         02      a supplement was requested at the counter or after appraisal
    refusal        03         03      refused at the counter or after appraisal
    apology        04         04      the appointment was reset by an apology letter
    stop           05          —      stopped at the applicant's request (2025 only)
    control        06         05      always once received: the hand-over table (HandOver rows)
    book           07         06      per TrackingBook (one receiving unit, one year)

DOCX: docxtpl fills the editable template `form_templates/<set>/mau-NN.docx` (docs/decisions/0016).
PDF: WeasyPrint renders the Django template `dossiers/forms/<kind>.html` with the same context.
Every dossier form carries a QR code of `{EISO_PUBLIC_BASE_URL}/tra-cuu-ho-so/?ma=<code>`; form 01 also
prints the lookup secret. Reads only: callers scope the dossier or book first (`visible_to`).
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import select_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from eiso.dossiers.models import (
    BookEntry,
    Dossier,
    HandOver,
    HandOverAction,
    ReturnMethod,
    Status,
    Timeliness,
    TrackingBook,
)

TEMPLATES_DIR = Path(__file__).resolve().parent / "form_templates"
FORMATS = ("docx", "pdf")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
PDF_FONTS = '"Times New Roman", "Liberation Serif", "Tinos", serif'
KINDS = ("receipt", "supplement", "refusal", "apology", "stop", "control", "book")
TITLES = {
    "receipt": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "supplement": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "refusal": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "apology": "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
    "stop": "Thông báo dừng xử lý hồ sơ",
    "control": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    "book": "Sổ theo dõi hồ sơ",
}


@dataclass(frozen=True)
class FormSet:
    key: str
    label: str
    circular: str  # the legal basis each form prints
    decree: str
    numbers: dict[str, str]  # kind → form number in this set

    def kind_of(self, number: str) -> str | None:
        number = str(number).zfill(2)
        return next((kind for kind, n in self.numbers.items() if n == number), None)


FORM_SETS = {
    "tt03-2025": FormSet(
        key="tt03-2025",
        label="Thông tư 03/2025/TT-VPCP (từ 01/07/2025)",
        circular="Thông tư số 03/2025/TT-VPCP của Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ",
        decree="Nghị định số 118/2025/NĐ-CP của Chính phủ",
        numbers={
            "receipt": "01",
            "supplement": "02",
            "refusal": "03",
            "apology": "04",
            "stop": "05",
            "control": "06",
            "book": "07",
        },
    ),
    "tt01-2018": FormSet(
        key="tt01-2018",
        label="Thông tư 01/2018/TT-VPCP (đến 30/06/2025)",
        circular="Thông tư số 01/2018/TT-VPCP ngày 23/11/2018 của Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ",
        decree="Nghị định số 61/2018/NĐ-CP của Chính phủ",
        numbers={
            "receipt": "01",
            "supplement": "02",
            "refusal": "03",
            "apology": "04",
            "control": "05",
            "book": "06",
        },
    ),
}


class FormUnavailable(Exception):
    """The form does not exist in the set or does not apply to this dossier; `message` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FormInfo:
    number: str
    kind: str
    title: str


def get_form_set(key: str | None = None) -> FormSet:
    key = key or getattr(settings, "EISO_FORM_SET", "tt03-2025")
    try:
        return FORM_SETS[key]
    except KeyError:
        raise FormUnavailable(
            _("Không có bộ biểu mẫu “%(key)s”; các bộ hiện có: %(keys)s.")
            % {"key": key, "keys": ", ".join(FORM_SETS)}
        ) from None


# --- which forms apply -----------------------------------------------------------------------------


def _was_received(dossier: Dossier) -> bool:
    return dossier.clock_id is not None


def _not_applicable_reason(dossier: Dossier, kind: str) -> str | None:
    """None when the form applies to the dossier, else the reason in Vietnamese."""
    if kind == "receipt" or kind == "control":
        if not _was_received(dossier):
            return _("Hồ sơ chưa được tiếp nhận vào giải quyết nên chưa có %(form)s.") % {
                "form": TITLES[kind].lower()
            }
    elif kind == "supplement":
        if not dossier.missing_note.strip():
            return _("Hồ sơ không có yêu cầu bổ sung, hoàn thiện.")
    elif kind == "refusal":
        if dossier.status not in (Status.COUNTER_REFUSED, Status.REFUSED):
            return _("Hồ sơ không bị từ chối tiếp nhận, giải quyết.")
    elif kind == "apology":
        if dossier.extended_at is None:
            return _("Hồ sơ chưa có văn bản xin lỗi và hẹn lại ngày trả kết quả.")
    elif kind == "stop":
        if dossier.status != Status.STOPPED:
            return _("Hồ sơ không bị dừng xử lý.")
    elif kind == "book":
        return _("Sổ theo dõi hồ sơ được in theo từng sổ (bộ phận tiếp nhận, năm), không theo hồ sơ.")
    return None


def forms_for(dossier: Dossier, form_set: str | None = None) -> list[FormInfo]:
    """The forms that apply to `dossier` in the set, in number order."""
    fs = get_form_set(form_set)
    return [
        FormInfo(number, kind, TITLES[kind])
        for kind, number in sorted(fs.numbers.items(), key=lambda kv: kv[1])
        if _not_applicable_reason(dossier, kind) is None
    ]


def resolve(obj, number: str, form_set: str | None = None) -> tuple[FormSet, str]:
    """(set, kind) of form `number` for a dossier or a book; FormUnavailable with the reason otherwise."""
    fs = get_form_set(form_set)
    kind = fs.kind_of(number)
    if kind is None:
        raise FormUnavailable(
            _("Bộ biểu mẫu %(set)s không có mẫu số %(number)s.") % {"set": fs.label, "number": number}
        )
    if isinstance(obj, TrackingBook):
        if kind != "book":
            raise FormUnavailable(
                _("Sổ theo dõi hồ sơ là mẫu số %(number)s của bộ %(set)s.")
                % {"number": fs.numbers["book"], "set": fs.label}
            )
        return fs, kind
    reason = _not_applicable_reason(obj, kind)
    if reason:
        raise FormUnavailable(
            _("Mẫu số %(number)s (%(title)s) không áp dụng cho hồ sơ %(code)s: %(reason)s")
            % {"number": fs.numbers[kind], "title": TITLES[kind], "code": obj.code, "reason": reason}
        )
    return fs, kind


# --- formatting ------------------------------------------------------------------------------------


def _local(moment):
    return timezone.localtime(moment) if moment else None


def fmt_date(moment) -> str:
    """dd/mm/yyyy, or "" without a moment."""
    moment = _local(moment)
    return f"{moment:%d/%m/%Y}" if moment else ""


def fmt_moment(moment) -> str:
    """ "10 giờ 00 phút, ngày 02/03/2026" as the forms write it."""
    moment = _local(moment)
    if not moment:
        return ""
    return _("%(h)s giờ %(m)s phút, ngày %(d)s") % {
        "h": f"{moment:%H}",
        "m": f"{moment:%M}",
        "d": f"{moment:%d/%m/%Y}",
    }


def fmt_short(moment) -> str:
    """ "10:00 02/03/2026" for table cells."""
    moment = _local(moment)
    return f"{moment:%H:%M %d/%m/%Y}" if moment else ""


def _place_date(moment) -> str:
    moment = _local(moment) or timezone.localtime()
    return _("……, ngày %(d)s tháng %(m)s năm %(y)s") % {
        "d": f"{moment:%d}",
        "m": f"{moment:%m}",
        "y": moment.year,
    }


def _number(value: float | Decimal) -> str:
    """1.500.000 / 0,5 — Vietnamese separators."""
    value = Decimal(str(value)).normalize()
    whole, _dot, fraction = f"{value:f}".partition(".")
    whole = f"{int(whole):,}".replace(",", ".")
    return f"{whole},{fraction}" if fraction else whole


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _lines(text: str) -> list[str]:
    return [line.strip(" -–•\t") for line in (text or "").splitlines() if line.strip(" -–•\t")] or ["—"]


def _time_limit(dossier: Dossier) -> str:
    from eiso.calendars.inputs import UNIT_LABELS

    clock = dossier.clock
    if clock is None:
        return ""
    return f"{_number(clock.amount)} {UNIT_LABELS.get(clock.unit, clock.unit)}"


def _fees(dossier: Dossier) -> str:
    text = (
        _("Không thu")
        if not dossier.fee_amount
        else _("%(amount)s đồng") % {"amount": _number(dossier.fee_amount)}
    )
    return f"{text} ({dossier.fee_note})" if dossier.fee_note else text


def lookup_url(dossier: Dossier) -> str:
    """The public status page of the dossier, which the QR code opens."""
    base = getattr(settings, "EISO_PUBLIC_BASE_URL", "http://localhost:8000").rstrip("/")
    return f"{base}/tra-cuu-ho-so/?ma={quote(dossier.code, safe='')}"


def qr_png(text: str) -> bytes:
    """A QR code (error correction M, 2-module quiet zone) as PNG bytes (docs/decisions/0015)."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=2)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


# --- context ---------------------------------------------------------------------------------------


def _agency_lines(agency) -> tuple[str, str]:
    parent = agency.parent.name.upper() if getattr(agency, "parent_id", None) else ""
    return parent, agency.name.upper()


def _last_hand_over(dossier: Dossier, action: str):
    return (
        HandOver.objects.filter(dossier=dossier, action=action)
        .select_related("given_by")
        .order_by("-given_at", "-pk")
        .first()
    )


def dossier_context(dossier: Dossier, kind: str, fs: FormSet) -> dict:
    """Plain strings (and lists of them) both templates show; the QR comes separately."""
    unit = dossier.receiving_unit
    parent, agency = _agency_lines(unit)
    procedure = f"{dossier.procedure.code} – {dossier.procedure.name}"
    context = {
        "form_set": fs.key,
        "form_number": fs.numbers[kind],
        "form_title": TITLES[kind],
        "legal_basis": f"Ban hành kèm theo {fs.circular}",
        "circular": fs.circular,
        "decree": fs.decree,
        "parent_agency": parent,
        "agency": agency,
        "unit_name": unit.name,
        "agency_name": dossier.agency.name,
        "code": dossier.code,
        "applicant_name": dossier.applicant_name,
        "applicant_address": dossier.applicant_address or "…",
        "applicant_phone": dossier.applicant_phone or "…",
        "applicant_email": dossier.applicant_email or "…",
        "procedure": procedure,
        "case_name": dossier.case_name,
        "received_at": fmt_moment(dossier.received_at),
        "received_date": fmt_date(dossier.received_at),
        "appointment_at": fmt_moment(dossier.appointment_at),
        "appointment_date": fmt_date(dossier.appointment_at),
        "receiver_name": _person(dossier.received_by),
        "signer_name": "",
        "lookup_url": lookup_url(dossier),
        "lookup_secret": "",
        "place_date": _place_date(dossier.received_at),
    }
    if kind == "receipt":
        entry = BookEntry.objects.filter(dossier=dossier).select_related("book").first()
        method = ReturnMethod(dossier.return_method).label if dossier.return_method else ""
        context.update(
            components=[
                {
                    "no": i,
                    "name": c.name,
                    "kind": _("Bản chính") if c.original else _("Bản sao"),
                    "quantity": c.quantity,
                }
                for i, c in enumerate(dossier.components.filter(received=True), start=1)
            ],
            sets=dossier.sets,
            time_limit=_time_limit(dossier),
            return_place=f"{unit.name}" + (f" ({method})" if method else ""),
            fees=_fees(dossier),
            book_year=entry.book.year if entry else "",
            book_number=entry.number if entry else "",
            lookup_secret=dossier.lookup_secret,
        )
    elif kind == "supplement":
        after_appraisal = dossier.supplement_count > 0
        # Dossiers asked at the counter before the request's moment was kept fall back to reception.
        requested = dossier.supplement_requested_at or dossier.received_at
        context.update(
            request_date=fmt_date(requested),
            stage=_("sau khi thẩm định hồ sơ") if after_appraisal else _("tại bộ phận tiếp nhận"),
            missing=_lines(dossier.missing_note),
            contact=", ".join(filter(None, [context["receiver_name"], unit.name])),
            place_date=_place_date(requested),
        )
        if not after_appraisal:
            # at the counter the papers were brought on the day of the request, not of a later reception
            context.update(
                appointment_at="",
                appointment_date="",
                received_at=fmt_moment(requested),
                received_date=fmt_date(requested),
            )
    elif kind == "refusal":
        at_counter = dossier.status == Status.COUNTER_REFUSED
        refused = dossier.received_at if at_counter else dossier.settled_at
        closing = None if at_counter else _last_hand_over(dossier, HandOverAction.CLOSE)
        context.update(
            refusal_date=fmt_date(refused),
            stage=_("khi tiếp nhận hồ sơ") if at_counter else _("sau khi thẩm định hồ sơ"),
            reasons=_lines(dossier.refusal_reason),
            signer_name=_person(closing.given_by) if closing else context["receiver_name"],
            place_date=_place_date(refused),
        )
    elif kind == "apology":
        context.update(
            original_appointment_at=fmt_moment(dossier.original_appointment_at),
            original_appointment_date=fmt_date(dossier.original_appointment_at),
            extension_date=fmt_date(dossier.extended_at),
            extension_reasons=_lines(dossier.extension_reason),
            place_date=_place_date(dossier.extended_at),
        )
    elif kind == "stop":
        closing = _last_hand_over(dossier, HandOverAction.CLOSE)
        context.update(
            stop_date=fmt_date(dossier.closed_at),
            stop_reasons=_lines(dossier.closed_reason),
            signer_name=_person(closing.given_by) if closing else "",
            place_date=_place_date(dossier.closed_at),
        )
    elif kind == "control":
        consulted = sorted(
            {
                b
                for b in dossier.work_items.exclude(consulted_body="").values_list(
                    "consulted_body", flat=True
                )
            }
        )
        rows = []
        for i, row in enumerate(
            HandOver.objects.filter(dossier=dossier).select_related("given_by").order_by("given_at", "pk"),
            start=1,
        ):
            result = str(Timeliness(row.timeliness).label) if row.timeliness else ""
            if row.allotted_seconds and row.used_seconds is not None:
                result += _("\n(%(used)s/%(allotted)s giờ)") % {
                    "used": _number(round(row.used_seconds / 3600, 1)),
                    "allotted": _number(round(row.allotted_seconds / 3600, 1)),
                }
            rows.append(
                {
                    "no": i,
                    "parties": _("Giao: %(from)s\nNhận: %(to)s")
                    % {"from": row.from_label, "to": row.to_label or "—"},
                    "times": _("Giao: %(given)s\nNhận: %(received)s")
                    % {"given": fmt_short(row.given_at), "received": fmt_short(row.received_at)},
                    "people": _person(row.given_by),
                    "result": result.strip(),
                    "note": "\n".join(filter(None, [str(HandOverAction(row.action).label), row.note])),
                }
            )
        context.update(
            lead_body=dossier.agency.name,
            consulted=", ".join(consulted) or _("Không"),
            rows=rows,
        )
    return context


def _book_note(dossier: Dossier) -> str:
    notes = []
    if dossier.status in (Status.REFUSED, Status.STOPPED, Status.WITHDRAWN, Status.COUNTER_REFUSED):
        notes.append(Status(dossier.status).label)
    if dossier.extended_at:
        notes.append(_("Xin lỗi, hẹn lại"))
    if dossier.timeliness == Timeliness.LATE:
        notes.append(Timeliness.LATE.label)
    return "; ".join(str(n) for n in notes)


def book_context(book: TrackingBook, fs: FormSet) -> dict:
    parent, agency = _agency_lines(book.unit)
    transfers = Prefetch(
        "dossier__hand_overs",
        queryset=HandOver.objects.filter(action=HandOverAction.COMPLETE).order_by("given_at", "pk"),
        to_attr="transfers",
    )
    entries = []
    for entry in (
        BookEntry.objects.filter(book=book)
        .select_related("dossier__procedure", "dossier__agency", "dossier__clock")
        .prefetch_related(transfers)
        .order_by("number")
    ):
        d = entry.dossier
        first_transfer = d.transfers[0].given_at if d.transfers else None
        entries.append(
            {
                "no": entry.number,
                "code": d.code,
                "procedure": d.procedure.name,
                "sets": d.sets,
                "applicant": d.applicant_name,
                "contact": "\n".join(filter(None, [d.applicant_address, d.applicant_phone])),
                "lead": d.agency.name,
                "received": fmt_short(d.received_at),
                "appointment": fmt_short(d.appointment_at),
                "transferred": fmt_short(first_transfer),
                "settled": fmt_short(d.settled_at),
                "returned": fmt_short(d.returned_at),
                "note": _book_note(d),
            }
        )
    return {
        "form_set": fs.key,
        "form_number": fs.numbers["book"],
        "form_title": TITLES["book"],
        "legal_basis": f"Ban hành kèm theo {fs.circular}",
        "circular": fs.circular,
        "decree": fs.decree,
        "parent_agency": parent,
        "agency": agency,
        "unit_name": book.unit.name,
        "year": book.year,
        "locked": fmt_short(book.locked_at),
        "entries": entries,
        "place_date": _place_date(timezone.now()),
    }


# --- rendering -------------------------------------------------------------------------------------


def template_path(fs: FormSet, kind: str) -> Path:
    return TEMPLATES_DIR / fs.key / f"mau-{fs.numbers[kind]}.docx"


def render_docx(context: dict, template: Path, qr: bytes | None = None) -> bytes:
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    document = DocxTemplate(str(template))
    context = dict(context)
    if qr is not None:
        context["qr"] = InlineImage(document, io.BytesIO(qr), width=Mm(22))
    document.render(context, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_html(context: dict, fs: FormSet, kind: str, qr: bytes | None = None) -> str:
    template = select_template(
        [f"dossiers/forms/{fs.key}/mau-{fs.numbers[kind]}.html", f"dossiers/forms/{kind}.html"]
    )
    page = {"fonts": PDF_FONTS, "landscape": kind == "book", "qr": ""}
    if qr is not None:
        page["qr"] = "data:image/png;base64," + base64.b64encode(qr).decode("ascii")
    return template.render({**context, **page})


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def render_form(obj, number: str, fmt: str, form_set: str | None = None) -> tuple[bytes, str, str]:
    """Form `number` of a dossier (or of a TrackingBook) as (content, file name, media type).

    Raises FormUnavailable when the set has no such form or it does not apply to the dossier.
    """
    if fmt not in FORMATS:
        raise FormUnavailable(_("Định dạng “%(fmt)s” không hỗ trợ; chọn docx hoặc pdf.") % {"fmt": fmt})
    fs, kind = resolve(obj, number, form_set)
    with translation.override("vi"):  # legal forms are printed in Vietnamese whatever the UI language
        return _render(obj, fs, kind, fmt)


def _render(obj, fs: FormSet, kind: str, fmt: str) -> tuple[bytes, str, str]:
    if isinstance(obj, TrackingBook):
        context, qr = book_context(obj, fs), None
        stem = f"so-theo-doi-ho-so-{obj.year}-{obj.unit_id}-mau-{fs.numbers[kind]}"
    else:
        context, qr = dossier_context(obj, kind, fs), qr_png(lookup_url(obj))
        stem = f"mau-{fs.numbers[kind]}-{obj.code}"
    if fmt == "docx":
        content = render_docx(context, template_path(fs, kind), qr)
    else:
        content = render_pdf(render_html(context, fs, kind, qr))
    return content, f"{stem}.{fmt}", MEDIA_TYPES[fmt]


def preview_html(obj, number: str, form_set: str | None = None) -> str:
    """The HTML the PDF is made from (for a browser preview or a screenshot)."""
    fs, kind = resolve(obj, number, form_set)
    with translation.override("vi"):
        if isinstance(obj, TrackingBook):
            return render_html(book_context(obj, fs), fs, kind)
        return render_html(dossier_context(obj, kind, fs), fs, kind, qr_png(lookup_url(obj)))


__all__ = [
    "FORM_SETS",
    "FORMATS",
    "FormInfo",
    "FormUnavailable",
    "forms_for",
    "get_form_set",
    "lookup_url",
    "qr_png",
    "render_form",
]
