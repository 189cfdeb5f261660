"""API of notifications: /api/v1/notifications/ — your own notifications only.

Another person's notification is a 404 (administrators included: an inbox is personal).
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from eiso.api.mixins import ApiViewMixin
from eiso.api.serializers import READ_ERRORS, WRITE_ERRORS
from eiso.notifications import services
from eiso.notifications.api import serializers as s
from eiso.notifications.filtersets import NotificationFilterSet
from eiso.notifications.models import Notification


@extend_schema_view(
    list=extend_schema(summary="Your notifications, unread first, newest first"),
    retrieve=extend_schema(
        summary="One of your notifications", responses={200: s.NotificationSerializer, **READ_ERRORS}
    ),
)
class NotificationViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Thông báo: what eISO told you (document reviews due, work items at risk, ...)."""

    queryset = Notification.objects.all()
    serializer_class = s.NotificationSerializer
    filterset_class = NotificationFilterSet

    def get_queryset(self):
        return self.scoped(Notification.objects.select_related("agency")).inbox_order()

    @extend_schema(
        summary="Mark one of your notifications read",
        request=None,
        responses={200: s.NotificationSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def read(self, request, pk=None):
        notification = services.mark_read(actor=request.user, notification=self.get_object())
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        summary="Mark all your notifications read",
        request=None,
        responses={200: s.ReadAllSerializer, **WRITE_ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="read-all", filter_backends=[], pagination_class=None)
    def read_all(self, request):
        return Response({"marked": services.mark_all_read(actor=request.user)})
