"""Filters of calendar lists, shared by the API (and usable by pages)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from eiso.calendars.models import (
    CalendarChange,
    CalendarEntry,
    ChangeStatus,
    ClockRecord,
    ClockState,
    EntryKind,
    EntryScope,
)


class CalendarEntryFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", label=_("năm"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("từ ngày"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("đến ngày"))
    kind = django_filters.MultipleChoiceFilter(choices=EntryKind.choices, label=_("loại ngày"))
    scope = django_filters.ChoiceFilter(choices=EntryScope.choices, label=_("phạm vi"))
    agency = django_filters.NumberFilter(field_name="agency", label=_("cơ quan (mã số)"))

    class Meta:
        model = CalendarEntry
        fields = ["year", "date_from", "date_to", "kind", "scope", "agency"]


class ClockRecordFilterSet(django_filters.FilterSet):
    is_open = django_filters.BooleanFilter(label=_("đang mở"))
    status = django_filters.MultipleChoiceFilter(choices=ClockState.choices, label=_("tình trạng"))
    agency = django_filters.NumberFilter(field_name="agency", label=_("cơ quan (mã số)"))
    due_before = django_filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="lt", label=_("hạn trước"))

    class Meta:
        model = ClockRecord
        fields = ["is_open", "status", "agency", "due_before"]


class CalendarChangeFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ChangeStatus.choices, label=_("tình trạng"))
    agency = django_filters.NumberFilter(field_name="agency", label=_("cơ quan (mã số)"))

    class Meta:
        model = CalendarChange
        fields = ["status", "agency"]
