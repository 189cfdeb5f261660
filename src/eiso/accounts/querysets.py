"""Read logic for accounts."""

import datetime

from django.db import models
from django.db.models import Q

from eiso.accounts.scope import scope_for
from eiso.core.text import search_q


def active_on_q(day: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


class MembershipQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date | None = None):
        return self.filter(active_on_q(day or datetime.date.today()))

    def visible_to(self, user):
        """Memberships in agencies the user can see, plus the user's own."""
        scope = scope_for(user)
        if scope.everything:
            return self
        return self.filter(scope.agency_q("agency__") | Q(user_id=getattr(user, "pk", None)))


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Users holding a membership (current or past) in an agency the user can see, and the user."""
        scope = scope_for(user)
        if scope.everything:
            return self
        from eiso.accounts.models import Membership

        member_ids = Membership.objects.filter(scope.agency_q("agency__")).values("user_id")
        return self.filter(Q(pk__in=member_ids) | Q(pk=getattr(user, "pk", None)))

    def search(self, text: str):
        return self.filter(search_q(text))
