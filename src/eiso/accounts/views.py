"""Log-in, profile, users and memberships. Thin: scope → form → service → page."""

import datetime

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from eiso.accounts import roles, services
from eiso.accounts import rules as perms
from eiso.accounts.forms import LoginForm, MembershipForm, ProfileForm, UserCreateForm, UserFilterForm
from eiso.accounts.middleware import SESSION_KEY, memberships_agencies
from eiso.accounts.models import Membership, Role, User
from eiso.core.display import decorate
from eiso.core.models import AuditEvent
from eiso.core.views import run_action, run_service
from eiso.organizations.models import Agency


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def locked_out(request, original_response=None, credentials=None, *args, **kwargs):
    """django-axes calls this after 5 failed attempts in 15 minutes for one account from one address."""
    message = _(
        "Tài khoản tạm thời bị khoá do đăng nhập sai 5 lần trong 15 phút. "
        "Vui lòng thử lại sau 15 phút hoặc liên hệ quản trị hệ thống."
    )
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": message, "code": "locked_out"}, status=429)
    return render(
        request, "accounts/login.html", {"form": LoginForm(request), "lockout_message": message}, status=429
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/form_page.html"
    success_url = reverse_lazy("accounts:profile")
    extra_context = {"title": _("Đổi mật khẩu")}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        for field in form.fields.values():
            field.widget.attrs["class"] = "form-control"
        return form

    def form_valid(self, form):
        services.set_password(
            actor=self.request.user,
            user=self.request.user,
            password=form.cleaned_data["new_password1"],
            reason="password_change",
        )
        from django.contrib.auth import update_session_auth_hash

        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return redirect(self.success_url)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/form_page.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_context = {
        "title": _("Quên mật khẩu"),
        "anonymous": True,
        "intro": _("Nhập thư điện tử của tài khoản; hệ thống sẽ gửi đường dẫn đặt lại mật khẩu."),
    }

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["email"].label = _("Thư điện tử")
        form.fields["email"].widget.attrs["class"] = "form-control"
        return form


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/form_page.html"
    success_url = reverse_lazy("accounts:login")
    extra_context = {"title": _("Đặt lại mật khẩu"), "anonymous": True}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        for field in form.fields.values():
            field.widget.attrs["class"] = "form-control"
        return form

    def form_valid(self, form):
        services.set_password(
            actor=self.user,
            user=self.user,
            password=form.cleaned_data["new_password1"],
            reason="password_reset",
        )
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        messages.success(self.request, _("Đã đặt lại mật khẩu. Hãy đăng nhập bằng mật khẩu mới."))
        return redirect(self.success_url)


def password_reset_done(request):
    messages.info(request, _("Nếu thư điện tử có trong hệ thống, đường dẫn đặt lại mật khẩu đã được gửi."))
    return redirect("accounts:login")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    form = ProfileForm(
        request.POST or None, initial={n: getattr(user, n) for n in services.SELF_SERVICE_FIELDS}
    )
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if v != getattr(user, k)}
        if not changes:
            messages.info(request, _("Không có thay đổi nào."))
            return redirect("accounts:profile")
        if run_service(form, services.update_user, actor=user, user=user, **changes):
            messages.success(request, _("Đã cập nhật hồ sơ."))
            return redirect("accounts:profile")
    memberships = user.memberships.select_related("agency", "role").order_by("-valid_from")
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "memberships": memberships, "today": datetime.date.today()},
    )


@login_required
@require_POST
def switch_agency(request):
    agency_id = request.POST.get("agency", "")
    allowed = {a.pk for a in memberships_agencies(request.user)}
    if not agency_id.isdigit() or int(agency_id) not in allowed:
        raise PermissionDenied
    request.session[SESSION_KEY] = int(agency_id)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse_lazy("web:home")
    return redirect(target)


@login_required
def user_list(request):
    """The directory of people in the user's scope; only member managers see the "add" button."""
    form = UserFilterForm(request.GET or None)
    users = (
        User.objects.visible_to(request.user)
        .search(request.GET.get("q", ""))
        .order_by("full_name", "username")
    )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    _attach_active_memberships(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    can_create = perms.is_admin(request.user) or perms.manages_any_members(request.user)
    return render(
        request,
        "accounts/user_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "can_create": can_create},
    )


def _attach_active_memberships(users) -> None:
    """One query for the memberships of a whole page of users (no N+1)."""
    by_user: dict[int, list] = {u.pk: [] for u in users}
    for m in Membership.objects.active_on().filter(user__in=users).select_related("agency", "role"):
        by_user[m.user_id].append(m)
    for user in users:
        user.active_memberships = by_user[user.pk]


def _grantable(request):
    """Agencies where the actor may grant roles, and the roles they may grant."""
    if perms.is_admin(request.user):
        return Agency.objects.active_on(), Role.objects.all()
    managed = [
        m.agency
        for m in request.user.memberships.active_on().select_related("agency", "role")
        if m.role.code in roles.MEMBER_MANAGER_ROLES
    ]
    agencies = Agency.objects.none()
    for agency in managed:
        agencies |= Agency.objects.subtree(agency)
    return agencies.active_on(), Role.objects.exclude(code__in=roles.RESTRICTED_ROLES)


def _visible_user(request, pk) -> User:
    return get_object_or_404(User.objects.visible_to(request.user), pk=pk)


@login_required
def user_detail(request, pk):
    target = _visible_user(request, pk)
    can_manage = perms.can_manage_user(request.user, target)
    agencies, grantable_roles = _grantable(request)
    form = MembershipForm(agencies=agencies, roles=grantable_roles) if can_manage else None
    memberships = (
        Membership.objects.visible_to(request.user)
        .filter(user=target)
        .select_related("agency", "role")
        .order_by("-valid_from")
    )
    events = decorate(
        AuditEvent.objects.visible_to(request.user)
        .filter(object_type__in=["accounts.user", "accounts.membership"])
        .filter(object_id__in=[str(target.pk), *[str(m.pk) for m in memberships]])[:50]
    )
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "memberships": memberships,
            "form": form,
            "can_manage": can_manage,
            "events": events,
            "today": datetime.date.today(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    agencies, grantable_roles = _grantable(request)
    if not agencies.exists():
        raise PermissionDenied
    initial = {"include_descendants": True}
    if request.GET.get("agency", "").isdigit():
        initial["agency"] = int(request.GET["agency"])
    form = UserCreateForm(request.POST or None, agencies=agencies, roles=grantable_roles, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        role = data.pop("role")
        user = run_service(form, services.create_user, actor=request.user, role_code=role.code, **data)
        if user:
            messages.success(request, _("Đã tạo tài khoản %(name)s.") % {"name": user})
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/form_page.html", {"form": form, "title": _("Thêm người dùng")})


@login_required
@require_POST
def membership_grant(request, pk):
    target = _visible_user(request, pk)
    if not perms.can_manage_user(request.user, target) and not perms.manages_any_members(request.user):
        raise PermissionDenied
    agencies, grantable_roles = _grantable(request)
    form = MembershipForm(request.POST, agencies=agencies, roles=grantable_roles)
    if form.is_valid():
        data = dict(form.cleaned_data)
        role = data.pop("role")
        if run_service(
            form, services.grant_membership, actor=request.user, user=target, role_code=role.code, **data
        ):
            messages.success(request, _("Đã giao vai trò."))
            return redirect("accounts:user_detail", pk=target.pk)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
@require_POST
def membership_end(request, pk):
    membership = get_object_or_404(Membership.objects.visible_to(request.user), pk=pk)
    run_action(
        request, services.end_membership, _("Đã thu hồi vai trò."), actor=request.user, membership=membership
    )
    return redirect("accounts:user_detail", pk=membership.user_id)


@login_required
@require_POST
def user_set_active(request, pk):
    target = _visible_user(request, pk)
    active = request.POST.get("is_active") == "1"
    success = _("Đã mở khoá tài khoản.") if active else _("Đã khoá tài khoản.")
    run_action(request, services.update_user, success, actor=request.user, user=target, is_active=active)
    return redirect("accounts:user_detail", pk=target.pk)
