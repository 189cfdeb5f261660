"""Every change to users and memberships: one transaction, permission-checked, audited."""

import datetime

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from eiso.accounts import rules as perms
from eiso.accounts.models import Membership, Role, User
from eiso.accounts.scope import forget_scope
from eiso.core.audit import record_event, snapshot
from eiso.core.errors import DomainError, PermissionRefused

USER_FIELDS = ("username", "full_name", "email", "phone", "position", "is_active")
# What a person may change on their own profile without a member manager.
SELF_SERVICE_FIELDS = {"full_name", "email", "phone", "position"}


def _user_snapshot(user: User) -> dict:
    return snapshot(user, USER_FIELDS)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionRefused()


@transaction.atomic
def create_user(
    *,
    actor,
    username: str,
    full_name: str,
    email: str = "",
    phone: str = "",
    position: str = "",
    password: str | None = None,
    agency=None,
    role_code: str | None = None,
    include_descendants: bool = True,
) -> User:
    """Tạo tài khoản, usually with its first membership (required unless the actor is an administrator)."""
    if actor is not None:
        if agency is None:
            _require(perms.is_admin(actor))
        else:
            _require(perms.can_grant_role(actor, agency, role_code or ""))
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(
            _("Tên đăng nhập “%(name)s” đã tồn tại.") % {"name": username}, code="duplicate", field="username"
        )
    # A name that is someone else's e-mail (or the reverse) would make both ambiguous at log-in.
    if User.objects.filter(email__iexact=username).exists() or (
        email and User.objects.filter(username__iexact=email).exists()
    ):
        raise DomainError(
            _("Tên đăng nhập hoặc thư điện tử trùng với thông tin đăng nhập của tài khoản khác."),
            code="ambiguous_login",
            field="username",
        )
    if email and User.objects.filter(email__iexact=email).exists():
        raise DomainError(
            _("Thư điện tử “%(email)s” đã được dùng cho tài khoản khác.") % {"email": email},
            code="duplicate",
            field="email",
        )
    user = User(username=username, full_name=full_name.strip(), email=email, phone=phone, position=position)
    if password:
        password_validation.validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    record_event(actor=actor, verb="user.create", obj=user, agency=agency, after=_user_snapshot(user))
    if agency is not None and role_code:
        grant_membership(
            actor=actor,
            user=user,
            agency=agency,
            role_code=role_code,
            include_descendants=include_descendants,
        )
    return user


@transaction.atomic
def update_user(*, actor, user: User, **changes) -> User:
    unknown = set(changes) - set(USER_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    user = User.objects.select_for_update(no_key=True).get(pk=user.pk)
    if actor is not None:
        own_profile = actor.pk == user.pk and set(changes) <= SELF_SERVICE_FIELDS
        _require(own_profile or perms.can_manage_user(actor, user))
        if actor.pk == user.pk and changes.get("is_active") is False:
            raise DomainError(_("Bạn không thể tự khoá tài khoản của mình."), code="self_lock")
    before = _user_snapshot(user)
    email = changes.get("email")
    if email and User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise DomainError(
            _("Thư điện tử “%(email)s” đã được dùng cho tài khoản khác.") % {"email": email},
            code="duplicate",
            field="email",
        )
    for name, value in changes.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    record_event(actor=actor, verb="user.update", obj=user, before=before, after=_user_snapshot(user))
    return user


@transaction.atomic
def set_password(*, actor, user: User, password: str, reason: str = "") -> User:
    """Đặt mật khẩu: by the user (password change/reset) or by someone who manages them."""
    if actor is not None and actor.pk != user.pk:
        _require(perms.can_manage_user(actor, user))
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record_event(actor=actor or user, verb="user.password", obj=user, reason=reason)
    return user


def _role(code: str) -> Role:
    try:
        return Role.objects.get(code=code)
    except Role.DoesNotExist:
        raise DomainError(
            _("Vai trò “%(code)s” không tồn tại.") % {"code": code}, code="unknown_role", field="role"
        ) from None


@transaction.atomic
def grant_membership(
    *,
    actor,
    user: User,
    agency,
    role_code: str,
    include_descendants: bool = True,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
) -> Membership:
    """Giao vai trò: the user holds `role_code` in `agency` from `valid_from`."""
    if actor is not None:
        _require(perms.can_grant_role(actor, agency, role_code))
    role = _role(role_code)
    valid_from = valid_from or datetime.date.today()
    if valid_to is not None and valid_to < valid_from:
        raise DomainError(
            _("Ngày hết hiệu lực phải từ ngày bắt đầu hiệu lực trở đi."), code="range", field="valid_to"
        )
    if agency.valid_to is not None and valid_from > agency.valid_to:
        raise DomainError(
            _("“%(agency)s” đã hết hiệu lực; không thể giao vai trò.") % {"agency": agency.name},
            code="agency_ended",
        )
    overlapping = Membership.objects.filter(user=user, agency=agency, role=role)
    for other in overlapping:
        if (other.valid_to is None or other.valid_to >= valid_from) and (
            valid_to is None or valid_to >= other.valid_from
        ):
            raise DomainError(
                _("%(user)s đã có vai trò “%(role)s” tại “%(agency)s” trong thời gian này.")
                % {"user": user, "role": role, "agency": agency.name},
                code="duplicate_membership",
            )
    membership = Membership.objects.create(
        user=user,
        agency=agency,
        role=role,
        include_descendants=include_descendants,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    forget_scope(user)
    record_event(
        actor=actor, verb="membership.grant", obj=membership, agency=agency, after=snapshot(membership)
    )
    return membership


@transaction.atomic
def end_membership(*, actor, membership: Membership, last_day: datetime.date | None = None) -> Membership:
    """Thu hồi vai trò: the membership ends on `last_day` (today by default). Past rows are kept; a
    membership that would not have started by `last_day` is withdrawn (its row deleted)."""
    membership = Membership.objects.select_for_update().select_related("agency", "role").get(pk=membership.pk)
    if actor is not None:
        _require(perms.can_grant_role(actor, membership.agency, membership.role.code))
    last_day = last_day or datetime.date.today()
    if last_day < membership.valid_from:
        # A membership that would not have started by `last_day` is withdrawn: ending it on its first
        # day (valid_to may not precede valid_from) would still grant that one day. Nothing happened
        # under it, so no history is lost; the audit event keeps what it was.
        before = snapshot(membership)
        membership.delete()
        forget_scope(membership.user)
        record_event(
            actor=actor,
            verb="membership.end",
            agency=membership.agency,
            object_type="accounts.membership",
            object_id=before["id"],
            object_repr=str(membership),
            before=before,
            reason="withdrawn before start",
        )
        return membership
    if membership.valid_to is not None and membership.valid_to <= last_day:
        raise DomainError(_("Vai trò này đã hết hiệu lực."), code="ended")
    before = snapshot(membership)
    membership.valid_to = last_day
    membership.save(update_fields=["valid_to"])
    forget_scope(membership.user)
    record_event(
        actor=actor,
        verb="membership.end",
        obj=membership,
        agency=membership.agency,
        before=before,
        after=snapshot(membership),
    )
    return membership


def validation_messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)
