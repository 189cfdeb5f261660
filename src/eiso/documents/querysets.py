"""Read logic of the document register. Visibility rule: see `eiso.accounts.scope`.

Documents, their versions, change requests and external documents belong to the owning agency:
`visible_to(user)` is `scope_for(user).agency_q(...)` on that agency, so oversight officers and
inspectors read the agencies they oversee and nobody reads another agency's register.
"""

from __future__ import annotations

import datetime

from django.db import models

from eiso.core.text import search_q


def _scoped(queryset, user, prefix: str):
    from eiso.accounts.scope import scope_for

    scope = scope_for(user)
    if scope.empty:
        return queryset.none()
    return queryset.filter(scope.agency_q(prefix))


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scoped(self, user, "agency__")

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


class DocumentVersionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scoped(self, user, "document__agency__")

    def search(self, text: str | None):
        """Every folded word of `text` in the code, title or content of the version."""
        return self.filter(search_q(text)) if text else self


class ChangeRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scoped(self, user, "document__agency__")

    def open(self):
        return self.filter(status="open")


class ExternalDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scoped(self, user, "agency__")

    def search(self, text: str | None):
        return self.filter(search_q(text)) if text else self
