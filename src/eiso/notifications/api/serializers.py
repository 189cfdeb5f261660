"""Serializers of the notifications API."""

from rest_framework import serializers

from eiso.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True, default=None)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "url",
            "agency",
            "agency_name",
            "key",
            "created_at",
            "is_read",
            "read_at",
            "emailed_at",
        ]
        read_only_fields = fields


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many unread notifications were marked read.")
