"""Read logic of the calendar. Visibility rule: see `eiso.accounts.scope`.

Calendar entries are published schedules: everybody signed in sees the national ones, and an agency's
entries are seen by whoever sees that agency *or works under it* (a commune's staff see their
province's days off, which decide their deadlines). Clock records follow their agency's scope;
national clocks (no agency) only administrators see.
"""

import datetime

from django.db import models
from django.db.models import Q

PATH_SEPARATOR = "/"


def path_ids(path: str) -> list[int]:
    """Agency ids along a materialized path, root first ("00000012/00000345/" → [12, 345])."""
    return [int(part) for part in path.split(PATH_SEPARATOR) if part]


def _ancestor_ids(user) -> set[int]:
    """Ids of every agency above (or at) the agencies the user sees from."""
    from eiso.accounts.rules import _active_memberships
    from eiso.accounts.scope import scope_for

    ids: set[int] = set()
    for path in scope_for(user).subtree_paths:
        ids.update(path_ids(path))
    for membership in _active_memberships(user):
        ids.update(path_ids(membership.agency.path))
    return ids


class CalendarEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        from eiso.accounts.scope import scope_for

        scope = scope_for(user)
        if scope.empty:
            return (
                self.filter(agency__isnull=True) if getattr(user, "is_authenticated", False) else self.none()
            )
        if scope.everything:
            return self
        return self.filter(
            Q(agency__isnull=True) | scope.agency_q("agency__") | Q(agency_id__in=_ancestor_ids(user))
        )

    def national(self):
        return self.filter(agency__isnull=True)

    def in_year(self, year: int):
        return self.filter(date__gte=datetime.date(year, 1, 1), date__lte=datetime.date(year, 12, 31))

    def between(self, first: datetime.date, last: datetime.date):
        return self.filter(date__gte=first, date__lte=last)

    def applying_to(self, agency):
        """Entries that apply to `agency`: national ones and those of the agency or an agency above it."""
        if agency is None:
            return self.national()
        return self.filter(Q(agency__isnull=True) | Q(agency_id__in=path_ids(agency.path)))


class ClockRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        from eiso.accounts.scope import scope_for

        scope = scope_for(user)
        if scope.empty:
            return self.none()
        if scope.everything:
            return self
        return self.filter(scope.agency_q("agency__"))

    def open(self):
        return self.filter(is_open=True)

    def under(self, agency):
        """Clocks of `agency` and of every agency under it (every clock when `agency` is None)."""
        if agency is None:
            return self
        return self.filter(agency__path__startswith=agency.path)


class CalendarChangeQuerySet(models.QuerySet):
    def visible_to(self, user):
        from eiso.accounts.scope import scope_for

        scope = scope_for(user)
        if scope.everything:
            return self
        if scope.empty:
            return self.none()
        return self.filter(
            Q(agency__isnull=True) | scope.agency_q("agency__") | Q(agency_id__in=_ancestor_ids(user))
        )
