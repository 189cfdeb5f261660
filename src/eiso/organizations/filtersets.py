"""Filters for agency lists, shared by the HTML lists and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eiso.organizations.models import Agency, AgencyKind, OversightScope


class AgencyFilterSet(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=AgencyKind.choices, label=_("loại"))
    parent = django_filters.NumberFilter(field_name="parent", label=_("cơ quan cấp trên (mã số)"))
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("còn hiệu lực vào ngày"))
    search = django_filters.CharFilter(
        method="filter_search", label=_("tìm theo tên, mã (không dấu cũng được)")
    )
    province = django_filters.CharFilter(method="filter_province", label=_("mã đơn vị hành chính của tỉnh"))

    class Meta:
        model = Agency
        fields = ["kind", "parent", "active_on", "search", "province"]

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_province(self, queryset, name, value):
        """The province's whole subtree. A code can name an ended province and its successor, so every
        province that ever had the code counts."""
        paths = Agency.objects.filter(kind=AgencyKind.PROVINCE, admin_code=value.strip()).values_list(
            "path", flat=True
        )
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(path__startswith=path)
        return queryset.filter(condition)


class OversightScopeFilterSet(django_filters.FilterSet):
    overseer = django_filters.NumberFilter(field_name="overseer", label=_("cơ quan theo dõi (mã số)"))
    root = django_filters.NumberFilter(field_name="root", label=_("phạm vi (mã số cơ quan gốc)"))
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("còn hiệu lực vào ngày"))

    class Meta:
        model = OversightScope
        fields = ["overseer", "root", "active_on"]

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value)
