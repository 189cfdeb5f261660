"""Pages of the agency tree. Thin: scope → form → service → page."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from eiso.accounts import rules as perms
from eiso.accounts.models import Membership
from eiso.core.display import decorate
from eiso.core.models import AuditEvent
from eiso.core.views import run_action, run_service
from eiso.organizations import services
from eiso.organizations.forms import (
    AgencyChangeForm,
    AgencyCreateForm,
    AgencyFilterForm,
    ContactsForm,
    DissolveForm,
    OversightGrantForm,
)
from eiso.organizations.models import Agency, AgencyVersion, OversightScope

PAGE_SIZE = 50


def _visible_agency(request, pk) -> Agency:
    return get_object_or_404(Agency.objects.visible_to(request.user), pk=pk)


@login_required
def agency_list(request):
    form = AgencyFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    as_of = data.get("as_of")
    if as_of:
        rows = AgencyVersion.objects.as_of(as_of).visible_to(request.user).select_related("agency", "parent")
        if data.get("q"):
            rows = rows.filter(agency__in=Agency.objects.search(data["q"]).values("pk"))
        rows = rows.order_by("agency__path")
    else:
        rows = Agency.objects.visible_to(request.user).search(data.get("q", "")).select_related("parent")
        status = data.get("status") or "active"
        if status == "active":
            rows = rows.active_on()
        elif status == "ended":
            rows = rows.filter(valid_to__lt=datetime.date.today())
        rows = rows.with_counts().order_by("path")
    if data.get("kind"):
        rows = rows.filter(kind=data["kind"])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organizations/agency_list.html",
        {"form": form, "page": page, "as_of": as_of, "query": query.urlencode()},
    )


@login_required
def agency_children(request, pk):
    """htmx partial: the visible children of one agency, with their counts (tree on the home page)."""
    agency = _visible_agency(request, pk)
    children = (
        Agency.objects.visible_to(request.user)
        .filter(parent=agency)
        .active_on()
        .with_counts()
        .order_by("kind", "name")
    )
    return render(request, "organizations/partials/tree_rows.html", {"agencies": children})


@login_required
def agency_detail(request, pk):
    agency = _visible_agency(request, pk)
    today = datetime.date.today()
    versions = agency.versions.select_related("parent").order_by("-valid_from")
    members = (
        Membership.objects.filter(agency=agency)
        .select_related("user", "role")
        .order_by("-valid_to", "user__full_name")
    )
    children = (
        Agency.objects.visible_to(request.user).filter(parent=agency).with_counts().order_by("kind", "name")
    )
    events = decorate(AuditEvent.objects.visible_to(request.user).filter(agency=agency)[:50])
    context = {
        "agency": agency,
        "ancestors": Agency.objects.ancestors_of(agency).visible_to(request.user),
        "versions": versions,
        "current_version": next((v for v in versions if v.covers(today)), None),
        "successions_in": agency.successions_in.select_related("predecessor"),
        "successions_out": agency.successions_out.select_related("successor"),
        "members": members,
        "children": children,
        "events": events,
        "oversight_scopes": agency.oversight_scopes.select_related("root"),
        "can_change": perms.can_change_agency(request.user, agency),
        "can_add_child": perms.can_create_agency(request.user, agency, "internal_unit"),
        "can_manage_members": perms.can_manage_members(request.user, agency),
        "oversight_form": _oversight_form(request) if perms.is_admin(request.user) else None,
        "today": today,
    }
    return render(request, "organizations/agency_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agency_create(request, parent_pk):
    parent = _visible_agency(request, parent_pk)
    if not perms.can_create_agency(request.user, parent, "internal_unit") and not perms.is_admin(
        request.user
    ):
        raise PermissionDenied
    form = AgencyCreateForm(request.POST or None, initial={"kind": "internal_unit"})
    if request.method == "POST" and form.is_valid():
        agency = run_service(
            form, services.create_agency, actor=request.user, parent=parent, **form.cleaned_data
        )
        if agency:
            messages.success(request, _("Đã thêm “%(name)s”.") % {"name": agency.name})
            return redirect("organizations:detail", pk=agency.pk)
    return render(
        request,
        "organizations/agency_form.html",
        {"form": form, "agency": parent, "title": _("Thêm đơn vị trực thuộc"), "parent": parent},
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_change(request, pk):
    agency = _visible_agency(request, pk)
    if not perms.can_change_agency(request.user, agency):
        raise PermissionDenied
    initial = {
        name: getattr(agency, name) for name in ("name", "short_name", "kind", "admin_code", "electronic_id")
    }
    initial["parent"] = agency.parent
    parents = Agency.objects.visible_to(request.user).active_on().exclude(path__startswith=agency.path)
    form = AgencyChangeForm(request.POST or None, initial=initial, parents=parents)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        effective_from, reason, legal_basis = (
            data.pop("effective_from"),
            data.pop("reason"),
            data.pop("legal_basis"),
        )
        changes = {k: v for k, v in data.items() if v != initial.get(k)}
        version = run_service(
            form,
            services.change_agency,
            actor=request.user,
            agency=agency,
            effective_from=effective_from,
            reason=reason,
            legal_basis=legal_basis,
            **changes,
        )
        if version:
            messages.success(
                request,
                _("Đã ghi nhận phiên bản mới áp dụng từ %(day)s.")
                % {"day": effective_from.strftime("%d/%m/%Y")},
            )
            return redirect("organizations:detail", pk=agency.pk)
    return render(
        request,
        "organizations/agency_form.html",
        {
            "form": form,
            "agency": agency,
            "title": _("Thay đổi tên, loại, cấp trên hoặc mã"),
            "intro": _(
                "Thay đổi được ghi thành một phiên bản mới từ ngày áp dụng; lịch sử cũ được giữ nguyên."
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_contacts(request, pk):
    agency = _visible_agency(request, pk)
    if not perms.can_change_agency(request.user, agency):
        raise PermissionDenied
    form = ContactsForm(
        request.POST or None, initial={n: getattr(agency, n) for n in services.CONTACT_FIELDS}
    )
    if request.method == "POST" and form.is_valid():
        if run_service(
            form, services.update_contacts, actor=request.user, agency=agency, **form.cleaned_data
        ):
            messages.success(request, _("Đã cập nhật thông tin liên hệ."))
            return redirect("organizations:detail", pk=agency.pk)
    return render(
        request,
        "organizations/agency_form.html",
        {"form": form, "agency": agency, "title": _("Sửa địa chỉ, liên hệ")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_dissolve(request, pk):
    agency = _visible_agency(request, pk)
    if not perms.can_change_agency(request.user, agency):
        raise PermissionDenied
    form = DissolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if run_service(
            form, services.dissolve_agency, actor=request.user, agency=agency, **form.cleaned_data
        ):
            messages.success(request, _("Đã ghi nhận kết thúc hoạt động."))
            return redirect("organizations:detail", pk=agency.pk)
    return render(
        request,
        "organizations/agency_form.html",
        {"form": form, "agency": agency, "title": _("Kết thúc hoạt động"), "danger": True},
    )


def _oversight_form(request, data=None):
    roots = Agency.objects.active_on().filter(depth__lte=1).order_by("path")
    return OversightGrantForm(data, roots=roots)


@login_required
@require_http_methods(["POST"])
def oversight_grant(request, pk):
    """Administrators give the agency on the page oversight of a subtree (e.g. a province)."""
    agency = _visible_agency(request, pk)
    if not perms.is_admin(request.user):
        raise PermissionDenied
    form = _oversight_form(request, request.POST)
    if form.is_valid():
        if run_service(
            form, services.grant_oversight, actor=request.user, overseer=agency, **form.cleaned_data
        ):
            messages.success(request, _("Đã giao phạm vi theo dõi."))
            return redirect("organizations:detail", pk=agency.pk)
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))
    return redirect("organizations:detail", pk=agency.pk)


@login_required
@require_http_methods(["POST"])
def oversight_end(request, pk):
    scope = get_object_or_404(OversightScope.objects.visible_to(request.user), pk=pk)
    if not perms.is_admin(request.user):
        raise PermissionDenied
    run_action(
        request,
        services.end_oversight,
        _("Đã kết thúc phạm vi theo dõi."),
        actor=request.user,
        scope=scope,
        last_day=datetime.date.today(),
    )
    return redirect("organizations:detail", pk=scope.overseer_id)
