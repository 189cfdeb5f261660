"""Read logic for the agency tree. Visibility rule: see `eiso.accounts.scope`."""

import datetime

from django.db import models

from eiso.accounts.querysets import active_on_q
from eiso.core.text import search_q


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
        return self.filter(search_q(text))

    def with_counts(self, day: datetime.date | None = None):
        """Annotate `child_count` (active sub-units) and `member_count` (active memberships) with
        correlated subqueries, so a page of agencies costs one query whatever its size."""
        from django.db.models import Count, IntegerField, OuterRef, Subquery
        from django.db.models.functions import Coalesce

        from eiso.accounts.models import Membership

        day = day or datetime.date.today()

        def counted(qs, field):
            return Coalesce(
                Subquery(
                    qs.filter(**{field: OuterRef("pk")})
                    .order_by()
                    .values(field)
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            )

        return self.annotate(
            child_count=counted(self.model.objects.active_on(day), "parent"),
            member_count=counted(Membership.objects.active_on(day), "agency"),
        )

    def visible_roots(self, user):
        """The top of what the user sees: agencies whose parent the user cannot see."""
        from eiso.accounts.scope import scope_for

        scope = scope_for(user)
        if scope.everything:
            return self.filter(parent__isnull=True)
        visible = self.visible_to(user)
        return visible.exclude(parent__in=self.model.objects.visible_to(user).values("pk"))


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
