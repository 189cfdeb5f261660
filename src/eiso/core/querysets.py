"""Read rules for core tables."""

from eiso.accounts.scope import scope_for


def audit_events_visible_to(queryset, user):
    """Administrators see every event; others see events of agencies in their scope.

    An event with no agency (a system event, a login) is visible to administrators and, for
    events about one's own account, to the user themself.
    """
    scope = scope_for(user)
    if scope.everything:
        return queryset
    from django.db.models import Q

    from eiso.organizations.models import Agency

    visible_agencies = Agency.objects.visible_to(user).values("pk")
    own = Q(object_type="accounts.user", object_id=str(user.pk)) if user.is_authenticated else Q(pk__in=[])
    return queryset.filter(Q(agency__in=visible_agencies) | own)
