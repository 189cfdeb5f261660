"""Pages of the document register. Thin: scope → form → service → page.

Documents of another agency answer 404 (found through `visible_to(request.user)`).
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from eiso.core.display import decorate
from eiso.core.errors import Conflict, DomainError
from eiso.core.models import AuditEvent
from eiso.core.views import run_service
from eiso.documents import files, importing, search, services, starter
from eiso.documents import rules as perms
from eiso.documents.forms import (
    ChangeRequestForm,
    DecideForm,
    DistributeForm,
    DocumentEditForm,
    DocumentForm,
    ExternalForm,
    ImportForm,
    IssueForm,
    NumberingSchemeForm,
    ReasonForm,
    RegisterFilterForm,
    ReplaceForm,
    SignForm,
    UploadForm,
)
from eiso.documents.models import (
    Acknowledgement,
    ChangeRequest,
    Document,
    DocumentKind,
    DocumentVersion,
    ExternalDocument,
    VersionStatus,
)
from eiso.organizations.models import Agency

PAGE_SIZE = 50


def _units(request):
    agency = getattr(request, "active_agency", None)
    if not agency:
        return Agency.objects.none()
    return Agency.objects.filter(path__startswith=agency.path).active_on().order_by("path")


def _document(request, pk) -> Document:
    return get_object_or_404(Document.objects.visible_to(request.user).select_related("agency"), pk=pk)


def _version(request, pk) -> DocumentVersion:
    return get_object_or_404(
        DocumentVersion.objects.visible_to(request.user).select_related("document__agency"), pk=pk
    )


def _can_number(request) -> bool:
    """Whether the "Quy tắc đánh mã" tab shows: the register's managers of the active agency."""
    agency = getattr(request, "active_agency", None)
    return bool(agency) and perms.can_manage_documents(request.user, agency)


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def register(request):
    """Danh mục tài liệu: filters by kind, status of the newest version and owning unit; `q` searches code,
    title and content (without diacritics) and shows the hit highlighted."""
    form = RegisterFilterForm(request.GET or None, units=_units(request))
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("q"):
        rows = search.search_versions(
            request.user,
            data["q"],
            kind=data.get("kind", ""),
            status=data.get("status", ""),
            unit=data.get("unit"),
        )
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        for version in page:
            version.snippet = search.highlight(f"{version.document.code} {version.document.title}", data["q"])
        if page.object_list:
            texts = dict(
                DocumentVersion.objects.filter(pk__in=[v.pk for v in page]).values_list("pk", "text")
            )
            for version in page:
                body = texts.get(version.pk) or ""
                version.content_snippet = search.highlight(body, data["q"], 220) if body else ""
        return render(
            request,
            "documents/register.html",
            {
                "form": form,
                "page": page,
                "hits": True,
                "query": _query(request),
                "can_number": _can_number(request),
            },
        )
    rows = Document.objects.visible_to(request.user).for_list()
    if data.get("kind"):
        rows = rows.filter(kind=data["kind"])
    if data.get("status"):
        rows = rows.filter(latest_version__status=data["status"])
    if data.get("unit"):
        rows = rows.filter(owner_unit=data["unit"])
    page = Paginator(rows.order_by("agency__path", "kind", "code"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    agency = getattr(request, "active_agency", None)
    return render(
        request,
        "documents/register.html",
        {
            "form": form,
            "page": page,
            "hits": False,
            "query": _query(request),
            "can_create": bool(agency) and perms.can_edit_documents(request.user, agency),
            "can_start": bool(agency) and perms.can_manage_documents(request.user, agency),
            "can_number": _can_number(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request):
    agency = getattr(request, "active_agency", None)
    if not agency or not perms.can_edit_documents(request.user, agency):
        raise Http404
    form = DocumentForm(request.POST or None, request.FILES or None, units=_units(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        upload = d.get("file")
        document = run_service(
            form,
            services.create_document,
            actor=request.user,
            agency=agency,
            kind=d["kind"],
            title=d["title"],
            code=d.get("code", ""),
            owner_unit=d.get("owner_unit"),
            review_months=d["review_months"],
            confidentiality=d["confidentiality"],
            data=upload.read() if upload else None,
            file_name=upload.name if upload else "",
            change_summary=d.get("change_summary", ""),
        )
        if document:
            messages.success(request, _("Đã thêm tài liệu %(code)s.") % {"code": document.code})
            return redirect(document)
    return render(
        request, "documents/form_page.html", {"form": form, "title": _("Thêm tài liệu"), "multipart": True}
    )


@login_required
@require_POST
def start_kit(request):
    agency = getattr(request, "active_agency", None)
    if not agency or not perms.can_manage_documents(request.user, agency):
        raise Http404
    created = starter.start_qms(actor=request.user, agency=agency)
    messages.success(request, _("Đã tạo %(n)s dự thảo theo mô hình khung.") % {"n": len(created)})
    return redirect("documents:register")


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request, pk):
    """Sửa thông tin tài liệu: title, owning unit, review period, confidentiality, the effective date of
    the version in force, and the links to an internal process and to external (legal) documents."""
    from eiso.processes.models import InternalProcess

    document = get_object_or_404(
        Document.objects.visible_to(request.user).select_related(
            "agency", "owner_unit", "current_version", "latest_version"
        ),
        pk=pk,
    )
    if not perms.can_edit_metadata(request.user, document):
        raise Http404
    agency = document.agency
    current = document.current_version
    in_force = current is not None and current.status == VersionStatus.ISSUED
    withdrawn = (
        current is not None
        and current.status == VersionStatus.WITHDRAWN
        and document.latest_version_id == current.pk
    )
    initial = {
        "title": document.title,
        "owner_unit": document.owner_unit_id,
        "review_months": document.review_months,
        "confidentiality": document.confidentiality,
        "effective_date": current.effective_date if in_force else None,
        "process": document.process_id,
        "external_documents": list(document.external_references.values_list("pk", flat=True)),
    }
    form = DocumentEditForm(
        request.POST or None,
        initial=initial,
        units=Agency.objects.filter(path__startswith=agency.path).active_on().order_by("path"),
        processes=InternalProcess.objects.filter(agency=agency).order_by("code"),
        externals=ExternalDocument.objects.filter(agency=agency)
        .select_related("legal_document")
        .order_by("legal_document__number"),
        with_effective_date=in_force,
    )
    if request.method == "POST" and form.is_valid():
        result = run_service(
            form, services.update_document, actor=request.user, document=document, **form.cleaned_data
        )
        if result is not None:
            messages.success(request, _("Đã lưu thông tin tài liệu %(code)s.") % {"code": document.code})
            return redirect(document)
    return render(
        request,
        "documents/document_edit.html",
        {
            "form": form,
            "document": document,
            "current": current,
            "in_force": in_force,
            "withdrawn": withdrawn,
        },
    )


@login_required
def numbering(request):
    """Quy tắc đánh mã: the agency's pattern and next code for each kind of document."""
    agency = getattr(request, "active_agency", None)
    if not _can_number(request):
        raise Http404
    return render(
        request,
        "documents/numbering.html",
        {"agency": agency, "rows": services.numbering_overview(agency), "can_number": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def numbering_edit(request, kind):
    agency = getattr(request, "active_agency", None)
    if not _can_number(request) or kind not in DocumentKind.values:
        raise Http404
    row = next(r for r in services.numbering_overview(agency) if r["kind"] == kind)
    scheme = row["scheme"]
    form = NumberingSchemeForm(
        request.POST or None, initial={"pattern": scheme.pattern, "next_number": scheme.next_number}
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            services.save_numbering_scheme,
            actor=request.user,
            agency=agency,
            kind=kind,
            pattern=form.cleaned_data["pattern"],
            next_number=form.cleaned_data["next_number"],
        )
        if saved is not None:
            messages.success(
                request,
                _("Đã lưu quy tắc đánh mã “%(kind)s”: tài liệu tiếp theo sẽ có mã %(code)s.")
                % {"kind": row["label"], "code": services.preview_code(agency, kind)},
            )
            return redirect("documents:numbering")
    return render(
        request,
        "documents/numbering_form.html",
        {"form": form, "row": row, "agency": agency},
    )


def _audit(request, document, versions):
    q = Q(object_type=Document._meta.label_lower, object_id=str(document.pk))
    q |= Q(object_type=DocumentVersion._meta.label_lower, object_id__in=[str(v.pk) for v in versions])
    return decorate(AuditEvent.objects.visible_to(request.user).filter(q).order_by("-id")[:50])


@login_required
def document_detail(request, pk):
    from eiso.processes.models import ReviewFlag

    document = _document(request, pk)
    versions = list(
        document.versions.select_related("created_by")
        .prefetch_related("signatures__signer")
        .order_by("-number")
    )
    latest = versions[0] if versions else None
    user = request.user
    current = document.current_version
    read, unread = services.read_status(document)
    acknowledged = current is not None and Acknowledgement.objects.filter(version=current, user=user).exists()
    agency = document.agency
    context = {
        "document": document,
        "versions": versions,
        "latest": latest,
        "current": current,
        "read": read,
        "unread": unread,
        "acknowledged": acknowledged,
        "distributions": document.distributions.select_related("unit", "user"),
        "change_requests": document.change_requests.select_related("raised_by", "decided_by"),
        "open_flags": ReviewFlag.objects.for_object(document).open(),
        "events": _audit(request, document, versions),
        "can_edit": perms.can_edit_documents(user, agency),
        "can_review": perms.can_review_document(user, agency),
        "can_approve": perms.can_approve_document(user, document),
        "can_manage": perms.can_manage_documents(user, agency),
        "can_withdraw": perms.can_withdraw_document(user, agency),
        "can_edit_metadata": perms.can_edit_metadata(user, document),
        "external_refs": document.external_references.select_related("legal_document").order_by(
            "legal_document__number"
        ),
        "can_take_part": perms.can_take_part(user, agency),
        "upload_form": UploadForm(),
        "sign_form": SignForm(),
        "reason_form": ReasonForm(),
        "issue_form": IssueForm(initial={"effective_date": datetime.date.today()}),
        "distribute_form": DistributeForm(
            units=Agency.objects.filter(path__startswith=agency.path).active_on()
        ),
        "change_form": ChangeRequestForm(),
        "decide_form": DecideForm(),
        "locked_by_other": document.locked_by_id and document.locked_by_id != user.pk,
    }
    return render(request, "documents/document_detail.html", context)


def _act(http, target, form, service, success, /, **kwargs):
    """Run a lifecycle service from a small form on the document page; errors come back as messages."""
    if form.is_valid() and run_service(form, service, **kwargs) is not None:
        messages.success(http, success)
        return redirect(target)
    for errors in form.errors.values():
        for error in errors:
            messages.error(http, error)
    return redirect(target)


@login_required
@require_POST
def version_upload(request, pk):
    document = _document(request, pk)
    form = UploadForm(request.POST, request.FILES)
    upload = request.FILES.get("file")
    return _act(
        request,
        document,
        form,
        services.upload_version,
        _("Đã tải lên dự thảo mới."),
        actor=request.user,
        document=document,
        data=upload.read() if upload else b"",
        file_name=upload.name if upload else "",
        change_summary=request.POST.get("change_summary", ""),
    )


@login_required
@require_POST
def document_lock(request, pk):
    document = _document(request, pk)
    form = ReasonForm({"reason": "-"})
    service = services.unlock_document if request.POST.get("release") else services.lock_document
    return _act(
        request,
        document,
        form,
        service,
        _("Đã cập nhật quyền soạn thảo."),
        actor=request.user,
        document=document,
    )


_SIGNED = {
    "submit": (services.submit_version, _("Đã ký và trình xem xét.")),
    "review": (services.review_version, _("Đã ký xem xét.")),
    "approve": (services.approve_version, _("Đã ký phê duyệt.")),
}


@login_required
@require_POST
def version_sign(request, pk, step):
    version = _version(request, pk)
    if step not in _SIGNED:
        raise Http404
    service, success = _SIGNED[step]
    form = SignForm(request.POST)
    return _act(
        request,
        version.document,
        form,
        service,
        success,
        actor=request.user,
        version=version,
        password=request.POST.get("password", ""),
        note=request.POST.get("note", ""),
    )


@login_required
@require_POST
def version_return(request, pk):
    version = _version(request, pk)
    form = ReasonForm(request.POST)
    return _act(
        request,
        version.document,
        form,
        services.return_version,
        _("Đã trả lại dự thảo."),
        actor=request.user,
        version=version,
        reason=request.POST.get("reason", ""),
    )


@login_required
@require_POST
def version_issue(request, pk):
    version = _version(request, pk)
    form = IssueForm(request.POST)
    effective = form.cleaned_data.get("effective_date") if form.is_valid() else None
    return _act(
        request,
        version.document,
        form,
        services.issue_version,
        _("Đã ban hành."),
        actor=request.user,
        version=version,
        effective_date=effective,
    )


@login_required
@require_POST
def document_withdraw(request, pk):
    document = _document(request, pk)
    form = ReasonForm(request.POST)
    return _act(
        request,
        document,
        form,
        services.withdraw_document,
        _("Đã thu hồi tài liệu."),
        actor=request.user,
        document=document,
        reason=request.POST.get("reason", ""),
    )


@login_required
@require_POST
def version_acknowledge(request, pk):
    version = _version(request, pk)
    form = ReasonForm({"reason": "-"})
    return _act(
        request,
        version.document,
        form,
        services.acknowledge,
        _("Đã xác nhận đọc và hiểu."),
        actor=request.user,
        version=version,
    )


@login_required
@require_POST
def document_distribute(request, pk):
    document = _document(request, pk)
    form = DistributeForm(request.POST, units=Agency.objects.filter(path__startswith=document.agency.path))
    units = form.cleaned_data.get("units", []) if form.is_valid() else []
    return _act(
        request,
        document,
        form,
        services.distribute,
        _("Đã phân phối."),
        actor=request.user,
        document=document,
        units=units,
    )


@login_required
@require_POST
def change_request_raise(request, pk):
    document = _document(request, pk)
    form = ChangeRequestForm(request.POST)
    return _act(
        request,
        document,
        form,
        services.raise_change_request,
        _("Đã gửi đề nghị sửa đổi."),
        actor=request.user,
        document=document,
        text=request.POST.get("text", ""),
    )


@login_required
@require_POST
def change_request_decide(request, pk):
    change = get_object_or_404(ChangeRequest.objects.visible_to(request.user), pk=pk)
    form = DecideForm(request.POST)
    return _act(
        request,
        change.document,
        form,
        services.decide_change_request,
        _("Đã xử lý đề nghị."),
        actor=request.user,
        request=change,
        accept=request.POST.get("accept") == "1",
        note=request.POST.get("note", ""),
    )


def _serve(version, inline: bool):
    try:
        data, media_type, name = services.download(version)
    except Conflict as exc:
        return HttpResponse(exc.messages[0], status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type=media_type)
    disposition = "inline" if inline else "attachment"
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(not inline, name) or disposition
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def version_download(request, pk):
    return _serve(_version(request, pk), inline=False)


@login_required
@xframe_options_sameorigin
def version_preview(request, pk):
    """The PDF shown in the page: the file itself, or a DOCX converted by LibreOffice when installed."""
    version = _version(request, pk)
    if version.is_pdf:
        return _serve(version, inline=True)
    if version.media_type != files.DOCX:
        raise Http404
    try:
        data = services.read_verified(version)
    except Conflict as exc:
        return HttpResponse(exc.messages[0], status=409, content_type="text/plain; charset=utf-8")
    pdf = files.to_pdf(data)
    if pdf is None:
        raise Http404
    if version.is_obsolete:
        pdf = files.stamp_pdf(pdf)
    return HttpResponse(pdf, content_type="application/pdf")


@login_required
def my_documents(request):
    """Tài liệu cần đọc: documents in force distributed to me that I have not acknowledged."""
    user = request.user
    rows = Document.objects.visible_to(user).to_read_by(user).for_list().order_by("code")
    return render(request, "documents/my_documents.html", {"rows": rows, "can_number": _can_number(request)})


@login_required
def reviews_due(request):
    """Đến hạn soát xét định kỳ (within 30 days or past)."""
    rows = Document.objects.visible_to(request.user).review_due().for_list().order_by("next_review_on")
    return render(
        request,
        "documents/reviews_due.html",
        {"rows": rows, "today": datetime.date.today(), "can_number": _can_number(request)},
    )


# --- external documents -------------------------------------------------------------------------------


@login_required
def external_list(request):
    from eiso.processes.models import ReviewFlag

    q = request.GET.get("q", "")
    rows = (
        ExternalDocument.objects.visible_to(request.user)
        .search(q)
        .select_related("agency", "legal_document__replaced_by")
        .prefetch_related(
            Prefetch("documents", queryset=Document.objects.visible_to(request.user)),
            "processes",
            "procedures",
        )
        .order_by("legal_document__number")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    agency = getattr(request, "active_agency", None)
    flags = (
        ReviewFlag.objects.visible_to(request.user)
        .open()
        .filter(reason="external_document")
        .select_related("agency")
    )
    return render(
        request,
        "documents/external_list.html",
        {
            "page": page,
            "q": q,
            "query": _query(request),
            "flags": flags[:50],
            "can_manage": bool(agency) and perms.can_manage_documents(request.user, agency),
            "can_number": _can_number(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def external_create(request):
    agency = getattr(request, "active_agency", None)
    if not agency or not perms.can_manage_documents(request.user, agency):
        raise Http404
    form = ExternalForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        upload = d.pop("file", None)
        entry = run_service(
            form,
            services.add_external_document,
            actor=request.user,
            agency=agency,
            data=upload.read() if upload else None,
            file_name=upload.name if upload else "",
            **d,
        )
        if entry:
            messages.success(request, _("Đã thêm văn bản %(n)s.") % {"n": entry.legal_document.number})
            return redirect("documents:external")
    return render(
        request,
        "documents/form_page.html",
        {
            "form": form,
            "title": _("Thêm tài liệu bên ngoài"),
            "multipart": True,
            "back": "documents:external",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def external_replace(request, pk):
    entry = get_object_or_404(
        ExternalDocument.objects.visible_to(request.user).select_related("agency", "legal_document"), pk=pk
    )
    if not perms.can_manage_documents(request.user, entry.agency):
        raise Http404
    form = ReplaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        flags = run_service(
            form, services.replace_external_document, actor=request.user, entry=entry, **form.cleaned_data
        )
        if flags is not None:
            messages.success(
                request,
                _("Đã ghi nhận văn bản bị thay thế; %(n)s đối tượng cần rà soát.") % {"n": len(flags)},
            )
            return redirect("documents:external")
    return render(
        request,
        "documents/form_page.html",
        {
            "form": form,
            "title": _("Ghi nhận văn bản bị thay thế: %(n)s") % {"n": entry.legal_document.number},
            "back": "documents:external",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def external_import(request):
    agency = getattr(request, "active_agency", None)
    if not agency or not perms.can_manage_documents(request.user, agency):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = run_service(
            form,
            importing.import_external_xlsx,
            actor=request.user,
            agency=agency,
            data=form.cleaned_data["file"].read(),
        )
        if result is not None:
            messages.success(request, _("Đã nhập %(n)s văn bản.") % {"n": result})
            return redirect("documents:external")
    return render(
        request,
        "documents/form_page.html",
        {
            "form": form,
            "title": _("Nhập danh mục tài liệu bên ngoài (XLSX)"),
            "multipart": True,
            "back": "documents:external",
        },
    )


__all__ = ["DomainError"]
