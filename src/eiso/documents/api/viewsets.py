"""API of the register: /api/v1/documents/, /document-versions/, /document-change-requests/,
/external-documents/, /document-search/.

Thin: parse input, find the object through `visible_to(request.user)` (outside the scope, or a
restricted document the caller may not read, is 404 — see `eiso.documents.querysets`), call one service
(which checks permission and audits), serialize the result.
"""

from django.db.models import Prefetch
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
from eiso.documents.models import ChangeRequest, Document, DocumentVersion, ExternalDocument

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
                "read": [{"username": u.username, "full_name": u.full_name, "at": when} for u, when in read],
                "unread": [{"username": u.username, "full_name": u.full_name} for u, _w in unread],
            }
        )

    @extend_schema(
        summary="Documents I must read: in force, distributed to me or my unit, not yet acknowledged",
        responses={200: s.DocumentSerializer(many=True)},
    )
    @action(detail=False)
    def mine(self, request):
        rows = self.filter_queryset(self.get_queryset().to_read_by(request.user))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.DocumentSerializer(page, many=True).data)

    @extend_schema(
        methods=["GET"],
        summary="Who the document is distributed to (units and people)",
        responses={200: s.DistributionSerializer(many=True), **READ_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Distribute to units of the agency and to people (those already there are kept)",
        request=s.DistributeInputSerializer,
        responses={200: s.DistributionSerializer(many=True), **WRITE_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def distribution(self, request, pk=None):
        document = self.get_object()
        if request.method == "POST":
            data = self.validated(s.DistributeInputSerializer)
            services.distribute(
                actor=request.user, document=document, units=data["units"], users=data["users"]
            )
        rows = document.distributions.select_related("unit", "user").order_by("pk")
        return Response(s.DistributionSerializer(rows, many=True).data)

    @extend_schema(
        methods=["POST"],
        summary="Take the edit lock (nhận soạn thảo): only its holder uploads drafts",
        request=None,
        responses={200: s.DocumentSerializer, **WRITE_ERRORS},
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Release the edit lock (its holder, the ISO secretary or the head)",
        request=None,
        responses={200: s.DocumentSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post", "delete"], filter_backends=[], pagination_class=None)
    def lock(self, request, pk=None):
        document = self.get_object()
        service = services.lock_document if request.method == "POST" else services.unlock_document
        service(actor=request.user, document=document)
        return Response(s.DocumentSerializer(self.get_object()).data)

    @extend_schema(
        summary="Withdraw the document (thu hồi): the version in force ends today, nothing replaces it",
        request=s.ReasonInputSerializer,
        responses={200: s.DocumentSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def withdraw(self, request, pk=None):
        document = self.get_object()
        data = self.validated(s.ReasonInputSerializer)
        services.withdraw_document(actor=request.user, document=document, reason=data["reason"])
        return Response(s.DocumentSerializer(self.get_object()).data)


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
    list=extend_schema(summary="Change requests (đề nghị sửa đổi) on the documents you can read"),
    retrieve=extend_schema(
        summary="One change request", responses={200: s.ChangeRequestSerializer, **READ_ERRORS}
    ),
)
class ChangeRequestViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Đề nghị sửa đổi tài liệu: raised by anyone taking part in the agency's QMS, decided by its ISO
    secretary or head."""

    queryset = ChangeRequest.objects.all()
    serializer_class = s.ChangeRequestSerializer
    filterset_fields = ["document", "status"]

    def get_queryset(self):
        return (
            self.scoped(ChangeRequest.objects.all())
            .select_related("document", "raised_by", "decided_by")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(
        summary="Raise a change request on a document",
        request=s.ChangeRequestInputSerializer,
        responses={201: s.ChangeRequestSerializer, **WRITE_ERRORS},
    )
    def create(self, request):
        data = self.validated(s.ChangeRequestInputSerializer)
        change = services.raise_change_request(actor=request.user, **data)
        return Response(s.ChangeRequestSerializer(change).data, status=status.HTTP_201_CREATED)

    def _decide(self, request, accept: bool):
        data = self.validated(s.DecisionInputSerializer)
        change = services.decide_change_request(
            actor=request.user, request=self.get_object(), accept=accept, note=data["note"]
        )
        return Response(s.ChangeRequestSerializer(change).data)

    @extend_schema(
        summary="Accept an open change request",
        request=s.DecisionInputSerializer,
        responses={200: s.ChangeRequestSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def accept(self, request, pk=None):
        return self._decide(request, accept=True)

    @extend_schema(
        summary="Reject an open change request (the note says why)",
        request=s.DecisionInputSerializer,
        responses={200: s.ChangeRequestSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def reject(self, request, pk=None):
        return self._decide(request, accept=False)


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
            .prefetch_related(
                # Only the referring documents the caller may read (restricted ones are left out).
                Prefetch("documents", queryset=Document.objects.visible_to(self.request.user)),
                "processes",
                "procedures",
            )
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
