"""Journey: the ISO secretary sees the unread count on the bell, opens the notifications (periodic review
reminders of the demo register), marks one read in place (htmx), then all. Screenshots in
screenshots/notifications-*.png (also at 390 px)."""

import io

import pytest
from django.core.management import call_command

from eiso.notifications.models import Notification
from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.django_db(transaction=True)


def _unread(page) -> int:
    return int(page.get_attribute("[data-testid=notification-bell]", "data-unread"))


def test_open_notifications_from_the_bell_and_mark_them_read(page):
    # Whatever today is, a year-wide window finds the demo register's reviews (issued 2025 and 2026).
    call_command("documents", "remind", "--days", "400", "--no-email", stdout=io.StringIO())
    expected = Notification.objects.filter(recipient__username="thuky.phohien", read_at__isnull=True).count()
    assert expected >= 2
    login(page, "thuky.phohien")
    assert _unread(page) == expected
    assert page.inner_text("[data-testid=notification-count]") == (str(expected) if expected <= 99 else "99+")
    page.click("[data-testid=notification-bell]")
    page.wait_for_selector("[data-testid=notification-list]")
    assert page.locator("[data-testid=notification-row][data-read='0']").count() == min(expected, 30)
    assert "soát xét định kỳ" in page.inner_text("[data-testid=notification-list]")
    shot(page, "notifications-01-list")

    page.locator("[data-testid=notification-read]").first.click()
    page.wait_for_selector("[data-testid=notification-row][data-read='1']")
    page.wait_for_function(
        "n => document.querySelector('[data-testid=notification-bell]').dataset.unread == n",
        arg=str(expected - 1),
    )
    assert "đã đọc lúc" in page.inner_text("[data-testid=notification-row][data-read='1']")

    page.click("[data-testid=notification-read-all]")
    page.wait_for_selector(".alert-success")
    assert _unread(page) == 0
    assert page.locator("[data-testid=notification-count]").count() == 0
    assert page.locator("[data-testid=notification-row][data-read='0']").count() == 0
    shot(page, "notifications-02-all-read")

    # A notification opens its document.
    page.locator("[data-testid=notification-open]").first.click()
    page.wait_for_selector("[data-testid=lifecycle]")
    assert "/tai-lieu/" in page.url

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/thong-bao/")
    shot(page, "notifications-03-phone")
