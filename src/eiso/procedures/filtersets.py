"""Filters of the procedure catalogue, shared by the HTML list and the API."""

import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from eiso.procedures.models import AgencyProcedure, OnlineLevel, Procedure, ProcedureLevel, Sector
from eiso.procedures.querysets import covered_procedure_ids

COMPLETE_CHOICES = [("yes", _("Đủ bộ phận cấu thành")), ("no", _("Còn thiếu bộ phận"))]
COVERAGE_CHOICES = [("covered", _("Đã có quy trình nội bộ")), ("uncovered", _("Chưa có quy trình nội bộ"))]


class ProcedureFilterSet(django_filters.FilterSet):
    """`agency` and `coverage` are scoped: an agency outside the caller's scope matches nothing."""

    search = django_filters.CharFilter(
        method="filter_search",
        label=_("Tìm kiếm"),
        widget=forms.TextInput(attrs={"placeholder": _("Mã, tên thủ tục… (không cần dấu)")}),
    )
    sector = django_filters.ChoiceFilter(
        method="filter_sector", label=_("Lĩnh vực"), empty_label=_("Tất cả lĩnh vực")
    )
    level = django_filters.ChoiceFilter(
        method="filter_level",
        choices=ProcedureLevel.choices,
        label=_("Cấp thực hiện"),
        empty_label=_("Tất cả cấp"),
    )
    online_level = django_filters.ChoiceFilter(
        choices=OnlineLevel.choices, label=_("Mức độ trực tuyến"), empty_label=_("Mọi mức độ")
    )
    complete = django_filters.ChoiceFilter(
        method="filter_complete",
        choices=COMPLETE_CHOICES,
        label=_("Bộ phận cấu thành"),
        empty_label=_("Tất cả"),
    )
    agency = django_filters.NumberFilter(method="filter_agency", label=_("Cơ quan thực hiện (mã số)"))
    coverage = django_filters.ChoiceFilter(
        method="filter_coverage",
        choices=COVERAGE_CHOICES,
        label=_("Quy trình nội bộ"),
        empty_label=_("Tất cả"),
    )

    class Meta:
        model = Procedure
        fields = ["search", "sector", "level", "online_level", "complete", "agency", "coverage"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["sector"].extra["choices"] = list(
            Sector.objects.order_by("name").values_list("code", "name")
        )

    @property
    def user(self):
        return getattr(self.request, "user", None)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_sector(self, queryset, name, value: str):
        return queryset.in_sector(value)

    def filter_level(self, queryset, name, value):
        return queryset.at_level(value)

    def filter_complete(self, queryset, name, value):
        return queryset.filter(is_complete=value == "yes")

    def _agency_ids(self) -> list[int]:
        """The agency asked for (if visible), else every visible agency that settles something."""
        assignments = AgencyProcedure.objects.visible_to(self.user).active_on()
        agency = self.form.cleaned_data.get("agency") if hasattr(self.form, "cleaned_data") else None
        if agency is not None:
            assignments = assignments.filter(agency_id=agency)
        return sorted(set(assignments.values_list("agency_id", flat=True)))

    def filter_agency(self, queryset, name, value):
        return queryset.filter(
            pk__in=AgencyProcedure.objects.visible_to(self.user)
            .active_on()
            .filter(agency_id=value)
            .values("procedure_id")
        )

    def filter_coverage(self, queryset, name, value):
        """Covered: an internal process is in force for the procedure in the agency asked for (or in one of
        the visible agencies that settle it); uncovered: settled there, and no process in force."""
        agency_ids = self._agency_ids()
        covered = covered_procedure_ids(agency_ids, datetime.date.today()) if agency_ids else set()
        settled = queryset.settled_by(agency_ids)
        if value == "covered":
            return settled.filter(pk__in=covered)
        return settled.exclude(pk__in=covered)
