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

        memberships = (
            Membership.objects.active_on(day)
            .filter(user=user)
            .values_list("role__code", "agency_id", "agency__path", "include_descendants")
        )
        pool = Q(pk__in=[])
        for role_code, agency_id, path, descendants in memberships:
            where = Q(unit__path__startswith=path) if descendants else Q(unit_id=agency_id)
            pool |= Q(assignee__isnull=True, role_code=role_code) & where
        return self.open().filter(Q(assignee=user) | pool)

    def for_inbox(self):
        return self.select_related("dossier", "dossier__procedure", "unit", "assignee").order_by(
            "due_at", "pk"
        )


class HandOverQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scoped(self, user, "dossier__agency__")
