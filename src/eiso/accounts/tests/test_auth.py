"""Log-in by username or e-mail, lock-out after 5 failures in 15 minutes per account and address,
and the audit events of log-ins."""

import datetime

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from eiso.accounts.tests.factories import PASSWORD, UserFactory
from eiso.core.models import AuditEvent

pytestmark = pytest.mark.django_db
ADDRESS = "203.0.113.7"
OTHER_ADDRESS = "198.51.100.9"


@pytest.fixture
def user(db):
    return UserFactory(username="thuky.phohien", email="thuky.phohien@hungyen.gov.vn")


def login(username, password=PASSWORD, address=ADDRESS):
    request = RequestFactory().post("/tai-khoan/dang-nhap/", {"username": username}, REMOTE_ADDR=address)
    return authenticate(request=request, username=username, password=password), request


def fail(username, times, address=ADDRESS):
    for _ in range(times):
        assert login(username, "sai-mat-khau", address)[0] is None


@pytest.mark.parametrize(
    "username",
    [
        "thuky.phohien",
        "THUKY.PHOHIEN",
        "ThuKy.PhoHien",
        "thuky.phohien@hungyen.gov.vn",
        "THUKY.PHOHIEN@HungYen.gov.vn",
    ],
)
def test_login_by_username_or_email_ignoring_case(user, username):
    assert login(username)[0] == user


def test_wrong_password_unknown_name_and_inactive_account_are_refused(user):
    assert login("thuky.phohien", "sai-mat-khau")[0] is None
    assert login("khong.ton.tai")[0] is None
    assert login("")[0] is None
    user.is_active = False
    user.save()
    assert login("thuky.phohien")[0] is None


def test_a_name_that_matches_two_accounts_logs_in_neither(user):
    # One person's username is another person's e-mail address: ambiguous, so refused.
    UserFactory(username="thuky.phohien@hungyen.gov.vn", email="khac@hungyen.gov.vn")
    assert login("thuky.phohien@hungyen.gov.vn")[0] is None


def test_lock_out_after_5_failures_from_one_address(user):
    fail("thuky.phohien", 4)
    assert login("thuky.phohien")[0] == user  # 4 failures: not yet (and a success resets the count)
    fail("thuky.phohien", 5)
    assert login("thuky.phohien", address=ADDRESS)[0] is None  # right password, but locked
    result, request = login("thuky.phohien", address=ADDRESS)
    assert result is None and getattr(request, "axes_locked_out", False)


def test_a_different_address_or_account_is_not_locked(user):
    other = UserFactory(username="canbo.phohien")
    fail("thuky.phohien", 5)
    assert login("thuky.phohien", address=ADDRESS)[0] is None
    assert login("thuky.phohien", address=OTHER_ADDRESS)[0] == user
    assert login("canbo.phohien", address=ADDRESS)[0] == other


def test_lock_out_ends_after_15_minutes(user):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        fail("thuky.phohien", 5)
        clock.shift(datetime.timedelta(minutes=14))
        assert login("thuky.phohien")[0] is None
        clock.shift(datetime.timedelta(minutes=16))
        assert login("thuky.phohien")[0] == user


def test_failures_older_than_15_minutes_do_not_count(user):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        fail("thuky.phohien", 4)
        clock.shift(datetime.timedelta(minutes=16))
        fail("thuky.phohien", 1)
        assert login("thuky.phohien")[0] == user


def test_lock_out_is_per_account_whatever_name_form_is_typed(user):
    fail("thuky.phohien", 5)
    assert login("THUKY.PHOHIEN")[0] is None
    assert login("thuky.phohien@hungyen.gov.vn")[0] is None


def test_failed_logins_leave_audit_events(user):
    fail("thuky.phohien", 2)
    fail("khong.ton.tai", 1)
    events = AuditEvent.objects.filter(verb="auth.login_failed").order_by("id")
    assert [e.object_repr for e in events] == ["thuky.phohien", "thuky.phohien", "khong.ton.tai"]
    assert all(e.actor_id is None and e.agency_id is None for e in events)


# --- through the login page (written by another engineer; skipped while the URL is missing) -------


@pytest.fixture
def login_url():
    try:
        return reverse("accounts:login")
    except NoReverseMatch:
        pytest.skip("the login page is not there yet")


def post_login(client, url, username, password=PASSWORD, address=ADDRESS):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("username", ["thuky.phohien", "THUKY.PHOHIEN@HUNGYEN.GOV.VN"])
def test_login_page_by_username_or_email(client, login_url, user, username):
    response = post_login(client, login_url, username)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    event = AuditEvent.objects.filter(verb="auth.login").get()
    assert (event.actor_id, event.object_id, event.ip_address) == (user.pk, str(user.pk), ADDRESS)
    assert event.request_id


def test_login_page_refuses_a_wrong_password_and_audits_it(client, login_url, user):
    response = post_login(client, login_url, "thuky.phohien", "sai-mat-khau")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.filter(verb="auth.login_failed").get()
    assert (event.object_repr, event.ip_address) == ("thuky.phohien", ADDRESS)


def test_login_page_locks_out_after_5_failures_but_not_from_another_address(client, login_url, user):
    for _ in range(5):
        post_login(client, login_url, "thuky.phohien", "sai-mat-khau")
    response = post_login(client, login_url, "thuky.phohien")
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
    response = post_login(client, login_url, "thuky.phohien", address=OTHER_ADDRESS)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_logout_leaves_an_audit_event(client, login_url, user):
    post_login(client, login_url, "thuky.phohien")
    try:
        logout_url = reverse("accounts:logout")
    except NoReverseMatch:
        pytest.skip("no logout page yet")
    client.post(logout_url, REMOTE_ADDR=ADDRESS)
    assert AuditEvent.objects.filter(verb="auth.logout", actor=user).exists()
