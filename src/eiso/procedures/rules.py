"""Who may change the procedure catalogue (django-rules predicates).

Reading the catalogue (national data) is open to everyone signed in; agency-specific reads are scoped
by `AgencyProcedure.objects.visible_to(user)`.

- importing, publishing and replacing legal documents (the national catalogue): administrators and
  oversight officers (of any agency: the catalogue is not theirs to scope);
- which procedures an agency settles (`AgencyProcedure`): administrators, the oversight officers over
  that agency, and the agency's head or ISO secretary (or those of an agency above it).
"""

import rules

from eiso.accounts import roles
from eiso.accounts.rules import _active_memberships, _holds, _oversees, is_admin


@rules.predicate
def can_manage_catalogue(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if is_admin(user):
        return True
    return any(m.role.code == roles.OVERSIGHT_OFFICER for m in _active_memberships(user))


@rules.predicate
def can_assign_procedures(user, agency) -> bool:
    if not getattr(user, "is_authenticated", False) or agency is None:
        return False
    if is_admin(user) or _oversees(user, agency):
        return True
    return _holds(user, roles.MEMBER_MANAGER_ROLES, agency)


def assigns_any_procedures(user) -> bool:
    """Whether pages should offer assigning at all."""
    if can_manage_catalogue(user):
        return True
    return any(m.role.code in roles.MEMBER_MANAGER_ROLES for m in _active_memberships(user))


rules.add_perm("procedures.manage_catalogue", can_manage_catalogue)
rules.add_perm("procedures.assign_procedures", can_assign_procedures)
