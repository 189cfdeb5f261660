"""Permission predicates (django-rules) for accounts and the agency tree.

Reading is decided by `scope_for` / `visible_to`; these predicates decide writes.
"""

import datetime

import rules
from django.db.models import Q

from eiso.accounts import roles
from eiso.accounts.scope import scope_for


def _active_memberships(user):
    from eiso.accounts.models import Membership

    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_eiso_memberships", None)
    if cached is None:
        cached = list(Membership.objects.active_on().filter(user=user).select_related("role", "agency"))
        user._eiso_memberships = cached
    return cached


def _holds(user, role_codes, agency, descendants_ok: bool = True) -> bool:
    """Whether the user holds one of `role_codes` on `agency` (or an ancestor, when inherited)."""
    for m in _active_memberships(user):
        if m.role.code not in role_codes:
            continue
        if m.agency_id == agency.pk:
            return True
        if descendants_ok and m.include_descendants and agency.path.startswith(m.agency.path):
            return True
    return False


@rules.predicate
def is_admin(user) -> bool:
    return scope_for(user).everything


@rules.predicate
def can_view_agency(user, agency) -> bool:
    return agency is not None and scope_for(user).contains(agency)


def _oversight_roots(user, overseers: set[int]) -> list[str]:
    from eiso.organizations.models import OversightScope

    cached = getattr(user, "_eiso_oversight_roots", None)
    if cached is None:
        cached = list(
            OversightScope.objects.active_on()
            .filter(overseer_id__in=overseers)
            .values_list("root__path", flat=True)
        )
        user._eiso_oversight_roots = cached
    return cached


def _oversees(user, agency) -> bool:
    """An oversight officer (not an inspector, who only reads) whose agency's scope covers `agency`.

    Only the oversight officer memberships count: the user's whole writable scope would also hold the
    agencies of their other roles, so an officer role anywhere would count as overseeing it."""
    officer = [m for m in _active_memberships(user) if m.role.code == roles.OVERSIGHT_OFFICER]
    if not officer:
        return False
    for m in officer:
        if m.agency_id == agency.pk or (m.include_descendants and agency.path.startswith(m.agency.path)):
            return True
    return any(
        agency.path.startswith(path) for path in _oversight_roots(user, {m.agency_id for m in officer})
    )


def can_create_agency(user, parent, kind) -> bool:
    """Administrators anywhere; oversight officers under agencies they oversee; an agency's head or
    ISO secretary may add internal units under their own agency."""
    from eiso.organizations.models import AgencyKind

    if is_admin(user):
        return True
    if parent is None:
        return False
    if _oversees(user, parent):
        return True
    return kind == AgencyKind.INTERNAL_UNIT and _holds(user, roles.MEMBER_MANAGER_ROLES, parent)


@rules.predicate
def can_change_agency(user, agency) -> bool:
    from eiso.organizations.models import AgencyKind

    if is_admin(user) or _oversees(user, agency):
        return True
    if agency.kind == AgencyKind.INTERNAL_UNIT:
        return _holds(user, roles.MEMBER_MANAGER_ROLES, agency)
    return False


@rules.predicate
def can_manage_members(user, agency) -> bool:
    """Administrators; the head or ISO secretary of the agency (or of an agency above it)."""
    return bool(agency) and (is_admin(user) or _holds(user, roles.MEMBER_MANAGER_ROLES, agency))


def manages_any_members(user) -> bool:
    """Whether the user heads or is ISO secretary of some agency (so the user list is useful to them)."""
    return any(m.role.code in roles.MEMBER_MANAGER_ROLES for m in _active_memberships(user))


def can_grant_role(user, agency, role_code: str) -> bool:
    if is_admin(user):
        return True
    if role_code in roles.RESTRICTED_ROLES:
        return False
    return can_manage_members(user, agency)


@rules.predicate
def can_manage_user(user, target) -> bool:
    """Edit a person's account: administrators, or a member manager of an agency the target works in."""
    if is_admin(user):
        return True
    if target.is_superuser:
        return False
    today = datetime.date.today()
    current = list(
        target.memberships.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today)).select_related(
            "agency", "role"
        )
    )
    # Someone holding (or about to hold) a role only an administrator may grant is managed only by an
    # administrator: else a member manager could reset an administrator's password and take the account.
    if any(m.role.code in roles.RESTRICTED_ROLES for m in current):
        return False
    return any(can_manage_members(user, m.agency) for m in current if m.is_active_on(today))


rules.add_perm("organizations.view_agency", can_view_agency)
rules.add_perm("organizations.change_agency", can_change_agency)
rules.add_perm("accounts.manage_members", can_manage_members)
rules.add_perm("accounts.manage_user", can_manage_user)
rules.add_perm("core.view_all_audit", is_admin)
