"""API of the audit trail: /api/v1/audit-events/ (read-only, scoped by `AuditEvent.objects.visible_to`)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from eiso.api.mixins import ApiViewMixin
from eiso.api.serializers import READ_ERRORS
from eiso.core.api.serializers import AuditEventSerializer
from eiso.core.filtersets import AuditEventFilterSet
from eiso.core.models import AuditEvent


@extend_schema_view(
    list=extend_schema(
        summary="Audit events in your scope, newest first",
        description="Administrators see every event; others see events of agencies in their scope and "
        "events about their own account. `since` and `until` take a date (its whole day) or a date-time.",
    ),
    retrieve=extend_schema(summary="One audit event", responses={200: AuditEventSerializer, **READ_ERRORS}),
)
class AuditEventViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Nhật ký hệ thống: the append-only, hash-chained trail of every change."""

    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet

    def get_queryset(self):
        return self.scoped(AuditEvent.objects.order_by("-id"))
