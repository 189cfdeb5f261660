"""API of the procedure catalogue: /api/v1/procedures/, /procedure-versions/, /agency-procedures/,
/procedure-coverage/ and /procedure-imports/.

Thin: parse input, find the object through `visible_to(request.user)` (so outside scope is 404), call
one service (which checks permission and audits), serialize the result. The catalogue is national
data (every signed-in caller reads it); agency catalogues and coverage are scoped.
"""

import datetime

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from eiso.api.mixins import ApiViewMixin
from eiso.api.serializers import READ_ERRORS, WRITE_ERRORS
from eiso.core.errors import DomainError
from eiso.organizations.models import Agency
from eiso.procedures import exporting, importing, services
from eiso.procedures.api import serializers as s
from eiso.procedures.filtersets import ProcedureFilterSet
from eiso.procedures.models import (
    AgencyProcedure,
    ImportStatus,
    Procedure,
    ProcedureImport,
    ProcedureVersion,
    VersionLegalBasis,
)
from eiso.procedures.querysets import coverage_for, total_coverage


def _with_content(versions):
    return versions.select_related("procedure").prefetch_related(
        "sectors",
        "channels__fees",
        "cases__components",
        Prefetch("legal_bases", queryset=VersionLegalBasis.objects.select_related("document__replaced_by")),
    )


@extend_schema_view(
    list=extend_schema(
        summary="The procedure catalogue (national data)",
        description="`search` ignores diacritics (“dang ky khai sinh” finds “Đăng ký khai sinh”). "
        "`agency` and `coverage` only see agencies in your scope. Filters combine with AND.",
    ),
    retrieve=extend_schema(
        summary="One procedure by its code, with its current version in full",
        responses={200: s.ProcedureDetailSerializer, **READ_ERRORS},
    ),
)
class ProcedureViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Thủ tục hành chính, looked up by national code (e.g. `/api/v1/procedures/1.001193/`)."""

    queryset = Procedure.objects.all()
    serializer_class = s.ProcedureSerializer
    filterset_class = ProcedureFilterSet
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self):
        procedures = self.scoped(Procedure.objects.all())
        if self.action == "retrieve":
            return procedures.prefetch_related(
                Prefetch("current_version", queryset=_with_content(ProcedureVersion.objects.all())),
                Prefetch("versions", queryset=ProcedureVersion.objects.order_by("-valid_from", "-pk")),
            )
        return procedures.for_api_list().order_by("code")

    def get_serializer_class(self):
        return s.ProcedureDetailSerializer if self.action == "retrieve" else s.ProcedureSerializer

    @extend_schema(
        summary="Every version of a procedure (newest first), in full",
        responses={200: s.ProcedureVersionSerializer(many=True), **READ_ERRORS},
    )
    @action(detail=True, filter_backends=[], pagination_class=None)
    def versions(self, request, code=None):
        procedure = self.get_object()
        versions = _with_content(procedure.versions.order_by("-valid_from", "-pk"))
        return Response(s.ProcedureVersionSerializer(versions, many=True).data)

    @extend_schema(
        summary="Import procedures from a file (administrators, oversight officers)",
        description="Upsert by (code, announcement decision); all or nothing. A small file is imported at "
        "once (201, status `done`); a larger one is queued (202) — poll `/api/v1/procedure-imports/{id}/`. "
        "A file with errors answers 400 with every error in `errors` (record, field, message).",
        request={"multipart/form-data": s.ImportInputSerializer},
        responses={
            201: s.ProcedureImportSerializer,
            202: s.ProcedureImportSerializer,
            400: OpenApiResponse(
                s.ProcedureImportSerializer, description="The file has errors; nothing imported."
            ),
            403: WRITE_ERRORS[403],
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
        filter_backends=[],
        pagination_class=None,
    )
    def import_file(self, request):
        data = self.validated(s.ImportInputSerializer)
        upload = data["file"]
        job = importing.start_import(
            actor=request.user,
            file_name=upload.name,
            data=upload.read(),
            default_status=data["default_status"],
        )
        if importing.runs_in_request(job):
            job = importing.run_job(job.pk)
        job = ProcedureImport.objects.get(pk=job.pk)
        code = {
            ImportStatus.DONE: status.HTTP_201_CREATED,
            ImportStatus.FAILED: status.HTTP_400_BAD_REQUEST,
        }.get(job.status, status.HTTP_202_ACCEPTED)
        body = s.ProcedureImportSerializer(job).data
        if job.status == ImportStatus.FAILED:
            body = {"detail": job.message, "code": "import_invalid", **body}
        return Response(body, status=code)

    @extend_schema(
        summary="Export the (filtered) catalogue as JSON (portal shape) or XLSX (template)",
        parameters=[s.ExportQuerySerializer],
        responses={
            (200, "application/json"): OpenApiTypes.BINARY,
            (200, exporting.CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
        },
    )
    @action(detail=False, pagination_class=None)
    def export(self, request):
        params = self.validated(s.ExportQuerySerializer, request.query_params)
        procedures = self.filter_queryset(self.scoped(Procedure.objects.all()))
        versions = exporting.versions_for_export(procedures, current_only=params["versions"] == "current")
        file_format = params["file_format"]
        response = HttpResponse(
            exporting.export_bytes(versions, file_format), content_type=exporting.CONTENT_TYPES[file_format]
        )
        response["Content-Disposition"] = f'attachment; filename="{exporting.file_name(file_format)}"'
        return response


@extend_schema_view(
    retrieve=extend_schema(
        summary="One procedure version, in full", responses={200: s.ProcedureVersionSerializer, **READ_ERRORS}
    )
)
class ProcedureVersionViewSet(ApiViewMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Phiên bản thủ tục (by id): read, and publish a draft."""

    queryset = ProcedureVersion.objects.all()
    serializer_class = s.ProcedureVersionSerializer

    def get_queryset(self):
        return _with_content(self.scoped(ProcedureVersion.objects.all()))

    @extend_schema(
        summary="Publish a draft version (administrators, oversight officers)",
        description="The version before it is closed the day before `valid_from` and becomes superseded; "
        "the legal-change watch is notified.",
        request=s.PublishSerializer,
        responses={200: s.ProcedureVersionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def publish(self, request, pk=None):
        version = self.get_object()
        data = self.validated(s.PublishSerializer)
        services.publish_version(actor=request.user, version=version, **data)
        return Response(s.ProcedureVersionSerializer(self.get_queryset().get(pk=version.pk)).data)


@extend_schema_view(
    list=extend_schema(summary="Which agency settles which procedure (agencies in your scope)"),
    retrieve=extend_schema(
        summary="One assignment", responses={200: s.AgencyProcedureSerializer, **READ_ERRORS}
    ),
)
class AgencyProcedureViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Danh mục TTHC của cơ quan. Filter with `agency`, `procedure` (code) and `active_on`."""

    queryset = AgencyProcedure.objects.all()
    serializer_class = s.AgencyProcedureSerializer
    filterset_fields = {"agency": ["exact"], "procedure__code": ["exact"]}

    def get_queryset(self):
        rows = self.scoped(AgencyProcedure.objects.select_related("agency", "procedure")).order_by(
            "agency_id", "procedure__code"
        )
        if self.action == "list":
            active_on = self.request.query_params.get("active_on")
            if active_on:
                try:
                    rows = rows.active_on(datetime.date.fromisoformat(active_on))
                except ValueError:
                    raise DomainError(_("Ngày không hợp lệ (YYYY-MM-DD)."), field="active_on") from None
        return rows

    @extend_schema(
        summary="Assign procedures (by code) to an agency",
        description="Administrators, oversight officers over the agency, its head or ISO secretary. "
        "Procedures the agency already settles on that day are skipped.",
        request=s.AssignSerializer,
        responses={201: s.AgencyProcedureSerializer(many=True), **WRITE_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        data = self.validated(s.AssignSerializer)
        codes = list(dict.fromkeys(data.pop("procedures")))
        found = {p.code: p for p in Procedure.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise DomainError(
                _("Không có thủ tục mã: %(codes)s.") % {"codes": ", ".join(unknown)}, field="procedures"
            )
        created = services.assign_procedures(actor=request.user, procedures=list(found.values()), **data)
        return Response(s.AgencyProcedureSerializer(created, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The agency stops settling the procedure after `last_day`",
        request=s.EndAssignmentSerializer,
        responses={200: s.AgencyProcedureSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def end(self, request, pk=None):
        assignment = self.get_object()
        data = self.validated(s.EndAssignmentSerializer)
        assignment = services.end_assignment(actor=request.user, assignment=assignment, **data)
        return Response(s.AgencyProcedureSerializer(assignment).data)


class CoverageViewSet(ApiViewMixin, viewsets.GenericViewSet):
    """Độ bao phủ: share of each agency's procedures with an approved internal process in force."""

    serializer_class = s.CoverageSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return self.scoped(Agency.objects.all())

    @extend_schema(
        summary="Coverage of an agency (and its visible subtree)",
        parameters=[s.CoverageQuerySerializer],
        responses={200: s.CoverageSerializer, **READ_ERRORS},
    )
    def list(self, request):
        params = self.validated(s.CoverageQuerySerializer, request.query_params)
        root = self.get_queryset().filter(pk=params["agency"]).first()
        if root is None:
            raise NotFound()
        day = params.get("day") or datetime.date.today()
        agencies = [root]
        if params["subtree"]:
            agencies = list(
                self.get_queryset()
                .subtree(root)
                .filter(pk__in=AgencyProcedure.objects.active_on(day).values("agency_id"))
                .order_by("path")
            )
        figures = coverage_for(agencies, day)

        def row(agency, cov):
            return {
                "agency": agency.pk if agency else None,
                "agency_name": agency.name if agency else root.name,
                "total": cov.total,
                "covered": cov.covered,
                "percent": cov.percent,
            }

        body = {
            "day": day,
            "root": root.pk,
            "total": row(None, total_coverage(figures.values())),
            "agencies": [row(agency, figures[agency.pk]) for agency in agencies],
        }
        return Response(s.CoverageSerializer(body).data)


@extend_schema_view(
    retrieve=extend_schema(
        summary="One import job (poll its progress)",
        responses={200: s.ProcedureImportSerializer, **READ_ERRORS},
    ),
    list=extend_schema(summary="Your import jobs (administrators: all)"),
)
class ProcedureImportViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = ProcedureImport.objects.all()
    serializer_class = s.ProcedureImportSerializer
    filter_backends = []

    def get_queryset(self):
        return self.scoped(ProcedureImport.objects.defer("payload")).order_by("-created_at")

    def retrieve(self, request, *args, **kwargs):
        job = self.get_object()
        job.processed = importing.processed(job)
        return Response(self.get_serializer(job).data)


__all__ = [
    "AgencyProcedureViewSet",
    "CoverageViewSet",
    "ProcedureImportViewSet",
    "ProcedureVersionViewSet",
    "ProcedureViewSet",
]
