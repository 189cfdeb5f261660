"""The scheduled scan (`services.scan`, `eiso dossiers scan`): at-risk and overdue marks, notifications
once (in the app and by e-mail), past years' form 07 books locked; running it again changes nothing."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from eiso.accounts import roles
from eiso.dossiers import services
from eiso.dossiers.models import TrackingBook, WorkItem
from eiso.notifications.models import Notification

from .conftest import at

pytestmark = pytest.mark.django_db


def step_of(dossier):
    return WorkItem.objects.get(dossier=dossier, status="open")


def test_running_twice_marks_and_notifies_once(
    receive_one, users, mailoutbox, django_capture_on_commit_callbacks
):
    dossier = receive_one()  # Monday 02/03 10:00; step 1 has 2 h: at risk from 11:30, due 12:00
    with django_capture_on_commit_callbacks(execute=True):
        first = services.scan(now=at(2, 11, 45))
    assert (first.items_at_risk, first.items_overdue, first.dossiers_at_risk) == (1, 0, 0)
    assert step_of(dossier).risk == "at_risk"
    assert first.notified == 1  # the receiver holding the step (heads hear of overdue steps)
    sent = len(mailoutbox)
    assert sent == 1 and "Sắp đến hạn xử lý" in mailoutbox[0].subject
    assert mailoutbox[0].to == [users[roles.RECEIVER].email]
    with django_capture_on_commit_callbacks(execute=True):
        again = services.scan(now=at(2, 11, 50))
    assert (again.items_at_risk, again.items_overdue, again.notified) == (0, 0, 0)
    assert len(mailoutbox) == sent
    assert Notification.objects.filter(kind="dossier.item.at_risk").count() == 1
    assert Notification.objects.filter(recipient=users[roles.RECEIVER]).count() == 1


def test_an_overdue_item_is_marked_overdue_once(receive_one, users):
    dossier = receive_one()
    result = services.scan(now=at(2, 13))
    assert result.items_overdue == 1 and step_of(dossier).risk == "overdue"
    notified = Notification.objects.filter(kind="dossier.item.overdue").count()
    assert notified >= 1
    assert services.scan(now=at(2, 14)).items_overdue == 0
    assert Notification.objects.filter(kind="dossier.item.overdue").count() == notified


def test_a_dossier_with_less_than_a_working_day_left_is_at_risk(receive_one, users):
    dossier = receive_one()  # due Thursday 05/03
    assert dossier.clock.due_at.astimezone(at(2).tzinfo).date() == datetime.date(2026, 3, 5)
    assert services.scan(now=at(3, 10)).dossiers_at_risk == 0  # more than a working day left
    dossier.refresh_from_db()
    assert dossier.risk == ""
    result = services.scan(now=at(5, 9))  # due on this working day
    dossier.refresh_from_db()
    assert result.dossiers_at_risk == 1 and dossier.risk == "at_risk"
    assert Notification.objects.filter(kind="dossier.at_risk", key=f"dossier:{dossier.pk}:at_risk").exists()
    assert services.scan(now=at(5, 9, 30)).dossiers_at_risk == 0
    late = services.scan(now=at(6, 10))
    dossier.refresh_from_db()
    assert late.dossiers_overdue == 1 and dossier.risk == "overdue"


def test_past_year_books_are_locked(receive_one):
    receive_one()
    book = TrackingBook.objects.get()
    assert book.year == 2026 and book.locked_at is None
    assert services.scan(now=at(30)).books_locked == 0
    next_year = datetime.datetime(2027, 1, 4, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert services.scan(now=next_year, notify=False).books_locked == 1
    book.refresh_from_db()
    assert book.locked_at is not None
    assert services.scan(now=next_year + datetime.timedelta(hours=1), notify=False).books_locked == 0


def test_command_prints_counts_and_is_idempotent(receive_one, mailoutbox):
    receive_one()  # received in March 2026: overdue by any later day
    out = io.StringIO()
    call_command("dossiers", "scan", stdout=out)
    text = out.getvalue()
    assert "Việc xử lý: 0 sắp đến hạn, 1 quá hạn; hồ sơ: 0 sắp đến hạn, 1 quá hạn;" in text
    out = io.StringIO()
    call_command("dossiers", "scan", stdout=out)
    assert (
        "Việc xử lý: 0 sắp đến hạn, 0 quá hạn; hồ sơ: 0 sắp đến hạn, 0 quá hạn; 0 thông báo mới"
        in out.getvalue()
    )
