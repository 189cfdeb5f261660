"""Journey: a citizen (not signed in) opens the QR link of form 01 on a phone, types the lookup secret
and sees the dossier's status, appointment, steps done and where to collect the result; a wrong
secret and an unknown code give the same neutral message."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WARD = "Phường Phố Hiến"


@pytest.fixture(autouse=True)
def _no_generated_dossiers(monkeypatch):
    """This journey needs one dossier, received below; skip the demo's generated year of dossiers."""
    monkeypatch.setenv("EISO_DEMO_DOSSIERS", "0")


def _received_dossier():
    from eiso.accounts.models import User
    from eiso.dossiers import services
    from eiso.dossiers.models import WorkItem
    from eiso.organizations.models import Agency
    from eiso.procedures.models import Procedure
    from eiso.processes.querysets import in_force_procedure_ids

    ward = Agency.objects.get(name=WARD)
    Agency.objects.filter(pk=ward.pk).update(address="Số 1 Chùa Chuông, phường Phố Hiến, tỉnh Hưng Yên")
    ids = in_force_procedure_ids([ward.pk], timezone.localdate())
    procedure = Procedure.objects.filter(pk__in=ids).order_by("code").first()
    assert procedure is not None, "the demo ward has no procedure with a process in force"
    receiver = User.objects.get(username="motcua.phohien")
    dossier = services.receive(
        actor=receiver,
        agency=ward,
        procedure=procedure,
        channel="direct",
        applicant=services.Applicant(name="Nguyễn Thị Mai", phone="0912 345 678", address="Số 5 phố Hiến"),
    )
    step1 = WorkItem.objects.get(dossier=dossier, status="open")
    services.complete_step(actor=receiver, item=step1)
    dossier.refresh_from_db()
    return dossier, step1.step_name


def test_citizen_looks_up_a_dossier_on_a_phone(page):
    dossier, first_step = _received_dossier()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/tra-cuu-ho-so/?ma={dossier.code}")
    expect(page.get_by_test_id("lookup-code")).to_have_value(dossier.code)
    expect(page.get_by_test_id("user-menu")).to_have_count(0)  # nobody is signed in
    page.get_by_test_id("lookup-secret").fill(dossier.lookup_secret)
    page.get_by_test_id("lookup-submit").click()
    result = page.get_by_test_id("lookup-result")
    expect(result).to_be_visible()
    expect(page.get_by_test_id("lookup-status")).to_have_text("Đang xử lý")
    expect(page.get_by_test_id("lookup-appointment")).to_have_text(
        timezone.localtime(dossier.appointment_at).strftime("%d/%m/%Y %H:%M")
    )
    expect(page.get_by_test_id("lookup-steps")).to_contain_text(first_step)
    expect(result).to_contain_text(WARD)
    expect(result).to_contain_text("Chùa Chuông")
    text = result.inner_text()
    assert "Nguyễn Thị Mai" not in text and "0912" not in text and "motcua" not in text
    # The page fits the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "dossier-lookup-phone")

    page.get_by_test_id("lookup-secret").fill("000000" if dossier.lookup_secret != "000000" else "111111")
    page.get_by_test_id("lookup-submit").click()
    wrong = page.get_by_test_id("lookup-not-found")
    expect(wrong).to_contain_text("Không tìm thấy hồ sơ")
    expect(page.get_by_test_id("lookup-result")).to_have_count(0)
    wrong_text = wrong.inner_text()
    shot(page, "dossier-lookup-wrong-secret")

    page.get_by_test_id("lookup-code").fill("000.00.00.H33-260101-9999")
    page.get_by_test_id("lookup-secret").fill("123456")
    page.get_by_test_id("lookup-submit").click()
    assert page.get_by_test_id("lookup-not-found").inner_text() == wrong_text
