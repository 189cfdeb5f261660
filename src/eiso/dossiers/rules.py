"""Who may act on dossiers. Reading is decided by `querysets.visible_to`; these decide writes.

- Reception (tiếp nhận) and returning results: the one-stop receiver, a unit head or the agency head of
  the receiving agency (or an administrator).
- A work item: its assignee; while nobody holds it, anyone holding its role in its unit (or above it,
  with sub-units); the agency head of the dossier's agency at any time (supervision, re-assignment).
- Dossier-level decisions during processing (supplement request, refusal, apology and extension):
  whoever holds an open work item of the dossier, or the agency head.
- Stop and withdrawal at the applicant's request: the receiver, a holder of an open item, or the head.
Inspectors and viewers never write (their memberships are read-only in `scope_for`).
"""

from __future__ import annotations

from eiso.accounts import roles
from eiso.accounts.rules import _holds
from eiso.accounts.scope import scope_for

RECEPTION_ROLES = {roles.RECEIVER, roles.UNIT_HEAD, roles.AGENCY_HEAD}


def _writable(user, agency) -> bool:
    return scope_for(user).contains(agency, writable=True)


def is_admin(user) -> bool:
    return scope_for(user).everything


def can_receive(user, agency) -> bool:
    if not _writable(user, agency):
        return False
    return is_admin(user) or _holds(user, RECEPTION_ROLES, agency)


def is_head(user, agency) -> bool:
    return is_admin(user) or _holds(user, {roles.AGENCY_HEAD}, agency)


def can_act_on_item(user, item) -> bool:
    if not _writable(user, item.agency):
        return False
    if item.assignee_id is not None:
        return item.assignee_id == user.pk or is_head(user, item.agency)
    return _holds(user, {item.role_code}, item.unit) or is_head(user, item.agency)


def holds_open_item(user, dossier) -> bool:
    return any(item.assignee_id == user.pk for item in dossier.work_items.all() if item.status == "open")


def can_decide(user, dossier) -> bool:
    """Supplement request, refusal, extension: the person working on the dossier, or the head."""
    if not _writable(user, dossier.agency):
        return False
    return is_head(user, dossier.agency) or holds_open_item(user, dossier)


def can_close_for_applicant(user, dossier) -> bool:
    """Stop, withdrawal, return of the result, supplement received: the one-stop desk or the above."""
    return can_decide(user, dossier) or can_receive(user, dossier.agency)
