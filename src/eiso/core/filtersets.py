"""Filters for the audit trail, shared by the HTML list and the API."""

import datetime
import re

import django_filters
from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from eiso.core.models import AuditEvent

_LOST_PLUS = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


class InstantField(forms.CharField):
    """An ISO 8601 date or date-time. A bare date means its whole day (in the site's time zone)."""

    default_error_messages = {
        "invalid": _("Nhập ngày (YYYY-MM-DD) hoặc thời điểm theo ISO 8601 (YYYY-MM-DDThh:mm[:ss][±hh:mm]).")
    }

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        # An unencoded "+07:00" in a query string arrives as " 07:00".
        value = _LOST_PLUS.sub(r"\1+\2", value)
        try:
            day = parse_date(value)
            if day is not None:
                return day
            moment = parse_datetime(value)
        except ValueError:
            moment = None
        if moment is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment


class InstantFilter(django_filters.CharFilter):
    field_class = InstantField


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditEventFilterSet(django_filters.FilterSet):
    agency = django_filters.NumberFilter(field_name="agency", label=_("cơ quan (mã số)"))
    actor = django_filters.NumberFilter(field_name="actor", label=_("người thực hiện (mã số)"))
    verb = django_filters.CharFilter(field_name="verb", label=_("hành động, ví dụ agency.change"))
    object_type = django_filters.CharFilter(
        field_name="object_type", label=_("loại đối tượng, ví dụ accounts.user")
    )
    object_id = django_filters.CharFilter(field_name="object_id", label=_("mã đối tượng"))
    since = InstantFilter(method="filter_since", label=_("từ (ngày hoặc thời điểm, tính cả)"))
    until = InstantFilter(method="filter_until", label=_("đến (ngày hoặc thời điểm, tính cả)"))

    class Meta:
        model = AuditEvent
        fields = ["agency", "actor", "verb", "object_type", "object_id", "since", "until"]

    def filter_since(self, queryset, name, value):
        if not isinstance(value, datetime.datetime):
            value = _start_of(value)
        return queryset.filter(occurred_at__gte=value)

    def filter_until(self, queryset, name, value):
        if isinstance(value, datetime.datetime):
            return queryset.filter(occurred_at__lte=value)
        return queryset.filter(occurred_at__lt=_start_of(value + datetime.timedelta(days=1)))
