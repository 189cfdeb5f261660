"""API of the process designer: /api/v1/processes/, /process-versions/ and /review-flags/.

Thin: parse input, find the object through `visible_to(request.user)` (so outside scope is 404), call
one service (which checks permission, validates and audits), serialize the result.
"""

from dataclasses import replace

from django.db.models import Prefetch
from django.http import HttpResponse
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from eiso.api.mixins import ApiViewMixin
from eiso.api.serializers import READ_ERRORS, WRITE_ERRORS
from eiso.processes import exports, services
from eiso.processes.api import serializers as s
from eiso.processes.design import diff_designs, validate
from eiso.processes.design.diff import render_text
from eiso.processes.design.validate import planned_hours
from eiso.processes.models import (
    InternalProcess,
    ProcessStatus,
    ProcessVersion,
    ReviewFlag,
    ReviewReason,
    ReviewStatus,
)


class ProcessFilterSet(filters.FilterSet):
    agency = filters.NumberFilter(field_name="agency_id", help_text="Owning agency (id).")
    procedure = filters.CharFilter(field_name="procedures__code", help_text="A procedure code it serves.")
    status = filters.ChoiceFilter(
        field_name="latest_version__status",
        choices=ProcessStatus.choices,
        help_text="Status of the newest version.",
    )
    needs_review = filters.BooleanFilter(field_name="needs_review", help_text="Has an open review flag.")
    search = filters.CharFilter(method="filter_search", help_text="Code or name words, diacritics ignored.")

    class Meta:
        model = InternalProcess
        fields = ["agency", "procedure", "status", "needs_review", "search"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


class ReviewFlagFilterSet(filters.FilterSet):
    agency = filters.NumberFilter(field_name="agency_id")
    status = filters.ChoiceFilter(choices=ReviewStatus.choices)
    reason = filters.ChoiceFilter(choices=ReviewReason.choices)
    overdue = filters.BooleanFilter(method="filter_overdue", help_text="Open and past the due date.")

    class Meta:
        model = ReviewFlag
        fields = ["agency", "status", "reason", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = ReviewFlag.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)


def _versions():
    return ProcessVersion.objects.select_related(
        "process__agency__parent", "submitted_by", "approved_by", "enacted_by"
    ).prefetch_related("procedures")


@extend_schema_view(
    list=extend_schema(summary="Internal processes in your scope", description="Filters combine with AND."),
    retrieve=extend_schema(
        summary="One process with its versions", responses={200: s.ProcessDetailSerializer, **READ_ERRORS}
    ),
)
class ProcessViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Quy trình nội bộ: identity, procedures served, newest and in-force versions."""

    queryset = InternalProcess.objects.all()
    serializer_class = s.ProcessSerializer
    filterset_class = ProcessFilterSet

    def get_queryset(self):
        processes = self.scoped(InternalProcess.objects.all()).for_list()
        if self.action == "retrieve":
            processes = processes.prefetch_related(
                Prefetch("versions", queryset=ProcessVersion.objects.order_by("number"))
            )
        return processes.order_by("agency_id", "code")

    def get_serializer_class(self):
        return s.ProcessDetailSerializer if self.action == "retrieve" else s.ProcessSerializer

    def _fresh(self, process):
        return s.ProcessDetailSerializer(
            self.get_queryset()
            .prefetch_related(Prefetch("versions", queryset=ProcessVersion.objects.order_by("number")))
            .get(pk=process.pk)
        ).data

    @extend_schema(
        summary="Create a process for one or several procedures (a first draft version)",
        request=s.ProcessCreateSerializer,
        responses={201: s.ProcessDetailSerializer, **WRITE_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        data = self.validated(s.ProcessCreateSerializer)
        process = services.create_process(actor=request.user, **data)
        return Response(self._fresh(process), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change the code, name or procedures of a process",
        description="Procedures change only while the newest version is a draft.",
        request=s.ProcessUpdateSerializer,
        responses={200: s.ProcessDetailSerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request, *args, **kwargs):
        process = self.get_object()
        data = self.validated(s.ProcessUpdateSerializer)
        process = services.update_process(actor=request.user, process=process, **data)
        return Response(self._fresh(process))

    @extend_schema(
        summary="Delete a process that was never approved",
        request=None,
        responses={204: None, **WRITE_ERRORS},
    )
    def destroy(self, request, *args, **kwargs):
        process = self.get_object()
        services.delete_process(actor=request.user, process=process)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Start a new version (a draft copied from the latest approved one)",
        request=s.ProcessNewVersionSerializer,
        responses={201: s.ProcessVersionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="new-version", filter_backends=[], pagination_class=None)
    def new_version(self, request, pk=None):
        process = self.get_object()
        data = self.validated(s.ProcessNewVersionSerializer)
        version = services.start_new_version(actor=request.user, process=process, **data)
        return Response(
            s.ProcessVersionSerializer(_versions().get(pk=version.pk)).data, status=status.HTTP_201_CREATED
        )


@extend_schema_view(
    retrieve=extend_schema(
        summary="One version with its design", responses={200: s.ProcessVersionSerializer, **READ_ERRORS}
    )
)
class ProcessVersionViewSet(ApiViewMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Phiên bản quy trình: read, edit the design of a draft, validate, move through the lifecycle."""

    queryset = ProcessVersion.objects.all()
    serializer_class = s.ProcessVersionSerializer
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self):
        return self.scoped(_versions()).order_by("pk")

    def _answer(self, version, code=status.HTTP_200_OK):
        return Response(s.ProcessVersionSerializer(self.get_queryset().get(pk=version.pk)).data, status=code)

    @extend_schema(
        summary="Replace the design of a draft",
        description="Steps, legal bases and description are taken; code, name, version label, procedures and "
        "legal time limits always come from the process and the procedure catalogue. The design is saved even "
        "when it has errors (they are listed by `validate` and block `submit`).",
        request=s.ProcessDesignInputSerializer,
        responses={200: s.ProcessVersionSerializer, **WRITE_ERRORS},
    )
    def update(self, request, *args, **kwargs):
        version = self.get_object()
        data = self.validated(s.ProcessDesignInputSerializer)
        design = {"code": version.process.code, "name": version.process.name, **data["design"]}
        services.save_design(
            actor=request.user, version=version, design=design, change_note=data.get("change_note")
        )
        return self._answer(version)

    @extend_schema(
        summary="Validate the stored design, or a design sent in the body (nothing is saved)",
        description="Checks: every step has an owner, every step is reachable and reaches the end, no loop "
        "without an exit, parallel branches meet again, and the longest path fits the legal time limit of "
        "the strictest channel (the message names the overrun in hours).",
        request=s.ProcessValidateInputSerializer,
        responses={200: s.DesignValidationSerializer, **READ_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def validate(self, request, pk=None):
        version = self.get_object()
        data = self.validated(s.ProcessValidateInputSerializer)
        design = version.design_obj
        if "design" in data:
            sent = services.parse_design({"code": design.code, "name": design.name, **data["design"]})
            design = replace(
                design, steps=sent.steps, legal_bases=sent.legal_bases, description=sent.description
            )
        issues = validate(design)
        strictest = design.strictest_limit
        return Response(
            s.DesignValidationSerializer(
                {
                    "valid": not any(i.is_error for i in issues),
                    "planned_hours": planned_hours(design),
                    "limit_hours": strictest.hours if strictest else None,
                    "issues": [
                        {
                            "code": i.code,
                            "severity": i.severity,
                            "message": services.issue_message(i),
                            "steps": list(i.steps),
                        }
                        for i in issues
                    ],
                }
            ).data
        )

    @extend_schema(
        summary="Submit a valid draft for approval (ISO secretary)",
        request=s.ProcessNoteSerializer,
        responses={200: s.ProcessVersionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def submit(self, request, pk=None):
        version = self.get_object()
        services.submit_version(
            actor=request.user, version=version, **self.validated(s.ProcessNoteSerializer)
        )
        return self._answer(version)

    @extend_schema(
        summary="Return a submitted version to draft (agency head)",
        request=s.ProcessReturnSerializer,
        responses={200: s.ProcessVersionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return", filter_backends=[], pagination_class=None)
    def return_to_draft(self, request, pk=None):
        version = self.get_object()
        services.return_version(
            actor=request.user, version=version, **self.validated(s.ProcessReturnSerializer)
        )
        return self._answer(version)

    @extend_schema(
        summary="Approve a submitted version (head of the owning agency)",
        request=s.ProcessNoteSerializer,
        responses={200: s.ProcessVersionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def approve(self, request, pk=None):
        version = self.get_object()
        services.approve_version(
            actor=request.user, version=version, **self.validated(s.ProcessNoteSerializer)
        )
        return self._answer(version)

    @extend_schema(
        summary="Put an approved version in force from a day (agency head)",
        description="The version in force before it is superseded the day before.",
        request=s.ProcessInForceSerializer,
        responses={200: s.ProcessVersionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="put-in-force", filter_backends=[], pagination_class=None)
    def put_in_force(self, request, pk=None):
        version = self.get_object()
        services.put_in_force(
            actor=request.user, version=version, **self.validated(s.ProcessInForceSerializer)
        )
        return self._answer(version)

    @extend_schema(
        summary="What changed between two versions of the process",
        parameters=[s.ProcessDiffQuerySerializer],
        responses={200: s.ProcessDiffSerializer, **READ_ERRORS},
    )
    @action(detail=True, filter_backends=[], pagination_class=None)
    def diff(self, request, pk=None):
        version = self.get_object()
        params = self.validated(s.ProcessDiffQuerySerializer, request.query_params)
        others = version.process.versions.exclude(pk=version.pk)
        if "against" in params:
            other = others.filter(pk=params["against"]).first()
        elif version.based_on_id:
            other = others.filter(pk=version.based_on_id).first()
        else:
            other = others.filter(number__lt=version.number).order_by("-number").first()
        if other is None:
            raise NotFound()
        old, new = (other, version) if other.number < version.number else (version, other)
        diff = diff_designs(old.design_obj, new.design_obj)
        return Response(
            s.ProcessDiffSerializer(
                {"old": old.pk, "new": new.pk, **diff.to_dict(), "text": render_text(diff)}
            ).data
        )

    @extend_schema(
        summary="The version as a file: DOCX (editable), PDF, SVG flowchart or BPMN 2.0 XML",
        parameters=[s.ProcessExportQuerySerializer],
        responses={
            (200, exports.CONTENT_TYPES["docx"]): OpenApiTypes.BINARY,
            (200, exports.CONTENT_TYPES["pdf"]): OpenApiTypes.BINARY,
            (200, exports.CONTENT_TYPES["svg"]): OpenApiTypes.BINARY,
            (200, exports.CONTENT_TYPES["bpmn"]): OpenApiTypes.BINARY,
            **READ_ERRORS,
        },
    )
    @action(detail=True, filter_backends=[], pagination_class=None)
    def export(self, request, pk=None):
        version = self.get_object()
        params = self.validated(s.ProcessExportQuerySerializer, request.query_params)
        exported = exports.export(version, params["file_format"])
        response = HttpResponse(exported.content, content_type=exported.content_type)
        response["Content-Disposition"] = f'attachment; filename="{exported.file_name}"'
        return response


@extend_schema_view(
    list=extend_schema(
        summary="Review flags of the legal-change watch (agencies in your scope)",
        description="Open flags first by due date. A flag is raised when a procedure gets a new version or one "
        "of its legal bases is replaced; it is due 3 months after the change takes effect (Decision 19/2014), "
        "moved to a working day.",
    ),
    retrieve=extend_schema(summary="One review flag", responses={200: s.ReviewFlagSerializer, **READ_ERRORS}),
)
class ReviewFlagViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Cần rà soát: what must be reviewed, why, and by when."""

    queryset = ReviewFlag.objects.all()
    serializer_class = s.ReviewFlagSerializer
    filterset_class = ReviewFlagFilterSet

    def get_queryset(self):
        return (
            self.scoped(ReviewFlag.objects.all())
            .select_related("agency", "content_type", "resolved_by")
            .order_by("status", "due_date", "pk")
        )

    @extend_schema(
        summary="Record that the object was reviewed (ISO secretary or agency head)",
        request=s.ReviewResolveSerializer,
        responses={200: s.ReviewFlagSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def resolve(self, request, pk=None):
        flag = self.get_object()
        services.resolve_review(actor=request.user, flag=flag, **self.validated(s.ReviewResolveSerializer))
        return Response(s.ReviewFlagSerializer(self.get_queryset().get(pk=flag.pk)).data)
