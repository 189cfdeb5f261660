"""API of dossier processing: /api/v1/dossiers/ and /api/v1/work-items/.

Thin: parse input, find the object through `visible_to(request.user)` (another agency's dossier or work
item is a 404, for reads and actions alike), call one service of `eiso.dossiers.services` (which locks
the dossier row, checks the state machine and the rules, writes the hand-over and the audit event),
serialize the result. Errors: `DomainError` → 400, `PermissionRefused` → 403, `Conflict` → 409
(`eiso.api.errors`). Nobody can set the moment of a transition through the API: it is always "now".

Reception honours the `Idempotency-Key` header (`services.receive_idempotent`): a retry with the same
key and the same body answers 200 with the dossier made the first time; the same key with another body
is a 409.
"""

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from eiso.api.mixins import ApiViewMixin
from eiso.api.serializers import READ_ERRORS, WRITE_ERRORS
from eiso.dossiers import services
from eiso.dossiers.api import serializers as s
from eiso.dossiers.models import (
    Channel,
    Dossier,
    HandOver,
    Risk,
    Status,
    Timeliness,
    WorkItem,
    WorkStatus,
)

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="A key unique per reception (e.g. a UUID). A retry with the same key and body returns the "
    "dossier made the first time (200) instead of a second one; the same key with another body is 409.",
)


class DossierFilterSet(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=Status.choices, help_text="Trạng thái (lặp lại được).")
    channel = filters.ChoiceFilter(choices=Channel.choices)
    procedure = filters.NumberFilter(field_name="procedure_id", help_text="Thủ tục (id).")
    procedure_code = filters.CharFilter(field_name="procedure__code", help_text="Mã thủ tục.")
    agency = filters.NumberFilter(field_name="agency_id", help_text="Cơ quan giải quyết (id).")
    timeliness = filters.ChoiceFilter(choices=Timeliness.choices)
    risk = filters.ChoiceFilter(choices=[c for c in Risk.choices if c[0]], help_text="at_risk / overdue.")
    received_from = filters.DateFilter(
        field_name="received_at", lookup_expr="date__gte", help_text="Tiếp nhận từ ngày (yyyy-mm-dd)."
    )
    received_to = filters.DateFilter(
        field_name="received_at", lookup_expr="date__lte", help_text="Tiếp nhận đến ngày (yyyy-mm-dd)."
    )
    q = filters.CharFilter(
        method="filter_q", help_text="Mã hồ sơ, người nộp, điện thoại, thủ tục; không dấu."
    )

    class Meta:
        model = Dossier
        fields = [
            "status",
            "channel",
            "procedure",
            "procedure_code",
            "agency",
            "timeliness",
            "risk",
            "received_from",
            "received_to",
            "q",
        ]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)


class WorkItemFilterSet(filters.FilterSet):
    mine = filters.BooleanFilter(method="filter_mine", help_text="1: việc của tôi (hộp việc).")
    dossier = filters.NumberFilter(field_name="dossier_id")
    status = filters.ChoiceFilter(choices=WorkStatus.choices)
    risk = filters.ChoiceFilter(choices=[c for c in Risk.choices if c[0]])

    class Meta:
        model = WorkItem
        fields = ["mine", "dossier", "status", "risk"]

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=WorkItem.objects.inbox_of(self.request.user).values("pk"))


def _detail_queryset():
    return Dossier.objects.for_list().prefetch_related(
        "components",
        Prefetch("work_items", queryset=WorkItem.objects.select_related("dossier", "unit", "assignee")),
        Prefetch("hand_overs", queryset=HandOver.objects.order_by("given_at", "pk")),
    )


def _fingerprint(data: dict) -> dict:
    """The reception body as plain values (objects by id), to compare a retry with the first request."""
    plain = {}
    for name, value in data.items():
        plain[name] = getattr(value, "pk", value)
    return plain


ACTION = {"filter_backends": [], "pagination_class": None}


@extend_schema_view(
    list=extend_schema(
        summary="Dossiers of the agencies in your scope",
        description="Filters combine with AND; `q` searches code, applicant, phone and procedure "
        "without diacritics. Newest reception first.",
    ),
    retrieve=extend_schema(
        summary="One dossier with its components, open work items and hand-overs (form 06)",
        responses={200: s.DossierDetailSerializer, **READ_ERRORS},
    ),
)
class DossierViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Hồ sơ TTHC: reception and every dossier-level transition."""

    queryset = Dossier.objects.all()
    serializer_class = s.DossierSerializer
    filterset_class = DossierFilterSet

    def get_queryset(self):
        if self.action == "list":
            return self.scoped(Dossier.objects.all()).for_list()
        return self.scoped(_detail_queryset().select_related("book_entry"))

    def get_serializer_class(self):
        return s.DossierSerializer if self.action == "list" else s.DossierDetailSerializer

    def _answer(self, dossier, code=status.HTTP_200_OK, headers=None):
        fresh = self.scoped(_detail_queryset().select_related("book_entry")).get(pk=dossier.pk)
        return Response(s.DossierDetailSerializer(fresh).data, status=code, headers=headers)

    @extend_schema(
        summary="Receive a dossier at the counter (tiếp nhận): received, supplement or refused",
        description="`outcome` received → form 01 and the appointment from the legal clock; supplement → "
        "form 02 (list every missing item once); refused → form 03 with the reason. Send an "
        "`Idempotency-Key` header so a retried request never makes two dossiers.",
        parameters=[IDEMPOTENCY_KEY],
        request=s.ReceptionInputSerializer,
        responses={201: s.DossierDetailSerializer, 200: s.DossierDetailSerializer, **WRITE_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        data = self.validated(s.ReceptionInputSerializer)
        applicant = services.Applicant(**data.pop("applicant"))
        components = [services.ComponentLine(**c) for c in data.pop("components")]
        kwargs = {"applicant": applicant, "components": components, **data}
        key = request.headers.get("Idempotency-Key")
        if key is None:
            dossier = services.receive(actor=request.user, **kwargs)
            return self._answer(dossier, status.HTTP_201_CREATED)
        fingerprint = {
            **_fingerprint(data),
            "applicant": vars(applicant),
            "components": [vars(c) for c in components],
        }
        dossier, created = services.receive_idempotent(
            actor=request.user, key=key, fingerprint=fingerprint, **kwargs
        )
        if created:
            return self._answer(dossier, status.HTTP_201_CREATED)
        return self._answer(dossier, status.HTTP_200_OK, headers={"Idempotent-Replayed": "true"})

    @extend_schema(
        summary="The applicant brought what the counter asked for (form 02): receive the dossier now",
        request=s.EmptyInputSerializer,
        responses={200: s.DossierDetailSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="receive-completed", **ACTION)
    def receive_completed(self, request, pk=None):
        dossier = services.receive_completed(actor=request.user, dossier=self.get_object())
        return self._answer(dossier)

    @extend_schema(
        summary="Ask for a supplement after appraisal (form 02; within 3 working days; the clock waits)",
        request=s.SupplementRequestSerializer,
        responses={200: s.DossierDetailSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="request-supplement", **ACTION)
    def request_supplement(self, request, pk=None):
        dossier = self.get_object()
        data = self.validated(s.SupplementRequestSerializer)
        return self._answer(services.request_supplement(actor=request.user, dossier=dossier, **data))

    @extend_schema(
        summary="The complete supplement arrived: processing resumes, the time limit restarts",
        request=s.NoteSerializer,
        responses={200: s.DossierDetailSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="supplement-received", **ACTION)
    def supplement_received(self, request, pk=None):
        dossier = self.get_object()
        data = self.validated(s.NoteSerializer)
        return self._answer(services.supplement_received(actor=request.user, dossier=dossier, **data))

    @extend_schema(
        summary="Apology and new appointment (form 04): once, at least one working day before the due",
        request=s.ExtendSerializer,
        responses={200: s.DossierDetailSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], **ACTION)
    def extend(self, request, pk=None):
        dossier = self.get_object()
        data = self.validated(s.ExtendSerializer)
        return self._answer(services.extend(actor=request.user, dossier=dossier, **data))

    @extend_schema(
        summary="Refuse after appraisal (form 03), within the time limit, with the reason",
        request=s.ReasonSerializer,
        responses={200: s.DossierDetailSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], **ACTION)
    def refuse(self, request, pk=None):
        dossier = self.get_object()
        data = self.validated(s.ReasonSerializer)
        return self._answer(services.refuse(actor=request.user, dossier=dossier, **data))

    @extend_schema(
        summary="Stop processing at the applicant's request (form 05)",
        request=s.ReasonSerializer,
        responses={200: s.DossierDetailSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], **ACTION)
    def stop(self, request, pk=None):
        dossier = self.get_object()
        data = self.validated(s.ReasonSerializer)
        return self._answer(services.stop(actor=request.user, dossier=dossier, **data))

    @extend_schema(
        summary="The applicant withdraws the dossier",
        request=s.ReasonSerializer,
        responses={200: s.DossierDetailSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], **ACTION)
    def withdraw(self, request, pk=None):
        dossier = self.get_object()
        data = self.validated(s.ReasonSerializer)
        return self._answer(services.withdraw(actor=request.user, dossier=dossier, **data))

    @extend_schema(
        summary="Return the result to the applicant (who received it, how)",
        request=s.ReturnResultSerializer,
        responses={200: s.DossierDetailSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return-result", **ACTION)
    def return_result(self, request, pk=None):
        dossier = self.get_object()
        data = self.validated(s.ReturnResultSerializer)
        return self._answer(services.return_result(actor=request.user, dossier=dossier, **data))

    @extend_schema(
        summary="End processing with a result without the remaining steps (agency head)",
        request=s.FinishSerializer,
        responses={200: s.DossierDetailSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], **ACTION)
    def finish(self, request, pk=None):
        dossier = self.get_object()
        data = self.validated(s.FinishSerializer)
        return self._answer(services.finish_processing(actor=request.user, dossier=dossier, **data))


@extend_schema_view(
    list=extend_schema(
        summary="Work items of the dossiers in your scope (`?mine=1`: your inbox)",
        description="`mine=1` gives the items assigned to you or waiting in a unit where you hold the "
        "item's role, soonest due first.",
    ),
    retrieve=extend_schema(summary="One work item", responses={200: s.WorkItemSerializer, **READ_ERRORS}),
)
class WorkItemViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Việc xử lý: claim, complete, return to an earlier step, forward, consult, answer."""

    queryset = WorkItem.objects.all()
    serializer_class = s.WorkItemSerializer
    filterset_class = WorkItemFilterSet

    def get_queryset(self):
        return self.scoped(WorkItem.objects.all()).for_inbox()

    def _item(self, item, code=status.HTTP_200_OK):
        return Response(s.WorkItemSerializer(self.get_queryset().get(pk=item.pk)).data, status=code)

    @extend_schema(
        summary="Take an item waiting in your unit's pool",
        request=s.EmptyInputSerializer,
        responses={200: s.WorkItemSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], **ACTION)
    def claim(self, request, pk=None):
        return self._item(services.claim(actor=request.user, item=self.get_object()))

    @extend_schema(
        summary="Complete the step and hand over to the next one(s)",
        description="Approval steps need `agreed` or `not_agreed` (with a reason in `note`). Completing the "
        "return-to-applicant step returns the result (`returned_to`, `return_method`). Answers the work "
        "items opened next (an empty list when the dossier's result is ready or returned). A second "
        "completion of the same step is 409.",
        request=s.CompleteStepSerializer,
        responses={200: s.WorkItemSerializer(many=True), **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], **ACTION)
    def complete(self, request, pk=None):
        item = self.get_object()
        data = self.validated(s.CompleteStepSerializer)
        opened = services.complete_step(actor=request.user, item=item, **data)
        rows = self.get_queryset().filter(pk__in=[o.pk for o in opened])
        return Response(s.WorkItemSerializer(rows, many=True).data)

    @extend_schema(
        summary="Send the work back to an earlier step (with the reason)",
        request=s.ReturnToStepSerializer,
        responses={200: s.WorkItemSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return-to-step", **ACTION)
    def return_to_step(self, request, pk=None):
        item = self.get_object()
        data = self.validated(s.ReturnToStepSerializer)
        return self._item(services.return_to_step(actor=request.user, item=item, **data))

    @extend_schema(
        summary="Hand the same step to another officer of the agency",
        request=s.ForwardSerializer,
        responses={200: s.WorkItemSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], **ACTION)
    def forward(self, request, pk=None):
        item = self.get_object()
        data = self.validated(s.ForwardSerializer)
        return self._item(services.forward(actor=request.user, item=item, **data))

    @extend_schema(
        summary="Ask another body for its opinion (a sub-task with its own deadline)",
        request=s.ConsultSerializer,
        responses={201: s.WorkItemSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], **ACTION)
    def consult(self, request, pk=None):
        item = self.get_object()
        data = self.validated(s.ConsultSerializer)
        child = services.consult(actor=request.user, item=item, **data)
        return self._item(child, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record the consulted body's answer",
        request=s.RequiredNoteSerializer,
        responses={200: s.WorkItemSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], **ACTION)
    def answer(self, request, pk=None):
        item = self.get_object()
        data = self.validated(s.RequiredNoteSerializer)
        return self._item(services.answer_consultation(actor=request.user, item=item, **data))
