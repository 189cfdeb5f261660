"""The active agency: a user with memberships in several agencies works in one at a time."""

from django.utils.functional import SimpleLazyObject

SESSION_KEY = "eiso_active_agency"


def memberships_agencies(user):
    from eiso.organizations.models import Agency

    if not user.is_authenticated:
        return Agency.objects.none()
    return Agency.objects.filter(memberships__in=user.memberships.active_on()).distinct().order_by("path")


def _active_agency(request):
    user = request.user
    if not user.is_authenticated:
        return None
    agencies = list(memberships_agencies(user))
    chosen = request.session.get(SESSION_KEY)
    for agency in agencies:
        if agency.pk == chosen:
            return agency
    return agencies[0] if agencies else None


class ActiveAgencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.active_agency = SimpleLazyObject(lambda: _active_agency(request))
        return self.get_response(request)
