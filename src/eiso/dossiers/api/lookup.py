"""Public status lookup of a dossier (tra cứu hồ sơ), without login: the API endpoint and the logic the
page `/tra-cuu-ho-so/` shares (`lookup`, `rate_limited`).

A citizen gives the dossier code and either the 6-digit lookup secret printed on form 01 or the last
four digits of the applicant's phone. The answer tells the status, the steps done (step names and
dates — never people's names), the appointment, where to collect the result and when it was ready or
returned; nothing else about the applicant or the officers.

Safety:
- "no such code" and "wrong secret" give the same answer (same fields, same message), after the same
  database work (the dossier query and the steps query always run, with an impossible id when the
  code is unknown) and a constant-time comparison (`hmac.compare_digest`) against a dummy secret;
- attempts are counted per client address (`eiso.core.context.client_ip`) in a shared cache
  (`settings.EISO_LOOKUP_CACHE`, the database cache by default — docs/decisions/0019): more than
  `EISO_LOOKUP_LIMIT` attempts in `EISO_LOOKUP_WINDOW_SECONDS` → HTTP 429 with a Vietnamese message.
"""

from __future__ import annotations

import hmac
import re
import secrets
import time
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from eiso.api.serializers import BAD_REQUEST, ErrorSerializer
from eiso.core.context import client_ip
from eiso.dossiers.api import serializers as s
from eiso.dossiers.models import Dossier, Status, WorkItem, WorkStatus

RESULT_STATES = (Status.RESULT_READY, Status.RETURNED)
_clock = time.time  # seconds; tests replace it to stay inside one window


def _fmt(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def normalise_code(code: str) -> str:
    return re.sub(r"\s+", "", code or "").upper()[:64]


def _digits(text: str) -> str:
    return "".join(ch for ch in text or "" if ch.isdigit())


def not_found_message() -> str:
    return _(
        "Không tìm thấy hồ sơ với thông tin đã nhập. Hãy kiểm tra mã hồ sơ và mã tra cứu (hoặc 4 số cuối "
        "số điện thoại) in trên giấy tiếp nhận hồ sơ."
    )


def too_many_message() -> str:
    minutes = max(1, round(settings.EISO_LOOKUP_WINDOW_SECONDS / 60))
    return _("Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút.") % {"minutes": minutes}


@dataclass
class LookupAnswer:
    """One shape for every answer: a miss has `found=False`, the message and empty fields."""

    found: bool = False
    message: str = ""
    code: str = ""
    status: str = ""
    status_label: str = ""
    procedure_name: str = ""
    received_at: str = ""
    appointment_at: str = ""
    steps_done: list[dict] = field(default_factory=list)
    collect_at: str = ""
    collect_address: str = ""
    result_ready_at: str = ""
    returned_at: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def lookup(code: str, secret: str = "", phone_last4: str = "") -> LookupAnswer:
    """The status of dossier `code` if `secret` (or the phone's last 4 digits) matches; else a miss."""
    code = normalise_code(code)
    dossier = (
        Dossier.objects.select_related("clock", "procedure", "receiving_unit")
        .only(
            "pk",
            "code",
            "lookup_secret",
            "applicant_phone",
            "status",
            "received_at",
            "settled_at",
            "returned_at",
            "clock__due_at",
            "procedure__name",
            "receiving_unit__name",
            "receiving_unit__address",
        )
        .filter(code=code)
        .first()
    )
    # The steps query runs whether or not the code exists, so a miss costs the same as a hit.
    steps = list(
        WorkItem.objects.filter(
            dossier_id=dossier.pk if dossier else -1, parent__isnull=True, status=WorkStatus.DONE
        )
        .order_by("completed_at", "pk")
        .values_list("step_name", "completed_at")
    )
    dummy = f"{secrets.randbelow(10**6):06d}"
    if secret.strip():
        expected = dossier.lookup_secret if dossier else dummy
        given = secret.strip()
    else:
        phone = _digits(dossier.applicant_phone) if dossier else ""
        expected = phone[-4:] if len(phone) >= 4 else dummy  # a dossier without a phone never matches
        given = _digits(phone_last4)
        if len(given) != 4:
            given = "x" + dummy  # cannot match anything, still compared
    matched = hmac.compare_digest(expected.encode(), given.encode())
    if dossier is None or not matched:
        return LookupAnswer(found=False, message=not_found_message())

    label = dossier.get_status_display()
    answer = LookupAnswer(
        found=True,
        message=_("Hồ sơ %(code)s: %(status)s.") % {"code": dossier.code, "status": label},
        code=dossier.code,
        status=dossier.status,
        status_label=str(label),
        procedure_name=dossier.procedure.name,
        received_at=_fmt(dossier.received_at),
        steps_done=[{"name": name, "done_at": _fmt(done_at)} for name, done_at in steps],
        collect_at=dossier.receiving_unit.name,
        collect_address=dossier.receiving_unit.address,
    )
    if dossier.status in (Status.PROCESSING, Status.SUPPLEMENT_REQUESTED, *RESULT_STATES):
        answer.appointment_at = _fmt(dossier.appointment_at)
    if dossier.status in RESULT_STATES:
        answer.result_ready_at = _fmt(dossier.settled_at)
    if dossier.status == Status.RETURNED:
        answer.returned_at = _fmt(dossier.returned_at)
    return answer


def rate_limited(request) -> bool:
    """Count one lookup attempt of the request's client address; True once the limit is passed.

    A sliding window, estimated from two fixed ones: this window's count plus the previous window's,
    weighted by how much of it still lies within the last `window` seconds. A fixed window alone would
    let twice the limit through across a window's edge. The keys name their window, so they expire
    by themselves.
    """
    limit = settings.EISO_LOOKUP_LIMIT
    window = settings.EISO_LOOKUP_WINDOW_SECONDS
    address = client_ip(request) or "unknown"
    now = _clock()
    current = int(now // window)
    cache = caches[settings.EISO_LOOKUP_CACHE]
    key = f"eiso:dossier-lookup:{address}:{current}"
    if cache.add(key, 1, timeout=2 * window + 5):  # kept through the next window, which weighs it
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=2 * window + 5)
            count = 1
    previous = cache.get(f"eiso:dossier-lookup:{address}:{current - 1}", 0)
    still_inside = 1 - (now - current * window) / window
    return count + previous * still_inside > limit


class DossierStatusLookupView(APIView):
    """POST /api/v1/public/dossier-status/ — no login; rate-limited per client address."""

    permission_classes = [AllowAny]
    authentication_classes: list = []  # anonymous: no session, so no CSRF check either

    @extend_schema(
        summary="Tra cứu tình trạng hồ sơ (public, no login)",
        description="Dossier code plus the 6-digit lookup secret printed on form 01, or the last 4 digits "
        "of the applicant's phone. A miss (unknown code or wrong secret) answers 200 with `found=false` "
        "and the same fields. No personal data is returned. At most `EISO_LOOKUP_LIMIT` (10) attempts per "
        "client address in 10 minutes, then 429.",
        request=s.LookupInputSerializer,
        responses={
            200: s.LookupAnswerSerializer,
            400: BAD_REQUEST,
            429: OpenApiResponse(ErrorSerializer, description="Too many lookups from this address."),
        },
        auth=[],
        tags=["public"],
    )
    def post(self, request):
        serializer = s.LookupInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if rate_limited(request):
            return Response(
                {"detail": too_many_message(), "code": "too_many_lookups"},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(settings.EISO_LOOKUP_WINDOW_SECONDS)},
            )
        data = serializer.validated_data
        answer = lookup(data["code"], data["secret"], data["phone_last4"])
        return Response(s.LookupAnswerSerializer(answer.as_dict()).data)
