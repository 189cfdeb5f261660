"""Token and session authentication, error bodies in the request's language, schema and docs."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from eiso.accounts import roles
from eiso.api.tests.world import PASSWORD, row_counts
from eiso.core.models import AuditEvent

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.mark.parametrize("login", ["officer", "OFFICER@hungyen.gov.vn"])
def test_token_by_username_or_email(world, login):
    client = APIClient()
    response = client.post(TOKEN_URL, {"username": login, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.json()
    token = response.json()["token"]
    event = AuditEvent.objects.filter(verb="auth.token").get()
    assert event.actor_id == world.users[roles.OFFICER].pk
    assert event.object_id == str(world.users[roles.OFFICER].pk)
    assert token not in str(event.after)

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/users/me/").json()["username"] == "officer"
    # The same token again (and a second audit event).
    again = APIClient().post(TOKEN_URL, {"username": login, "password": PASSWORD}, format="json")
    assert again.json()["token"] == token
    assert AuditEvent.objects.filter(verb="auth.token").count() == 2


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("vi", "Không thể đăng nhập với thông tin đã nhập."),
        ("en", "Unable to log in with provided credentials."),
    ],
)
def test_token_with_wrong_password(world, language, message):
    response = APIClient().post(
        TOKEN_URL,
        {"username": "officer", "password": "sai-mat-khau"},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    assert response.json()["detail"] == message
    assert response.json()["code"] == "authorization"
    assert not AuditEvent.objects.filter(verb="auth.token").exists()
    assert AuditEvent.objects.filter(verb="auth.login_failed", object_repr="officer").exists()


def test_token_endpoint_shares_the_login_lock_out(world):
    client = APIClient()
    for _attempt in range(5):
        client.post(TOKEN_URL, {"username": "officer", "password": "sai-mat-khau"}, format="json")
    response = client.post(TOKEN_URL, {"username": "officer", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert not AuditEvent.objects.filter(verb="auth.token").exists()


def test_token_for_inactive_user_is_refused(world, api):
    officer = world.users[roles.OFFICER]
    officer.is_active = False
    officer.save()
    response = APIClient().post(TOKEN_URL, {"username": "officer", "password": PASSWORD}, format="json")
    assert response.status_code == 400


def test_token_request_needs_both_fields(world):
    response = APIClient().post(TOKEN_URL, {"username": "officer"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["password"]


def test_unauthenticated_is_401_in_english(world):
    response = APIClient().get("/api/v1/agencies/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "detail": "Authentication credentials were not provided.",
        "code": "not_authenticated",
    }


def test_bad_token_is_401(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef", HTTP_ACCEPT_LANGUAGE="en")
    response = client.get("/api/v1/agencies/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token.", "code": "authentication_failed"}


@pytest.mark.parametrize(("language", "message"), [("vi", "Không tìm thấy."), ("en", "Not found.")])
def test_not_found_in_request_language(world, api, language, message):
    response = api(world.users[roles.OFFICER], language).get(f"/api/v1/agencies/{world.commune_b.pk}/")
    assert response.status_code == 404
    assert response["Content-Language"] == language
    assert response.json() == {"detail": message, "code": "not_found"}


def test_domain_error_in_vietnamese_and_json_in_english(world, api):
    payload = {"last_day": "2025-08-01"}  # before the latest version (from 01/01/2026)
    url = f"/api/v1/agencies/{world.commune_a.pk}/dissolve/"
    vi = api(world.users[roles.ADMIN], "vi").post(url, payload, format="json")
    assert vi.status_code == 400
    assert vi.json()["detail"] == (
        "Ngày kết thúc (01/08/2025) không được trước ngày bắt đầu của phiên bản mới nhất (01/01/2026)."
    )
    assert vi.json()["code"] == "history_locked"
    en = api(world.users[roles.ADMIN], "en").post(url, payload, format="json")
    assert en.status_code == 400
    assert en["Content-Type"] == "application/json"
    assert (
        en.json()["code"] == "history_locked" and isinstance(en.json()["detail"], str) and en.json()["detail"]
    )


def test_permission_refused_in_vietnamese(world, api):
    before = row_counts()
    response = api(world.users[roles.VIEWER], "vi").patch(
        f"/api/v1/agencies/{world.commune_a.pk}/contacts/", {"phone": "0221 1"}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Bạn không có quyền thực hiện thao tác này.", "code": "forbidden"}
    assert row_counts() == before


def test_reference_outside_scope_is_404_with_field(world, api):
    response = api(world.users[roles.AGENCY_HEAD], "vi").post(
        "/api/v1/memberships/",
        {"user": world.users[roles.OFFICER].pk, "agency": world.commune_b.pk, "role": "viewer"},
        format="json",
    )
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "not_found" and list(body["fields"]) == ["agency"]
    assert body["detail"] == f"Không tìm thấy đối tượng có mã “{world.commune_b.pk}”."


def test_session_authentication(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users[roles.OFFICER], backend="eiso.accounts.backends.UsernameOrEmailBackend")
    assert client.get("/api/v1/users/me/").json()["username"] == "officer"
    # A session-authenticated write must carry the CSRF token.
    response = client.post("/api/v1/memberships/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_schema_and_docs_load_nothing_from_a_cdn(world, tmp_path):
    client = APIClient()
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200 and b"/api/v1/agencies/tree/" in schema.content
    for url in ("/api/v1/docs/", "/api/v1/redoc/"):
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "/static/drf_spectacular_sidecar/" in html
        assert "cdn." not in html and "unpkg" not in html and "https://" not in html


def test_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--file", str(tmp_path / "schema.yaml"), "--validate", "--fail-on-warn")
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")
