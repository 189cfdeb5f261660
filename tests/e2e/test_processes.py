"""Journey of the process designer: the ISO secretary of Phường Phố Hiến builds the internal process of a
procedure in the steps table (rows added inline), sees validation fail with the overrun in hours and
pass once fixed, submits it; the chairman approves it and puts it in force; the DOCX is downloaded.
Then the review watch lists the overdue review of the demo data. Desktop and a 390 px phone."""

import io
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PROCEDURE = "1.004873 — Thủ tục cấp Giấy xác nhận tình trạng hôn nhân"
STEPS = [
    # name, unit, role, time, unit of time, kind, "if not agreed, return to step"
    ("Tiếp nhận hồ sơ", "Bộ phận Một cửa", "Công chức tiếp nhận", "4", "hours", "task", ""),
    ("Thẩm định hồ sơ", "Văn phòng HĐND và UBND", "Công chức Tư pháp - Hộ tịch", "2", "days", "task", ""),
    ("Ký duyệt", "UBND phường", "Chủ tịch UBND phường", "4", "hours", "approval", "2"),
    ("Trả kết quả", "Bộ phận Một cửa", "Công chức trả kết quả", "4", "hours", "return_to_applicant", ""),
]


def _add_step(page, number, name, unit, role, time, time_unit, kind, back):
    page.get_by_test_id("add-step").click()
    form = page.get_by_test_id("step-form")
    expect(form).to_be_visible()
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=unit]").fill(unit)
    form.locator("input[name=role]").fill(role)
    form.locator("input[name=time_value]").fill(time)
    form.locator("select[name=time_unit]").select_option(time_unit)
    form.locator("select[name=kind]").select_option(kind)
    if back:
        form.locator("input[name=not_agreed]").fill(back)
    form.get_by_test_id("step-save").click()
    expect(page.get_by_test_id("step-row")).to_have_count(number)
    expect(page.get_by_test_id("step-form")).to_have_count(0)


def test_secretary_builds_a_process_and_the_head_puts_it_in_force(page, tmp_path):
    login(page, "thuky.phohien")
    page.get_by_role("link", name="Quy trình nội bộ").first.click()
    expect(page.get_by_test_id("process-table")).to_be_visible()
    shot(page, "processes-list")

    page.get_by_test_id("create-process").click()
    page.select_option("select[name=procedure]", label=PROCEDURE)
    page.uncheck("input[name=starter]")
    shot(page, "processes-create")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("process-name")).to_have_text("Cấp Giấy xác nhận tình trạng hôn nhân")
    expect(page.get_by_test_id("validation-errors")).to_contain_text("Quy trình chưa có bước nào")

    for number, row in enumerate(STEPS, start=1):
        _add_step(page, number, *row)
    errors = page.get_by_test_id("validation-errors")
    expect(errors).to_contain_text("vượt 4 giờ so với thời hạn 24 giờ")
    expect(page.get_by_test_id("overrun")).to_have_text("vượt 4 giờ")
    expect(page.get_by_test_id("submit-version")).to_be_disabled()
    assert "Nếu không đồng ý: trả lại bước 2" in page.get_by_test_id("steps-table").inner_text()
    expect(page.get_by_test_id("flowchart").locator("svg")).to_be_visible()
    shot(page, "processes-validation-fails")

    # Shorten the appraisal to 1.5 days: the check runs live while the row is edited, then it saves.
    page.locator("tr[data-step='2']").get_by_test_id("step-edit").click()
    form = page.get_by_test_id("step-form")
    form.locator("input[name=time_value]").fill("1.5")
    form.locator("textarea[name=work_content]").fill("Thẩm định hồ sơ, xác minh tình trạng hôn nhân")
    expect(page.get_by_test_id("validation-ok")).to_be_visible()
    shot(page, "processes-live-check")
    form.get_by_test_id("step-save").click()
    expect(page.get_by_test_id("step-form")).to_have_count(0)
    expect(page.get_by_test_id("validation-ok")).to_contain_text("24 giờ")
    expect(page.get_by_test_id("total")).to_have_text("24 giờ")
    shot(page, "processes-validation-passes")

    page.get_by_test_id("submit-version").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("version-status")).to_have_text("Chờ phê duyệt")
    expect(page.get_by_test_id("add-step")).to_have_count(0)
    detail_url = page.url.split("?")[0]
    shot(page, "processes-submitted")

    page.context.clear_cookies()
    login(page, "chutich.phohien")
    page.goto(detail_url)
    page.get_by_test_id("approve-version").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("version-status")).to_have_text("Đã phê duyệt")
    page.get_by_test_id("enact-version").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("version-status")).to_have_text("Đang áp dụng")
    expect(page.get_by_test_id("valid-range")).to_contain_text("Áp dụng từ")
    shot(page, "processes-in-force")

    page.get_by_test_id("downloads").click()
    with page.expect_download() as info:
        page.get_by_test_id("download-docx").click()
    download = info.value
    assert re.fullmatch(r"QT-1\.004873_lan-01\.docx", download.suggested_filename)
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    import docx

    document = docx.Document(io.BytesIO(target.read_bytes()))
    text = " ".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    for name, *_rest in STEPS:
        assert name in text

    page.set_viewport_size(PHONE)
    page.goto(detail_url)
    expect(page.get_by_test_id("steps-table")).to_be_visible()
    shot(page, "processes-detail-phone")
    page.goto(f"{page.base_url}/quy-trinh/")
    shot(page, "processes-list-phone")


def test_review_watch_lists_the_overdue_review(page):
    login(page, "thuky.phohien")
    page.goto(f"{page.base_url}/quy-trinh/")
    page.get_by_test_id("reviews-link").click()
    page.wait_for_load_state("networkidle")
    row = page.get_by_test_id("review-row").filter(has_text="Đăng ký khai sinh")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("due-state")).to_contain_text("quá hạn")
    assert int(page.get_by_test_id("count-overdue").inner_text()) >= 1
    shot(page, "processes-reviews")
    row.get_by_role("link", name=re.compile("Đăng ký khai sinh")).click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("review-flag")).to_contain_text("đã quá hạn")
    shot(page, "processes-flagged")
    page.set_viewport_size(PHONE)
    page.goto(f"{page.base_url}/quy-trinh/ra-soat/")
    shot(page, "processes-reviews-phone")
