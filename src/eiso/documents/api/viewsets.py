"""API of the register: /api/v1/documents/, /document-versions/, /external-documents/, /document-search/.

Thin: parse input, find the object through `visible_to(request.user)` (outside scope is 404), call one
service (which checks permission and audits), serialize the result.
"""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from eiso.api.mixins import ApiViewMixin
from eiso.api.serializers import READ_ERRORS, WRITE_ERRORS
from eiso.documents import search, services
from eiso.documents.api import serializers as s
from eiso.documents.models import Document, DocumentVersion, ExternalDocument

PARSERS = [MultiPartParser, FormParser, JSONParser]


@extend_schema_view(
    list=extend_schema(summary="The document register of the agencies in your scope"),
    retrieve=extend_schema(
        summary="One document with its newest version", responses={200: s.DocumentSerializer, **READ_ERRORS}
    ),
)
class DocumentViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Tài liệu: identity in an agency's register."""

    queryset = Document.objects.all()
    serializer_class = s.DocumentSerializer
    filterset_fields = ["kind", "agency", "owner_unit"]

    def get_queryset(self):
        return (
            self.scoped(Document.objects.all())
            .for_list()
            .prefetch_related("latest_version__signatures__signer")
            .order_by("agency_id", "code")
        )

    @extend_schema(
        summary="Add a document (with its first draft when a file is sent)",
        request={"multipart/form-data": s.DocumentInputSerializer},
        responses={201: s.DocumentSerializer, **WRITE_ERRORS},
    )
    def create(self, request):
        data = self.validated(s.DocumentInputSerializer)
        upload = data.pop("file", None)
        document = services.create_document(
            actor=request.user,
            data=upload.read() if upload else None,
            file_name=upload.name if upload else "",
            **data,
        )
        return Response(s.DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Upload a new draft version (immutable; needs the edit lock)",
        request={"multipart/form-data": s.UploadInputSerializer},
        responses={201: s.VersionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=PARSERS, filter_backends=[], pagination_class=None)
    def upload(self, request, pk=None):
        document = self.get_object()
        data = self.validated(s.UploadInputSerializer)
        version = services.upload_version(
            actor=request.user,
            document=document,
            data=data["file"].read(),
            file_name=data["file"].name,
            change_summary=data["change_summary"],
        )
        return Response(s.VersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Who has read the version in force, and who has not",
        responses={200: s.ReadStatusSerializer, **READ_ERRORS},
    )
    @action(detail=True, url_path="read-status", filter_backends=[], pagination_class=None)
    def read_status(self, request, pk=None):
        document = self.get_object()
        read, unread = services.read_status(document)
        return Response(
            {
                "version": document.current_version_id,
                "read": [{"username": u.username, "at": when} for u, when in read],
                "unread": [{"username": u.username} for u, _w in unread],
            }
        )


def _signed(service, name, summary):
    def view(self, request, pk=None):
        version = self.get_object()
        data = self.validated(s.SignInputSerializer)
        return Response(s.VersionSerializer(service(actor=request.user, version=version, **data)).data)

    view.__name__ = name
    return extend_schema(
        summary=summary, request=s.SignInputSerializer, responses={200: s.VersionSerializer, **WRITE_ERRORS}
    )(action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)(view))


@extend_schema_view(
    list=extend_schema(summary="Versions of the documents in your scope"),
    retrieve=extend_schema(summary="One version", responses={200: s.VersionSerializer, **READ_ERRORS}),
)
class DocumentVersionViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Phiên bản tài liệu and its lifecycle transitions (signatures need the password again)."""

    queryset = DocumentVersion.objects.all()
    serializer_class = s.VersionSerializer
    filterset_fields = ["document", "status"]

    def get_queryset(self):
        return (
            self.scoped(DocumentVersion.objects.all())
            .select_related("document__agency")
            .prefetch_related("signatures__signer")
            .defer("text", "search_text")
            .order_by("document_id", "number")
        )

    submit = _signed(services.submit_version, "submit", "Sign and submit a draft for review (drafter)")
    review = _signed(services.review_version, "review", "Sign a version in review as reviewed")
    approve = _signed(
        services.approve_version, "approve", "Sign and approve (agency head or delegated approver)"
    )

    @extend_schema(
        summary="Return a version in review to draft",
        request=s.ReasonInputSerializer,
        responses={200: s.VersionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return", filter_backends=[], pagination_class=None)
    def return_(self, request, pk=None):
        data = self.validated(s.ReasonInputSerializer)
        return Response(
            s.VersionSerializer(
                services.return_version(actor=request.user, version=self.get_object(), **data)
            ).data
        )

    @extend_schema(
        summary="Issue an approved version (the one in force is superseded)",
        request=s.IssueInputSerializer,
        responses={200: s.VersionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def issue(self, request, pk=None):
        data = self.validated(s.IssueInputSerializer)
        version = services.issue_version(
            actor=request.user, version=self.get_object(), effective_date=data.get("effective_date")
        )
        return Response(s.VersionSerializer(version).data)

    @extend_schema(
        summary="Acknowledge having read the version in force",
        request=None,
        responses={200: s.VersionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def acknowledge(self, request, pk=None):
        version = self.get_object()
        services.acknowledge(actor=request.user, version=version)
        return Response(s.VersionSerializer(version).data)

    @extend_schema(
        summary="Download the file (hash checked; obsolete versions stamped “HẾT HIỆU LỰC”)",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **READ_ERRORS},
    )
    @action(detail=True, filter_backends=[], pagination_class=None)
    def download(self, request, pk=None):
        data, media_type, name = services.download(self.get_object())
        response = HttpResponse(data, content_type=media_type)
        from django.utils.http import content_disposition_header

        response["Content-Disposition"] = content_disposition_header(True, name)
        return response


@extend_schema_view(
    list=extend_schema(
        summary="Search code, title and content (diacritics ignored)", parameters=[s.SearchQuerySerializer]
    ),
)
class DocumentSearchViewSet(ApiViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Tìm kiếm tài liệu: every word of `q`, folded (đ → d), in code, title or content."""

    queryset = DocumentVersion.objects.all()
    serializer_class = s.SearchHitSerializer
    filter_backends = []

    def get_queryset(self):
        params = self.validated(s.SearchQuerySerializer, self.request.query_params)
        unit = params.get("unit")
        rows = search.search_versions(
            self.request.user, params["q"], kind=params.get("kind", ""), status=params["status"]
        )
        return rows.filter(document__owner_unit_id=unit) if unit else rows


@extend_schema_view(
    list=extend_schema(summary="The agencies' lists of external (legal) documents"),
    retrieve=extend_schema(
        summary="One external document", responses={200: s.ExternalSerializer, **READ_ERRORS}
    ),
)
class ExternalDocumentViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Tài liệu bên ngoài: the shared legal-document register as an agency lists it."""

    queryset = ExternalDocument.objects.all()
    serializer_class = s.ExternalSerializer
    filterset_fields = ["agency", "kind"]

    def get_queryset(self):
        return (
            self.scoped(ExternalDocument.objects.all())
            .select_related("legal_document__replaced_by")
            .prefetch_related("documents", "processes", "procedures")
            .order_by("agency_id", "legal_document__number")
        )

    @extend_schema(
        summary="Add a legal document to an agency's list",
        request=s.ExternalInputSerializer,
        responses={201: s.ExternalSerializer, **WRITE_ERRORS},
    )
    def create(self, request):
        data = self.validated(s.ExternalInputSerializer)
        entry = services.add_external_document(actor=request.user, **data)
        return Response(s.ExternalSerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record that it is replaced: flags everything referring to it for review within 3 months",
        request=s.ReplaceInputSerializer,
        responses={200: s.ReplaceResultSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def replace(self, request, pk=None):
        data = self.validated(s.ReplaceInputSerializer)
        flags = services.replace_external_document(actor=request.user, entry=self.get_object(), **data)
        return Response({"flags": len(flags)})
