"""API errors as JSON, in the request's language (Accept-Language: vi or en).

Every error body has the same shape: ``{"detail": "<one sentence>", "code": "<code>", "fields": {...}}``
(``fields`` only when the error is about input fields). Status codes:

- 400 — invalid input or a change the domain refuses (`DomainError`, Django or DRF `ValidationError`);
- 401 — not authenticated; 403 — authenticated but not allowed (`PermissionRefused`);
- 404 — the object does not exist *or is outside the caller's scope* (never 403, so ids do not leak);
- 409 — someone else changed the object first (`Conflict`).

Messages are translated where they are created (services use gettext, DRF its own catalogues), with the
language `LocaleMiddleware` chose from the request, so this handler only reshapes them.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from eiso.core.errors import Conflict, PermissionRefused


class ReferenceNotFound(Exception):
    """A request body names an object the caller cannot see (or that does not exist): HTTP 404.

    Raised by `eiso.api.fields.VisibleRelatedField`; answering 404 rather than 400 "does not exist" or 403
    keeps the rule "outside your scope looks like nothing" for writes as well as reads.
    """

    def __init__(self, field_name: str, message: str):
        self.field_name = field_name
        self.message = message
        super().__init__(message)


def _django_validation_payload(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        fields = {
            name: [str(m) for e in errors for m in e.messages] for name, errors in exc.error_dict.items()
        }
        first = next((messages[0] for messages in fields.values() if messages), "")
        return {"detail": first, "code": "invalid", "fields": fields}
    field = getattr(exc, "field", None)
    payload = {
        "detail": " ".join(str(m) for m in exc.messages),
        "code": getattr(exc, "code", None) or "invalid",
    }
    if field:
        payload["fields"] = {field: [payload["detail"]]}
    return payload


def _first_message(data) -> tuple[str, str]:
    """The first leaf message of a (possibly nested) DRF error structure, with its code."""
    if isinstance(data, dict):
        for value in data.values():
            message, code = _first_message(value)
            if message:
                return message, code
        return "", "invalid"
    if isinstance(data, list):
        for value in data:
            message, code = _first_message(value)
            if message:
                return message, code
        return "", "invalid"
    return str(data), getattr(data, "code", None) or "invalid"


def _stringify(data):
    if isinstance(data, dict):
        return {str(key): _stringify(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_stringify(value) for value in data]
    return str(data)


def _drf_payload(data) -> dict:
    if isinstance(data, dict) and set(data) == {"detail"} and not isinstance(data["detail"], dict | list):
        detail = data["detail"]
        return {"detail": str(detail), "code": getattr(detail, "code", None) or "error"}
    if isinstance(data, dict):
        # Serializer or filter errors: keep the per-field lists and add one sentence a person can read.
        non_field = data.get("non_field_errors")
        if non_field:
            message, code = _first_message(non_field)
            return {"detail": message, "code": code, "fields": _stringify(data)}
        for name, errors in data.items():
            message, _code = _first_message(errors)
            if message:
                return {"detail": f"{name}: {message}", "code": "invalid", "fields": _stringify(data)}
        return {"detail": "", "code": "invalid", "fields": _stringify(data)}
    message, code = _first_message(data)
    return {"detail": message, "code": code}


def exception_handler(exc, context):
    if isinstance(exc, ReferenceNotFound):
        payload = {"detail": exc.message, "code": "not_found", "fields": {exc.field_name: [exc.message]}}
        return Response(payload, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoValidationError):  # DomainError, PermissionRefused and Conflict included
        if isinstance(exc, PermissionRefused):
            code = status.HTTP_403_FORBIDDEN
        elif isinstance(exc, Conflict):
            code = status.HTTP_409_CONFLICT
        else:
            code = status.HTTP_400_BAD_REQUEST
        return Response(_django_validation_payload(exc), status=code)
    if isinstance(exc, Http404):
        # Django's message names the model ("No Agency matches the given query.") and is not translated.
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = _drf_payload(response.data)
    return response
