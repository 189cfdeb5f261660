"""notify(): at most one notification per (recipient, key), one audit event per call that creates any,
e-mail after commit through the configured backend; mark_read / mark_all_read on one's own only."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from eiso.accounts import services as accounts
from eiso.core.errors import PermissionRefused
from eiso.core.models import AuditEvent
from eiso.notifications import services
from eiso.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _notify(recipients, key="test:1", **kwargs):
    kwargs.setdefault("kind", "tests.ping")
    kwargs.setdefault("title", "Tài liệu QT-01 sắp đến hạn soát xét")
    return services.notify(recipients=recipients, key=key, **kwargs)


def test_running_twice_notifies_once_and_audits_once(world):
    people = [world.users["iso_secretary"], world.users["officer"]]
    assert _notify(people, agency=world.commune_a, url="/tai-lieu/1/") == 2
    assert _notify(people, agency=world.commune_a, url="/tai-lieu/1/") == 0
    assert Notification.objects.filter(key="test:1").count() == 2
    event = AuditEvent.objects.get(verb="notification.send")
    assert event.agency_id == world.commune_a.pk and event.actor_id is None
    assert event.after["count"] == 2 and event.after["recipients"] == sorted(u.pk for u in people)
    # A newcomer to the same key is notified; the others are not notified again.
    assert _notify([*people, world.users["agency_head"]], agency=world.commune_a) == 1
    assert AuditEvent.objects.filter(verb="notification.send").count() == 2


def test_duplicates_none_and_locked_accounts_are_skipped(world):
    officer, viewer = world.users["officer"], world.users["viewer"]
    accounts.update_user(actor=None, user=viewer, is_active=False)
    viewer.refresh_from_db()
    assert _notify([officer, officer, None, viewer]) == 1
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [officer.pk]
    assert _notify([]) == 0


def test_a_key_is_required(world):
    with pytest.raises(ValueError):
        _notify([world.users["officer"]], key="")


def test_email_goes_after_commit_to_recipients_with_an_address(
    world, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.EISO_BASE_URL = "https://eiso.hungyen.gov.vn/"
    officer, head = world.users["officer"], world.users["agency_head"]
    accounts.update_user(actor=None, user=head, email="")
    head.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        created = _notify([officer, head], body="Hạn soát xét: 01/09/2026.", url="/tai-lieu/7/")
        assert created == 2 and mailoutbox == []  # nothing before the commit
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [officer.email]
    assert message.subject == "[eISO] Tài liệu QT-01 sắp đến hạn soát xét"
    assert "Hạn soát xét: 01/09/2026." in message.body
    assert "https://eiso.hungyen.gov.vn/tai-lieu/7/" in message.body
    assert "https://eiso.hungyen.gov.vn/thong-bao/" in message.body
    assert Notification.objects.get(recipient=officer).emailed_at is not None
    assert Notification.objects.get(recipient=head).emailed_at is None
    # Sending the same rows again sends nothing (already claimed).
    assert services.send_emails(Notification.objects.values_list("pk", flat=True)) == 0
    assert len(mailoutbox) == 1


def test_email_false_keeps_it_in_the_app(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify([world.users["officer"]], email=False) == 1
    assert mailoutbox == []
    assert Notification.objects.get().emailed_at is None


def test_a_rolled_back_change_leaves_no_notification_and_sends_nothing(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            _notify([world.users["officer"]])
            raise RuntimeError("the caller's service failed")
    assert not Notification.objects.exists() and mailoutbox == []
    assert not AuditEvent.objects.filter(verb="notification.send").exists()


def test_a_failed_send_is_logged_and_releases_the_claim(world, monkeypatch, caplog):
    _notify([world.users["officer"]])
    notification_ids = list(Notification.objects.values_list("pk", flat=True))

    def refuse(self, fail_silently=False):
        raise OSError("SMTP server unreachable")

    monkeypatch.setattr(mail.EmailMessage, "send", refuse)
    assert services.send_emails(notification_ids) == 0
    assert Notification.objects.get().emailed_at is None
    assert "failed" in caplog.text


def test_race_with_another_writer_is_ignored(world, monkeypatch):
    """The other process inserted the row after our check: the unique constraint wins, no error, 0 new."""
    officer = world.users["officer"]
    original = Notification.objects.bulk_create

    def late_conflict(rows, **kwargs):
        Notification.objects.create(recipient=officer, kind="tests.ping", title="Khác", key="test:1")
        return original(rows, **kwargs)

    monkeypatch.setattr(Notification.objects, "bulk_create", late_conflict)
    assert _notify([officer]) == 0
    assert Notification.objects.get().title == "Khác"
    assert not AuditEvent.objects.filter(verb="notification.send").exists()


def test_mark_read_only_ones_own(world):
    officer, outsider = world.users["officer"], world.outsider
    _notify([officer, outsider])
    mine = Notification.objects.get(recipient=officer)
    theirs = Notification.objects.get(recipient=outsider)
    with pytest.raises(PermissionRefused):
        services.mark_read(actor=officer, notification=theirs)
    with pytest.raises(PermissionRefused):
        services.mark_read(actor=None, notification=mine)
    first = services.mark_read(actor=officer, notification=mine).read_at
    assert first is not None
    mine.refresh_from_db()
    assert services.mark_read(actor=officer, notification=mine).read_at == first  # unchanged
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(world):
    officer, outsider = world.users["officer"], world.outsider
    for n in range(3):
        _notify([officer, outsider], key=f"test:{n}")
    assert services.mark_all_read(actor=officer) == 3
    assert services.mark_all_read(actor=officer) == 0
    assert Notification.objects.filter(recipient=outsider, read_at__isnull=True).count() == 3


def _refuse_mail(monkeypatch):
    def refuse(self, fail_silently=False):
        raise OSError("SMTP server unreachable")

    monkeypatch.setattr(mail.EmailMessage, "send", refuse)


def test_a_failed_email_is_sent_by_the_next_retry_and_counted(world, monkeypatch, mailoutbox):
    officer = world.users["officer"]
    _notify([officer], email=True)
    _notify([officer], key="test:in-app", email=False)
    notification = Notification.objects.get(key="test:1")
    assert notification.email_wanted and not Notification.objects.get(key="test:in-app").email_wanted
    _refuse_mail(monkeypatch)
    assert services.send_emails([notification.pk]) == 0
    notification.refresh_from_db()
    assert notification.emailed_at is None and notification.email_failures == 1
    monkeypatch.undo()
    retry = services.send_owed_emails()
    assert (retry.owed, retry.sent, retry.failed, retry.given_up) == (1, 1, 0, 0)
    assert [m.to for m in mailoutbox] == [[officer.email]]  # the in-app one is not mailed
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    event = AuditEvent.objects.get(verb="notification.email_retry")
    assert event.after == {"owed": 1, "sent": 1, "failed": 0, "given_up": 0}
    # nothing owed any more: the next run does nothing and writes no event
    assert services.send_owed_emails().owed == 0
    assert AuditEvent.objects.filter(verb="notification.email_retry").count() == 1


def test_retries_give_up_after_the_last_attempt_and_skip_old_news(world, monkeypatch, mailoutbox):
    officer = world.users["officer"]
    _notify([officer])
    _refuse_mail(monkeypatch)
    results = [services.send_owed_emails() for _ in range(services.EMAIL_ATTEMPTS + 1)]
    assert [r.failed for r in results] == [1] * services.EMAIL_ATTEMPTS + [0]
    assert results[-2].given_up == 1 and results[-1].owed == 0
    assert Notification.objects.get().email_failures == services.EMAIL_ATTEMPTS
    monkeypatch.undo()
    _notify([officer], key="test:old")
    old = Notification.objects.get(key="test:old")
    later = old.created_at + datetime.timedelta(days=services.EMAIL_RETRY_DAYS, minutes=1)
    assert services.send_owed_emails(now=later).owed == 0 and mailoutbox == []


def test_the_command_reports_what_it_sent(world, mailoutbox):
    _notify([world.users["officer"]])  # not sent: no commit callbacks ran in this test
    out = io.StringIO()
    call_command("notifications", "send", stdout=out)
    assert "còn nợ: 1; đã gửi 1; lỗi 0" in out.getvalue() and len(mailoutbox) == 1
