"""Serializers of the calendar API. Output serializers read models; input serializers only check
shapes — the services decide what is allowed and write."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from eiso.api.fields import VisibleRelatedField
from eiso.calendars.models import (
    CalendarChange,
    CalendarEntry,
    CalendarYear,
    ChangeStatus,
    ClockRecord,
    ClockState,
    EntryKind,
    EntryScope,
    WorkSchedule,
    YearStatus,
)
from eiso.organizations.models import Agency


def choice(choices, **kwargs) -> serializers.ChoiceField:
    """A ChoiceField; its enum is named in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] (several apps
    have a `kind` or a `status`)."""
    return serializers.ChoiceField(choices=choices, **kwargs)


class DueQuerySerializer(serializers.Serializer):
    """Documents the query of /calendar/due/ (parsed by `eiso.calendars.inputs`, not by DRF)."""

    start = serializers.CharField(
        help_text="Reception moment, ISO 8601 (e.g. 2025-12-31T15:30:00+07:00); without an offset it is Vietnam time."
    )
    amount = serializers.CharField(help_text="Time limit, a number ≥ 0 (fractions allowed in hours mode).")
    unit = choice(
        ["working_days", "working_hours", "calendar_days", "months"], required=False, default="working_days"
    )
    mode = choice(
        ["hours", "days"],
        required=False,
        default="hours",
        help_text="hours: N working days = N × 8 working hours from the counting start (15:00 cut-off); "
        "days: Civil Code — the reception day is not counted, due at closing time of the Nth working day.",
    )
    agency = serializers.CharField(
        required=False,
        help_text="Agency code: electronic identifier (000.00.15.H33) or administrative code (33, 11980). "
        "Without it: the national calendar and hours.",
    )


class CalendarAgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "admin_code", "electronic_id"]
        read_only_fields = fields


class DueResultSerializer(serializers.Serializer):
    due = serializers.DateTimeField(help_text="Due moment, ISO 8601 with +07:00.")
    counting_started = serializers.DateTimeField(help_text="Moment from which the limit runs.")
    estimated = serializers.BooleanField(help_text="True when a year involved has no official schedule yet.")
    received_at = serializers.DateTimeField()
    amount = serializers.FloatField()
    unit = serializers.CharField()
    mode = serializers.CharField()
    agency = CalendarAgencySerializer(allow_null=True)
    due_display = serializers.CharField(help_text="dd/mm/yyyy HH:MM")
    explanation = serializers.ListField(
        child=serializers.CharField(), help_text="Steps from reception to due moment (Vietnamese)."
    )


class DaySerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = choice(EntryKind.choices)
    kind_label = serializers.CharField()
    name = serializers.CharField(help_text="In the request's language.")
    name_vi = serializers.CharField()
    name_en = serializers.CharField()
    legal_reference = serializers.CharField()
    is_day_off = serializers.BooleanField()
    scope = serializers.CharField()
    agency = serializers.IntegerField(allow_null=True, source="agency_id")
    entry = serializers.IntegerField(source="entry_id")
    estimated = serializers.BooleanField(help_text="The entry or its year is an estimate.")


class CalendarEntrySerializer(serializers.ModelSerializer):
    kind = choice(EntryKind.choices, read_only=True)
    scope = choice(EntryScope.choices, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = CalendarEntry
        fields = [
            "id",
            "date",
            "kind",
            "kind_label",
            "name_vi",
            "name_en",
            "legal_reference",
            "scope",
            "agency",
            "estimated",
            "updated_at",
        ]
        read_only_fields = fields


class CalendarEntryWriteSerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = choice(EntryKind.choices)
    name_vi = serializers.CharField(max_length=255)
    name_en = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    legal_reference = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    agency = VisibleRelatedField(
        Agency, required=False, allow_null=True, default=None, help_text=_("để trống: lịch toàn quốc")
    )
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CalendarEntryPatchSerializer(CalendarEntryWriteSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.required = False
            if name != "agency":
                field.default = serializers.empty


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV, XLSX or JSON; format in docs/user/lich-lam-viec.md.")
    format = choice(
        ["csv", "xlsx", "json"], required=False, help_text="Taken from the file name when omitted."
    )
    agency = VisibleRelatedField(
        Agency,
        required=False,
        allow_null=True,
        default=None,
        help_text="Agency id; omitted: the national calendar.",
    )
    year = serializers.IntegerField(required=False, min_value=1990, max_value=2150)
    status = choice(YearStatus.choices, required=False)
    legal_reference = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    replace = serializers.BooleanField(
        required=False, default=True, help_text="Remove the year's entries of this scope that the file lacks."
    )


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        help_text="Spreadsheet row (header = 1) or JSON entry number; 0: the whole file."
    )
    field = serializers.CharField()
    message = serializers.CharField()


class ImportErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = RowErrorSerializer(many=True)


class ImportResultSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    agency = serializers.IntegerField(allow_null=True, source="agency.pk", default=None)
    added = serializers.ListField(child=serializers.DateField())
    changed = serializers.ListField(child=serializers.DateField())
    removed = serializers.ListField(child=serializers.DateField())
    unchanged = serializers.IntegerField()
    change = serializers.IntegerField(
        allow_null=True,
        source="change.pk",
        default=None,
        help_text="The CalendarChange whose recomputation follows.",
    )


class CalendarYearSerializer(serializers.ModelSerializer):
    status = choice(YearStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = CalendarYear
        fields = ["year", "status", "status_label", "legal_reference", "note", "updated_at"]
        read_only_fields = fields


class CalendarYearWriteSerializer(serializers.Serializer):
    status = choice(YearStatus.choices)
    legal_reference = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class WorkScheduleSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkSchedule
        fields = [
            "id",
            "agency",
            "morning_start",
            "morning_end",
            "afternoon_start",
            "afternoon_end",
            "weekmask",
            "reception_cutoff",
            "legal_reference",
            "updated_at",
        ]
        read_only_fields = fields


class WorkScheduleWriteSerializer(serializers.Serializer):
    agency = VisibleRelatedField(Agency)
    morning_start = serializers.TimeField()
    morning_end = serializers.TimeField()
    afternoon_start = serializers.TimeField(required=False, allow_null=True, default=None)
    afternoon_end = serializers.TimeField(required=False, allow_null=True, default=None)
    weekmask = serializers.RegexField(r"^[01]{7}$", default="1111100")
    reception_cutoff = serializers.TimeField(required=False, allow_null=True, default=None)
    legal_reference = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ClockRecordSerializer(serializers.ModelSerializer):
    status = choice(ClockState.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ClockRecord
        fields = [
            "id",
            "agency",
            "subject",
            "status",
            "status_label",
            "is_open",
            "amount",
            "unit",
            "mode",
            "period_opened_at",
            "due_at",
            "estimated",
            "state",
            "updated_at",
        ]
        read_only_fields = fields


class CalendarChangeSerializer(serializers.ModelSerializer):
    status = choice(ChangeStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    moves_sample = serializers.SerializerMethodField()

    class Meta:
        model = CalendarChange
        fields = [
            "id",
            "created_at",
            "actor_label",
            "summary",
            "agency",
            "dates",
            "status",
            "status_label",
            "checked_count",
            "moved_count",
            "moved_ids",
            "moves_sample",
            "error",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(
            child=serializers.DictField(), help_text="Up to 50 moves: id, old and new due (ISO)."
        )
    )
    def get_moves_sample(self, obj):
        return obj.moves_sample
