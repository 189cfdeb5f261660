"""Serializers of the register API: outputs, and input serializers for each action."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from eiso.accounts.models import User
from eiso.api.fields import VisibleRelatedField
from eiso.documents.models import (
    ChangeRequest,
    Confidentiality,
    Distribution,
    Document,
    DocumentKind,
    DocumentVersion,
    ExternalDocument,
    ExternalKind,
    Signature,
)
from eiso.organizations.models import Agency


class SignatureSerializer(serializers.ModelSerializer):
    signer = serializers.CharField(source="signer.username", read_only=True)

    class Meta:
        model = Signature
        fields = ["signer", "meaning", "signed_at", "note"]


class VersionSerializer(serializers.ModelSerializer):
    signatures = SignatureSerializer(many=True, read_only=True)
    document_code = serializers.CharField(source="document.code", read_only=True)

    class Meta:
        model = DocumentVersion
        fields = [
            "id",
            "document",
            "document_code",
            "number",
            "status",
            "file_name",
            "media_type",
            "size",
            "sha256",
            "change_summary",
            "effective_date",
            "ended_on",
            "text_status",
            "created_at",
            "issued_at",
            "signatures",
        ]


class SearchHitSerializer(serializers.ModelSerializer):
    document_code = serializers.CharField(source="document.code", read_only=True)
    document_title = serializers.CharField(source="document.title", read_only=True)
    kind = serializers.CharField(source="document.kind", read_only=True)

    class Meta:
        model = DocumentVersion
        fields = [
            "id",
            "document",
            "document_code",
            "document_title",
            "kind",
            "number",
            "status",
            "effective_date",
        ]


class DocumentSerializer(serializers.ModelSerializer):
    latest_version = VersionSerializer(read_only=True)
    current_version_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "agency",
            "kind",
            "code",
            "title",
            "owner_unit",
            "review_months",
            "confidentiality",
            "next_review_on",
            "locked_by",
            "current_version_id",
            "latest_version",
        ]


class DocumentInputSerializer(serializers.Serializer):
    agency = VisibleRelatedField(Agency)
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    title = serializers.CharField(max_length=500)
    code = serializers.CharField(max_length=50, required=False, allow_blank=True)
    owner_unit = VisibleRelatedField(Agency, required=False, allow_null=True)
    review_months = serializers.IntegerField(min_value=1, max_value=60, default=12)
    confidentiality = serializers.ChoiceField(choices=Confidentiality.choices, default="internal")
    file = serializers.FileField(required=False)
    change_summary = serializers.CharField(required=False, allow_blank=True, default="")


class UploadInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    change_summary = serializers.CharField(required=False, allow_blank=True, default="")


class SignInputSerializer(serializers.Serializer):
    password = serializers.CharField(help_text="The signer's password, typed again.")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class IssueInputSerializer(serializers.Serializer):
    effective_date = serializers.DateField(required=False)


class ReadStatusSerializer(serializers.Serializer):
    version = serializers.IntegerField(allow_null=True)
    read = serializers.ListField(child=serializers.DictField())
    unread = serializers.ListField(child=serializers.DictField())


class ExternalSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="legal_document.number", read_only=True)
    title = serializers.CharField(source="legal_document.title", read_only=True)
    issuer = serializers.CharField(source="legal_document.issuer", read_only=True)
    issued_on = serializers.DateField(source="legal_document.issued_on", read_only=True)
    effective_from = serializers.DateField(source="legal_document.effective_from", read_only=True)
    replaced_by = serializers.CharField(
        source="legal_document.replaced_by.number", read_only=True, default=None
    )
    replaced_on = serializers.DateField(source="legal_document.replaced_on", read_only=True)

    class Meta:
        model = ExternalDocument
        fields = [
            "id",
            "agency",
            "number",
            "kind",
            "title",
            "issuer",
            "issued_on",
            "effective_from",
            "expires_on",
            "replaced_by",
            "replaced_on",
            "link",
            "documents",
            "processes",
            "procedures",
        ]


class ExternalInputSerializer(serializers.Serializer):
    agency = VisibleRelatedField(Agency)
    number = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=ExternalKind.choices, default="other")
    title = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    issuer = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    issued_on = serializers.DateField(required=False, allow_null=True)
    effective_from = serializers.DateField(required=False, allow_null=True)
    expires_on = serializers.DateField(required=False, allow_null=True)
    link = serializers.URLField(required=False, allow_blank=True, default="")
    documents = serializers.ListField(child=VisibleRelatedField(Document), required=False, default=list)


class ReplaceInputSerializer(serializers.Serializer):
    replacement_number = serializers.CharField(max_length=100)
    replacement_title = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    effective_date = serializers.DateField()


class ReplaceResultSerializer(serializers.Serializer):
    flags = serializers.IntegerField()


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=DocumentKind.choices, required=False)
    status = serializers.CharField(required=False, allow_blank=True, default="")
    unit = serializers.IntegerField(required=False)


class ChangeRequestSerializer(serializers.ModelSerializer):
    document_code = serializers.CharField(source="document.code", read_only=True)
    raised_by = serializers.CharField(source="raised_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None)

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "document",
            "document_code",
            "raised_by",
            "text",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "created_at",
        ]


class ChangeRequestInputSerializer(serializers.Serializer):
    document = VisibleRelatedField(Document)
    text = serializers.CharField(help_text="What should change, and why.")


class DecisionInputSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required when the request is rejected."
    )


class DistributionSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None)
    username = serializers.CharField(source="user.username", read_only=True, default=None)
    full_name = serializers.CharField(source="user.full_name", read_only=True, default=None)

    class Meta:
        model = Distribution
        fields = ["id", "unit", "unit_name", "user", "username", "full_name", "created_at"]


class DistributeInputSerializer(serializers.Serializer):
    units = serializers.ListField(
        child=VisibleRelatedField(Agency),
        required=False,
        default=list,
        help_text="Units of the document's agency: everyone holding a role there must read it.",
    )
    users = serializers.ListField(
        child=VisibleRelatedField(User), required=False, default=list, help_text="People who must read it."
    )

    def validate(self, attrs):
        if not attrs.get("units") and not attrs.get("users"):
            raise serializers.ValidationError(_("Chọn ít nhất một đơn vị hoặc một người nhận."))
        return attrs
