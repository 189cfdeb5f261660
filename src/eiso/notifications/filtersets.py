"""Filters of the notification list, shared by the API (`?unread=true`, `?kind=documents.review_due`)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from eiso.notifications.models import Notification


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label=_("chỉ thông báo chưa đọc")
    )
    kind = django_filters.CharFilter(label=_("loại thông báo"))

    class Meta:
        model = Notification
        fields = ["unread", "kind"]
