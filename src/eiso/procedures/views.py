"""Pages of the procedure catalogue. Thin: scope → form → service → page.

The catalogue is national data (every signed-in user reads it); an agency's catalogue and coverage
are found through `visible_to(request.user)`, so another agency's answer 404.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from eiso.core.errors import DomainError, PermissionRefused
from eiso.core.views import run_service
from eiso.organizations.models import Agency
from eiso.procedures import exporting, importing, services
from eiso.procedures import rules as perms
from eiso.procedures.filtersets import ProcedureFilterSet
from eiso.procedures.forms import (
    AssignForm,
    CoverageForm,
    EndAssignmentForm,
    ImportForm,
    PublishForm,
    ReplaceDocumentForm,
)
from eiso.procedures.models import (
    MANDATORY_COMPONENTS,
    AgencyProcedure,
    LegalDocument,
    Procedure,
    ProcedureImport,
    ProcedureVersion,
    VersionLegalBasis,
)
from eiso.procedures.querysets import coverage_for, in_force_procedure_ids, total_coverage

PAGE_SIZE = 50


def _style_filters(form) -> None:
    from eiso.organizations.forms import _style

    _style(form)


def _filtered(request):
    filterset = ProcedureFilterSet(
        request.GET or None,
        queryset=Procedure.objects.visible_to(request.user).order_by("code"),
        request=request,
    )
    _style_filters(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    return filterset, rows


@login_required
def procedure_list(request):
    filterset, rows = _filtered(request)
    page = Paginator(rows.for_list(), PAGE_SIZE).get_page(request.GET.get("page"))  # ordered by the filters
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "procedures/procedure_list.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "page": page,
            "query": query.urlencode(),
            "can_manage": perms.can_manage_catalogue(request.user),
            "agency_choices": Agency.objects.visible_to(request.user)
            .filter(pk__in=AgencyProcedure.objects.values("agency_id"))
            .order_by("path")
            .only("pk", "name"),
        },
    )


def _version_with_content(version_qs):
    return version_qs.select_related("procedure").prefetch_related(
        "sectors",
        "channels__fees",
        "cases__components",
        Prefetch("legal_bases", queryset=VersionLegalBasis.objects.select_related("document__replaced_by")),
    )


@login_required
def procedure_detail(request, code):
    procedure = get_object_or_404(Procedure.objects.visible_to(request.user), code=code)
    versions = list(procedure.versions.order_by("-valid_from", "-pk"))
    chosen_pk = request.GET.get("phien-ban")
    target = None
    if chosen_pk and chosen_pk.isdigit():
        target = next((v for v in versions if v.pk == int(chosen_pk)), None)
        if target is None:
            raise Http404
    target = target or procedure.current_version or (versions[0] if versions else None)
    version = _version_with_content(ProcedureVersion.objects.filter(pk=target.pk)).get() if target else None
    today = datetime.date.today()
    assignments = list(
        AgencyProcedure.objects.visible_to(request.user)
        .active_on(today)
        .filter(procedure=procedure)
        .select_related("agency")
        .order_by("agency__path")
    )
    for assignment in assignments:
        assignment.covered = procedure.pk in in_force_procedure_ids([assignment.agency_id], today)
    context = {
        "procedure": procedure,
        "version": version,
        "versions": versions,
        "assignments": assignments,
        "missing": version.missing_labels if version else [],
        "mandatory": MANDATORY_COMPONENTS,
        "can_manage": perms.can_manage_catalogue(request.user),
        "publish_form": PublishForm(initial={"valid_from": version.decision_date or today})
        if version
        else None,
        "today": today,
    }
    return render(request, "procedures/procedure_detail.html", context)


@login_required
@require_POST
def version_publish(request, pk):
    version = get_object_or_404(
        ProcedureVersion.objects.visible_to(request.user).select_related("procedure"), pk=pk
    )
    if not perms.can_manage_catalogue(request.user):
        raise PermissionDenied
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            services.publish_version(
                actor=request.user, version=version, valid_from=form.cleaned_data["valid_from"]
            )
        except PermissionRefused:
            raise PermissionDenied from None
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Đã công bố phiên bản theo quyết định %(decision)s.")
                % {"decision": version.decision_number},
            )
    else:
        messages.error(request, _("Ngày áp dụng không hợp lệ."))
    return redirect(reverse("procedures:detail", args=[version.procedure.code]) + f"?phien-ban={version.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def document_replace(request, pk):
    document = get_object_or_404(LegalDocument, pk=pk)
    if not perms.can_manage_catalogue(request.user):
        raise PermissionDenied
    form = ReplaceDocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        affected = run_service(
            form, services.replace_legal_document, actor=request.user, document=document, **form.cleaned_data
        )
        if affected is not None:
            messages.success(
                request,
                _("Đã ghi nhận văn bản %(number)s bị thay thế; %(count)s thủ tục cần rà soát quy trình.")
                % {"number": document.number, "count": len(affected)},
            )
            return redirect("procedures:list")
    citing = (
        Procedure.objects.filter(versions__legal_bases__document=document).distinct().order_by("code")[:50]
    )
    return render(
        request,
        "procedures/form_page.html",
        {
            "form": form,
            "title": _("Văn bản %(number)s bị thay thế") % {"number": document.number},
            "intro": _(
                "Các thủ tục đang áp dụng có căn cứ là văn bản này sẽ được đánh dấu cần rà soát quy trình nội bộ "
                "trong 3 tháng kể từ ngày văn bản thay thế có hiệu lực."
            ),
            "citing": citing,
        },
    )


# --- agency catalogue and coverage -------------------------------------------------------------------


def _visible_agency(request, pk) -> Agency:
    return get_object_or_404(Agency.objects.visible_to(request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def agency_catalogue(request, agency_pk):
    agency = _visible_agency(request, agency_pk)
    today = datetime.date.today()
    can_assign = perms.can_assign_procedures(request.user, agency)
    form = AssignForm(request.POST or None)
    if request.method == "POST":
        if not can_assign:
            raise PermissionDenied
        if form.is_valid():
            codes = form.cleaned_data["codes"]
            found = {p.code: p for p in Procedure.objects.filter(code__in=codes)}
            unknown = [code for code in codes if code not in found]
            if unknown:
                form.add_error("codes", _("Không có thủ tục mã: %(codes)s.") % {"codes": ", ".join(unknown)})
            else:
                created = run_service(
                    form,
                    services.assign_procedures,
                    actor=request.user,
                    agency=agency,
                    procedures=list(found.values()),
                    valid_from=form.cleaned_data["valid_from"],
                    note=form.cleaned_data["note"],
                )
                if created is not None:
                    messages.success(request, _("Đã giao %(count)s thủ tục.") % {"count": len(created)})
                    return redirect("procedures:agency", agency_pk=agency.pk)
    assignments = list(
        AgencyProcedure.objects.visible_to(request.user)
        .active_on(today)
        .filter(agency=agency)
        .select_related("procedure")
        .order_by("procedure__code")
    )
    covered = in_force_procedure_ids([agency.pk], today)
    for assignment in assignments:
        assignment.covered = assignment.procedure_id in covered
    coverage = coverage_for([agency], today)[agency.pk]
    return render(
        request,
        "procedures/agency_catalogue.html",
        {
            "agency": agency,
            "assignments": assignments,
            "coverage": coverage,
            "form": form,
            "can_assign": can_assign,
            "end_form": EndAssignmentForm(),
        },
    )


@login_required
@require_POST
def assignment_end(request, pk):
    assignment = get_object_or_404(
        AgencyProcedure.objects.visible_to(request.user).select_related("agency"), pk=pk
    )
    if not perms.can_assign_procedures(request.user, assignment.agency):
        raise PermissionDenied
    form = EndAssignmentForm(request.POST)
    if form.is_valid():
        try:
            services.end_assignment(actor=request.user, assignment=assignment, **form.cleaned_data)
        except PermissionRefused:
            raise PermissionDenied from None
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Cơ quan đã thôi thực hiện thủ tục này."))
    return redirect("procedures:agency", agency_pk=assignment.agency_id)


def _default_root(request):
    """The active agency if something under it settles procedures, else the top of the user's scope."""
    visible = Agency.objects.visible_to(request.user)
    active = getattr(request, "active_agency", None)
    candidates = list(visible.filter(pk=active.pk)) if active is not None else []
    candidates += list(Agency.objects.visible_roots(request.user).active_on().order_by("path")[:20])
    assigned = AgencyProcedure.objects.active_on().values("agency_id")
    for candidate in candidates:
        if visible.subtree(candidate).filter(pk__in=assigned).exists():
            return candidate
    return candidates[0] if candidates else None


@login_required
def coverage(request):
    """Độ bao phủ: per agency of a subtree, and the subtree's total."""
    visible = Agency.objects.visible_to(request.user).active_on()
    # The agencies worth choosing: those that settle procedures and every agency above them.
    paths = visible.filter(
        pk__in=AgencyProcedure.objects.visible_to(request.user).active_on().values("agency_id")
    ).values_list("path", flat=True)
    ids = {int(part) for path in paths for part in path.split("/") if part}
    form = CoverageForm(request.GET or None, agencies=visible.filter(pk__in=ids).order_by("path"))
    root = None
    if request.GET.get("agency"):
        root = (
            _visible_agency(request, request.GET["agency"]) if str(request.GET["agency"]).isdigit() else None
        )
        if root is None:
            raise Http404
    root = root or _default_root(request)
    rows, total = [], None
    if root is not None:
        form.initial["agency"] = root.pk
        today = datetime.date.today()
        agencies = list(
            visible.subtree(root)
            .filter(pk__in=AgencyProcedure.objects.active_on(today).values("agency_id"))
            .order_by("path")
        )
        figures = coverage_for(agencies, today)
        rows = [(agency, figures[agency.pk]) for agency in agencies]
        total = total_coverage(figures.values())
    return render(
        request, "procedures/coverage.html", {"form": form, "root": root, "rows": rows, "total": total}
    )


# --- import and export ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    if not perms.can_manage_catalogue(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = run_service(
            form,
            importing.start_import,
            actor=request.user,
            file_name=upload.name,
            data=upload.read(),
            default_status=form.cleaned_data["default_status"],
        )
        if job is not None:
            if importing.runs_in_request(job):
                importing.run_job(job.pk)
            return redirect("procedures:import_job", pk=job.pk)
    jobs = ProcedureImport.objects.visible_to(request.user).select_related("created_by")[:10]
    return render(request, "procedures/import.html", {"form": form, "jobs": jobs})


def _job_context(request, pk):
    job = get_object_or_404(ProcedureImport.objects.visible_to(request.user).defer("payload"), pk=pk)
    done = importing.processed(job)
    percent = min(100, round(100 * done / job.total)) if job.total else (100 if job.finished else 0)
    return {"job": job, "done": done, "percent": percent}


@login_required
def import_job(request, pk):
    return render(request, "procedures/import_job.html", _job_context(request, pk))


@login_required
def import_job_progress(request, pk):
    """htmx partial polled every second while the job runs."""
    return render(request, "procedures/partials/import_progress.html", _job_context(request, pk))


@login_required
def export(request):
    file_format = request.GET.get("format", "json")
    if file_format not in exporting.FORMATS:
        raise Http404
    _filterset, rows = _filtered(request)
    versions = exporting.versions_for_export(rows, current_only=request.GET.get("versions") == "current")
    response = HttpResponse(
        exporting.export_bytes(versions, file_format), content_type=exporting.CONTENT_TYPES[file_format]
    )
    response["Content-Disposition"] = f'attachment; filename="{exporting.file_name(file_format)}"'
    return response
