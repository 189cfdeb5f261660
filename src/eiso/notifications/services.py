"""Every write to notifications (thông báo).

`notify` is how any app tells people something: it creates at most one notification per (recipient,
key) and e-mails the new ones. Call it from a service (inside its transaction) or a scheduled job.

Audit policy: notifying is a system write that may reach many people, so each `notify` call that creates
notifications appends **one** summarizing audit event ("notification.send": kind, key, count, recipient
ids) in the same transaction; a call that creates nothing (a scheduled job running again) writes no
event. Marking read changes only the reader's own inbox state, like opening a page, so `mark_read` and
`mark_all_read` are not audited.

E-mail goes through Django's configured backend (EMAIL_BACKEND and friends, docs/operations/install.md)
only after the transaction commits, so a rolled-back change never sends mail. Each row is claimed by
setting `emailed_at` before sending, so two processes never send the same one; a failed send is logged,
counted in `email_failures` and the claim released (the notification stays in the app either way).
`send_owed_emails` (`eiso notifications send`, scheduled) tries the e-mails still owed again: those of
the last `EMAIL_RETRY_DAYS` days that failed fewer than `EMAIL_ATTEMPTS` times. It writes one audit event
per run that sent or gave up on anything.
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from eiso.core.audit import record_event
from eiso.core.errors import PermissionRefused
from eiso.notifications.models import Notification

logger = logging.getLogger(__name__)

_KEY_LENGTH = Notification._meta.get_field("key").max_length
_TITLE_LENGTH = Notification._meta.get_field("title").max_length
_URL_LENGTH = Notification._meta.get_field("url").max_length
EMAIL_ATTEMPTS = 5  # a message that failed this often (a mailbox that refuses it) is not tried again
EMAIL_RETRY_DAYS = 3  # older news is not worth a late e-mail; it stays in the app


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    kind: str,
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    agency=None,
    email: bool = True,
    actor=None,
) -> int:
    """Gửi thông báo: one notification per recipient for `key`, unless that recipient already has one.

    `recipients` are users (duplicates, None and locked accounts are skipped). `key` names the event,
    e.g. "documents.review:12:2026-09-01": calling again with the same key notifies nobody twice, even
    when two calls race (the unique (recipient, key) constraint decides; conflicts are ignored).
    `url` is a path inside eISO or a full address. `email=False` keeps it in the app only. `actor` is
    who caused it (None: the system). Returns how many notifications were created.
    """
    if not key or len(key) > _KEY_LENGTH:
        raise ValueError(f"notify() needs a key of 1–{_KEY_LENGTH} characters")
    if not kind:
        raise ValueError("notify() needs a kind")
    people = {}
    for user in recipients:
        if user is not None and user.pk is not None and user.is_active:
            people.setdefault(user.pk, user)
    if not people:
        return 0
    already = set(
        Notification.objects.filter(recipient_id__in=people, key=key).values_list("recipient_id", flat=True)
    )
    new_ids = [pk for pk in people if pk not in already]
    if not new_ids:
        return 0
    # One timestamp marks this call's rows: with ignore_conflicts the database does not say which rows
    # it inserted, and a concurrent call for the same key carries another timestamp.
    now = timezone.now()
    title = " ".join(str(title).split())[:_TITLE_LENGTH]
    mailed = {pk for pk in new_ids if email and people[pk].email}
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk,
                agency=agency,
                kind=kind,
                title=title,
                body=str(body),
                url=str(url)[:_URL_LENGTH],
                key=key,
                created_at=now,
                email_wanted=pk in mailed,
            )
            for pk in new_ids
        ],
        ignore_conflicts=True,
    )
    created = dict(
        Notification.objects.filter(recipient_id__in=new_ids, key=key, created_at=now).values_list(
            "pk", "recipient_id"
        )
    )
    if not created:
        return 0
    record_event(
        actor=actor,
        verb="notification.send",
        agency=agency,
        object_type="notifications.notification",
        object_id=key[:64],
        object_repr=title,
        after={"kind": kind, "key": key, "count": len(created), "recipients": sorted(created.values())},
    )
    if mailed.intersection(created.values()):
        transaction.on_commit(partial(send_emails, list(created)))
    return len(created)


def absolute_url(url: str) -> str:
    """A path inside eISO as a full address for e-mail (EISO_BASE_URL); full addresses stay as they are."""
    if url.startswith("/"):
        return settings.EISO_BASE_URL.rstrip("/") + url
    return url


def _message(notification: Notification, connection) -> mail.EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(
            "notifications/email.txt",
            {
                "notification": notification,
                "link": absolute_url(notification.url) if notification.url else "",
                "inbox": absolute_url(reverse("notifications:list")),
            },
        )
    return mail.EmailMessage(
        subject=f"[eISO] {notification.title}",
        body=text,
        to=[notification.recipient.email],
        connection=connection,
    )


def send_emails(notification_ids: Iterable[int]) -> int:
    """E-mail the given notifications that have not been e-mailed yet; returns how many were sent.

    Runs outside any transaction (after commit). Rows are claimed in one UPDATE that sets `emailed_at`
    to this call's timestamp; a failed send puts `emailed_at` back to empty and counts the failure.
    """
    return _send(notification_ids).sent


@dataclass(frozen=True)
class Sending:
    sent: int = 0
    failed: int = 0


def _release(rows, claim) -> None:
    Notification.objects.filter(pk__in=[n.pk for n in rows], emailed_at=claim).update(
        emailed_at=None, email_failures=F("email_failures") + 1
    )


def _send(notification_ids: Iterable[int]) -> Sending:
    ids = list(notification_ids)
    claim = timezone.now()
    claimed = (
        Notification.objects.filter(pk__in=ids, emailed_at__isnull=True, email_wanted=True)
        .exclude(recipient__email="")
        .update(emailed_at=claim)
    )
    if not claimed:
        return Sending()
    rows = list(
        Notification.objects.filter(pk__in=ids, emailed_at=claim)
        .select_related("recipient", "agency")
        .order_by("pk")
    )
    sent = 0
    try:
        connection = mail.get_connection()
        connection.open()
    except Exception:
        logger.exception("cannot reach the mail server; %s notification e-mails not sent", len(rows))
        _release(rows, claim)
        return Sending(failed=len(rows))
    try:
        for notification in rows:
            try:
                _message(notification, connection).send()
            except Exception:
                logger.exception("e-mail of notification %s failed", notification.pk)
                _release([notification], claim)
            else:
                sent += 1
    finally:
        connection.close()
    return Sending(sent=sent, failed=len(rows) - sent)


@dataclass(frozen=True)
class Retry:
    owed: int  # e-mails tried again
    sent: int
    failed: int
    given_up: int  # of those that failed, how many reached EMAIL_ATTEMPTS and will not be tried again


def send_owed_emails(*, now: datetime.datetime | None = None) -> Retry:
    """Gửi lại thư chưa gửi được: try again the e-mails of the last EMAIL_RETRY_DAYS days that failed
    (or were never sent because the process stopped), each at most EMAIL_ATTEMPTS times in all.

    Safe to run on several nodes at once: rows are claimed as in `send_emails`. One audit event per run
    that sent or failed anything ("notification.email_retry", with the counts)."""
    now = now or timezone.now()
    owed = list(
        Notification.objects.filter(
            email_wanted=True,
            emailed_at__isnull=True,
            email_failures__lt=EMAIL_ATTEMPTS,
            created_at__gte=now - datetime.timedelta(days=EMAIL_RETRY_DAYS),
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    if not owed:
        return Retry(0, 0, 0, 0)
    result = _send(owed)
    given_up = Notification.objects.filter(
        pk__in=owed, emailed_at__isnull=True, email_failures__gte=EMAIL_ATTEMPTS
    ).count()
    retry = Retry(len(owed), result.sent, result.failed, given_up if result.failed else 0)
    if result.sent or result.failed:
        with transaction.atomic():
            record_event(
                actor=None,
                verb="notification.email_retry",
                object_type="notifications.notification",
                object_id="",
                object_repr=_("Gửi lại thư thông báo"),
                after={
                    "owed": retry.owed,
                    "sent": retry.sent,
                    "failed": retry.failed,
                    "given_up": retry.given_up,
                },
            )
    return retry


def mark_read(*, actor, notification: Notification) -> Notification:
    """Đánh dấu đã đọc: only the recipient may; reading it again changes nothing."""
    if actor is None or notification.recipient_id != actor.pk:
        raise PermissionRefused()
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def mark_all_read(*, actor) -> int:
    """Đánh dấu tất cả đã đọc: the actor's unread notifications; returns how many."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionRefused()
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
