"""GET /api/v1/dossiers/{id}/forms/{number}/?format=docx|pdf: one one-stop form of a dossier as a file.

Scoped like every read: the dossier is looked up in `Dossier.objects.visible_to(request.user)`, so a
dossier outside the caller's scope is a 404, as is a form that does not apply (the message says why).
`format` is this endpoint's own query parameter (DRF's renderer override is switched off here).
"""

from types import SimpleNamespace

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.views import APIView

from eiso.api.mixins import AUTHENTICATION_CLASSES
from eiso.api.serializers import READ_ERRORS
from eiso.dossiers import printing
from eiso.dossiers.models import Dossier


class _FormatIsAParameter(DefaultContentNegotiation):
    """`?format=docx` names the file to produce, not a DRF renderer (errors stay JSON)."""

    settings = SimpleNamespace(URL_FORMAT_OVERRIDE=None)


class DossierFormView(APIView):
    authentication_classes = AUTHENTICATION_CLASSES
    content_negotiation_class = _FormatIsAParameter

    @extend_schema(
        operation_id="dossier_form",
        summary="A one-stop form of the dossier (mẫu 01–06) as DOCX or PDF",
        description=(
            "Form numbers follow the legal set: `tt03-2025` (default, EISO_FORM_SET) 01 receipt and "
            "appointment slip, 02 request to supplement, 03 refusal, 04 apology and new appointment, "
            "05 stop notice, 06 process control slip; `tt01-2018` the same 01–04 and 05 control slip. "
            "A form that does not apply to the dossier (e.g. 03 for a dossier that was not refused) is "
            "a 404 whose `detail` says why. Every form carries a QR code of the public status page."
        ),
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=list(printing.FORMATS),
                default="pdf",
                description="File type.",
            ),
            OpenApiParameter(
                "set", OpenApiTypes.STR, enum=list(printing.FORM_SETS), description="Legal set of forms."
            ),
        ],
        responses={
            (200, printing.MEDIA_TYPES["docx"]): OpenApiTypes.BINARY,
            (200, printing.MEDIA_TYPES["pdf"]): OpenApiTypes.BINARY,
            **READ_ERRORS,
        },
        tags=["dossiers"],
    )
    def get(self, request, pk: int, number: str):
        fmt = request.query_params.get("format", "pdf")
        if fmt not in printing.FORMATS:
            raise ValidationError({"format": [_("Chọn docx hoặc pdf.")]})
        dossier = (
            Dossier.objects.visible_to(request.user)
            .select_related("agency", "receiving_unit", "receiving_unit__parent", "procedure", "clock")
            .filter(pk=pk)
            .first()
        )
        if dossier is None:
            raise NotFound()
        try:
            content, file_name, media_type = printing.render_form(
                dossier, number, fmt, form_set=request.query_params.get("set") or None
            )
        except printing.FormUnavailable as exc:
            raise NotFound(exc.message) from None
        response = HttpResponse(content, content_type=media_type)
        response["Content-Disposition"] = f'attachment; filename="{file_name}"'
        return response
