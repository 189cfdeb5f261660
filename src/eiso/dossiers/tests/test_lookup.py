"""Public status lookup (/tra-cuu-ho-so/ and POST /api/v1/public/dossier-status/): no login, code +
secret (or the phone's last 4 digits), no personal data, one answer shape for a miss, rate limit."""

import json

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from eiso.accounts import roles
from eiso.dossiers import services
from eiso.dossiers.api import lookup as lookup_module
from eiso.dossiers.api.lookup import lookup
from eiso.dossiers.models import WorkItem
from eiso.organizations.models import Agency

from .conftest import at

pytestmark = pytest.mark.django_db

API = "/api/v1/public/dossier-status/"
PAGE = "/tra-cuu-ho-so/"


@pytest.fixture(autouse=True)
def _empty_counters():
    caches["shared"].clear()
    yield
    caches["shared"].clear()


@pytest.fixture
def dossier(receive_one, users, world):
    Agency.objects.filter(pk=world.commune_a.pk).update(address="Số 1 đường Văn Giang, tỉnh Hưng Yên")
    dossier = receive_one()
    [step1] = WorkItem.objects.filter(dossier=dossier, status="open")
    services.complete_step(actor=users[roles.RECEIVER], item=step1, at=at(2, 11))
    dossier.refresh_from_db()
    return dossier


def ask(code, secret="", phone_last4="", address="203.0.113.7"):
    return APIClient().post(
        API, {"code": code, "secret": secret, "phone_last4": phone_last4}, format="json", REMOTE_ADDR=address
    )


def test_code_and_secret_give_the_status_without_personal_data(dossier, users):
    response = ask(dossier.code, dossier.lookup_secret)
    assert response.status_code == 200
    data = response.json()
    assert data["found"] is True and data["status"] == "processing" and data["status_label"] == "Đang xử lý"
    assert data["received_at"] == "02/03/2026 10:00"
    assert data["appointment_at"] == dossier.appointment_at.astimezone(at(2).tzinfo).strftime(
        "%d/%m/%Y %H:%M"
    )
    assert data["steps_done"] == [{"name": "Tiếp nhận hồ sơ", "done_at": "02/03/2026 11:00"}]
    assert data["collect_at"] == "Xã Văn Giang"
    assert data["collect_address"] == "Số 1 đường Văn Giang, tỉnh Hưng Yên"
    assert data["result_ready_at"] == "" and data["returned_at"] == ""
    text = json.dumps(data, ensure_ascii=False)
    for private in (
        dossier.applicant_name,
        dossier.applicant_phone,
        dossier.applicant_address,
        dossier.lookup_secret,
        users[roles.RECEIVER].full_name,
        users[roles.RECEIVER].username,
    ):
        assert private not in text, private


def test_lowercase_code_with_spaces_and_the_phone_route(dossier):
    messy = f"  {dossier.code.lower()} "
    assert ask(messy, dossier.lookup_secret).json()["found"] is True
    assert ask(dossier.code, phone_last4="5678").json()["found"] is True
    assert ask(dossier.code, phone_last4="5679").json()["found"] is False
    assert ask(dossier.code, phone_last4="567").json()["found"] is False


def test_result_and_return_dates(dossier, users):
    items = lambda: list(WorkItem.objects.filter(dossier=dossier, status="open"))  # noqa: E731
    services.complete_step(actor=users[roles.OFFICER], item=items()[0], at=at(3, 9))
    services.complete_step(actor=users[roles.AGENCY_HEAD], item=items()[0], outcome="agreed", at=at(3, 10))
    ready = ask(dossier.code, dossier.lookup_secret).json()
    assert ready["status"] == "result_ready" and ready["result_ready_at"] == "03/03/2026 10:00"
    assert [s["name"] for s in ready["steps_done"]] == [
        "Tiếp nhận hồ sơ",
        "Thẩm định hồ sơ",
        "Xem xét, ký duyệt",
    ]
    services.complete_step(
        actor=users[roles.RECEIVER],
        item=items()[0],
        returned_to="Nguyễn Văn An",
        return_method="counter",
        at=at(4),
    )
    done = ask(dossier.code, dossier.lookup_secret).json()
    assert done["status_label"] == "Đã trả kết quả" and done["returned_at"] == "04/03/2026 10:00"
    assert "Nguyễn Văn An" not in json.dumps(done, ensure_ascii=False)


def test_unknown_code_and_wrong_secret_answer_exactly_alike(dossier):
    wrong_secret = "000000" if dossier.lookup_secret != "000000" else "111111"
    unknown_code = "000.08.30.H33-260302-9999"
    miss, wrong = ask(unknown_code, wrong_secret), ask(dossier.code, wrong_secret)
    assert miss.status_code == wrong.status_code == 200
    assert miss.json() == wrong.json()
    assert miss.json()["found"] is False and "Không tìm thấy hồ sơ" in miss.json()["message"]
    assert set(miss.json()) == set(ask(dossier.code, dossier.lookup_secret).json())
    assert ask(dossier.code, phone_last4="0000").json() == miss.json()
    # The same database work either way (the rate-limit counter is left out of the comparison).
    counts = []
    for code, secret in (
        (unknown_code, wrong_secret),
        (dossier.code, wrong_secret),
        (dossier.code, dossier.lookup_secret),
    ):
        with CaptureQueriesContext(connection) as queries:
            lookup(code, secret)
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2], counts


def test_input_is_checked(dossier):
    response = ask(dossier.code)
    assert response.status_code == 400 and "4 số cuối" in response.json()["detail"]
    assert ask("", "123456").status_code == 400


def test_rate_limit_per_client_address(dossier, settings, monkeypatch):
    settings.EISO_LOOKUP_LIMIT = 3
    now = [1_800_000_000.0]  # the start of a 10-minute window, whatever the real clock says
    monkeypatch.setattr(lookup_module, "_clock", lambda: now[0])
    for _ in range(3):
        assert ask(dossier.code, "999999").status_code == 200
    blocked = ask(dossier.code, dossier.lookup_secret)
    assert blocked.status_code == 429
    assert blocked.json() == {
        "detail": "Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau 10 phút.",
        "code": "too_many_lookups",
    }
    assert blocked["Retry-After"] == "600"
    # The page counts on the same counter and answers 429 with the same message.
    page = Client(REMOTE_ADDR="203.0.113.7").post(
        PAGE, {"code": dossier.code, "secret": dossier.lookup_secret}
    )
    assert page.status_code == 429 and "quá nhiều lần" in page.content.decode()
    # Another address is not affected.
    assert ask(dossier.code, dossier.lookup_secret, address="198.51.100.2").json()["found"] is True
    # The window slides: at the start of the next fixed window the burst still counts in full …
    now[0] += 600
    assert ask(dossier.code, dossier.lookup_secret).status_code == 429
    # … and once it lies a whole window back, the address may look up again.
    now[0] += 600
    assert ask(dossier.code, dossier.lookup_secret).json()["found"] is True


def test_rate_limit_does_not_double_across_a_window_edge(dossier, settings, monkeypatch):
    settings.EISO_LOOKUP_LIMIT = 3
    now = [1_800_000_000.0 + 590]  # ten seconds before a fixed window ends
    monkeypatch.setattr(lookup_module, "_clock", lambda: now[0])
    for _ in range(3):
        assert ask(dossier.code, "999999").status_code == 200
    now[0] += 20  # ten seconds into the next fixed window: a fixed window would allow 3 more
    assert ask(dossier.code, dossier.lookup_secret).status_code == 429
    now[0] = 1_800_000_000.0 + 1200 + 300  # half a window after the burst's window ended
    # 1 now + the refused one of the previous fixed window × 0.5 = 1.5: within the limit
    assert ask(dossier.code, dossier.lookup_secret).json()["found"] is True


def test_page_prefills_the_code_from_the_qr_link_and_shows_the_status(dossier):
    client = Client()
    page = client.get(PAGE, {"ma": dossier.code.lower()})
    html = page.content.decode()
    assert page.status_code == 200 and f'value="{dossier.code}"' in html
    assert "Tra cứu hồ sơ thủ tục hành chính" in html
    found = client.post(PAGE, {"code": dossier.code, "secret": dossier.lookup_secret}).content.decode()
    assert 'data-testid="lookup-result"' in found and "Đang xử lý" in found and "Tiếp nhận hồ sơ" in found
    assert dossier.applicant_name not in found and dossier.lookup_secret not in found
    wrong = client.post(PAGE, {"code": dossier.code, "secret": "12345x"}).content.decode()
    unknown = client.post(PAGE, {"code": "KHONG-CO", "secret": "123456"}).content.decode()
    assert 'data-testid="lookup-not-found"' in wrong and 'data-testid="lookup-not-found"' in unknown
    assert "Đang xử lý" not in wrong
    empty = client.post(PAGE, {"code": dossier.code})
    assert "4 số cuối" in empty.content.decode()
