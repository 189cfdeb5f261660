"""What every API view shares: authentication order, pagination and filtering."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.authentication import TokenAuthentication
from rest_framework.settings import api_settings

from eiso.api.pagination import Pagination

# Token first: an unauthenticated request then gets 401 with `WWW-Authenticate: Token` (DRF takes the
# header from the first class) instead of a bare 403. Other configured classes keep their order.
AUTHENTICATION_CLASSES = [
    TokenAuthentication,
    *[cls for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES if cls is not TokenAuthentication],
]


class ApiViewMixin:
    """Base of every eISO viewset. Reads go through `visible_to(request.user)` in `get_queryset`, so an
    object outside the caller's scope is a 404 for reads and for writes on it alike."""

    authentication_classes = AUTHENTICATION_CLASSES
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]

    def scoped(self, queryset):
        return queryset.visible_to(self.request.user)

    def validated(self, serializer_class, data=None) -> dict:
        """Validate the request body (or `data`, e.g. query parameters) with an input serializer; a
        failure becomes a 400 JSON error through `eiso.api.errors`."""
        serializer = serializer_class(
            data=self.request.data if data is None else data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)
