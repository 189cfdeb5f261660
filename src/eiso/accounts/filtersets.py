"""Filters for user and membership lists, shared by the HTML lists and the API."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eiso.accounts.models import Membership, User
from eiso.accounts.querysets import active_on_q
from eiso.accounts.roles import ROLE_DEFINITIONS

ROLE_CHOICES = [(code, name) for code, name, _en, _ro in ROLE_DEFINITIONS]


class UserFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", label=_("tìm theo tên, tên đăng nhập, thư điện tử")
    )
    is_active = django_filters.BooleanFilter(field_name="is_active", label=_("tài khoản đang hoạt động"))
    agency = django_filters.NumberFilter(method="filter_agency", label=_("có vai trò tại cơ quan (mã số)"))
    role = django_filters.ChoiceFilter(choices=ROLE_CHOICES, method="filter_role", label=_("có vai trò"))

    class Meta:
        model = User
        fields = ["search", "is_active", "agency", "role"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def _with_membership(self, queryset, **conditions):
        current = Membership.objects.filter(
            active_on_q(timezone.localdate()), user=OuterRef("pk"), **conditions
        )
        return queryset.filter(Exists(current))

    def filter_agency(self, queryset, name, value):
        return self._with_membership(queryset, agency_id=value)

    def filter_role(self, queryset, name, value):
        return self._with_membership(queryset, role__code=value)


class MembershipFilterSet(django_filters.FilterSet):
    agency = django_filters.NumberFilter(field_name="agency", label=_("cơ quan (mã số)"))
    user = django_filters.NumberFilter(field_name="user", label=_("người dùng (mã số)"))
    role = django_filters.ChoiceFilter(choices=ROLE_CHOICES, field_name="role__code", label=_("vai trò"))
    active = django_filters.BooleanFilter(method="filter_active", label=_("đang hiệu lực hôm nay"))

    class Meta:
        model = Membership
        fields = ["agency", "user", "role", "active"]

    def filter_active(self, queryset, name, value):
        current = active_on_q(timezone.localdate())
        return queryset.filter(current) if value else queryset.exclude(current)
