"""Serializers shared by every app's API: the error body (for the schema)."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="One sentence in the request's language (Accept-Language).")
    code = serializers.CharField(help_text="Machine-readable reason, e.g. invalid, forbidden, not_found.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages per input field, when the error is about input.",
    )


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


BAD_REQUEST = _error("Invalid input, or a change the rules refuse.")
FORBIDDEN = _error("Authenticated, but not allowed to do this here.")
NOT_FOUND = _error("No such object, or it is outside your scope.")
CONFLICT = _error("Someone else changed the object first.")

READ_ERRORS = {404: NOT_FOUND}
WRITE_ERRORS = {400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}
