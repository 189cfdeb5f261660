"""API errors as JSON, in the request's language (Accept-Language: vi or en)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from eiso.core.errors import Conflict, PermissionRefused


def _django_validation_payload(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        fields = {name: [str(m) for e in errors for m in e.messages] for name, errors in exc.error_dict.items()}
        first = next(iter(fields.values()))[0]
        return {"detail": first, "code": "invalid", "fields": fields}
    field = getattr(exc, "field", None)
    payload = {"detail": " ".join(str(m) for m in exc.messages), "code": getattr(exc, "code", None) or "invalid"}
    if field:
        payload["fields"] = {field: [payload["detail"]]}
    return payload


def exception_handler(exc, context):
    if isinstance(exc, PermissionRefused):
        return Response(_django_validation_payload(exc), status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, Conflict):
        return Response(_django_validation_payload(exc), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        return Response(_django_validation_payload(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, PermissionDenied):
        exc_response = drf_exception_handler(exc, context)
        return exc_response
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        # Serializer errors: keep the per-field lists and add one sentence a person can read.
        fields = response.data
        first_field, first_errors = next(iter(fields.items()))
        first = first_errors[0] if isinstance(first_errors, list) and first_errors else first_errors
        response.data = {"detail": f"{first_field}: {first}", "code": "invalid", "fields": fields}
    elif response is not None and isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data = {"detail": str(detail), "code": getattr(detail, "code", "error")}
    return response
