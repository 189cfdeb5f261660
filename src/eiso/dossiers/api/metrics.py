"""/api/v1/dossier-metrics/: the figures of the report page (`eiso.dossiers.metrics`) as JSON.

Thin: parse the query, find the agency through `visible_to(request.user)` (outside scope is 404),
compute, serialize. Reads only.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from eiso.api.mixins import AUTHENTICATION_CLASSES
from eiso.api.serializers import BAD_REQUEST, NOT_FOUND
from eiso.dossiers import metrics
from eiso.dossiers.views.reports import DATE_FORMATS, default_agency, scope_agencies


class MetricsQuerySerializer(serializers.Serializer):
    agency = serializers.IntegerField(
        required=False,
        help_text="Agency id; its whole subtree is counted. Default: the widest agency in scope.",
    )
    first = serializers.DateField(
        input_formats=DATE_FORMATS, help_text="First day of the period (YYYY-MM-DD or dd/mm/yyyy)."
    )
    last = serializers.DateField(input_formats=DATE_FORMATS, help_text="Last day of the period, inclusive.")
    group = serializers.ChoiceField(
        choices=list(metrics.GROUPS),
        required=False,
        help_text="Rows: agency, receiving_unit, procedure (default), officer, channel, month, dossier.",
    )
    procedure = serializers.IntegerField(required=False, help_text="Only this procedure (id).")
    page = serializers.IntegerField(
        required=False,
        min_value=1,
        default=1,
        help_text="group=dossier: which page of the dossier lines (500 to a page, in order of reception).",
    )

    def validate(self, data):
        if data["last"] < data["first"]:
            raise serializers.ValidationError({"last": ["Ngày cuối kỳ phải sau ngày đầu kỳ."]})
        if (data["last"] - data["first"]).days > 366 * 5:
            raise serializers.ValidationError({"last": ["Kỳ báo cáo dài nhất 05 năm."]})
        return data


class MetricsColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField(help_text="Vietnamese heading.")


class MetricsRowSerializer(serializers.Serializer):
    key = serializers.JSONField(
        help_text="Agency, procedure or user id; channel code; first day of a month; null for totals."
    )
    label = serializers.CharField()
    code = serializers.CharField()
    values = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="One value per column key (null: nothing to average).",
    )


class MetricsDossierLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    procedure = serializers.CharField()
    channel = serializers.CharField()
    carried_over = serializers.BooleanField()
    received_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)
    settled_at = serializers.DateTimeField(allow_null=True)
    state = serializers.CharField()
    index1 = serializers.IntegerField(allow_null=True)
    index2 = serializers.IntegerField(allow_null=True)


class MetricsPeriodSerializer(serializers.Serializer):
    first = serializers.DateField()
    last = serializers.DateField()


class MetricsAgencySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MetricsSerializer(serializers.Serializer):
    agency = MetricsAgencySerializer()
    period = MetricsPeriodSerializer()
    group = serializers.CharField()
    columns = MetricsColumnSerializer(many=True)
    rows = MetricsRowSerializer(many=True)
    total = MetricsRowSerializer()
    dossiers = MetricsDossierLineSerializer(
        many=True, help_text="group=dossier only: one page of lines, one per dossier (500 to a page)."
    )
    page = serializers.IntegerField(help_text="The page of `dossiers` returned.")
    truncated = serializers.BooleanField(help_text="More dossier lines follow on the next page.")


def _row(row) -> dict:
    return {"key": row.key, "label": row.label, "code": row.code, "values": row.values}


class DossierMetricsView(APIView):
    """Báo cáo, thống kê hồ sơ: received (carried over, new by channel), settled early / on time / late,
    pending in time / overdue, paused, average time and the Circular 01/2018 indices 1–2."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Dossier metrics of an agency over a period",
        description=(
            "Counts the agency's subtree over [first, last] (whole days, local time), one row per `group`, "
            "with totals; definitions in docs/user/huong-dan-su-dung.md (Báo cáo, thống kê hồ sơ). "
            "Only dossiers in the caller's scope count; an agency outside it is a 404."
        ),
        parameters=[MetricsQuerySerializer],
        responses={200: MetricsSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
        tags=["dossiers"],
    )
    def get(self, request):
        query = MetricsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        agencies = scope_agencies(request.user)
        if data.get("agency"):
            agency = get_object_or_404(agencies, pk=data["agency"])
        else:
            agency = default_agency(request, list(agencies))
            if agency is None:
                raise ValidationError({"agency": ["Bạn chưa thuộc cơ quan nào."]})
        period = metrics.Period(data["first"], data["last"])
        group = data.get("group") or "procedure"
        report = metrics.report(
            request.user, agency, period, group, procedure_id=data.get("procedure"), dossier_page=data["page"]
        )
        body = {
            "agency": {"id": agency.pk, "name": agency.name},
            "period": {"first": period.first, "last": period.last},
            "group": group,
            "columns": [{"key": k, "label": label} for k, label in report.columns],
            "rows": [_row(r) for r in report.rows],
            "total": _row(report.total),
            "dossiers": report.dossiers,
            "page": data["page"],
            "truncated": report.truncated,
        }
        return Response(MetricsSerializer(body).data)
