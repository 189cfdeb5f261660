"""API of the agency tree: /api/v1/agencies/ and /api/v1/oversight-scopes/.

Thin: parse input, find the object through `visible_to(request.user)` (so outside scope is 404), call
one service (which checks permission and audits), serialize the result.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from eiso.api.mixins import ApiViewMixin
from eiso.api.serializers import READ_ERRORS, WRITE_ERRORS
from eiso.organizations import services
from eiso.organizations.api import serializers as s
from eiso.organizations.api.trees import build_forest
from eiso.organizations.filtersets import AgencyFilterSet, OversightScopeFilterSet
from eiso.organizations.models import PATH_STEP, Agency, AgencySuccession, AgencyVersion, OversightScope


class SubtreeQuerySerializer(serializers.Serializer):
    shape = serializers.ChoiceField(
        choices=[("nested", "nested"), ("flat", "flat")],
        default="nested",
        help_text="nested: the agency with `children` inside; flat: a list in tree order (by path).",
    )
    depth = serializers.IntegerField(
        min_value=0, required=False, help_text="Levels below the agency to include (0: the agency alone)."
    )
    active_on = serializers.DateField(required=False, help_text="Only agencies in force on this day.")


class TreeQuerySerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text="The day (YYYY-MM-DD); today if omitted.")
    root = serializers.IntegerField(required=False, help_text="Only the subtree under this agency (its id).")


@extend_schema_view(
    list=extend_schema(summary="Agencies in your scope", description="Filters combine with AND."),
    retrieve=extend_schema(summary="One agency", responses={200: s.AgencySerializer, **READ_ERRORS}),
)
class AgencyViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Cơ quan, đơn vị: the current copy of each agency in the caller's scope."""

    queryset = Agency.objects.all()
    serializer_class = s.AgencySerializer
    filterset_class = AgencyFilterSet

    def get_queryset(self):
        return self.scoped(Agency.objects.all())

    @extend_schema(
        summary="Create an agency",
        request=s.AgencyCreateSerializer,
        responses={201: s.AgencySerializer, **WRITE_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        data = self.validated(s.AgencyCreateSerializer)
        agency = services.create_agency(actor=request.user, **data)
        return Response(s.AgencySerializer(agency).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The agency's subtree (visible part)",
        parameters=[SubtreeQuerySerializer],
        responses={200: s.AgencySubtreeNodeSerializer(many=True), **READ_ERRORS},
    )
    @action(detail=True, filter_backends=[], pagination_class=None)
    def subtree(self, request, pk=None):
        agency = self.get_object()
        params = self.validated(SubtreeQuerySerializer, request.query_params)
        rows = self.get_queryset().subtree(agency)
        if "depth" in params:
            rows = rows.filter(depth__lte=agency.depth + params["depth"])
        if "active_on" in params:
            rows = rows.active_on(params["active_on"])
        rows = list(rows.order_by("path"))
        data = s.AgencySerializer(rows, many=True).data
        if params["shape"] == "flat":
            return Response(data)
        nodes = {row.pk: dict(item) for row, item in zip(rows, data, strict=True)}
        roots, _children = build_forest(nodes, _nearest_ancestors(rows))
        return Response(roots)

    @extend_schema(
        summary="The tree as it stood on a day",
        description=(
            "Built from the agency versions in force on `as_of`, restricted to agencies in your scope. "
            "An agency whose parent is outside your scope is a root of the result."
        ),
        parameters=[TreeQuerySerializer],
        responses={200: s.AgencyTreeNodeSerializer(many=True), **READ_ERRORS},
    )
    @action(detail=False, filter_backends=[], pagination_class=None)
    def tree(self, request):
        params = self.validated(TreeQuerySerializer, request.query_params)
        day = params.get("as_of") or timezone.localdate()
        root_id = params.get("root")
        if root_id is not None and not self.get_queryset().filter(pk=root_id).exists():
            raise NotFound()
        versions = (
            AgencyVersion.objects.as_of(day)
            .visible_to(request.user)
            .order_by("agency_id")
            .values_list(
                "agency_id", "parent_id", "name", "short_name", "kind", "admin_code", "electronic_id"
            )
        )
        nodes, parent_of = {}, {}
        for agency_id, parent_id, name, short_name, kind, admin_code, electronic_id in versions:
            nodes[agency_id] = {
                "id": agency_id,
                "name": name,
                "short_name": short_name,
                "kind": kind,
                "admin_code": admin_code,
                "electronic_id": electronic_id,
            }
            parent_of[agency_id] = parent_id
        roots, _children = build_forest(nodes, parent_of)
        if root_id is None:
            return Response(roots)
        if root_id not in nodes:
            raise NotFound(
                _("Cơ quan này không có hiệu lực vào ngày %(day)s.") % {"day": day.strftime("%d/%m/%Y")}
            )
        return Response([nodes[root_id]])

    @extend_schema(
        summary="Versions and successions of an agency",
        responses={200: s.AgencyHistorySerializer, **READ_ERRORS},
    )
    @action(detail=True, filter_backends=[], pagination_class=None)
    def history(self, request, pk=None):
        agency = self.get_object()
        successions = AgencySuccession.objects.select_related("predecessor", "successor").order_by(
            "effective_date", "pk"
        )
        payload = {
            "agency": agency,
            "versions": AgencyVersion.objects.filter(agency=agency).order_by("valid_from"),
            "successions_in": successions.filter(successor=agency),
            "successions_out": successions.filter(predecessor=agency),
        }
        return Response(s.AgencyHistorySerializer(payload).data)

    @extend_schema(
        summary="Change an agency from a day (rename, re-type, move, new codes)",
        description="Closes the latest version the day before `effective_from` and opens a new one. "
        "Only the fields sent change.",
        request=s.AgencyChangeSerializer,
        responses={201: s.AgencyVersionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def change(self, request, pk=None):
        agency = self.get_object()
        data = self.validated(s.AgencyChangeSerializer)
        version = services.change_agency(actor=request.user, agency=agency, **data)
        return Response(s.AgencyVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Correct contact details (not historical)",
        request=s.AgencyContactsSerializer,
        responses={200: s.AgencySerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["patch"], filter_backends=[], pagination_class=None)
    def contacts(self, request, pk=None):
        agency = self.get_object()
        data = self.validated(s.AgencyContactsSerializer)
        agency = services.update_contacts(actor=request.user, agency=agency, **data)
        return Response(s.AgencySerializer(agency).data)

    @extend_schema(
        summary="End an agency (its last day of operation)",
        request=s.AgencyDissolveSerializer,
        responses={200: s.AgencySerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def dissolve(self, request, pk=None):
        agency = self.get_object()
        data = self.validated(s.AgencyDissolveSerializer)
        agency = services.dissolve_agency(actor=request.user, agency=agency, **data)
        return Response(s.AgencySerializer(agency).data)


def _nearest_ancestors(rows: list[Agency]) -> dict[int, int | None]:
    """For each row, the nearest ancestor among `rows` (by materialized path), else None."""
    by_path = {row.path: row.pk for row in rows}
    step = PATH_STEP + 1
    parent_of: dict[int, int | None] = {}
    for row in rows:
        parent_of[row.pk] = None
        for end in range(len(row.path) - step, 0, -step):
            if row.path[:end] in by_path:
                parent_of[row.pk] = by_path[row.path[:end]]
                break
    return parent_of


@extend_schema_view(
    list=extend_schema(summary="Oversight scopes in your scope"),
    retrieve=extend_schema(
        summary="One oversight scope", responses={200: s.OversightScopeSerializer, **READ_ERRORS}
    ),
)
class OversightScopeViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Phạm vi theo dõi: which agency oversees which subtree, over which period."""

    queryset = OversightScope.objects.all()
    serializer_class = s.OversightScopeSerializer
    filterset_class = OversightScopeFilterSet

    def get_queryset(self):
        return self.scoped(OversightScope.objects.select_related("overseer", "root").order_by("pk"))

    @extend_schema(
        summary="Grant an oversight scope (administrators)",
        request=s.OversightScopeCreateSerializer,
        responses={201: s.OversightScopeSerializer, **WRITE_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        data = self.validated(s.OversightScopeCreateSerializer)
        scope = services.grant_oversight(actor=request.user, **data)
        return Response(s.OversightScopeSerializer(scope).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="End an oversight scope (administrators)",
        request=s.OversightScopeEndSerializer,
        responses={200: s.OversightScopeSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def end(self, request, pk=None):
        scope = self.get_object()
        data = self.validated(s.OversightScopeEndSerializer)
        scope = services.end_oversight(actor=request.user, scope=scope, **data)
        return Response(s.OversightScopeSerializer(self.get_queryset().get(pk=scope.pk)).data)
