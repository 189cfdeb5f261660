"""Read logic for the agency tree. Visibility rule: see `eiso.accounts.scope`."""

import datetime

from django.db import models

from eiso.accounts.querysets import active_on_q
from eiso.core.text import vi_fold


class AgencyQuerySet(models.QuerySet):
    def visible_to(self, user, writable: bool = False):
        from eiso.accounts.scope import scope_for

        scope = scope_for(user)
        if scope.empty:
            return self.none()
        return self.filter(scope.agency_q(writable=writable))

    def active_on(self, day: datetime.date | None = None):
        return self.filter(active_on_q(day or datetime.date.today()))

    def subtree(self, agency, include_self: bool = True):
        qs = self.filter(path__startswith=agency.path)
        return qs if include_self else qs.exclude(pk=agency.pk)

    def ancestors_of(self, agency, include_self: bool = False):
        from eiso.organizations.models import PATH_STEP

        step = PATH_STEP + 1
        prefixes = [agency.path[: i + step] for i in range(0, len(agency.path), step)]
        if not include_self:
            prefixes = prefixes[:-1]
        return self.filter(path__in=prefixes)

    def search(self, text: str):
        folded = vi_fold(text)
        return self.filter(search_text__contains=folded) if folded else self


class AgencyVersionQuerySet(models.QuerySet):
    def as_of(self, day: datetime.date):
        """The versions in force on `day`: the tree as it stood that day."""
        return self.filter(active_on_q(day))

    def visible_to(self, user):
        from eiso.accounts.scope import scope_for

        scope = scope_for(user)
        if scope.empty:
            return self.none()
        return self.filter(scope.agency_q("agency__"))


class OversightScopeQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date | None = None):
        return self.filter(active_on_q(day or datetime.date.today()))

    def visible_to(self, user):
        from eiso.accounts.scope import scope_for

        scope = scope_for(user)
        if scope.empty:
            return self.none()
        return self.filter(scope.agency_q("overseer__") | scope.agency_q("root__"))
