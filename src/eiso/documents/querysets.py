"""Read logic of the document register: the one visibility rule of documents (`visible_to(user)`).

Two conditions, both required:

1. **Scope** (`eiso.accounts.scope.scope_for`): the document's agency is in the user's scope — a
   membership there (or above it, with sub-units included), or an oversight scope covering it.
   Nobody reads another agency's register.
2. **Confidentiality** (`Document.confidentiality`, mức độ mật):

   - *Công khai* (public) and *Nội bộ* (internal): everyone whose scope holds the agency, oversight
     officers and inspectors included.
   - *Hạn chế* (restricted): only
       - system administrators;
       - the agency head (thủ trưởng) and the ISO secretary (thư ký ISO) of the document's agency —
         a role held in that agency itself;
       - people holding an active role directly in the owning unit (`owner_unit`; when the owning unit
         is the agency itself, its own members). A membership in a unit above, even with sub-units
         included, does not count: sub-units are included by default, so counting them would open
         every unit's restricted documents to the whole agency;
       - the people it was distributed to, and the members of the units it was distributed to (the
         same people `services.recipient_ids` asks to read it);
       - the delegated approver, the holder of the edit lock and whoever uploaded one of its versions.

     Oversight officers and inspectors of other agencies (Sở KH&CN, Văn phòng bộ, inspection teams)
     do not read restricted documents through their oversight scope: not the document, its versions,
     files, acknowledgements or change requests. (The agency's audit history, decided by
     `eiso.core`, still names the events on them.)

Versions, downloads, acknowledgements, change requests and search results are read through the
document, so they follow the same rule (`DocumentVersionQuerySet.visible_to`,
`ChangeRequestQuerySet.visible_to`). Pages and API answer 404 for documents the rule hides, exactly as
for another agency's. External documents (the agency's list of legal documents) are public texts: scope
only.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q

from eiso.core.text import search_q

PUBLIC = "public"
INTERNAL = "internal"
RESTRICTED = "restricted"
# Roles of the document's agency that read every restricted document of it.
_HEAD_ROLES = {"agency_head", "iso_secretary"}


def _scoped(queryset, user, prefix: str):
    from eiso.accounts.scope import scope_for

    scope = scope_for(user)
    if scope.empty:
        return queryset.none()
    return queryset.filter(scope.agency_q(prefix))


def confidentiality_q(user, prefix: str = "") -> Q:
    """The confidentiality half of the rule (see the module docstring) on a Document reached through
    `prefix` ("" for documents, "document__" for versions and change requests). Call it only for a
    user whose scope is not everything; the scope half is applied separately."""
    from eiso.accounts.rules import _active_memberships
    from eiso.documents.models import Distribution, DocumentVersion

    memberships = _active_memberships(user)
    unit_ids = {m.agency_id for m in memberships}
    head_agency_ids = {m.agency_id for m in memberships if m.role.code in _HEAD_ROLES}
    distributed = Distribution.objects.filter(Q(user=user) | Q(unit_id__in=unit_ids)).values("document_id")
    uploaded = DocumentVersion.objects.filter(created_by=user).values("document_id")
    return (
        Q(**{f"{prefix}confidentiality__in": [PUBLIC, INTERNAL]})
        | Q(**{f"{prefix}agency_id__in": head_agency_ids})
        | Q(**{f"{prefix}owner_unit_id__in": unit_ids})
        | Q(**{f"{prefix}approver": user})
        | Q(**{f"{prefix}locked_by": user})
        | Q(**{f"{prefix}pk__in": distributed})
        | Q(**{f"{prefix}pk__in": uploaded})
    )


def _documents_visible(queryset, user, prefix: str):
    from eiso.accounts.scope import scope_for

    scope = scope_for(user)
    if scope.empty:
        return queryset.none()
    if scope.everything:
        return queryset
    return queryset.filter(scope.agency_q(f"{prefix}agency__")).filter(confidentiality_q(user, prefix))


def can_read(user, document) -> bool:
    """The rule above for one document already in memory (one query at most)."""
    from eiso.documents.models import Document

    return Document.objects.visible_to(user).filter(pk=document.pk).exists()


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _documents_visible(self, user, "")

    def search(self, text: str | None):
        return self.filter(search_q(text)) if text else self

    def for_list(self):
        """What a register row shows, in one query whatever the page size."""
        return self.select_related("agency", "owner_unit", "latest_version", "current_version", "locked_by")

    def review_due(self, day: datetime.date | None = None, within_days: int = 30):
        """Issued documents whose periodic review falls within `within_days` of `day` (or is past)."""
        day = day or datetime.date.today()
        return self.filter(
            current_version__isnull=False,
            current_version__status="issued",
            next_review_on__lte=day + datetime.timedelta(days=within_days),
        )

    def to_read_by(self, user):
        """Tài liệu cần đọc: in force, distributed to `user` (by name or to a unit where the user holds an
        active role) and not yet acknowledged by them. Apply `visible_to` as well."""
        from eiso.accounts.rules import _active_memberships
        from eiso.documents.models import Distribution

        unit_ids = {m.agency_id for m in _active_memberships(user)}
        distributed = Distribution.objects.filter(Q(user=user) | Q(unit_id__in=unit_ids)).values(
            "document_id"
        )
        return self.filter(pk__in=distributed, current_version__status="issued").exclude(
            current_version__acknowledgements__user=user
        )


class DocumentVersionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _documents_visible(self, user, "document__")

    def search(self, text: str | None):
        """Every folded word of `text` in the code, title or content of the version."""
        return self.filter(search_q(text)) if text else self


class ChangeRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _documents_visible(self, user, "document__")

    def open(self):
        return self.filter(status="open")


class ExternalDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scoped(self, user, "agency__")

    def search(self, text: str | None):
        return self.filter(search_q(text)) if text else self
