"""Who may change internal processes (django-rules predicates).

Reading is decided by `visible_to(user)` through the owning agency (oversight officers and inspectors
read the agencies they oversee). Writes belong to the owning agency itself — a membership in that
agency, not one above it, so a province's staff do not edit or approve a commune's processes:

- create a process, edit a draft, start a new version: the agency's ISO secretary, unit heads and
  officers;
- submit a draft for approval: the ISO secretary;
- approve, return a submitted version to draft, put an approved version in force: the agency head;
- close a review flag ("reviewed"): the ISO secretary or the agency head;
- administrators may do all of it anywhere.
"""

import rules

from eiso.accounts import roles
from eiso.accounts.rules import _active_memberships, _holds, is_admin

EDITOR_ROLES = {roles.ISO_SECRETARY, roles.UNIT_HEAD, roles.OFFICER}
SUBMITTER_ROLES = {roles.ISO_SECRETARY}
APPROVER_ROLES = {roles.AGENCY_HEAD}
REVIEWER_ROLES = {roles.ISO_SECRETARY, roles.AGENCY_HEAD}


def _may(user, role_codes, agency) -> bool:
    if not getattr(user, "is_authenticated", False) or agency is None:
        return False
    return is_admin(user) or _holds(user, role_codes, agency, descendants_ok=False)


@rules.predicate
def can_edit_processes(user, agency) -> bool:
    return _may(user, EDITOR_ROLES, agency)


@rules.predicate
def can_submit_process(user, agency) -> bool:
    return _may(user, SUBMITTER_ROLES, agency)


@rules.predicate
def can_approve_process(user, agency) -> bool:
    return _may(user, APPROVER_ROLES, agency)


@rules.predicate
def can_resolve_review(user, agency) -> bool:
    return _may(user, REVIEWER_ROLES, agency)


def editable_agency_ids(user) -> set[int] | None:
    """Agencies where the user may create processes; None means every agency (administrators)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if is_admin(user):
        return None
    return {m.agency_id for m in _active_memberships(user) if m.role.code in EDITOR_ROLES}


rules.add_perm("processes.edit_process", can_edit_processes)
rules.add_perm("processes.submit_process", can_submit_process)
rules.add_perm("processes.approve_process", can_approve_process)
rules.add_perm("processes.resolve_review", can_resolve_review)
