"""Pages of the process designer. Thin: scope → permission → form → service → page or htmx partial.

Processes, versions and review flags are found through `visible_to(request.user)`, so another agency's
answer 404; inside the scope, an action the rules refuse answers 403. The steps editor is one htmx
partial (`partials/editor.html`): every row action swaps it whole, so the table, the validation and the
flowchart always show the same design. Without JavaScript the same URLs render the full page.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, Value, When, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from eiso.core.display import decorate
from eiso.core.errors import DomainError, PermissionRefused
from eiso.core.models import AuditEvent
from eiso.core.views import run_service
from eiso.organizations.models import Agency
from eiso.procedures.models import AgencyProcedure, Procedure
from eiso.processes import editing, exports, services
from eiso.processes import rules as perms
from eiso.processes.design import diff_designs
from eiso.processes.design.diff import render_text
from eiso.processes.display import editor_view
from eiso.processes.forms import (
    HeaderForm,
    InForceForm,
    NewVersionForm,
    NoteForm,
    ProcessCreateForm,
    ProcessEditForm,
    ProcessFilterForm,
    ResolveForm,
    ReturnForm,
    ReviewFilterForm,
    StepForm,
)
from eiso.processes.models import InternalProcess, ProcessStatus, ProcessVersion, ReviewFlag, ReviewStatus

PAGE_SIZE = 50


def _visible_process(request, pk) -> InternalProcess:
    return get_object_or_404(
        InternalProcess.objects.visible_to(request.user).select_related("agency", "latest_version"), pk=pk
    )


def _visible_version(request, pk) -> ProcessVersion:
    return get_object_or_404(
        ProcessVersion.objects.visible_to(request.user).select_related("process__agency__parent"), pk=pk
    )


def _detail_url(version: ProcessVersion) -> str:
    return reverse("processes:detail", args=[version.process_id]) + f"?phien-ban={version.pk}"


# --- list ------------------------------------------------------------------------------------------------


@login_required
def process_list(request):
    visible = InternalProcess.objects.visible_to(request.user)
    agencies = Agency.objects.filter(pk__in=visible.values("agency_id")).order_by("path").only("pk", "name")
    form = ProcessFilterForm(request.GET or None, agencies=agencies)
    data = form.cleaned_data if form.is_valid() else {}
    rows = visible.search(data.get("q"))
    if data.get("agency"):
        rows = rows.filter(agency_id=data["agency"])
    if data.get("status"):
        rows = rows.filter(latest_version__status=data["status"])
    rows = rows.for_list()
    if data.get("review") == "open":
        rows = rows.filter(needs_review=True)
    page = Paginator(rows.order_by("agency__path", "code"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    editable = perms.editable_agency_ids(request.user)
    return render(
        request,
        "processes/process_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_create": editable is None or bool(editable),
            "open_reviews": ReviewFlag.objects.visible_to(request.user).open().count(),
        },
    )


# --- create, edit, delete ------------------------------------------------------------------------------------


def _creatable_agencies(request):
    editable = perms.editable_agency_ids(request.user)
    settling = AgencyProcedure.objects.active_on().values("agency_id")
    agencies = Agency.objects.visible_to(request.user).filter(pk__in=settling)
    if editable is not None:
        agencies = agencies.filter(pk__in=editable)
    return list(agencies.order_by("path").only("pk", "name"))


def _settled_procedures(agency) -> list[Procedure]:
    settled = AgencyProcedure.objects.active_on().filter(agency=agency).values("procedure_id")
    return list(Procedure.objects.filter(pk__in=settled).order_by("code").only("pk", "code", "name"))


@login_required
@require_http_methods(["GET", "POST"])
def process_create(request):
    agencies = _creatable_agencies(request)
    if not agencies:
        raise PermissionDenied
    by_pk = {a.pk: a for a in agencies}
    wanted = (
        request.POST.get("agency") or request.GET.get("agency") or getattr(request.active_agency, "pk", None)
    )
    try:
        agency = by_pk.get(int(wanted)) or agencies[0]
    except (TypeError, ValueError):
        agency = agencies[0]
    procedures = _settled_procedures(agency)
    covered = set(
        InternalProcess.procedures.through.objects.filter(internalprocess__agency=agency).values_list(
            "procedure_id", flat=True
        )
    )
    initial = {"agency": agency.pk}
    code = request.GET.get("procedure")
    if code:
        initial["procedure"] = next((p.pk for p in procedures if p.code == code), None)
    form = ProcessCreateForm(
        request.POST or None, initial=initial, agencies=agencies, procedures=procedures, covered=covered
    )
    if request.method == "POST" and form.is_valid():
        chosen = {p.pk: p for p in procedures}
        process = run_service(
            form,
            services.create_process,
            actor=request.user,
            agency=agency,
            procedures=[chosen[pk] for pk in form.procedure_ids()],
            code=form.cleaned_data["code"],
            name=form.cleaned_data["name"],
            starter=form.cleaned_data["starter"],
        )
        if process:
            messages.success(
                request, _("Đã tạo quy trình “%(name)s” (dự thảo lần 01).") % {"name": process.name}
            )
            return redirect("processes:detail", pk=process.pk)
    return render(
        request,
        "processes/process_create.html",
        {"form": form, "agency": agency, "single_agency": len(agencies) == 1},
    )


@login_required
@require_http_methods(["GET", "POST"])
def process_edit(request, pk):
    process = _visible_process(request, pk)
    if not perms.can_edit_processes(request.user, process.agency):
        raise PermissionDenied
    procedures = _settled_procedures(process.agency)
    current = list(process.procedures.all())
    extra = [p for p in current if p not in procedures]
    initial = {"code": process.code, "name": process.name, "procedures": [p.pk for p in current]}
    form = ProcessEditForm(request.POST or None, initial=initial, procedures=procedures + extra)
    if request.method == "POST" and form.is_valid():
        chosen = {p.pk: p for p in procedures + extra}
        if run_service(
            form,
            services.update_process,
            actor=request.user,
            process=process,
            code=form.cleaned_data["code"],
            name=form.cleaned_data["name"],
            procedures=[chosen[pk] for pk in form.cleaned_data["procedures"]],
        ):
            messages.success(request, _("Đã cập nhật quy trình."))
            return redirect("processes:detail", pk=process.pk)
    return render(
        request,
        "processes/form_page.html",
        {"form": form, "process": process, "title": _("Sửa mã, tên, thủ tục áp dụng")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def process_delete(request, pk):
    process = _visible_process(request, pk)
    if not perms.can_edit_processes(request.user, process.agency):
        raise PermissionDenied
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        run_service(form, services.delete_process, actor=request.user, process=process)
        if not form.errors:
            messages.success(request, _("Đã xoá quy trình “%(name)s”.") % {"name": process.name})
            return redirect("processes:list")
    return render(
        request,
        "processes/form_page.html",
        {
            "form": form,
            "process": process,
            "title": _("Xoá quy trình"),
            "intro": _(
                "Chỉ xoá được quy trình chưa có phiên bản nào được phê duyệt. Việc xoá được ghi nhật ký."
            ),
            "danger": True,
        },
    )


# --- detail and the steps editor ---------------------------------------------------------------------------


def _permissions(user, process, version) -> dict:
    agency = process.agency
    editor = perms.can_edit_processes(user, agency)
    approver = perms.can_approve_process(user, agency)
    return {
        "can_edit": editor and version.is_draft,
        "can_edit_process": editor,
        "can_submit": perms.can_submit_process(user, agency) and version.is_draft,
        "can_approve": approver and version.status == ProcessStatus.SUBMITTED,
        "can_enact": approver and version.status == ProcessStatus.APPROVED,
        "can_resolve": perms.can_resolve_review(user, agency),
    }


def _editor_context(request, version: ProcessVersion, editing_number=None, form=None) -> dict:
    view = editor_view(version.design_obj)
    allowed = perms.can_edit_processes(request.user, version.process.agency) and version.is_draft
    return {
        "version": version,
        "process": version.process,
        "view": view,
        "can_edit": allowed,
        "editing": editing_number,
        "step_form": form,
    }


def _audit(request, process, versions):
    version_type = ProcessVersion._meta.label_lower
    flag_ids = [str(pk) for pk in ReviewFlag.objects.for_object(process).values_list("pk", flat=True)]
    q = Q(object_type=InternalProcess._meta.label_lower, object_id=str(process.pk))
    q |= Q(object_type=version_type, object_id__in=[str(v.pk) for v in versions])
    if flag_ids:
        q |= Q(object_type=ReviewFlag._meta.label_lower, object_id__in=flag_ids)
    return decorate(AuditEvent.objects.visible_to(request.user).filter(q).order_by("-id")[:50])


def _lifecycle_context(request, process, version, versions) -> dict:
    """What the lifecycle card needs (also re-rendered out of band after each edit of the steps)."""
    latest = versions[0] if versions else None
    permissions = _permissions(request.user, process, version)
    return {
        **permissions,
        "latest": latest,
        "return_form": ReturnForm(),
        "enact_form": InForceForm(initial={"valid_from": datetime.date.today()}),
        "new_version_form": NewVersionForm(),
        "can_new_version": permissions["can_edit_process"]
        and latest is not None
        and latest.status in (ProcessStatus.IN_FORCE, ProcessStatus.SUPERSEDED),
    }


def _detail_context(request, process, version, editing_number=None, form=None) -> dict:
    versions = list(
        process.versions.select_related("approved_by", "submitted_by", "enacted_by").order_by("-number")
    )
    today = datetime.date.today()
    flags = list(ReviewFlag.objects.for_object(process).order_by("status", "due_date"))
    context = {
        **_editor_context(request, version, editing_number, form),
        **_lifecycle_context(request, process, version, versions),
        "process": process,
        "versions": versions,
        "procedures": list(version.procedures.order_by("code")),
        "flags": flags,
        "open_flags": [f for f in flags if f.is_open],
        "events": _audit(request, process, versions),
        "resolve_form": ResolveForm(),
        "today": today,
    }
    context["can_delete"] = context["can_edit_process"] and not any(v.is_frozen for v in versions)
    return context


@login_required
def process_detail(request, pk):
    process = _visible_process(request, pk)
    chosen = request.GET.get("phien-ban")
    versions = process.versions.select_related("process__agency")
    if chosen:
        if not chosen.isdigit():
            raise Http404
        version = get_object_or_404(versions, pk=int(chosen))
    else:
        version = versions.order_by("-number").first()
        if version is None:
            raise Http404
    return render(request, "processes/process_detail.html", _detail_context(request, process, version))


def _editor_response(request, version, editing_number=None, form=None, status=200):
    """The editor partial for htmx; the whole page otherwise (a plain form post or a bookmarked link)."""
    version = ProcessVersion.objects.select_related("process__agency__parent").get(pk=version.pk)
    if request.htmx:
        versions = list(version.process.versions.order_by("-number"))
        context = {
            **_editor_context(request, version, editing_number, form),
            **_lifecycle_context(request, version.process, version, versions),
            "oob": True,  # the lifecycle card follows: "submit" is enabled once the design is valid
        }
        return render(request, "processes/partials/editor.html", context, status=status)
    if request.method == "POST" and form is None:
        return redirect(_detail_url(version))
    context = _detail_context(request, version.process, version, editing_number, form)
    return render(request, "processes/process_detail.html", context, status=status)


def _editable_version(request, vid) -> ProcessVersion:
    version = _visible_version(request, vid)
    if not perms.can_edit_processes(request.user, version.process.agency):
        raise PermissionDenied
    return version


@login_required
def editor(request, vid):
    """htmx partial: the steps editor as stored (also "cancel" of a row form)."""
    return _editor_response(request, _visible_version(request, vid))


@login_required
@require_http_methods(["GET", "POST"])
def step_add(request, vid):
    version = _editable_version(request, vid)
    count = len(version.design_obj.steps)
    if request.method == "GET":
        form = StepForm(
            initial={"position": count + 1, "time_unit": "hours", "kind": "task", "time_value": 4}
        )
        return _editor_response(request, version, "new", form)
    form = StepForm(request.POST)
    if form.is_valid():
        saved = run_service(
            form,
            services.save_step,
            actor=request.user,
            version=version,
            step=form.to_step(),
            position=form.cleaned_data["position"],
        )
        if saved:
            return _editor_response(request, version)
    return _editor_response(request, version, "new", form, status=422 if not request.htmx else 200)


@login_required
@require_http_methods(["GET", "POST"])
def step_edit(request, vid, number):
    version = _editable_version(request, vid)
    design = version.design_obj
    step = design.step(number)
    if step is None:
        raise Http404
    if request.method == "GET":
        return _editor_response(
            request, version, number, StepForm(initial=StepForm.initial_for(design, step))
        )
    form = StepForm(request.POST)
    if form.is_valid():
        saved = run_service(
            form,
            services.save_step,
            actor=request.user,
            version=version,
            step=form.to_step(),
            number=number,
            position=form.cleaned_data["position"],
        )
        if saved:
            return _editor_response(request, version)
    return _editor_response(request, version, number, form, status=422 if not request.htmx else 200)


@login_required
@require_POST
def step_delete(request, vid, number):
    version = _editable_version(request, vid)
    try:
        services.remove_step(actor=request.user, version=version, number=number)
    except PermissionRefused:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, " ".join(exc.messages))
    return _editor_response(request, version)


@login_required
@require_POST
def step_preview(request, vid):
    """htmx partial: validation of the design with the row being edited, before it is saved (live)."""
    version = _editable_version(request, vid)
    form = StepForm(request.POST)
    design = version.design_obj
    editing_number = request.POST.get("editing", "")
    if form.is_valid():
        number = int(editing_number) if editing_number.isdigit() else None
        try:
            design = editing.apply_row(design, form.to_step(), number, form.cleaned_data["position"])
        except KeyError:
            raise Http404 from None
    view = editor_view(design)
    return render(
        request,
        "processes/partials/validation.html",
        {
            "view": view,
            "preview": True,
            "form_errors": form.errors if form.is_bound and not form.is_valid() else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def header_edit(request, vid):
    version = _editable_version(request, vid)
    design = version.design_obj
    initial = {
        "legal_bases": "\n".join(design.legal_bases),
        "description": design.description,
        "change_note": version.change_note,
    }
    form = HeaderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if run_service(
            form,
            services.update_header,
            actor=request.user,
            version=version,
            legal_bases=form.lines(),
            description=form.cleaned_data["description"],
            change_note=form.cleaned_data["change_note"],
        ):
            messages.success(request, _("Đã cập nhật thông tin chung."))
            return redirect(_detail_url(version))
    return render(
        request,
        "processes/form_page.html",
        {
            "form": form,
            "process": version.process,
            "title": _("Thông tin chung của phiên bản %(v)s") % {"v": version.label},
        },
    )


# --- lifecycle -----------------------------------------------------------------------------------------------


def _lifecycle(request, version, service, form, success, **kwargs):
    if form.is_valid():
        try:
            service(actor=request.user, version=version, **{**kwargs, **form.cleaned_data})
        except PermissionRefused:
            raise PermissionDenied from None
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, success)
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(_detail_url(version))


@login_required
@require_POST
def version_submit(request, vid):
    version = _visible_version(request, vid)
    if not perms.can_submit_process(request.user, version.process.agency):
        raise PermissionDenied
    return _lifecycle(
        request, version, services.submit_version, NoteForm(request.POST), _("Đã trình thủ trưởng phê duyệt.")
    )


@login_required
@require_POST
def version_return(request, vid):
    version = _visible_version(request, vid)
    if not perms.can_approve_process(request.user, version.process.agency):
        raise PermissionDenied
    return _lifecycle(
        request, version, services.return_version, ReturnForm(request.POST), _("Đã trả lại để sửa.")
    )


@login_required
@require_POST
def version_approve(request, vid):
    version = _visible_version(request, vid)
    if not perms.can_approve_process(request.user, version.process.agency):
        raise PermissionDenied
    return _lifecycle(
        request, version, services.approve_version, NoteForm(request.POST), _("Đã phê duyệt quy trình.")
    )


@login_required
@require_POST
def version_enact(request, vid):
    version = _visible_version(request, vid)
    if not perms.can_approve_process(request.user, version.process.agency):
        raise PermissionDenied
    form = InForceForm(request.POST)
    day = form.cleaned_data["valid_from"].strftime("%d/%m/%Y") if form.is_valid() else ""
    return _lifecycle(
        request,
        version,
        services.put_in_force,
        form,
        _("Đã ban hành, áp dụng từ %(day)s.") % {"day": day},
    )


@login_required
@require_POST
def new_version(request, pk):
    process = _visible_process(request, pk)
    if not perms.can_edit_processes(request.user, process.agency):
        raise PermissionDenied
    form = NewVersionForm(request.POST)
    version = None
    if form.is_valid():
        try:
            version = services.start_new_version(
                actor=request.user, process=process, change_note=form.cleaned_data["change_note"]
            )
        except PermissionRefused:
            raise PermissionDenied from None
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
    if version is None:
        return redirect("processes:detail", pk=process.pk)
    messages.success(request, _("Đã tạo dự thảo lần %(v)s từ phiên bản đang áp dụng.") % {"v": version.label})
    return redirect(_detail_url(version))


# --- diff and files ------------------------------------------------------------------------------------------


@login_required
def version_diff(request, vid):
    version = _visible_version(request, vid)
    others = list(version.process.versions.exclude(pk=version.pk).order_by("-number"))
    chosen = request.GET.get("voi", "")
    if chosen.isdigit():
        other = next((v for v in others if v.pk == int(chosen)), None)
        if other is None:
            raise Http404
    else:
        other = (
            version.based_on
            if version.based_on_id
            else next((v for v in others if v.number < version.number), None)
        )
    context = {"version": version, "process": version.process, "other": other, "others": others}
    if other is not None:
        old, new = (other, version) if other.number < version.number else (version, other)
        diff = diff_designs(old.design_obj, new.design_obj)
        context.update({"old": old, "new": new, "diff": diff, "diff_text": render_text(diff)})
    return render(request, "processes/version_diff.html", context)


@login_required
def version_download(request, vid, file_format):
    version = _visible_version(request, vid)
    if file_format not in exports.FORMATS:
        raise Http404
    exported = exports.export(version, file_format)
    response = HttpResponse(exported.content, content_type=exported.content_type)
    disposition = "inline" if file_format == "svg" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{exported.file_name}"'
    return response


# --- legal-change watch --------------------------------------------------------------------------------------


@login_required
def review_list(request):
    visible = ReviewFlag.objects.visible_to(request.user)
    agencies = Agency.objects.filter(pk__in=visible.values("agency_id")).order_by("path").only("pk", "name")
    form = ReviewFilterForm(request.GET or None, agencies=agencies)
    data = form.cleaned_data if form.is_valid() else {}
    today = datetime.date.today()
    status = data.get("status", "")
    rows = visible
    if status == "overdue":
        rows = rows.overdue(today)
    elif status == "soon":
        rows = rows.due_within(30, today)
    elif status == "resolved":
        rows = rows.filter(status=ReviewStatus.RESOLVED)
    elif status != "all":
        rows = rows.open()
    if data.get("reason"):
        rows = rows.filter(reason=data["reason"])
    if data.get("agency"):
        rows = rows.filter(agency_id=data["agency"])
    rows = rows.select_related("agency", "content_type", "resolved_by").annotate(
        open_first=Case(
            When(status=ReviewStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    )
    page = Paginator(rows.order_by("open_first", "due_date", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # The flagged objects, one query per kind of object on the page (processes, documents…).
    prefetch_related_objects(list(page), "target")
    for flag in page:
        flag.overdue = flag.is_overdue(today)
        flag.days = flag.days_left(today)
        flag.late = -flag.days
        target = flag.target
        flag.url = target.get_absolute_url() if hasattr(target, "get_absolute_url") else ""
        flag.can_resolve = flag.is_open and perms.can_resolve_review(request.user, flag.agency)
    query = request.GET.copy()
    query.pop("page", None)
    counts = visible.open().aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
    return render(
        request,
        "processes/review_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "today": today,
            "counts": counts,
            "resolve_form": ResolveForm(),
        },
    )


@login_required
@require_POST
def review_resolve(request, pk):
    flag = get_object_or_404(ReviewFlag.objects.visible_to(request.user).select_related("agency"), pk=pk)
    if not perms.can_resolve_review(request.user, flag.agency):
        raise PermissionDenied
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.resolve_review(actor=request.user, flag=flag, resolution=form.cleaned_data["resolution"])
        except DomainError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã ghi nhận kết quả rà soát."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("processes:reviews")
