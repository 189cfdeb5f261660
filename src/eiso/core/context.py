"""Per-request context (request id, client address) that services read when they audit.

Services receive the acting user explicitly (`actor=`); the request id and address are
ambient because every layer between the view and the audit row would otherwise pass them on.
"""

import uuid
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None


_current: ContextVar[RequestContext] = ContextVar(
    "eiso_request_context",
    default=RequestContext(),  # noqa: B039 - a frozen dataclass is immutable
)


def current() -> RequestContext:
    return _current.get()


def client_ip(request) -> str | None:
    from django.conf import settings

    # Only behind a trusted proxy (EISO_TRUST_X_FORWARDED_FOR) is the first X-Forwarded-For hop the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if settings.TRUST_X_FORWARDED_FOR else ""
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.META.get("HTTP_X_REQUEST_ID") or uuid.uuid4().hex
        token = _current.set(RequestContext(request_id=request_id[:64], ip_address=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = request_id[:64]
        return response


class VietnameseFirstLocaleMiddleware:
    """Pages are Vietnamese unless the person chose English (language cookie); the browser's
    Accept-Language is honoured only by the API, where an integration asks for a language.

    Agency computers often run English-locale browsers, and staff expect Vietnamese there.
    """

    def __init__(self, get_response):
        from django.middleware.locale import LocaleMiddleware

        self.get_response = get_response
        self.locale = LocaleMiddleware(get_response)

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.locale(request)
