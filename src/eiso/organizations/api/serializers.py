"""Serializers of the agency tree. Output serializers read models; input serializers only validate
shapes and lengths — the services decide what is allowed and write."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from eiso.api.fields import VisibleRelatedField
from eiso.organizations.models import (
    Agency,
    AgencyKind,
    AgencySuccession,
    AgencyVersion,
    OversightScope,
    SuccessionKind,
)

CONTACT_FIELDS = ["address", "phone", "email", "website"]
HISTORICAL_FIELDS = ["name", "short_name", "kind", "parent", "admin_code", "electronic_id"]


class AgencySerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = Agency
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "kind_label",
            "parent",
            "depth",
            "admin_code",
            "electronic_id",
            *CONTACT_FIELDS,
            "valid_from",
            "valid_to",
            "is_active",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_kind_label(self, agency) -> str:
        # AgencyKind(...).label translates one label; get_kind_display() resolves all 15 lazy labels.
        return str(AgencyKind(agency.kind).label)


class AgencySubtreeNodeSerializer(AgencySerializer):
    """An agency with its visible sub-units (`children` is absent in the flat shape)."""

    def get_fields(self):
        fields = super().get_fields()
        fields["children"] = AgencySubtreeNodeSerializer(many=True, required=False)
        return fields


class AgencyTreeNodeSerializer(serializers.Serializer):
    """One node of the tree as it stood on a day (from that day's versions)."""

    id = serializers.IntegerField(
        read_only=True, help_text=_("mã số của cơ quan (không đổi qua các phiên bản)")
    )
    name = serializers.CharField(read_only=True)
    short_name = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(choices=AgencyKind.choices, read_only=True)
    admin_code = serializers.CharField(read_only=True)
    electronic_id = serializers.CharField(read_only=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["children"] = AgencyTreeNodeSerializer(many=True, read_only=True)
        return fields


class AgencyVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgencyVersion
        fields = [
            "id",
            "agency",
            *HISTORICAL_FIELDS,
            *CONTACT_FIELDS,
            "valid_from",
            "valid_to",
            "change_reason",
            "legal_basis",
            "created_at",
        ]
        read_only_fields = fields


class AgencyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "kind"]
        read_only_fields = fields


@extend_schema_field(
    {"type": "string", "enum": SuccessionKind.values, "description": _("hình thức kế thừa")},
    component_name="SuccessionKindEnum",
)
class SuccessionKindField(serializers.ChoiceField):
    """Its own schema component: `kind` alone would clash with the agency kind enum."""

    def __init__(self, **kwargs):
        super().__init__(choices=SuccessionKind.choices, **kwargs)


class AgencySuccessionSerializer(serializers.ModelSerializer):
    predecessor = AgencyRefSerializer(read_only=True)
    successor = AgencyRefSerializer(read_only=True)
    kind = SuccessionKindField(read_only=True)

    class Meta:
        model = AgencySuccession
        fields = ["id", "predecessor", "successor", "kind", "effective_date", "legal_basis"]
        read_only_fields = fields


class AgencyHistorySerializer(serializers.Serializer):
    agency = AgencySerializer(read_only=True)
    versions = AgencyVersionSerializer(many=True, read_only=True)
    successions_in = AgencySuccessionSerializer(
        many=True, read_only=True, help_text=_("các cơ quan đã được hợp nhất, chia tách vào cơ quan này")
    )
    successions_out = AgencySuccessionSerializer(
        many=True, read_only=True, help_text=_("các cơ quan kế thừa cơ quan này")
    )


# --- input --------------------------------------------------------------------------------------


class AgencyCreateSerializer(serializers.ModelSerializer):
    parent = VisibleRelatedField(Agency, allow_null=True, required=False)
    legal_basis = serializers.CharField(max_length=255, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True)

    class Meta:
        model = Agency
        fields = [
            "name",
            "short_name",
            "kind",
            "parent",
            "admin_code",
            "electronic_id",
            *CONTACT_FIELDS,
            "valid_from",
            "valid_to",
            "legal_basis",
            "reason",
        ]


class AgencyChangeSerializer(serializers.ModelSerializer):
    """Only the fields sent are changed; the rest carry over from the latest version."""

    effective_from = serializers.DateField(help_text=_("ngày thay đổi bắt đầu có hiệu lực"))
    parent = VisibleRelatedField(Agency, allow_null=True, required=False)
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True)
    legal_basis = serializers.CharField(max_length=255, required=False, allow_blank=True)

    class Meta:
        model = Agency
        fields = ["effective_from", *HISTORICAL_FIELDS, *CONTACT_FIELDS, "reason", "legal_basis"]
        extra_kwargs = {name: {"required": False} for name in [*HISTORICAL_FIELDS, *CONTACT_FIELDS]}


class AgencyContactsSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = CONTACT_FIELDS
        extra_kwargs = {name: {"required": False} for name in CONTACT_FIELDS}


class AgencyDissolveSerializer(serializers.Serializer):
    last_day = serializers.DateField(help_text=_("ngày cuối cùng cơ quan còn hoạt động"))
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True)
    legal_basis = serializers.CharField(max_length=255, required=False, allow_blank=True)


# --- oversight ----------------------------------------------------------------------------------


class OversightScopeSerializer(serializers.ModelSerializer):
    overseer_name = serializers.CharField(source="overseer.name", read_only=True)
    root_name = serializers.CharField(source="root.name", read_only=True)

    class Meta:
        model = OversightScope
        fields = ["id", "overseer", "overseer_name", "root", "root_name", "valid_from", "valid_to", "note"]
        read_only_fields = fields


class OversightScopeCreateSerializer(serializers.ModelSerializer):
    overseer = VisibleRelatedField(Agency)
    root = VisibleRelatedField(Agency)

    class Meta:
        model = OversightScope
        fields = ["overseer", "root", "valid_from", "valid_to", "note"]


class OversightScopeEndSerializer(serializers.Serializer):
    last_day = serializers.DateField(help_text=_("ngày cuối cùng phạm vi còn hiệu lực"))
