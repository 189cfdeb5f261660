"""Serializer of the audit trail (read-only: events are written by services only)."""

from rest_framework import serializers

from eiso.core.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "actor",
            "actor_label",
            "agency",
            "verb",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "reason",
            "request_id",
            "ip_address",
            "prev_hash",
            "hash",
            "chain",
        ]
        read_only_fields = fields
