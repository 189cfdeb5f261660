"""The one write of the API's own: issuing an API token, audited like a log-in."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from eiso.core.audit import record_event


@transaction.atomic
def issue_token(*, user) -> Token:
    """Cấp mã truy cập API: the user's token (created on first use); audited as `auth.token`.

    The token itself never enters the audit trail, only whether it was new.
    """
    token, created = Token.objects.get_or_create(user=user)
    record_event(actor=user, verb="auth.token", obj=user, after={"created": created})
    return token
