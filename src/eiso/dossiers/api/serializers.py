"""Serializers of dossier processing: /api/v1/dossiers/, /work-items/ and the public status lookup.

Output serializers read models (status labels in the request's language); input serializers only check
shapes and lengths — the services decide what is allowed, validate against the state machine and the
rules, write and audit. Enums get their own schema component names (`DossierStatusEnum`…) because the
plain names (`status`, `channel`, `kind`) are taken by other apps' enums in the OpenAPI document.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from eiso.accounts.models import User
from eiso.api.fields import VisibleRelatedField
from eiso.dossiers.models import (
    ApplicantKind,
    Channel,
    Dossier,
    DossierComponent,
    HandOver,
    HandOverAction,
    Outcome,
    ReturnMethod,
    Risk,
    Status,
    StepKind,
    Timeliness,
    WorkItem,
    WorkStatus,
)
from eiso.organizations.models import Agency
from eiso.procedures.models import Procedure


def _named_choice(name: str, choices, description: str):
    values = [value for value, _label in choices]

    @extend_schema_field({"type": "string", "enum": values, "description": description}, component_name=name)
    class NamedChoiceField(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices, **kwargs)

    NamedChoiceField.__name__ = f"{name}Field"
    return NamedChoiceField


DossierStatusField = _named_choice("DossierStatusEnum", Status.choices, "trạng thái hồ sơ")
DossierChannelField = _named_choice(
    "DossierChannelEnum", Channel.choices, "cách thức nộp: direct, online, postal"
)
ApplicantKindField = _named_choice("ApplicantKindEnum", ApplicantKind.choices, "cá nhân / tổ chức")
TimelinessField = _named_choice("DossierTimelinessEnum", Timeliness.choices, "trước hạn / đúng hạn / quá hạn")
RiskField = _named_choice("DossierRiskEnum", Risk.choices, "cảnh báo: rỗng, at_risk, overdue")
ReturnMethodField = _named_choice("ReturnMethodEnum", ReturnMethod.choices, "hình thức trả kết quả")
ReceptionOutcomeField = _named_choice(
    "ReceptionOutcomeEnum",
    [
        ("received", _("Tiếp nhận (mẫu 01)")),
        ("supplement", _("Yêu cầu bổ sung (mẫu 02)")),
        ("refused", _("Từ chối tiếp nhận (mẫu 03)")),
    ],
    "kết quả tại quầy",
)
StepOutcomeField = _named_choice(
    "StepOutcomeEnum",
    [(o, label) for o, label in Outcome.choices if o in ("done", "agreed", "not_agreed")],
    "done; với bước phê duyệt: agreed / not_agreed",
)
WorkItemOutcomeField = _named_choice("WorkItemOutcomeEnum", Outcome.choices, "kết quả của việc")
WorkStatusField = _named_choice("WorkItemStatusEnum", WorkStatus.choices, "tình trạng của việc")
StepKindField = _named_choice("DossierStepKindEnum", StepKind.choices, "loại bước")
HandOverActionField = _named_choice("HandOverActionEnum", HandOverAction.choices, "hành động bàn giao")


class _Label(serializers.CharField):
    """`get_<field>_display()` of a choice field, read-only."""

    def __init__(self, field: str, **kwargs):
        super().__init__(source=f"get_{field}_display", read_only=True, **kwargs)


# --- output --------------------------------------------------------------------------------------------


class DossierSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    procedure_code = serializers.CharField(source="procedure.code", read_only=True)
    procedure_name = serializers.CharField(source="procedure.name", read_only=True)
    channel = DossierChannelField(read_only=True)
    status = DossierStatusField(read_only=True)
    status_label = _Label("status")
    applicant_kind = ApplicantKindField(read_only=True)
    appointment_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("ngày hẹn trả kết quả hiện tại")
    )
    risk = RiskField(read_only=True)
    timeliness = TimelinessField(read_only=True)
    allowed_actions = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("hành động trạng thái hiện tại cho phép")
    )

    class Meta:
        model = Dossier
        fields = [
            "id",
            "code",
            "agency",
            "agency_name",
            "receiving_unit",
            "procedure",
            "procedure_code",
            "procedure_name",
            "case_name",
            "channel",
            "status",
            "status_label",
            "applicant_kind",
            "applicant_name",
            "applicant_phone",
            "received_at",
            "appointment_at",
            "original_appointment_at",
            "current_step",
            "risk",
            "timeliness",
            "settled_at",
            "returned_at",
            "supplement_count",
            "extended_at",
            "allowed_actions",
        ]
        read_only_fields = fields


class DossierComponentSerializer(serializers.ModelSerializer):
    class Meta:
        model = DossierComponent
        fields = ["id", "name", "original", "quantity", "received", "required"]
        read_only_fields = fields


class WorkItemSerializer(serializers.ModelSerializer):
    dossier_code = serializers.CharField(source="dossier.code", read_only=True)
    kind = StepKindField(read_only=True)
    status = WorkStatusField(read_only=True)
    outcome = WorkItemOutcomeField(read_only=True, allow_blank=True)
    risk = RiskField(read_only=True)
    timeliness = TimelinessField(read_only=True, allow_blank=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    assignee_name = serializers.SerializerMethodField()

    class Meta:
        model = WorkItem
        fields = [
            "id",
            "dossier",
            "dossier_code",
            "parent",
            "step_number",
            "step_name",
            "kind",
            "owner_label",
            "role_code",
            "unit",
            "unit_name",
            "assignee",
            "assignee_name",
            "consulted_body",
            "status",
            "allotted_hours",
            "started_at",
            "due_at",
            "at_risk_at",
            "risk",
            "completed_at",
            "outcome",
            "used_seconds",
            "timeliness",
            "note",
        ]
        read_only_fields = fields

    def get_assignee_name(self, item) -> str:
        user = item.assignee
        return (user.get_full_name() or user.get_username()) if user else ""


class HandOverSerializer(serializers.ModelSerializer):
    action = HandOverActionField(read_only=True)
    action_label = _Label("action")
    timeliness = TimelinessField(read_only=True, allow_blank=True)

    class Meta:
        model = HandOver
        fields = [
            "id",
            "work_item",
            "action",
            "action_label",
            "from_label",
            "to_label",
            "given_at",
            "received_at",
            "allotted_seconds",
            "used_seconds",
            "timeliness",
            "note",
        ]
        read_only_fields = fields


class DossierDetailSerializer(DossierSerializer):
    components = DossierComponentSerializer(many=True, read_only=True)
    open_work_items = serializers.SerializerMethodField()
    hand_overs = HandOverSerializer(many=True, read_only=True)
    book_number = serializers.SerializerMethodField(help_text=_("số thứ tự trong sổ theo dõi (mẫu 07)"))
    return_method = ReturnMethodField(read_only=True, allow_blank=True)

    class Meta(DossierSerializer.Meta):
        fields = [
            *DossierSerializer.Meta.fields,
            "lookup_secret",
            "procedure_version",
            "process_version",
            "applicant_id_number",
            "applicant_address",
            "applicant_email",
            "sets",
            "fee_amount",
            "missing_note",
            "refusal_reason",
            "extension_reason",
            "result_number",
            "result_summary",
            "returned_to",
            "return_method",
            "closed_reason",
            "closed_at",
            "book_number",
            "components",
            "open_work_items",
            "hand_overs",
        ]
        read_only_fields = fields

    @extend_schema_field(WorkItemSerializer(many=True))
    def get_open_work_items(self, dossier):
        items = [i for i in dossier.work_items.all() if i.status == WorkStatus.OPEN]
        return WorkItemSerializer(items, many=True).data

    def get_book_number(self, dossier) -> int | None:
        entry = getattr(dossier, "book_entry", None)
        return entry.number if entry else None


# --- input: reception ----------------------------------------------------------------------------------


class ApplicantInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    kind = ApplicantKindField(required=False, default=ApplicantKind.PERSON)
    id_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class DossierComponentInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=2000)
    original = serializers.BooleanField(required=False, default=False)
    quantity = serializers.IntegerField(min_value=1, max_value=999, required=False, default=1)
    received = serializers.BooleanField(required=False, default=True)
    required = serializers.BooleanField(required=False, default=True)


class ReceptionInputSerializer(serializers.Serializer):
    """Tiếp nhận hồ sơ. Send `Idempotency-Key` so a retried request never makes two dossiers."""

    agency = VisibleRelatedField(Agency, help_text=_("cơ quan giải quyết (id)"))
    receiving_unit = VisibleRelatedField(
        Agency, required=False, allow_null=True, default=None, help_text=_("bộ phận tiếp nhận (id)")
    )
    procedure = serializers.PrimaryKeyRelatedField(
        queryset=Procedure.objects.all(), required=False, help_text=_("thủ tục (id)")
    )
    procedure_code = serializers.CharField(
        max_length=50, required=False, help_text=_("hoặc mã thủ tục quốc gia, ví dụ 1.004873")
    )
    channel = DossierChannelField()
    outcome = ReceptionOutcomeField(required=False, default="received")
    applicant = ApplicantInputSerializer()
    components = DossierComponentInputSerializer(many=True, required=False, default=list, max_length=200)
    case_name = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    sets = serializers.IntegerField(min_value=1, max_value=99, required=False, default=1)
    fee_amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=0,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        coerce_to_string=False,
        help_text=_("bỏ trống: phí, lệ phí của cách thức nộp theo thủ tục"),
    )
    missing_note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    refusal_reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")

    def validate(self, data):
        code = data.pop("procedure_code", "").strip()
        if data.get("procedure") is None:
            if not code:
                raise serializers.ValidationError({"procedure": [_("Cần chọn thủ tục (id hoặc mã).")]})
            procedure = Procedure.objects.filter(code=code).first()
            if procedure is None:
                raise serializers.ValidationError(
                    {"procedure_code": [_("Không có thủ tục mã “%(code)s”.") % {"code": code}]}
                )
            data["procedure"] = procedure
        return data


# --- input: transitions --------------------------------------------------------------------------------


class EmptyInputSerializer(serializers.Serializer):
    """An action that takes no input (the OpenAPI schema still names its body)."""


class SupplementRequestSerializer(serializers.Serializer):
    missing_note = serializers.CharField(max_length=5000, help_text=_("nêu đầy đủ, một lần"))


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class RequiredNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000)


class ExtendSerializer(serializers.Serializer):
    extra_working_days = serializers.IntegerField(min_value=1, max_value=60)
    reason = serializers.CharField(max_length=5000, help_text=_("lý do chậm (mẫu 04)"))


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class ReturnResultSerializer(serializers.Serializer):
    returned_to = serializers.CharField(max_length=255, help_text=_("người nhận kết quả"))
    method = ReturnMethodField(default=ReturnMethod.COUNTER)


class FinishSerializer(serializers.Serializer):
    result_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    result_summary = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class CompleteStepSerializer(serializers.Serializer):
    outcome = StepOutcomeField(required=False, default=Outcome.DONE)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    assignee = VisibleRelatedField(
        User, required=False, allow_null=True, default=None, help_text=_("người xử lý bước tiếp theo (id)")
    )
    result_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    result_summary = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    returned_to = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default="", help_text=_("bước trả kết quả")
    )
    return_method = serializers.CharField(max_length=8, required=False, allow_blank=True, default="")


class ReturnToStepSerializer(serializers.Serializer):
    step_number = serializers.IntegerField(min_value=1, max_value=999)
    note = serializers.CharField(max_length=5000)


class ForwardSerializer(serializers.Serializer):
    to_user = VisibleRelatedField(User, help_text=_("người nhận (id)"))
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ConsultSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=255, help_text=_("cơ quan được lấy ý kiến"))
    hours = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


# --- public status lookup ------------------------------------------------------------------------------


class LookupInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64, help_text=_("mã hồ sơ trên giấy tiếp nhận (mẫu 01)"))
    secret = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("mã tra cứu 6 chữ số in trên giấy tiếp nhận"),
    )
    phone_last4 = serializers.CharField(
        max_length=4,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("hoặc 4 số cuối điện thoại của người nộp"),
    )

    def validate(self, data):
        if not (data["secret"].strip() or data["phone_last4"].strip()):
            raise serializers.ValidationError(
                _("Nhập mã tra cứu in trên giấy tiếp nhận hoặc 4 số cuối số điện thoại của người nộp.")
            )
        return data


class LookupStepSerializer(serializers.Serializer):
    name = serializers.CharField()
    done_at = serializers.CharField(help_text=_("dd/mm/yyyy HH:MM"))


class LookupAnswerSerializer(serializers.Serializer):
    """The same shape whether the dossier was found or not; no personal data, no officer names."""

    found = serializers.BooleanField()
    message = serializers.CharField(help_text=_("một câu: tình trạng, hoặc thông báo không tìm thấy"))
    code = serializers.CharField(allow_blank=True)
    status = serializers.CharField(allow_blank=True)
    status_label = serializers.CharField(allow_blank=True)
    procedure_name = serializers.CharField(allow_blank=True)
    received_at = serializers.CharField(allow_blank=True, help_text=_("dd/mm/yyyy HH:MM"))
    appointment_at = serializers.CharField(allow_blank=True, help_text=_("dd/mm/yyyy HH:MM"))
    steps_done = LookupStepSerializer(many=True)
    collect_at = serializers.CharField(allow_blank=True, help_text=_("nơi nhận kết quả"))
    collect_address = serializers.CharField(allow_blank=True)
    result_ready_at = serializers.CharField(allow_blank=True)
    returned_at = serializers.CharField(allow_blank=True)
