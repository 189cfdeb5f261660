"""Who may change the document register (django-rules predicates).

Reading is decided by `visible_to(user)` through the owning agency. Writes belong to the owning agency
itself (a membership in that agency, not one above it), like internal processes:

- create a document, upload a draft (holding the edit lock), submit it for review: the agency's ISO
  secretary, unit heads and officers, and the head;
- sign a draft as reviewed, return it to draft: the ISO secretary, unit heads and the head;
- approve: the agency head, or the person the document names as delegated approver;
- issue an approved version, distribute, decide change requests, keep the external documents list,
  start the QMS starter kit: the ISO secretary or the head;
- edit a document's metadata and links: the ISO secretary, the head, or the head of the owning unit;
- keep the numbering schemes (quy tắc đánh mã): the ISO secretary or the head;
- withdraw an issued document: the head;
- acknowledge a version, raise a change request: anyone with a role in the agency;
- administrators may do all of it anywhere.
"""

import rules

from eiso.accounts import roles
from eiso.accounts.rules import _active_memberships, _holds, is_admin

EDITOR_ROLES = {roles.ISO_SECRETARY, roles.UNIT_HEAD, roles.OFFICER, roles.AGENCY_HEAD}
REVIEWER_ROLES = {roles.ISO_SECRETARY, roles.UNIT_HEAD, roles.AGENCY_HEAD}
APPROVER_ROLES = {roles.AGENCY_HEAD}
MANAGER_ROLES = {roles.ISO_SECRETARY, roles.AGENCY_HEAD}
MEMBER_ROLES = {code for code, *_rest in roles.ROLE_DEFINITIONS}


def _may(user, role_codes, agency) -> bool:
    if not getattr(user, "is_authenticated", False) or agency is None:
        return False
    return is_admin(user) or _holds(user, role_codes, agency, descendants_ok=False)


@rules.predicate
def can_edit_documents(user, agency) -> bool:
    return _may(user, EDITOR_ROLES, agency)


@rules.predicate
def can_review_document(user, agency) -> bool:
    return _may(user, REVIEWER_ROLES, agency)


@rules.predicate
def can_approve_document(user, document) -> bool:
    if document.approver_id and getattr(user, "pk", None) == document.approver_id:
        return True
    return _may(user, APPROVER_ROLES, document.agency)


@rules.predicate
def can_manage_documents(user, agency) -> bool:
    return _may(user, MANAGER_ROLES, agency)


@rules.predicate
def can_edit_metadata(user, document) -> bool:
    """Sửa thông tin và liên kết của tài liệu: the register's managers, or the head of the owning unit."""
    if _may(user, MANAGER_ROLES, document.agency):
        return True
    unit = document.owner_unit
    return (
        unit is not None
        and getattr(user, "is_authenticated", False)
        and _holds(user, {roles.UNIT_HEAD}, unit, descendants_ok=False)
    )


@rules.predicate
def can_withdraw_document(user, agency) -> bool:
    return _may(user, APPROVER_ROLES, agency)


@rules.predicate
def can_take_part(user, agency) -> bool:
    """Acknowledge, raise a change request: a role in the agency or one above it."""
    if not getattr(user, "is_authenticated", False) or agency is None:
        return False
    return is_admin(user) or _holds(user, MEMBER_ROLES - {roles.INSPECTOR, roles.VIEWER}, agency)


def editable_agency_ids(user) -> set[int] | None:
    """Agencies where the user may create documents; None means every agency (administrators)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if is_admin(user):
        return None
    return {m.agency_id for m in _active_memberships(user) if m.role.code in EDITOR_ROLES}


rules.add_perm("documents.edit_document", can_edit_documents)
rules.add_perm("documents.approve_document", can_approve_document)
rules.add_perm("documents.manage_documents", can_manage_documents)
