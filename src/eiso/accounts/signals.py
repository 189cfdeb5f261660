"""Log-ins, log-outs and failed log-ins leave audit events too."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from eiso.core.audit import record_event


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    with transaction.atomic():
        record_event(actor=user, verb="auth.login", obj=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        with transaction.atomic():
            record_event(actor=user, verb="auth.logout", obj=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    with transaction.atomic():
        record_event(
            actor=None,
            verb="auth.login_failed",
            object_type="accounts.user",
            object_id="",
            object_repr=username,
        )
