"""Periodic review reminders (`eiso documents remind`): who is told, about which documents, only once."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from eiso.api.tests.world import PASSWORD
from eiso.documents import reminders, services
from eiso.documents.models import Document, DocumentVersion, VersionStatus
from eiso.documents.tests.conftest import issued, make_pdf
from eiso.notifications.models import Notification

pytestmark = pytest.mark.django_db

# The memberships of the world start today (in the site's time zone), so reminders are computed for today.
TODAY = timezone.localdate()


def _due(document, day: datetime.date) -> Document:
    Document.objects.filter(pk=document.pk).update(next_review_on=day)
    document.refresh_from_db()
    return document


def _drafted_by_officer(world, title="Hướng dẫn tiếp nhận hồ sơ"):
    """A document of commune_a drafted by the officer, owned by the commune office (its unit head)."""
    users = world.users
    document = services.create_document(
        actor=users["officer"],
        agency=world.commune_a,
        kind="system_procedure",
        title=title,
        owner_unit=world.commune_office,
        data=make_pdf(),
        file_name="huong-dan.pdf",
    )
    version = document.latest_version
    services.submit_version(actor=users["officer"], version=version, password=PASSWORD)
    services.approve_version(actor=users["agency_head"], version=version, password=PASSWORD)
    services.issue_version(actor=users["iso_secretary"], version=version)
    document.refresh_from_db()
    return document


def _recipients(document) -> set[str]:
    return set(
        Notification.objects.filter(key=reminders.review_key(document)).values_list(
            "recipient__username", flat=True
        )
    )


def test_due_soon_and_overdue_are_selected_not_due_is_not(world):
    soon = _due(issued(world, title="Sắp đến hạn"), TODAY + datetime.timedelta(days=10))
    overdue = _due(issued(world, title="Quá hạn"), TODAY - datetime.timedelta(days=40))
    today = _due(issued(world, title="Đúng hôm nay"), TODAY)
    later = _due(issued(world, title="Chưa đến hạn"), TODAY + datetime.timedelta(days=31))
    result = reminders.remind(today=TODAY)
    assert result.documents == 3
    assert {n.title for n in Notification.objects.all()} == {
        f"Sắp đến hạn soát xét định kỳ: {soon.code} Sắp đến hạn",
        f"Quá hạn soát xét định kỳ: {overdue.code} Quá hạn",
        f"Sắp đến hạn soát xét định kỳ: {today.code} Đúng hôm nay",
    }
    assert _recipients(later) == set()
    body = Notification.objects.get(key=reminders.review_key(overdue)).body
    assert f"ngày {overdue.next_review_on:%d/%m/%Y}, đã quá 40 ngày" in body
    assert "Phiên bản đang hiệu lực: lần 01, từ " in body
    # The most overdue is created last, so it tops the inbox (newest first).
    top = Notification.objects.filter(recipient=world.users["iso_secretary"]).inbox_order().first()
    assert top.key == reminders.review_key(overdue)
    assert "còn 10 ngày" in Notification.objects.filter(key=reminders.review_key(soon)).first().body
    assert "là hôm nay" in Notification.objects.filter(key=reminders.review_key(today)).first().body
    notification = Notification.objects.filter(key=reminders.review_key(soon)).first()
    assert notification.url == soon.get_absolute_url() and notification.agency_id == world.commune_a.pk
    assert notification.kind == "documents.review_due"
    # A wider window takes the later one in too.
    assert reminders.remind(today=TODAY, days=31).documents == 4
    assert _recipients(later)


def test_withdrawn_and_superseded_are_excluded(world):
    withdrawn = _due(issued(world, title="Thu hồi"), TODAY - datetime.timedelta(days=5))
    services.withdraw_document(
        actor=world.users["agency_head"], document=withdrawn, reason="Không còn áp dụng"
    )
    superseded = _due(issued(world, title="Đã thay thế"), TODAY - datetime.timedelta(days=5))
    DocumentVersion.objects.filter(pk=superseded.current_version_id).update(status=VersionStatus.SUPERSEDED)
    assert reminders.remind(today=TODAY) == reminders.ReminderResult(documents=0, notified=0)
    assert not Notification.objects.exists()


def test_a_new_version_moves_the_review_date_and_clears_the_reminder(world):
    document = _due(issued(world), TODAY - datetime.timedelta(days=5))
    version = services.upload_version(
        actor=world.users["iso_secretary"], document=document, data=make_pdf("Sửa đổi"), file_name="v2.pdf"
    )
    services.submit_version(actor=world.users["iso_secretary"], version=version, password=PASSWORD)
    services.approve_version(actor=world.users["agency_head"], version=version, password=PASSWORD)
    services.issue_version(actor=world.users["iso_secretary"], version=version, effective_date=TODAY)
    assert reminders.remind(today=TODAY).documents == 0


def test_recipients_are_the_drafter_the_unit_head_and_the_iso_secretaries(world):
    from eiso.accounts import roles
    from eiso.accounts import services as accounts

    document = _due(_drafted_by_officer(world), TODAY)
    reminders.remind(today=TODAY)
    # The office's head works in the office only: the commune's register is outside their scope, so they
    # are not told about it (a reminder never names a document its reader cannot open).
    assert _recipients(document) == {"officer", "iso.secretary"}
    accounts.grant_membership(
        actor=None, user=world.users["unit_head"], agency=world.commune_a, role_code=roles.VIEWER
    )
    assert reminders.remind(today=TODAY).notified == 1  # the unit head only; nobody twice
    assert _recipients(document) == {"officer", "unit.head", "iso.secretary"}
    # Without an owning unit and drafted by the ISO secretary: the secretary alone (once).
    other = _due(issued(world, title="Chính sách chất lượng"), TODAY)
    reminders.remind(today=TODAY)
    assert _recipients(other) == {"iso.secretary"}


def test_people_who_left_or_are_locked_are_not_reminded(world):
    from eiso.accounts import roles
    from eiso.accounts import services as accounts
    from eiso.accounts.models import Membership

    document = _due(_drafted_by_officer(world), TODAY)
    # Still reads the commune's register, but no longer heads the owning unit.
    accounts.grant_membership(
        actor=None, user=world.users["unit_head"], agency=world.commune_a, role_code=roles.VIEWER
    )
    accounts.update_user(actor=None, user=world.users["officer"], is_active=False)
    membership = Membership.objects.get(user=world.users["unit_head"], agency=world.commune_office)
    accounts.end_membership(actor=None, membership=membership, last_day=TODAY - datetime.timedelta(days=1))
    reminders.remind(today=TODAY)
    assert _recipients(document) == {"iso.secretary"}


def test_running_twice_notifies_once_and_emails_once(world, mailoutbox, django_capture_on_commit_callbacks):
    document = _due(_drafted_by_officer(world), TODAY - datetime.timedelta(days=1))
    from eiso.accounts import roles
    from eiso.accounts import services as accounts

    accounts.grant_membership(
        actor=None, user=world.users["unit_head"], agency=world.commune_a, role_code=roles.VIEWER
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.remind(today=TODAY).notified == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.remind(today=TODAY).notified == 0
        assert reminders.remind(today=TODAY + datetime.timedelta(days=1)).notified == 0
    assert Notification.objects.count() == 3
    assert sorted(m.to[0] for m in mailoutbox) == [
        "iso_secretary@hungyen.gov.vn",
        "officer@hungyen.gov.vn",
        "unit_head@hungyen.gov.vn",
    ]
    assert mailoutbox[0].subject.startswith(f"[eISO] Quá hạn soát xét định kỳ: {document.code}")


def test_command_prints_a_count_and_is_idempotent(world, mailoutbox):
    _due(_drafted_by_officer(world), timezone.localdate() + datetime.timedelta(days=3))
    out = io.StringIO()
    call_command("documents", "remind", "--days", "7", stdout=out)
    assert "1 tài liệu đến hạn trong 7 ngày hoặc đã quá hạn; 2 thông báo mới." in out.getvalue()
    out = io.StringIO()
    call_command("documents", "remind", "--days", "7", "--no-email", stdout=out)
    assert "; 0 thông báo mới." in out.getvalue()
    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command("documents", "remind", "--days", "-1")


def test_the_task_runs_the_same_reminder(world):
    from eiso.documents.tasks import remind_reviews

    _due(issued(world), timezone.localdate())
    result = remind_reviews.call(days=30)
    assert result == {"documents": 1, "notified": 1}
