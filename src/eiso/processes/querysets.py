"""Read logic of internal processes and review flags. Visibility rule: see `eiso.accounts.scope`.

Processes, their versions and review flags belong to the owning agency: `visible_to(user)` is
`scope_for(user).agency_q("agency__")` on that agency, so oversight officers and inspectors read the
agencies they oversee and nobody reads another province's processes.

`in_force_procedure_ids(agency_ids, day)` is the function the procedure catalogue calls for coverage.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Exists, OuterRef, Q

from eiso.core.text import search_q

LIVE = ("in_force", "superseded")


def _active_on_q(day: datetime.date, prefix: str = "") -> Q:
    from eiso.accounts.querysets import active_on_q

    return active_on_q(day, prefix)


def _scoped(queryset, user, prefix: str):
    from eiso.accounts.scope import scope_for

    scope = scope_for(user)
    if scope.empty:
        return queryset.none()
    return queryset.filter(scope.agency_q(prefix))


class InternalProcessQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scoped(self, user, "agency__")

    def search(self, text: str | None):
        """Every folded word of `text` in the code, name or the procedure codes."""
        return self.filter(search_q(text)) if text else self

    def for_agencies(self, agency_ids):
        return self.filter(agency_id__in=list(agency_ids))

    def with_review_state(self):
        """Annotate `needs_review`: an open review flag exists (one subquery, no per-row query)."""
        from django.contrib.contenttypes.models import ContentType

        from eiso.processes.models import ReviewFlag

        content_type = ContentType.objects.get_for_model(self.model)
        flags = ReviewFlag.objects.open().filter(content_type=content_type, object_id=OuterRef("pk"))
        return self.annotate(needs_review=Exists(flags))

    def for_list(self):
        """What a list row shows, in a fixed number of queries whatever the page size."""
        return (
            self.select_related("agency", "latest_version", "current_version")
            .prefetch_related("procedures")
            .with_review_state()
        )


class ProcessVersionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scoped(self, user, "process__agency__")

    def in_force(self, day: datetime.date | None = None):
        """Versions that apply on `day` (put in force; superseded ones over their validity)."""
        day = day or datetime.date.today()
        return self.filter(status__in=LIVE, valid_from__isnull=False).filter(_active_on_q(day))


class ReviewFlagQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scoped(self, user, "agency__")

    def open(self):
        return self.filter(status="open")

    def overdue(self, day: datetime.date | None = None):
        return self.open().filter(due_date__lt=day or datetime.date.today())

    def due_within(self, days: int, day: datetime.date | None = None):
        """Open and due from `day` to `days` days later (not yet overdue)."""
        day = day or datetime.date.today()
        return self.open().filter(due_date__gte=day, due_date__lte=day + datetime.timedelta(days=days))

    def for_object(self, obj):
        from django.contrib.contenttypes.models import ContentType

        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


def in_force_procedure_ids(agency_ids: list[int], day: datetime.date) -> set[int]:
    """Ids of the procedures that have an approved internal process in force on `day` for one of
    `agency_ids` (one query). Called by `eiso.procedures.querysets.coverage_for`.

    Counted from the procedures of the version in force, not of the newest draft."""
    from eiso.processes.models import ProcessVersion

    if not agency_ids:
        return set()
    rows = (
        ProcessVersion.objects.in_force(day)
        .filter(process__agency_id__in=list(agency_ids), procedures__isnull=False)
        .values_list("procedures", flat=True)
    )
    return set(rows)
