"""Serializers of the procedure catalogue. Output serializers read models; input serializers only
validate shapes — the services decide what is allowed and write."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from eiso.api.fields import VisibleRelatedField
from eiso.organizations.models import Agency
from eiso.procedures.models import (
    AgencyProcedure,
    DossierCase,
    DossierComponent,
    LegalDocument,
    Procedure,
    ProcedureChannel,
    ProcedureFee,
    ProcedureImport,
    ProcedureVersion,
    Sector,
    VersionStatus,
)


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["code", "name"]
        read_only_fields = fields


class VersionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcedureVersion
        fields = ["id", "decision_number", "decision_date", "status", "valid_from", "valid_to", "is_complete"]
        read_only_fields = fields


class ProcedureSerializer(serializers.ModelSerializer):
    """One row of the catalogue: the identity and a summary of its current version."""

    levels = serializers.ListField(source="level_list", child=serializers.CharField(), read_only=True)
    sectors = serializers.SerializerMethodField()
    current_version = VersionRefSerializer(read_only=True)

    class Meta:
        model = Procedure
        fields = ["id", "code", "name", "levels", "online_level", "is_complete", "sectors", "current_version"]
        read_only_fields = fields

    @extend_schema_field(SectorSerializer(many=True))
    def get_sectors(self, procedure) -> list:
        # Plain dicts: a nested serializer per row cost more than the page's queries.
        version = procedure.current_version
        return [{"code": s.code, "name": s.name} for s in version.sectors.all()] if version else []


class FeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcedureFee
        fields = ["kind", "amount", "currency", "description"]
        read_only_fields = fields


class ChannelSerializer(serializers.ModelSerializer):
    fees = FeeSerializer(many=True, read_only=True)

    class Meta:
        model = ProcedureChannel
        fields = ["channel", "time_value", "time_unit", "counting_mode", "cutoff", "description", "fees"]
        read_only_fields = fields


class ComponentSerializer(serializers.ModelSerializer):
    class Meta:
        model = DossierComponent
        fields = ["name", "originals", "copies", "required", "form_name", "form_url"]
        read_only_fields = fields


class CaseSerializer(serializers.ModelSerializer):
    components = ComponentSerializer(many=True, read_only=True)

    class Meta:
        model = DossierCase
        fields = ["name", "components"]
        read_only_fields = fields


class LegalDocumentSerializer(serializers.ModelSerializer):
    replaced_by = serializers.CharField(source="replaced_by.number", read_only=True, default=None)

    class Meta:
        model = LegalDocument
        fields = [
            "id",
            "number",
            "title",
            "issuer",
            "issued_on",
            "effective_from",
            "replaced_by",
            "replaced_on",
        ]
        read_only_fields = fields


class StepSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)


class CodedSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class ProcedureVersionSerializer(serializers.ModelSerializer):
    """A version with every section of the announcement."""

    code = serializers.CharField(source="procedure.code", read_only=True)
    levels = serializers.ListField(source="level_list", child=serializers.CharField(), read_only=True)
    sectors = SectorSerializer(many=True, read_only=True)
    subjects = serializers.ListField(child=serializers.CharField(), read_only=True)
    competent_bodies = serializers.ListField(child=serializers.CharField(), read_only=True)
    implementing_bodies = serializers.ListField(child=serializers.CharField(), read_only=True)
    coordinating_bodies = serializers.ListField(child=serializers.CharField(), read_only=True)
    receiving_places = serializers.ListField(child=serializers.CharField(), read_only=True)
    steps = StepSerializer(many=True, read_only=True)
    results = CodedSerializer(many=True, read_only=True)
    related_codes = serializers.ListField(child=serializers.CharField(), read_only=True)
    missing = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("bộ phận cấu thành bắt buộc còn thiếu")
    )
    channels = ChannelSerializer(many=True, read_only=True)
    cases = CaseSerializer(many=True, read_only=True)
    legal_bases = serializers.SerializerMethodField()

    class Meta:
        model = ProcedureVersion
        fields = [
            "id",
            "code",
            "status",
            "decision_number",
            "decision_date",
            "decision_issuer",
            "valid_from",
            "valid_to",
            "name",
            "levels",
            "sectors",
            "subjects",
            "competent_bodies",
            "implementing_bodies",
            "coordinating_bodies",
            "receiving_places",
            "steps",
            "channels",
            "cases",
            "results",
            "requirements",
            "online_level",
            "legal_bases",
            "related_codes",
            "is_complete",
            "missing",
            "published_at",
        ]
        read_only_fields = fields

    @extend_schema_field(LegalDocumentSerializer(many=True))
    def get_legal_bases(self, version) -> list:
        return LegalDocumentSerializer([b.document for b in version.legal_bases.all()], many=True).data


class ProcedureDetailSerializer(ProcedureSerializer):
    current_version = ProcedureVersionSerializer(read_only=True)
    versions = VersionRefSerializer(many=True, read_only=True)

    class Meta(ProcedureSerializer.Meta):
        fields = [*ProcedureSerializer.Meta.fields, "versions"]
        read_only_fields = fields


class AgencyProcedureSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    procedure_code = serializers.CharField(source="procedure.code", read_only=True)
    procedure_name = serializers.CharField(source="procedure.name", read_only=True)

    class Meta:
        model = AgencyProcedure
        fields = [
            "id",
            "agency",
            "agency_name",
            "procedure",
            "procedure_code",
            "procedure_name",
            "valid_from",
            "valid_to",
            "note",
        ]
        read_only_fields = fields


class CoverageRowSerializer(serializers.Serializer):
    agency = serializers.IntegerField(read_only=True, allow_null=True, help_text=_("null: cả cây con"))
    agency_name = serializers.CharField(read_only=True)
    total = serializers.IntegerField(read_only=True)
    covered = serializers.IntegerField(read_only=True)
    percent = serializers.IntegerField(read_only=True)


class CoverageSerializer(serializers.Serializer):
    day = serializers.DateField(read_only=True)
    root = serializers.IntegerField(read_only=True)
    total = CoverageRowSerializer(read_only=True)
    agencies = CoverageRowSerializer(many=True, read_only=True)


class ProcedureImportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcedureImport
        fields = [
            "id",
            "file_name",
            "file_format",
            "status",
            "total",
            "processed",
            "created_count",
            "updated_count",
            "unchanged_count",
            "message",
            "errors",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


# --- input --------------------------------------------------------------------------------------


class ImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("JSON (cấu trúc Cổng DVC quốc gia) hoặc XLSX theo mẫu"))
    default_status = serializers.ChoiceField(
        choices=[VersionStatus.PUBLISHED, VersionStatus.DRAFT], default=VersionStatus.PUBLISHED
    )


class ExportQuerySerializer(serializers.Serializer):
    file_format = serializers.ChoiceField(choices=["json", "xlsx"], default="json")
    versions = serializers.ChoiceField(
        choices=["all", "current"],
        default="all",
        help_text=_("all: mọi phiên bản; current: phiên bản hiện hành"),
    )


class PublishSerializer(serializers.Serializer):
    valid_from = serializers.DateField(required=False, help_text=_("mặc định: ngày quyết định công bố"))


class AssignSerializer(serializers.Serializer):
    agency = VisibleRelatedField(Agency)
    procedures = serializers.ListField(
        child=serializers.CharField(max_length=50), min_length=1, max_length=2000, help_text=_("mã thủ tục")
    )
    valid_from = serializers.DateField(required=False)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True)


class EndAssignmentSerializer(serializers.Serializer):
    last_day = serializers.DateField(required=False, help_text=_("mặc định: hôm nay"))


class CoverageQuerySerializer(serializers.Serializer):
    agency = serializers.IntegerField(help_text=_("mã số cơ quan gốc"))
    subtree = serializers.BooleanField(default=True, help_text=_("gồm các cơ quan trực thuộc"))
    day = serializers.DateField(required=False)
