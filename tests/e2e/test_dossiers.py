"""Journeys of dossier processing at Phường Phố Hiến (one-stop mechanism):

(a) the receiver takes a dossier at the counter and prints form 01; the officer claims and appraises it;
    the chairman approves and signs; the receiver returns the result;
(b) the supplement path: the officer asks for a supplement, the desk records it, the clock restarts;
(c) the apology path: the chairman extends the appointment (form 04), the new date shown before saving.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WARD = "Phường Phố Hiến"


def _procedure_code() -> str:
    """A procedure of the ward with a process in force, a component list and ≥ 5 working days."""
    from eiso.organizations.models import Agency
    from eiso.procedures.models import Procedure
    from eiso.processes.querysets import in_force_procedure_ids

    ward = Agency.objects.get(name=WARD)
    ids = in_force_procedure_ids([ward.pk], timezone.localdate())
    for procedure in Procedure.objects.filter(pk__in=ids).select_related("current_version").order_by("code"):
        version = procedure.current_version
        direct = version.channels.filter(channel="direct", time_unit="working_days").first()
        if direct is None or direct.time_value is None or direct.time_value < 5:
            continue
        if any(case.components.exists() for case in version.cases.all()):
            return procedure.code
    pytest.fail("the demo ward has no procedure with a process in force and a component list")


def _switch_user(page, username):
    page.context.clear_cookies()
    login(page, username)


def _receive(page, code, name, phone, screenshot=None):
    page.goto(f"{page.base_url}/ho-so/tiep-nhan/")
    page.get_by_test_id("procedure-filter").fill(code)
    expect(page.get_by_test_id("component-row").first).to_be_visible()
    page.fill("input[name=applicant_name]", name)
    page.fill("input[name=applicant_phone]", phone)
    page.fill("input[name=applicant_address]", "Số 5 phố Chùa Chuông, phường Phố Hiến")
    if screenshot:
        shot(page, screenshot)
    page.get_by_test_id("outcome-received").click()
    expect(page.get_by_test_id("dossier-code")).to_be_visible()
    return page.get_by_test_id("dossier-code").inner_text().strip()


def _item(page, step=None):
    items = page.get_by_test_id("item")
    return items.first if step is None else page.locator(f"[data-testid=item][data-step='{step}']")


def _complete_first_step(page):
    """The receiver hands the dossier from the counter to the specialist (step 1)."""
    item = _item(page, 1)
    item.get_by_test_id("complete").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã hoàn thành")


def test_counter_to_returned_result(page):
    code = _procedure_code()
    login(page, "motcua.phohien")
    page.get_by_test_id("nav-folders").click()
    page.get_by_role("link", name="Tiếp nhận", exact=True).click()
    expect(page.get_by_test_id("receive-form")).to_be_visible()
    shot(page, "dossiers-counter-empty")
    dossier_code = _receive(page, code, "Nguyễn Thị Lan", "0912345678", screenshot="dossiers-counter-filled")
    assert re.fullmatch(r"[\w.]+-\d{6}-\d{4}", dossier_code)
    expect(page.get_by_test_id("appointment")).to_have_text(re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}"))
    expect(page.get_by_test_id("lookup-secret")).to_have_text(re.compile(r"\d{6}"))
    shot(page, "dossiers-received")
    # form 01 opens (the link answers 200 with the document)
    href = page.get_by_test_id("form-pdf-01").get_attribute("href")
    response = page.request.get(f"{page.base_url}{href}")
    assert response.status == 200 and len(response.body()) > 500
    dossier_url = page.url
    _complete_first_step(page)

    _switch_user(page, "canbo.phohien")
    page.goto(f"{page.base_url}/ho-so/viec-cua-toi/")
    row = page.get_by_test_id("inbox-row").filter(has_text=dossier_code)
    expect(row).to_be_visible()
    shot(page, "dossiers-inbox-officer")
    row.get_by_test_id("inbox-claim").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã nhận xử lý")
    _item(page, 2).get_by_test_id("note").fill("Hồ sơ đủ điều kiện, dự thảo kết quả")
    shot(page, "dossiers-appraisal")
    _item(page, 2).get_by_test_id("complete").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã hoàn thành")

    _switch_user(page, "chutich.phohien")
    page.goto(dossier_url)
    # the head approves and signs: every step up to the result (review, then signature)
    for _ in range(4):
        item = _item(page)
        if item.get_by_test_id("result-number").count():
            item.get_by_test_id("result-number").fill("125/GKS-UBND")
            item.get_by_test_id("result-summary").fill("Cấp theo đề nghị")
            shot(page, "dossiers-head-signs")
            item.get_by_test_id("complete").click()
            break
        if item.get_by_test_id("claim").count():
            item.get_by_test_id("claim").click()
            continue
        shot(page, "dossiers-head-approves")
        item.get_by_test_id("complete").click()
        expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id("status-badge")).to_have_text("Đã có kết quả")
    expect(page.get_by_test_id("result-number-shown")).to_have_text("125/GKS-UBND")

    _switch_user(page, "motcua.phohien")
    page.goto(dossier_url)
    page.get_by_test_id("return-result").first.click()
    expect(page.get_by_test_id("status-badge")).to_have_text("Đã trả kết quả")
    expect(page.get_by_test_id("returned")).to_contain_text("Nguyễn Thị Lan")
    assert page.get_by_test_id("hand-over").count() >= 6
    shot(page, "dossiers-returned")
    page.goto(f"{page.base_url}/ho-so/?q={dossier_code.lower()}")
    expect(page.get_by_test_id("dossier-row")).to_have_count(1)
    page.goto(f"{page.base_url}/ho-so/?q=nguyen thi lan")  # without diacritics
    expect(page.get_by_test_id("dossier-row").filter(has_text=dossier_code)).to_have_count(1)
    shot(page, "dossiers-list")


def test_supplement_path(page):
    code = _procedure_code()
    login(page, "motcua.phohien")
    _receive(page, code, "Trần Văn Bình", "0987000111")
    dossier_url = page.url
    _complete_first_step(page)

    _switch_user(page, "canbo.phohien")
    page.goto(dossier_url)
    _item(page, 2).get_by_test_id("claim").click()
    page.get_by_test_id("open-request-supplement").click()
    page.fill("textarea[name=missing_note]", "Bản sao giấy tờ tùy thân của người yêu cầu")
    shot(page, "dossiers-request-supplement")
    page.get_by_test_id("request-supplement").click()
    expect(page.get_by_test_id("status-badge")).to_have_text("Chờ bổ sung")
    expect(page.get_by_test_id("missing-note")).to_contain_text("Bản sao giấy tờ tùy thân")
    expect(page.get_by_test_id("form-pdf-02")).to_be_visible()
    shot(page, "dossiers-waiting-supplement")

    _switch_user(page, "motcua.phohien")
    page.goto(dossier_url)
    page.fill("#sr-note", "Người nộp đã bổ sung đủ")
    page.get_by_test_id("supplement-received").click()
    expect(page.get_by_test_id("status-badge")).to_have_text("Đang xử lý")
    expect(page.locator(".alert-success")).to_contain_text("tính lại từ đầu")
    expect(page.get_by_test_id("appointment")).to_have_text(re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}"))
    expect(page.get_by_test_id("hand-overs")).to_contain_text("Nhận hồ sơ bổ sung")
    expect(_item(page, 2).get_by_test_id("item-assignee")).to_contain_text(
        "Hoàng Văn Nam"
    )  # back to the officer
    shot(page, "dossiers-supplement-received")


def test_apology_and_new_appointment(page):
    code = _procedure_code()
    login(page, "motcua.phohien")
    _receive(page, code, "Lê Thị Cúc", "0904000222")
    dossier_url = page.url
    before = page.get_by_test_id("appointment").inner_text()

    _switch_user(page, "chutich.phohien")
    page.goto(dossier_url)
    page.get_by_test_id("open-extend").click()
    preview = page.get_by_test_id("extension-due")
    first_preview = preview.inner_text()
    page.get_by_test_id("extra-days").fill("3")
    expect(preview).not_to_have_text(first_preview)
    new_due = preview.inner_text()
    page.fill("textarea[name=reason]", "Cần xác minh thêm thông tin tại nơi cư trú trước đây")
    shot(page, "dossiers-extend-preview")
    page.get_by_test_id("extend").click()
    expect(page.locator(".alert-success")).to_contain_text("xin lỗi và hẹn lại")
    expect(page.get_by_test_id("appointment")).to_have_text(new_due)
    expect(page.get_by_test_id("original-appointment")).to_have_text(before)
    expect(page.get_by_test_id("extension-info")).to_be_visible()
    expect(page.get_by_test_id("form-pdf-04")).to_be_visible()
    assert page.get_by_test_id("open-extend").count() == 0
    shot(page, "dossiers-extended")
