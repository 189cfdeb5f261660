"""Báo cáo, thống kê hồ sơ: /ho-so/bao-cao/ — the metrics of `eiso.dossiers.metrics` as a table with
totals, drill-down links (province → agency → procedure → dossiers), server-drawn SVG charts
(docs/decisions/0018-report-charts-as-server-svg.md) and the same table as XLSX (`?format=xlsx`).

Reads only, every figure through `visible_to(request.user)`; an agency outside the user's scope is a 404.
"""

from __future__ import annotations

import datetime
import io
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eiso.dossiers import metrics
from eiso.organizations.models import Agency

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
PERIOD_KINDS = [
    ("month", gettext_lazy("Tháng")),
    ("quarter", gettext_lazy("Quý")),
    ("year", gettext_lazy("Năm")),
    ("custom", gettext_lazy("Tùy chọn")),
]


class ReportForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan"), queryset=Agency.objects.none(), required=False
    )
    group = forms.ChoiceField(
        label=gettext_lazy("Thống kê theo"), choices=list(metrics.GROUPS.items()), required=False
    )
    period = forms.ChoiceField(label=gettext_lazy("Kỳ báo cáo"), choices=PERIOD_KINDS, required=False)
    year = forms.IntegerField(label=gettext_lazy("Năm"), min_value=2000, max_value=2100, required=False)
    month = forms.IntegerField(label=gettext_lazy("Tháng"), min_value=1, max_value=12, required=False)
    quarter = forms.IntegerField(label=gettext_lazy("Quý"), min_value=1, max_value=4, required=False)
    first = forms.DateField(
        label=gettext_lazy("Từ ngày"),
        input_formats=DATE_FORMATS,
        required=False,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": gettext_lazy("Nhập ngày theo dạng dd/mm/yyyy, ví dụ 01/04/2026.")},
    )
    last = forms.DateField(
        label=gettext_lazy("Đến ngày"),
        input_formats=DATE_FORMATS,
        required=False,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": gettext_lazy("Nhập ngày theo dạng dd/mm/yyyy, ví dụ 30/04/2026.")},
    )
    procedure = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["agency"].label_from_instance = lambda a: f"{'— ' * a.depth}{a.name}"
        for name, field in self.fields.items():
            if name != "procedure":
                field.widget.attrs.setdefault(
                    "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
                )

    def clean(self):
        data = super().clean()
        if data.get("period") == "custom" and not self.errors:
            if not data.get("first") or not data.get("last"):
                raise forms.ValidationError(_("Nhập cả ngày đầu và ngày cuối kỳ (dd/mm/yyyy)."))
            if data["last"] < data["first"]:
                raise forms.ValidationError(_("Ngày cuối kỳ phải sau ngày đầu kỳ."))
            if (data["last"] - data["first"]).days > 366 * 5:
                raise forms.ValidationError(_("Kỳ báo cáo dài nhất 05 năm."))
        return data


def period_from(data: dict, today: datetime.date | None = None) -> metrics.Period:
    today = today or timezone.localdate()
    kind = data.get("period") or "month"
    year = data.get("year") or today.year
    if kind == "custom" and data.get("first") and data.get("last"):
        return metrics.Period(data["first"], data["last"])
    if kind == "year":
        return metrics.Period.year(year)
    if kind == "quarter":
        return metrics.Period.quarter(year, data.get("quarter") or (today.month - 1) // 3 + 1)
    return metrics.Period.month(year, data.get("month") or today.month)


def scope_agencies(user):
    """Agencies whose reports the user may open: every agency in scope, except internal units."""
    return Agency.objects.visible_to(user).order_by("path")


def default_agency(request, agencies):
    """The widest agency in scope above (or at) the active agency: an oversight officer of a province's
    Department of Science and Technology starts at the province, a commune's staff at the commune."""
    active = getattr(request, "active_agency", None)
    ordered = sorted(agencies, key=lambda a: (a.depth, a.path))
    if active:
        for agency in ordered:
            if active.path.startswith(agency.path):
                return agency
    return ordered[0] if ordered else None


def _link(params: dict, **changes) -> str:
    merged = {**params, **changes}
    return "?" + urlencode({k: v for k, v in merged.items() if v not in (None, "")})


def _period_params(period: metrics.Period) -> dict:
    return {"period": "custom", "first": f"{period.first:%d/%m/%Y}", "last": f"{period.last:%d/%m/%Y}"}


ALERT_COLUMNS = {"settled_late", "pending_overdue", "items_late", "items_pending_overdue"}


def _cells(report: metrics.Report) -> None:
    for row in [*report.rows, report.total]:
        row.cells = [
            (key, row.values.get(key), key in ALERT_COLUMNS and bool(row.values.get(key)))
            for key, _l in report.columns
        ]


def _drill_links(report: metrics.Report, params: dict) -> None:
    for row in report.rows:
        if report.group in ("agency", "receiving_unit"):
            row.link = _link(params, agency=row.key, group="procedure", procedure="")
        elif report.group == "procedure":
            row.link = _link(params, procedure=row.key, group="dossier")
        elif report.group == "month":
            first = datetime.date.fromisoformat(row.key)
            row.link = _link(
                params,
                period="month",
                year=first.year,
                month=first.month,
                first="",
                last="",
                group="procedure",
            )


def _form_values(data: dict, agency, group: str, period: metrics.Period) -> dict:
    kind = data.get("period") or "month"
    values = {"agency": agency.pk, "group": group, "period": kind, "year": period.first.year}
    if kind == "month":
        values["month"] = period.first.month
    elif kind == "quarter":
        values["quarter"] = (period.first.month - 1) // 3 + 1
    elif kind == "custom":
        values.update(first=period.first, last=period.last)
    if data.get("procedure"):
        values["procedure"] = data["procedure"]
    return values


def _page_number(raw) -> int:
    """?page= of the dossier list: a positive whole number, anything else is the first page."""
    try:
        return max(1, int(raw))
    except (TypeError, ValueError):
        return 1


def _dossier_pages(report: metrics.Report, params: dict, page: int) -> dict | None:
    """Where this page of the dossier list starts and ends, and the links to the pages beside it."""
    if report.group != "dossier" or not report.dossiers:
        return None
    return {
        "first": report.dossier_offset + 1,
        "last": report.dossier_offset + len(report.dossiers),
        "previous": _link(params, page=page - 1) if page > 1 else "",
        "next": _link(params, page=page + 1) if report.truncated else "",
    }


# --- charts (server-side SVG) ------------------------------------------------------------------------

BAR_COLOURS = {"early": "#2fb344", "on_time": "#206bc4", "late": "#d63939"}


def _bars(report: metrics.Report, limit: int = 15) -> dict | None:
    """Stacked horizontal bars of early / on time / late per row (settled dossiers, or officers' items)."""
    prefix = "items_" if report.kind == "officer" else "settled_"
    # The dossier level has no rows to compare (its table lists dossiers): one bar for the total.
    rows = [report.total] if report.group == "dossier" else report.rows
    rows = [r for r in rows if any(r.values.get(f"{prefix}{k}") for k in BAR_COLOURS)]
    rows = sorted(rows, key=lambda r: -sum(r.values[f"{prefix}{k}"] for k in BAR_COLOURS))[:limit]
    if not rows:
        return None
    largest = max(sum(r.values[f"{prefix}{k}"] for k in BAR_COLOURS) for r in rows)
    label_width, bar_width, line = 220, 460, 26
    bars = []
    for i, row in enumerate(rows):
        x, parts = label_width, []
        for key, colour in BAR_COLOURS.items():
            value = row.values[f"{prefix}{key}"]
            width = bar_width * value / largest
            if value:
                parts.append(
                    {
                        "x": round(x, 1),
                        "width": round(width, 1),
                        "colour": colour,
                        "value": value,
                        "key": key,
                        # the count is written on the bar where its digits fit (7 px a digit at 12 px)
                        "labelled": width >= 7 * len(str(value)) + 6,
                        "middle": round(x + width / 2, 1),
                    }
                )
            x += width
        label = row.label if len(row.label) <= 34 else row.label[:33] + "…"
        bars.append(
            {"y": i * line + 4, "label": label, "title": row.label, "parts": parts, "end": round(x + 6, 1)}
        )
    return {
        "bars": bars,
        "height": len(rows) * line + 8,
        "width": label_width + bar_width + 60,
        "label_x": label_width - 8,
        "bar_height": line - 8,
        "text_dy": (line - 8) / 2 + 4,
    }


def _trend(user, agency, period: metrics.Period, procedure_id) -> dict | None:
    """Monthly trend line: new and settled dossiers per month (the period's months, or the six months
    up to a one-month period)."""
    months = period.months()
    if len(months) < 2:
        first = period.first
        start = datetime.date(first.year - (1 if first.month <= 5 else 0), (first.month - 6) % 12 + 1, 1)
        months = metrics.Period(start, period.last).months()
    months = months[-24:]
    report = metrics.report(
        user, agency, metrics.Period(months[0].first, months[-1].last), "month", procedure_id=procedure_id
    )
    series = [
        ("new", "#206bc4", _("Mới tiếp nhận")),
        ("settled", "#2fb344", _("Đã giải quyết")),
        ("pending_overdue", "#d63939", _("Chưa giải quyết quá hạn")),
    ]
    largest = max([1] + [r.values[key] for r in report.rows for key, _c, _l in series])
    left, width, height, top = 40, 620, 180, 10
    step = width / max(1, len(report.rows) - 1)
    lines = []
    for key, colour, label in series:
        points = [
            (
                round(left + i * step, 1),
                round(top + height - height * r.values[key] / largest, 1),
                r.values[key],
            )
            for i, r in enumerate(report.rows)
        ]
        lines.append(
            {
                "label": label,
                "colour": colour,
                "points": points,
                "path": " ".join(f"{x},{y}" for x, y, _v in points),
            }
        )
    ticks = [{"x": round(left + i * step, 1), "label": r.label} for i, r in enumerate(report.rows)]
    grid = [{"y": round(top + height - height * f, 1), "value": round(largest * f)} for f in (0, 0.5, 1)]
    return {
        "lines": lines,
        "ticks": ticks,
        "grid": grid,
        "width": left + width + 30,
        "height": top + height + 30,
        "axis_y": top + height,
        "left": left,
        "right": left + width,
    }


# --- the page and the XLSX ------------------------------------------------------------------------------


@login_required
def reports(request):
    """Báo cáo, thống kê hồ sơ của cơ quan trong kỳ."""
    agencies = scope_agencies(request.user)
    form = ReportForm(request.GET or None, agencies=agencies)
    valid = form.is_valid() if request.GET else True
    data = form.cleaned_data if request.GET and valid else {}
    requested = request.GET.get("agency")
    if requested and "agency" in form.errors:
        raise Http404(_("Không tìm thấy cơ quan trong phạm vi của bạn."))
    agency = data.get("agency") or default_agency(request, list(agencies))
    if agency is None:
        raise Http404(_("Bạn chưa thuộc cơ quan nào nên chưa có báo cáo."))
    period = period_from(data)
    group = data.get("group") or metrics.default_group(agency)
    procedure_id = data.get("procedure")
    xlsx = request.GET.get("format") == "xlsx"
    page = 1 if xlsx else _page_number(request.GET.get("page"))
    report = metrics.report(
        request.user,
        agency,
        period,
        group,
        procedure_id=procedure_id,
        dossier_page=page,  # the XLSX lists every dossier of the period, not one page
        dossier_rows=metrics.XLSX_DOSSIER_ROWS if xlsx else metrics.DOSSIER_PAGE_ROWS,
    )
    if xlsx:
        return xlsx_response(report, procedure_id)
    params = {"agency": agency.pk, "group": group, **_period_params(period)}
    if procedure_id:
        params["procedure"] = procedure_id
    _drill_links(report, params)
    _cells(report)
    if valid:
        # The form shows what the report is about, the defaults chosen above included.
        form = ReportForm(initial=_form_values(data, agency, group, period), agencies=agencies)
    procedure = None
    if procedure_id:
        from eiso.procedures.models import Procedure

        procedure = Procedure.objects.filter(pk=procedure_id).first()
    parent = agencies.filter(pk=agency.parent_id).first() if agency.parent_id else None
    context = {
        "form": form,
        "report": report,
        "agency": agency,
        "period": period,
        "procedure": procedure,
        "parent_link": _link(params, agency=parent.pk, group="agency", procedure="") if parent else "",
        "parent": parent,
        "agency_link": _link(params, procedure="", group="procedure") if procedure_id else "",
        "xlsx_link": _link(params, format="xlsx"),
        "group_links": [(key, label, _link(params, group=key)) for key, label in metrics.GROUPS.items()],
        "dossier_pages": _dossier_pages(report, params, page),
        # a province's or a department's list names the agency of each dossier
        "dossier_agency_column": any(line["agency_id"] != agency.pk for line in report.dossiers),
        "bars": _bars(report),
        "trend": _trend(request.user, agency, period, procedure_id) if report.kind == "dossier" else None,
        "bar_colours": [
            (BAR_COLOURS["early"], _("Trước hạn")),
            (BAR_COLOURS["on_time"], _("Đúng hạn")),
            (BAR_COLOURS["late"], _("Quá hạn")),
        ],
    }
    return render(request, "dossiers/reports.html", context)


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def xlsx_response(report: metrics.Report, procedure_id=None) -> HttpResponse:
    """The report's table as an XLSX workbook: a header naming the agency, the period and the time it was
    made, the headings, one line per row and the totals."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = _("Báo cáo")
    bold = Font(bold=True)
    sheet.append([_("BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH")])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_("Cơ quan: %(name)s") % {"name": report.agency.name}])
    sheet.append([_("Kỳ báo cáo: %(period)s") % {"period": report.period.label}])
    sheet.append([_("Thống kê theo: %(group)s") % {"group": report.group_label}])
    sheet.append([_("Lập lúc: %(at)s") % {"at": timezone.localtime().strftime("%H:%M %d/%m/%Y")}])
    sheet.append([])
    if report.group == "dossier":
        headings = [
            _("STT"),
            _("Mã hồ sơ"),
            _("Người nộp"),
            _("Thủ tục"),
            _("Cơ quan giải quyết"),
            _("Cách thức nộp"),
            _("Ngày tiếp nhận"),
            _("Ngày hẹn trả"),
            _("Ngày có kết quả"),
            _("Tình trạng trong kỳ"),
            _("Chỉ số 1"),
            _("Chỉ số 2"),
        ]
        sheet.append(headings)
        for i, line in enumerate(report.dossiers, start=1):
            sheet.append(
                [
                    i,
                    line["code"],
                    line["applicant"],
                    line["procedure"],
                    line["agency"],
                    line["channel"],
                    _local(line["received_at"]),
                    _local(line["due_at"]),
                    _local(line["settled_at"]),
                    line["state"],
                    line["index1"],
                    line["index2"],
                ]
            )
            for column in (7, 8, 9):
                sheet.cell(row=sheet.max_row, column=column).number_format = "dd/mm/yyyy hh:mm"
        if report.truncated:
            sheet.append(
                [
                    "",
                    _("Chỉ có %(count)s hồ sơ đầu tiên; hãy chia kỳ báo cáo nhỏ hơn để có cả danh sách.")
                    % {"count": formats.number_format(len(report.dossiers), force_grouping=True)},
                ]
            )
        sheet.append([])
    headings = [_("STT"), report.group_label, *(label for _k, label in report.columns)]
    sheet.append(headings)
    heading_row = sheet.max_row
    for i, row in enumerate(report.rows, start=1):
        sheet.append(
            [
                i,
                row.label if not row.code else f"{row.code} — {row.label}",
                *(row.values.get(k) for k, _l in report.columns),
            ]
        )
    sheet.append(["", report.total.label, *(report.total.values.get(k) for k, _l in report.columns)])
    for cell in sheet[heading_row] + sheet[sheet.max_row]:
        cell.font = bold
    for cell in sheet[heading_row]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 40
    for column in range(3, len(headings) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 14
    sheet.freeze_panes = sheet.cell(row=heading_row + 1, column=3)
    buffer = io.BytesIO()
    book.save(buffer)
    name = f"bao-cao-ho-so-{report.period.first:%Y%m%d}-{report.period.last:%Y%m%d}.xlsx"
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
