"""Pages of the working calendar. Thin: scope → form → service → page.

- /lich/<year>/ — the year in 12 month grids, for the national calendar or one agency's;
- /lich/tinh-han/ — the deadline calculator for one-stop staff, with the steps explained;
- editing of days, import of a year's file, working hours, year status (for those allowed);
- /lich/tinh-lai/ — what each calendar change did to open deadlines.
"""

import calendar as stdlib_calendar
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from eiso.accounts import rules as account_rules
from eiso.calendars import inputs, rules, services
from eiso.calendars.adapter import calendar_for, effective_days
from eiso.calendars.forms import (
    DeadlineForm,
    EntryForm,
    ImportForm,
    ScheduleForm,
    YearStatusForm,
    calendar_agencies,
)
from eiso.calendars.importing import ScheduleImportError
from eiso.calendars.models import (
    CalendarChange,
    CalendarEntry,
    CalendarYear,
    ClockRecord,
    EntryKind,
    WorkSchedule,
    YearStatus,
)
from eiso.core.errors import DomainError, PermissionRefused
from eiso.core.views import run_service
from eiso.organizations.models import Agency

MONTHS_VI = [
    "",
    "Tháng 1",
    "Tháng 2",
    "Tháng 3",
    "Tháng 4",
    "Tháng 5",
    "Tháng 6",
    "Tháng 7",
    "Tháng 8",
    "Tháng 9",
    "Tháng 10",
    "Tháng 11",
    "Tháng 12",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_CLASSES = {
    EntryKind.HOLIDAY: "cal-holiday",
    EntryKind.COMPENSATORY_DAY_OFF: "cal-comp",
    EntryKind.SWAPPED_DAY_OFF: "cal-swap-off",
    EntryKind.SWAPPED_WORKING_DAY: "cal-swap-work",
}


def _selected_agency(request) -> Agency | None:
    """?agency=<id> among the agencies the user sees (404 otherwise); None: national."""
    value = request.GET.get("agency") or request.POST.get("scope_agency") or ""
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return get_object_or_404(Agency.objects.visible_to(request.user), pk=int(value))


def _month_names():
    return [str(_(name)) if name else "" for name in MONTHS_VI]


@login_required
def calendar_home(request):
    return redirect("calendars:year", year=datetime.date.today().year)


@login_required
def year_view(request, year: int):
    if not 1990 <= year <= 2150:
        raise Http404
    agency = _selected_agency(request)
    cal = calendar_for(agency)
    days = {
        day.date: day
        for day in effective_days(agency, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    }
    year_row = CalendarYear.objects.filter(year=year).first()
    estimated = year in cal.estimated_years
    can_manage = rules.can_manage_calendar(request.user, agency)
    today = datetime.date.today()
    labels = dict(EntryKind.choices)
    month_names = _month_names()
    months = []
    for month in range(1, 13):
        weeks = []
        for week in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            cells = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                special = days.get(day)
                classes = []
                title = f"{day:%d/%m/%Y}"
                if special is not None:
                    classes.append(KIND_CLASSES[special.kind])
                    title += f": {labels[special.kind]} — {special.name_vi}"
                    if special.legal_reference:
                        title += f" ({special.legal_reference})"
                elif cal.weekmask[day.weekday()] == "0":
                    classes.append("cal-weekend")
                if day == today:
                    classes.append("cal-today")
                cells.append({"date": day, "special": special, "classes": " ".join(classes), "title": title})
            weeks.append(cells)
        months.append({"number": month, "name": month_names[month], "weeks": weeks})
    working = len(cal.working_dates(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
    changes = (
        CalendarChange.objects.visible_to(request.user).select_related("agency")[:5]
        if rules.manages_any_calendar(request.user)
        else []
    )
    context = {
        "year": year,
        "agency": agency,
        "agencies": calendar_agencies(request.user, agency),
        "months": months,
        "days": list(days.values()),
        "year_row": year_row,
        "estimated": estimated,
        "working_count": working,
        "can_manage": can_manage,
        "is_admin": account_rules.is_admin(request.user),
        "manages_any": rules.manages_any_calendar(request.user),
        "weekdays": [_("T2"), _("T3"), _("T4"), _("T5"), _("T6"), _("T7"), _("CN")],
        "schedule": cal,
        "periods": ", ".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in cal.working_periods),
        "changes": changes,
        "agency_query": f"?agency={agency.pk}" if agency else "",
    }
    return render(request, "calendars/year.html", context)


@login_required
def deadline_calculator(request):
    active = getattr(request, "active_agency", None) or None
    agencies = calendar_agencies(request.user, active)
    initial = {"agency": active.pk if active else None, "unit": "working_days", "mode": "hours", "amount": 1}
    bound = "received_at" in request.GET
    form = DeadlineForm(request.GET if bound else None, initial=initial, agencies=agencies)
    result = query = None
    agency = active
    if bound and form.is_valid():
        data = form.cleaned_data
        agency = data.get("agency")
        query = inputs.DueQuery(
            start=data["received_at"].astimezone(inputs.VN_TZ).replace(microsecond=0),
            amount=data["amount"],
            unit=data["unit"],
            mode=data.get("mode") or "hours",
            agency=agency,
        )
        try:
            result = inputs.compute_due(query)
        except DomainError as exc:
            field = getattr(exc, "field", None)
            form.add_error(field if field in form.fields else None, exc.messages)
    cal = result.calendar if result else calendar_for(agency)
    return render(
        request,
        "calendars/calculator.html",
        {
            "form": form,
            "result": result,
            "query": query,
            "periods": ", ".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in cal.working_periods),
            "cutoff": cal.reception_cutoff,
        },
    )


def _entry_agencies(user, selected=None):
    agencies = rules.manageable_agencies(user).exclude(kind="internal_unit")
    if selected is not None:
        agencies = agencies | Agency.objects.filter(pk=selected.pk)
    return agencies.order_by("path")


@login_required
@require_http_methods(["GET", "POST"])
def entry_form(request, pk=None):
    entry = None
    if pk is not None:
        entry = get_object_or_404(
            CalendarEntry.objects.visible_to(request.user).select_related("agency"), pk=pk
        )
        if not rules.can_manage_calendar(request.user, entry.agency):
            raise PermissionDenied
    elif not rules.manages_any_calendar(request.user):
        raise PermissionDenied
    scope_agency = entry.agency if entry else _selected_agency(request)
    if (
        entry is None
        and scope_agency is not None
        and not rules.can_manage_calendar(request.user, scope_agency)
    ):
        scope_agency = None
    is_admin = account_rules.is_admin(request.user)
    initial = {"agency": scope_agency}
    if entry is not None:
        initial.update(
            {f: getattr(entry, f) for f in ("date", "kind", "name_vi", "name_en", "legal_reference")}
        )
    elif request.GET.get("date"):
        try:
            initial["date"] = datetime.date.fromisoformat(request.GET["date"])
        except ValueError:
            initial["date"] = None  # a malformed ?date= from a link only loses the pre-filled date
    form = EntryForm(
        request.POST or None,
        initial=initial,
        agencies=_entry_agencies(request.user, scope_agency),
        allow_national=is_admin,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_service(form, services.save_entry, actor=request.user, entry=entry, **data)
        if saved:
            messages.success(
                request,
                _("Đã lưu ngày %(day)s. Các hạn giải quyết bị ảnh hưởng được tính lại.")
                % {"day": saved.date.strftime("%d/%m/%Y")},
            )
            url = reverse("calendars:year", kwargs={"year": saved.date.year})
            return redirect(url + (f"?agency={saved.agency_id}" if saved.agency_id else ""))
    title = _("Sửa ngày nghỉ, làm việc bù") if entry else _("Thêm ngày nghỉ, làm việc bù")
    return render(
        request,
        "calendars/form.html",
        {
            "form": form,
            "title": title,
            "entry": entry,
            "year": (entry.date.year if entry else datetime.date.today().year),
            "multipart": False,
        },
    )


@login_required
@require_http_methods(["POST"])
def entry_delete(request, pk):
    entry = get_object_or_404(CalendarEntry.objects.visible_to(request.user).select_related("agency"), pk=pk)
    if not rules.can_manage_calendar(request.user, entry.agency):
        raise PermissionDenied
    year, agency_id = entry.date.year, entry.agency_id
    try:
        services.delete_entry(actor=request.user, entry=entry, reason=request.POST.get("reason", ""))
    except PermissionRefused:
        raise PermissionDenied from None
    messages.success(request, _("Đã xoá ngày %(day)s.") % {"day": entry.date.strftime("%d/%m/%Y")})
    url = reverse("calendars:year", kwargs={"year": year})
    return redirect(url + (f"?agency={agency_id}" if agency_id else ""))


@login_required
@require_http_methods(["GET", "POST"])
def import_form(request):
    if not rules.manages_any_calendar(request.user):
        raise PermissionDenied
    is_admin = account_rules.is_admin(request.user)
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        agencies=_entry_agencies(request.user),
        allow_national=is_admin,
    )
    row_errors = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        try:
            result = services.import_schedule(actor=request.user, file=upload, **data)
        except ScheduleImportError as exc:
            row_errors = exc.errors
            form.add_error(None, exc.messages[0])
        except PermissionRefused:
            raise PermissionDenied from None
        except DomainError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("Đã nhập lịch năm %(year)s: thêm %(added)s, sửa %(changed)s, xoá %(removed)s ngày.")
                % {
                    "year": result.year,
                    "added": len(result.added),
                    "changed": len(result.changed),
                    "removed": len(result.removed),
                },
            )
            url = reverse("calendars:year", kwargs={"year": result.year})
            return redirect(url + (f"?agency={result.agency.pk}" if result.agency else ""))
    return render(request, "calendars/import.html", {"form": form, "row_errors": row_errors})


@login_required
@require_http_methods(["GET", "POST"])
def schedule_form(request, agency_pk):
    agency = get_object_or_404(Agency.objects.visible_to(request.user), pk=agency_pk)
    if not rules.can_manage_calendar(request.user, agency):
        raise PermissionDenied
    schedule = WorkSchedule.objects.filter(agency=agency).first()
    initial = {}
    if schedule:
        initial = {
            f: getattr(schedule, f)
            for f in (
                "morning_start",
                "morning_end",
                "afternoon_start",
                "afternoon_end",
                "reception_cutoff",
                "legal_reference",
            )
        }
        initial["weekdays"] = [str(i) for i, flag in enumerate(schedule.weekmask) if flag == "1"]
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if "clear" in request.POST and schedule is not None:
            services.clear_work_schedule(actor=request.user, agency=agency)
            messages.success(request, _("Đã bỏ giờ làm việc riêng."))
            return redirect(
                reverse("calendars:year", kwargs={"year": datetime.date.today().year})
                + f"?agency={agency.pk}"
            )
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("weekdays")
            saved = run_service(
                form,
                services.set_work_schedule,
                actor=request.user,
                agency=agency,
                weekmask=form.weekmask(),
                **data,
            )
            if saved:
                messages.success(request, _("Đã lưu giờ làm việc của %(agency)s.") % {"agency": agency.name})
                return redirect(
                    reverse("calendars:year", kwargs={"year": datetime.date.today().year})
                    + f"?agency={agency.pk}"
                )
    inherited = calendar_for(agency)
    return render(
        request,
        "calendars/schedule.html",
        {
            "form": form,
            "agency": agency,
            "schedule": schedule,
            "inherited": ", ".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in inherited.working_periods),
            "inherited_cutoff": inherited.reception_cutoff,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def year_status_form(request, year: int):
    if not rules.can_manage_calendar(request.user, None):
        raise PermissionDenied
    row = CalendarYear.objects.filter(year=year).first()
    initial = {
        "status": row.status if row else YearStatus.ESTIMATED,
        "legal_reference": row.legal_reference if row else "",
        "note": row.note if row else "",
    }
    form = YearStatusForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if run_service(form, services.set_year_status, actor=request.user, year=year, **form.cleaned_data):
            messages.success(request, _("Đã cập nhật tình trạng năm %(year)s.") % {"year": year})
            return redirect("calendars:year", year=year)
    return render(
        request,
        "calendars/form.html",
        {
            "form": form,
            "title": _("Tình trạng lịch năm %(year)s") % {"year": year},
            "year": year,
            "multipart": False,
        },
    )


SAMPLES = {
    "lich-nghi-2026.csv": "text/csv",
    "lich-nghi-2026.xlsx": XLSX,
    "lich-nghi-2026.json": "application/json",
}


@login_required
def sample_file(request, name: str):
    """The documented sample files (data/samples/), to download and fill in."""
    from importlib import resources

    from django.http import HttpResponse

    if name not in SAMPLES:
        raise Http404
    content = resources.files("eiso.calendars").joinpath(f"data/samples/{name}").read_bytes()
    response = HttpResponse(content, content_type=SAMPLES[name])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def change_list(request):
    changes = CalendarChange.objects.visible_to(request.user).select_related("agency")
    page = Paginator(changes, 30).get_page(request.GET.get("page"))
    return render(request, "calendars/changes.html", {"page": page, "query": ""})


@login_required
def change_detail(request, pk):
    change = get_object_or_404(
        CalendarChange.objects.visible_to(request.user).select_related("agency"), pk=pk
    )
    sample_ids = [move["id"] for move in change.moves_sample]
    visible = ClockRecord.objects.visible_to(request.user).filter(pk__in=sample_ids).select_related("agency")
    records = {record.pk: record for record in visible}
    moves = []
    for move in change.moves_sample:
        record = records.get(move["id"])
        if record is None:
            continue
        moves.append(
            {
                "record": record,
                "old": datetime.datetime.fromisoformat(move["old"]) if move.get("old") else None,
                "new": datetime.datetime.fromisoformat(move["new"]),
            }
        )
    return render(request, "calendars/change_detail.html", {"change": change, "moves": moves})
