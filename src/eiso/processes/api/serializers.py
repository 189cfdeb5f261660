"""Serializers of the process designer. Output serializers read models; input serializers only validate
shapes and lengths — the services decide what is allowed, validate the design and write.

Enums get their own schema component names (`ProcessStatusEnum`, `StepKindEnum`…): the plain field names
(`status`, `kind`, `channel`) are already taken by other apps' enums in the OpenAPI document.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from eiso.api.fields import VisibleRelatedField
from eiso.organizations.models import Agency
from eiso.procedures.models import Procedure
from eiso.processes.design import CHANNELS, CONDITIONS, END, STEP_KINDS
from eiso.processes.models import (
    InternalProcess,
    ProcessStatus,
    ProcessVersion,
    ReviewFlag,
    ReviewReason,
    ReviewStatus,
)


def _named_choice(name: str, choices, description: str):
    values = (
        [value for value, _label in choices] if choices and isinstance(choices[0], tuple) else list(choices)
    )

    @extend_schema_field({"type": "string", "enum": values, "description": description}, component_name=name)
    class NamedChoiceField(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices, **kwargs)

    NamedChoiceField.__name__ = f"{name}Field"
    return NamedChoiceField


ProcessStatusField = _named_choice(
    "ProcessStatusEnum", ProcessStatus.choices, "tình trạng phiên bản quy trình"
)
StepKindField = _named_choice(
    "StepKindEnum",
    STEP_KINDS,
    "task: xử lý; approval: phê duyệt; consultation: lấy ý kiến (song song); "
    "return_to_applicant: trả kết quả",
)
ConditionField = _named_choice("TransitionConditionEnum", CONDITIONS, "always, agreed (đồng ý), not_agreed")
DesignChannelField = _named_choice("DesignChannelEnum", CHANNELS, "cách thức nộp hồ sơ")
StepTimeUnitField = _named_choice("StepTimeUnitEnum", ("hours", "days"), "đơn vị hiển thị thời gian của bước")
ReviewStatusField = _named_choice("ReviewStatusEnum", ReviewStatus.choices, "tình trạng rà soát")
ReviewReasonField = _named_choice("ReviewReasonEnum", ReviewReason.choices, "lý do phải rà soát")
SeverityField = _named_choice(
    "DesignIssueSeverityEnum", ("error", "warning"), "error: chặn trình duyệt; warning: lưu ý"
)
ExportFormatField = _named_choice("ProcessExportFormatEnum", ("docx", "pdf", "svg", "bpmn"), "định dạng tệp")


@extend_schema_field(
    {
        "oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "enum": [END]}],
        "description": 'số bước đích, hoặc "end" (kết thúc)',
    }
)
class TargetField(serializers.Field):
    def to_representation(self, value):
        return value

    def to_internal_value(self, data):
        if data == END:
            return END
        if isinstance(data, bool) or not isinstance(data, int) or data < 1:
            raise serializers.ValidationError(_('Đích chuyển tiếp phải là số bước hoặc "end".'))
        return data


# --- the design (JSON) ---------------------------------------------------------------------------------


class DesignTransitionSerializer(serializers.Serializer):
    target = TargetField()
    label = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    condition = ConditionField(required=False, default="always")


class DesignStepSerializer(serializers.Serializer):
    number = serializers.IntegerField(min_value=1, max_value=999, help_text=_("số thứ tự bước"))
    name = serializers.CharField(max_length=255)
    role = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    unit = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    work_content = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    hours = serializers.DecimalField(
        max_digits=8, decimal_places=2, coerce_to_string=False, help_text=_("thời gian, giờ làm việc")
    )
    time_unit = StepTimeUnitField(required=False, default="hours")
    output = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    kind = StepKindField(required=False, default="task")
    transitions = DesignTransitionSerializer(many=True, required=False, default=list)


class DesignTimeLimitSerializer(serializers.Serializer):
    channel = DesignChannelField()
    hours = serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=False)


class DesignSerializer(serializers.Serializer):
    """The design as stored (`ProcessDesign.to_dict()`). On input only `steps`, `legal_bases` and
    `description` are taken; code, name, version, procedures and time limits come from the process."""

    schema = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    version = serializers.CharField(read_only=True)
    procedure_codes = serializers.ListField(child=serializers.CharField(), read_only=True)
    time_limits = DesignTimeLimitSerializer(many=True, read_only=True)
    legal_bases = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, default=list, max_length=100
    )
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    steps = DesignStepSerializer(many=True, max_length=500)


class DesignIssueSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("mã lỗi ổn định, ví dụ over_time_limit, missing_owner"))
    severity = SeverityField()
    message = serializers.CharField(help_text=_("thông báo theo ngôn ngữ của yêu cầu"))
    steps = serializers.ListField(child=serializers.IntegerField())


class DesignValidationSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    planned_hours = serializers.DecimalField(max_digits=9, decimal_places=2, coerce_to_string=False)
    limit_hours = serializers.DecimalField(
        max_digits=9, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    issues = DesignIssueSerializer(many=True)


# --- output --------------------------------------------------------------------------------------------


class ProcessVersionSummarySerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    status = ProcessStatusField(read_only=True)
    planned_hours = serializers.DecimalField(
        max_digits=9, decimal_places=2, coerce_to_string=False, read_only=True
    )
    limit_hours = serializers.DecimalField(
        max_digits=9, decimal_places=2, coerce_to_string=False, read_only=True, allow_null=True
    )

    class Meta:
        model = ProcessVersion
        fields = [
            "id",
            "number",
            "label",
            "status",
            "valid_from",
            "valid_to",
            "planned_hours",
            "limit_hours",
            "error_count",
            "warning_count",
        ]
        read_only_fields = fields


class ProcessSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    procedures = serializers.SerializerMethodField()
    latest_version = ProcessVersionSummarySerializer(read_only=True)
    current_version = ProcessVersionSummarySerializer(read_only=True)
    needs_review = serializers.BooleanField(read_only=True, help_text=_("có yêu cầu rà soát đang mở"))

    class Meta:
        model = InternalProcess
        fields = [
            "id",
            "agency",
            "agency_name",
            "code",
            "name",
            "procedures",
            "latest_version",
            "current_version",
            "needs_review",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_procedures(self, process) -> list[str]:
        return [p.code for p in process.procedures.all()]


class ProcessDetailSerializer(ProcessSerializer):
    versions = ProcessVersionSummarySerializer(many=True, read_only=True)

    class Meta(ProcessSerializer.Meta):
        fields = [*ProcessSerializer.Meta.fields, "versions"]
        read_only_fields = fields


class ProcessVersionSerializer(ProcessVersionSummarySerializer):
    process = serializers.PrimaryKeyRelatedField(read_only=True)
    design = DesignSerializer(read_only=True)
    procedures = serializers.SerializerMethodField()
    based_on = serializers.PrimaryKeyRelatedField(read_only=True)
    submitted_by = serializers.StringRelatedField(read_only=True)
    approved_by = serializers.StringRelatedField(read_only=True)
    enacted_by = serializers.StringRelatedField(read_only=True)

    class Meta(ProcessVersionSummarySerializer.Meta):
        fields = [
            *ProcessVersionSummarySerializer.Meta.fields,
            "process",
            "procedures",
            "based_on",
            "change_note",
            "design",
            "created_at",
            "submitted_at",
            "submitted_by",
            "approved_at",
            "approved_by",
            "enacted_at",
            "enacted_by",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_procedures(self, version) -> list[str]:
        return [p.code for p in version.procedures.all()]


class DesignFieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class DesignStepRefSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()


class DesignStepChangeSerializer(serializers.Serializer):
    old_number = serializers.IntegerField()
    new_number = serializers.IntegerField()
    name = serializers.CharField()
    fields = DesignFieldChangeSerializer(many=True)
    transitions_added = serializers.ListField(child=serializers.CharField())
    transitions_removed = serializers.ListField(child=serializers.CharField())


class DesignRenumberedSerializer(serializers.Serializer):
    old_number = serializers.IntegerField()
    new_number = serializers.IntegerField()
    name = serializers.CharField()


class ProcessDiffSerializer(serializers.Serializer):
    old = serializers.IntegerField(help_text=_("mã số phiên bản cũ hơn"))
    new = serializers.IntegerField(help_text=_("mã số phiên bản mới hơn"))
    old_version = serializers.CharField()
    new_version = serializers.CharField()
    header = DesignFieldChangeSerializer(many=True)
    added = DesignStepRefSerializer(many=True)
    removed = DesignStepRefSerializer(many=True)
    changed = DesignStepChangeSerializer(many=True)
    renumbered = DesignRenumberedSerializer(many=True)
    text = serializers.CharField(help_text=_("các thay đổi dạng văn bản tiếng Việt, mỗi dòng một thay đổi"))


class ReviewFlagSerializer(serializers.ModelSerializer):
    target_type = serializers.CharField(source="content_type.model", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    reason = ReviewReasonField(read_only=True)
    status = ReviewStatusField(read_only=True)
    overdue = serializers.SerializerMethodField()
    resolved_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = ReviewFlag
        fields = [
            "id",
            "target_type",
            "object_id",
            "object_repr",
            "agency",
            "agency_name",
            "reason",
            "legal_reference",
            "detail",
            "effective_date",
            "due_date",
            "status",
            "overdue",
            "created_at",
            "resolved_at",
            "resolved_by",
            "resolution",
        ]
        read_only_fields = fields

    def get_overdue(self, flag) -> bool:
        return flag.is_overdue()


# --- input ---------------------------------------------------------------------------------------------


class ProcessCreateSerializer(serializers.Serializer):
    agency = VisibleRelatedField(Agency, help_text=_("cơ quan sở hữu quy trình"))
    procedures = serializers.ListField(
        child=serializers.CharField(max_length=50), min_length=1, max_length=50, help_text=_("mã thủ tục")
    )
    code = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    name = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    starter = serializers.BooleanField(
        default=False, help_text=_("tạo sẵn các bước thường gặp với thời gian trong thời hạn")
    )

    def validate_procedures(self, codes):
        found = {p.code: p for p in Procedure.objects.filter(code__in=codes)}
        missing = [code for code in codes if code not in found]
        if missing:
            raise serializers.ValidationError(_("Không có thủ tục mã %(code)s.") % {"code": missing[0]})
        return [found[code] for code in dict.fromkeys(codes)]


class ProcessUpdateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=50, required=False)
    name = serializers.CharField(max_length=500, required=False)
    procedures = serializers.ListField(
        child=serializers.CharField(max_length=50), min_length=1, required=False
    )

    validate_procedures = ProcessCreateSerializer.validate_procedures


class ProcessDesignInputSerializer(serializers.Serializer):
    design = DesignSerializer()
    change_note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ProcessValidateInputSerializer(serializers.Serializer):
    design = DesignSerializer(required=False, help_text=_("thiết kế cần kiểm tra; bỏ trống: thiết kế đã lưu"))


class ProcessNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ProcessReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class ProcessInForceSerializer(serializers.Serializer):
    valid_from = serializers.DateField(help_text=_("ngày bắt đầu áp dụng"))


class ProcessNewVersionSerializer(serializers.Serializer):
    change_note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ProcessDiffQuerySerializer(serializers.Serializer):
    against = serializers.IntegerField(
        required=False,
        help_text=_("mã số phiên bản để so sánh; mặc định: phiên bản mà phiên bản này sửa đổi"),
    )


class ProcessExportQuerySerializer(serializers.Serializer):
    file_format = ExportFormatField(default="docx")


class ReviewResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=2000)
