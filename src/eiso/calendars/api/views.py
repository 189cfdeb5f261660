"""API of the working calendar: /api/v1/calendar/…

Thin: parse input (the same parser as the command line and the calculator page), find objects through
`visible_to(request.user)` (outside scope is 404), call one service (which checks permission and
audits), serialize.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from eiso.api.mixins import AUTHENTICATION_CLASSES, ApiViewMixin
from eiso.api.serializers import BAD_REQUEST, READ_ERRORS, WRITE_ERRORS
from eiso.calendars import inputs, services
from eiso.calendars.adapter import calendar_for, effective_days
from eiso.calendars.api import serializers as s
from eiso.calendars.filtersets import CalendarChangeFilterSet, CalendarEntryFilterSet, ClockRecordFilterSet
from eiso.calendars.importing import ScheduleImportError
from eiso.calendars.models import (
    CalendarChange,
    CalendarEntry,
    CalendarYear,
    ClockRecord,
    EntryKind,
    WorkSchedule,
)


def _input(serializer_class, request, view, **kwargs):
    serializer = serializer_class(data=request.data, context=view.get_serializer_context(), **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _english(request) -> bool:
    return (getattr(request, "LANGUAGE_CODE", "vi") or "vi").startswith("en")


def due_payload(result, agency) -> dict:
    return {
        "due": result.due,
        "counting_started": result.counting_started,
        "estimated": result.estimated,
        "received_at": result.received_at,
        "amount": float(result.amount),
        "unit": result.unit,
        "mode": result.mode,
        "agency": agency,
        "due_display": f"{result.due:%d/%m/%Y %H:%M}",
        "explanation": result.explanation,
    }


class DueView(APIView):
    """Hạn giải quyết: the due moment of a time limit received at a moment, with its explanation."""

    authentication_classes = AUTHENTICATION_CLASSES

    @extend_schema(
        summary="Due moment of a time limit",
        description=(
            "Counts on the agency's calendar (national days off, its province's and its own; its working "
            "hours and reception cut-off). Bad input — malformed date, unknown unit or mode, negative or "
            "absurd amount (more than about ten years), unknown agency — is a 400 with a message in the "
            "request's language (Accept-Language: vi or en)."
        ),
        parameters=[s.DueQuerySerializer],
        responses={200: s.DueResultSerializer, 400: BAD_REQUEST},
    )
    def get(self, request):
        params = request.query_params
        query = inputs.parse_due_query(
            start=params.get("start"),
            amount=params.get("amount"),
            unit=params.get("unit"),
            mode=params.get("mode"),
            agency=params.get("agency"),
        )
        result = inputs.compute_due(query)
        return Response(s.DueResultSerializer(due_payload(result, query.agency)).data)


DAY_PARAMETERS = [
    OpenApiParameter(
        "from", OpenApiTypes.DATE, description="First day (YYYY-MM-DD); 1 January this year if omitted."
    ),
    OpenApiParameter(
        "to", OpenApiTypes.DATE, description="Last day, included; 31 December of that year if omitted."
    ),
    OpenApiParameter("agency", OpenApiTypes.STR, description="Agency code, as for /calendar/due/."),
]


class DaysView(APIView):
    """Ngày nghỉ và ngày làm việc bù that apply to an agency (or nationally) over a period."""

    authentication_classes = AUTHENTICATION_CLASSES

    @extend_schema(
        summary="Non-working and swapped days of a period",
        description="Holidays, compensatory and swapped days off, and swapped working days (weekly rest "
        "days are not listed), as they apply to the agency: its own or its province's entry replaces the "
        "national one of the same date.",
        parameters=DAY_PARAMETERS,
        responses={200: s.DaySerializer(many=True), 400: BAD_REQUEST},
    )
    def get(self, request):
        params = request.query_params
        first, last = inputs.parse_period(params.get("from"), params.get("to"))
        agency = inputs.find_agency(params.get("agency"))
        english = _english(request)
        labels = dict(EntryKind.choices)
        estimated_years = calendar_for(agency).estimated_years
        rows = [
            {
                "date": day.date,
                "kind": day.kind,
                "kind_label": str(labels[day.kind]),
                "name": (day.name_en or day.name_vi) if english else day.name_vi,
                "name_vi": day.name_vi,
                "name_en": day.name_en,
                "legal_reference": day.legal_reference,
                "is_day_off": day.is_day_off,
                "scope": day.scope,
                "agency_id": day.agency_id,
                "entry_id": day.entry_id,
                "estimated": day.estimated or day.date.year in estimated_years,
            }
            for day in effective_days(agency, first, last)
        ]
        return Response(s.DaySerializer(rows, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Calendar entries (national, and of agencies you see or work under)"),
    retrieve=extend_schema(
        summary="One calendar entry", responses={200: s.CalendarEntrySerializer, **READ_ERRORS}
    ),
)
class CalendarEntryViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Ngày nghỉ, ngày làm việc bù: the rows administrators maintain. Every change is audited and
    recomputes the open deadlines it affects (see /calendar/changes/)."""

    queryset = CalendarEntry.objects.all()
    serializer_class = s.CalendarEntrySerializer
    filterset_class = CalendarEntryFilterSet

    def get_queryset(self):
        return self.scoped(CalendarEntry.objects.all()).order_by("date", "pk")

    @extend_schema(
        summary="Add a day (or correct the day of that date and scope)",
        request=s.CalendarEntryWriteSerializer,
        responses={201: s.CalendarEntrySerializer, **WRITE_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        data = _input(s.CalendarEntryWriteSerializer, request, self)
        entry = services.save_entry(actor=request.user, **data)
        return Response(s.CalendarEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Correct a day",
        request=s.CalendarEntryPatchSerializer,
        responses={200: s.CalendarEntrySerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request, *args, **kwargs):
        entry = self.get_object()
        data = dict(_input(s.CalendarEntryPatchSerializer, request, self))
        values = {
            "date": entry.date,
            "kind": entry.kind,
            "name_vi": entry.name_vi,
            "name_en": entry.name_en,
            "legal_reference": entry.legal_reference,
            "agency": entry.agency,
        }
        agency_given = "agency" in request.data
        values.update({k: v for k, v in data.items() if k != "agency" or agency_given})
        entry = services.save_entry(actor=request.user, entry=entry, **values)
        return Response(s.CalendarEntrySerializer(entry).data)

    @extend_schema(summary="Delete a day", responses={204: None, **WRITE_ERRORS})
    def destroy(self, request, *args, **kwargs):
        services.delete_entry(actor=request.user, entry=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ImportView(APIView):
    """Nhập lịch nghỉ của một năm từ tệp (administrators; a province's or agency's by their managers)."""

    authentication_classes = AUTHENTICATION_CLASSES
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Import a year's schedule from a CSV, XLSX or JSON file (all or nothing)",
        description=(
            "multipart/form-data. CSV/XLSX: a header row with `date` (YYYY-MM-DD or dd/mm/yyyy), `kind` "
            "(holiday, compensatory_day_off, swapped_day_off, swapped_working_day), `name_vi`, and optional "
            '`name_en`, `legal_reference`; every date in one year. JSON: `{"year": 2026, "status": '
            '"official", "legal_reference": "…", "entries": [{"date": …, "kind": …, "name_vi": '
            "…}]}` (the shape of the shipped vn_official_<year>.json files). Any invalid row refuses the "
            "whole file; the 400 answer lists every row and column at fault. The file's entries replace the "
            "year's entries of the scope; for the national calendar the year becomes official."
        ),
        request={"multipart/form-data": s.ImportSerializer},
        responses={
            201: s.ImportResultSerializer,
            400: OpenApiResponse(s.ImportErrorSerializer, description="Invalid file: every row at fault."),
            403: WRITE_ERRORS[403],
            404: WRITE_ERRORS[404],
        },
    )
    def post(self, request):
        serializer = s.ImportSerializer(data=request.data, context={"request": request, "view": self})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        upload = data.pop("file")
        try:
            result = services.import_schedule(actor=request.user, file=upload, **data)
        except ScheduleImportError as exc:
            payload = {
                "detail": exc.messages[0],
                "code": "import_invalid",
                "errors": [e.as_dict() for e in exc.errors],
            }
            return Response(payload, status=status.HTTP_400_BAD_REQUEST)
        return Response(s.ImportResultSerializer(result).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Years and whether their national schedule is official"),
    retrieve=extend_schema(summary="One year", responses={200: s.CalendarYearSerializer, **READ_ERRORS}),
)
class CalendarYearViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Năm lịch: a year without an official schedule is an estimate, and so is every deadline in it."""

    queryset = CalendarYear.objects.all()
    serializer_class = s.CalendarYearSerializer
    lookup_field = "year"
    filter_backends = []

    @extend_schema(
        summary="Mark a year official or estimated (administrators)",
        request=s.CalendarYearWriteSerializer,
        responses={200: s.CalendarYearSerializer, **WRITE_ERRORS},
    )
    def update(self, request, year=None):
        data = _input(s.CalendarYearWriteSerializer, request, self)
        try:
            number = int(year)
        except (TypeError, ValueError):
            from rest_framework.exceptions import NotFound

            raise NotFound() from None
        row = services.set_year_status(actor=request.user, year=number, **data)
        return Response(s.CalendarYearSerializer(row).data)


@extend_schema_view(
    list=extend_schema(summary="Working hours set by agencies"),
    retrieve=extend_schema(
        summary="One agency's working hours", responses={200: s.WorkScheduleSerializer, **READ_ERRORS}
    ),
)
class WorkScheduleViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Giờ làm việc: an agency's periods, working week and reception cut-off (national defaults otherwise)."""

    queryset = WorkSchedule.objects.all()
    serializer_class = s.WorkScheduleSerializer
    filter_backends = []

    def get_queryset(self):
        from eiso.organizations.models import Agency

        return WorkSchedule.objects.filter(agency__in=Agency.objects.visible_to(self.request.user)).order_by(
            "pk"
        )

    @extend_schema(
        summary="Set an agency's working hours (replaces them)",
        request=s.WorkScheduleWriteSerializer,
        responses={201: s.WorkScheduleSerializer, **WRITE_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        data = _input(s.WorkScheduleWriteSerializer, request, self)
        schedule = services.set_work_schedule(actor=request.user, **data)
        return Response(s.WorkScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Remove an agency's own working hours", responses={204: None, **WRITE_ERRORS})
    def destroy(self, request, *args, **kwargs):
        schedule = self.get_object()
        services.clear_work_schedule(actor=request.user, agency=schedule.agency)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="Legal clocks in your scope"),
    retrieve=extend_schema(
        summary="One legal clock", responses={200: s.ClockRecordSerializer, **READ_ERRORS}
    ),
)
class ClockRecordViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Đồng hồ thời hạn: stored legal clocks (dossiers and steps keep theirs here)."""

    queryset = ClockRecord.objects.all()
    serializer_class = s.ClockRecordSerializer
    filterset_class = ClockRecordFilterSet

    def get_queryset(self):
        return self.scoped(ClockRecord.objects.all()).order_by("pk")


@extend_schema_view(
    list=extend_schema(summary="Calendar changes and how many deadlines each moved"),
    retrieve=extend_schema(
        summary="One calendar change", responses={200: s.CalendarChangeSerializer, **READ_ERRORS}
    ),
)
class CalendarChangeViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Kết quả tính lại hạn: each calendar change, the status of its recomputation and its counts."""

    queryset = CalendarChange.objects.all()
    serializer_class = s.CalendarChangeSerializer
    filterset_class = CalendarChangeFilterSet

    def get_queryset(self):
        return self.scoped(CalendarChange.objects.all()).order_by("-created_at", "-pk")
