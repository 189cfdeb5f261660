"""Read logic of dossiers. Visibility rule: see `eiso.accounts.scope`.

A dossier, its work items and hand-overs belong to the agency that settles it: `visible_to(user)` is
`scope_for(user).agency_q(...)` on that agency, so oversight officers and inspectors read the agencies
they oversee and nobody reads another agency's dossiers. The inbox ("việc của tôi") is narrower:
open work items assigned to the user, or unassigned in a unit where the user holds the item's role.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q

from eiso.core.text import search_q

OPEN = ("processing", "supplement_requested")
INBOX_ITEM_FIELDS = (
    "dossier",
    "step_number",
    "step_name",
    "kind",
    "role_code",
    "unit",
    "assignee",
    "status",
    "due_at",
    "at_risk_at",
)


def _scoped(queryset, user, prefix: str):
    from eiso.accounts.scope import scope_for

    scope = scope_for(user)
    if scope.empty:
        return queryset.none()
    return queryset.filter(scope.agency_q(prefix))


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scoped(self, user, "agency__")

    def search(self, text: str | None):
        return self.filter(search_q(text)) if text else self

    def open(self):
        return self.filter(status__in=OPEN)

    def for_list(self):
        return self.select_related("agency", "procedure", "clock")

    def received_between(self, first: datetime.datetime, last: datetime.datetime):
        return self.filter(received_at__gte=first, received_at__lt=last)


class WorkItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scoped(self, user, "agency__")

    def open(self):
        return self.filter(status="open")

    def inbox_of(self, user, day: datetime.date | None = None):
        """Việc của tôi: open items assigned to `user`, or waiting in a unit where `user` holds the role.

        A role held with sub-units (`include_descendants`) covers items of the units below.
        """
        from eiso.accounts.models import Membership
        from eiso.organizations.models import Agency

        memberships = (
            Membership.objects.active_on(day)
            .filter(user=user)
            .values_list("role__code", "agency_id", "agency__path", "include_descendants")
        )
        pool = Q(pk__in=[])
        for role_code, agency_id, path, descendants in memberships:
            # Units below as a list of ids, not a join on their path: the pool index (unit, role,
            # due) then finds the items (12 ms instead of 390 ms at 1M dossiers, docs/benchmarks.md).
            units = (
                list(Agency.objects.filter(path__startswith=path).values_list("pk", flat=True))
                if descendants
                else [agency_id]
            )
            pool |= Q(assignee__isnull=True, role_code=role_code, unit_id__in=units)
        return self.open().filter(Q(assignee=user) | pool)

    def for_inbox(self):
        return self.select_related("dossier", "dossier__procedure", "unit", "assignee").order_by(
            "due_at", "pk"
        )

    def for_inbox_page(self):
        """The inbox page's rows with only the columns the page shows (the dossier and procedure rows are
        wide: fetching them whole doubled the page's time at 1M dossiers)."""
        return (
            self.select_related("dossier", "dossier__procedure", "assignee")
            .only(
                *INBOX_ITEM_FIELDS,
                "dossier__code",
                "dossier__applicant_name",
                "dossier__procedure__name",
                "assignee__username",
                "assignee__full_name",
            )
            .order_by("due_at", "pk")
        )


class HandOverQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scoped(self, user, "dossier__agency__")
