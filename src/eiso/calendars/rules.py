"""Who may change the calendar (django-rules predicates). Reading is open to everyone signed in.

- national entries, year statuses: administrators;
- a province's entries and working hours: administrators and the oversight officers whose scope
  covers the province;
- any other agency's: also its head and its ISO secretary (and those of an agency above it).
"""

import rules

from eiso.accounts import roles
from eiso.accounts.rules import _holds, _oversees, is_admin


def can_manage_calendar(user, agency) -> bool:
    """Add, change or delete special days (and working hours) of `agency`; None means national."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_admin(user):
        return True
    if agency is None:
        return False
    if _oversees(user, agency):
        return True
    from eiso.organizations.models import AgencyKind

    if agency.kind == AgencyKind.PROVINCE:
        return False
    return _holds(user, roles.MEMBER_MANAGER_ROLES, agency)


def manages_any_calendar(user) -> bool:
    """Whether the page should offer calendar editing at all."""
    from eiso.accounts.rules import _active_memberships

    if is_admin(user):
        return True
    return any(
        m.role.code == roles.OVERSIGHT_OFFICER or m.role.code in roles.MEMBER_MANAGER_ROLES
        for m in _active_memberships(user)
    )


def manageable_agencies(user):
    """Agencies whose calendar `user` may change (for form choices)."""
    from eiso.organizations.models import Agency

    candidates = Agency.objects.visible_to(user, writable=True).active_on().order_by("path")
    if is_admin(user):
        return candidates
    return Agency.objects.filter(pk__in=[a.pk for a in candidates if can_manage_calendar(user, a)]).order_by(
        "path"
    )


rules.add_perm("calendars.manage_national", is_admin)
