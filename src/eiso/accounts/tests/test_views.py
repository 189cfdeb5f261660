"""Account pages: password change and reset, profile, agency switch, user creation errors."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from eiso.accounts import roles
from eiso.accounts.models import User
from eiso.api.tests.world import PASSWORD, build_world, row_counts
from eiso.core.models import AuditEvent

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Mat-khau-moi-2027!"


@pytest.fixture
def world(db):
    return build_world()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_password_change_needs_the_old_password_and_is_audited(world):
    user = world.users[roles.OFFICER]
    client = logged_in(user)
    url = reverse("accounts:password_change")
    wrong = client.post(
        url, {"old_password": "sai", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert wrong.status_code == 200 and not User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)
    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert weak.status_code == 200 and not User.objects.get(pk=user.pk).check_password("12345678")
    ok = client.post(
        url, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert ok.status_code == 302
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(verb="user.password", object_id=str(user.pk)).count() == 1
    assert client.get(reverse("web:home")).status_code == 200  # the session survives the change


def test_password_reset_by_email_link(world):
    user = world.users[roles.RECEIVER]
    client = Client()
    response = client.post(reverse("accounts:password_reset"), {"email": user.email.upper()})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and user.email in mail.outbox[0].to
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    post_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(post_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(
        verb="user.password", object_id=str(user.pk), reason="password_reset"
    ).exists()
    # The link works once.
    assert "không hợp lệ" in client.get(link, follow=True).content.decode()


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(world):
    response = Client().post(
        reverse("accounts:password_reset"), {"email": "khong-ai@example.com"}, follow=True
    )
    assert response.status_code == 200
    assert mail.outbox == []


def test_profile_edit_own_fields_only(world):
    user = world.users[roles.VIEWER]
    client = logged_in(user)
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Tên Mới", "email": user.email, "phone": "0912", "position": "CV"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.phone) == ("Tên Mới", "0912")
    assert AuditEvent.objects.filter(verb="user.update", object_id=str(user.pk)).exists()


def test_switch_agency_only_to_own_agencies(world, member):
    user = member(world.justice_a, roles.OFFICER, user=world.users[roles.OFFICER])
    client = logged_in(user)
    ok = client.post(reverse("accounts:switch_agency"), {"agency": world.justice_a.pk, "next": "/"})
    assert ok.status_code == 302
    assert client.get(reverse("web:home")).context["active_agency"] == world.justice_a
    foreign = client.post(reverse("accounts:switch_agency"), {"agency": world.province_b.pk})
    assert foreign.status_code == 403
    evil_next = client.post(
        reverse("accounts:switch_agency"), {"agency": world.justice_a.pk, "next": "https://evil.example/"}
    )
    assert evil_next["Location"] == reverse("web:home")


def test_user_create_page_refuses_a_weak_password_and_writes_nothing(world):
    client = logged_in(world.users[roles.ISO_SECRETARY])
    before = row_counts()
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "moi",
            "full_name": "Người Mới",
            "password": "123",
            "agency": world.commune_a.pk,
            "role": "officer",
            "include_descendants": "on",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert row_counts() == before


def test_admin_grants_oversight_from_the_agency_page(world):
    client = logged_in(world.users[roles.ADMIN])
    url = reverse("organizations:oversight_grant", args=[world.st_b.pk])
    response = client.post(url, {"root": world.province_a.pk, "valid_from": "01/01/2026"})
    assert response.status_code == 302
    assert world.st_b.oversight_scopes.filter(root=world.province_a).exists()
    duplicate = client.post(url, {"root": world.province_a.pk, "valid_from": "01/02/2026"}, follow=True)
    assert "đã có phạm vi theo dõi" in duplicate.content.decode()
    other = logged_in(world.users[roles.OVERSIGHT_OFFICER])
    assert other.post(url, {"root": world.province_a.pk, "valid_from": "01/01/2026"}).status_code == 404


def test_ending_a_role_twice_shows_the_refusal_and_writes_nothing(world):
    client = logged_in(world.users[roles.ISO_SECRETARY])
    membership = world.users[roles.OFFICER].memberships.get()
    url = reverse("accounts:membership_end", args=[membership.pk])
    first = client.post(url, follow=True)
    assert "Đã thu hồi vai trò." in first.content.decode()
    before = row_counts()
    second = client.post(url, follow=True)
    assert "Vai trò này đã hết hiệu lực." in second.content.decode()
    assert "Đã thu hồi vai trò." not in second.content.decode()
    assert row_counts() == before
