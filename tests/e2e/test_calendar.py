"""Journeys of the working calendar: a one-stop receiver computes an appointment and reads why; the
administrator checks the 2026 year, adds a day off and sees how many appointments moved."""

import re

import pytest

from tests.e2e.conftest import login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_receiver_computes_an_appointment(page):
    login(page, "motcua.phohien")
    page.get_by_role("link", name="Lịch làm việc").first.click()
    page.get_by_test_id("open-calculator").click()
    page.fill("input[name=received_at]", "31/12/2025 15:30")
    page.fill("input[name=amount]", "1")
    page.select_option("select[name=unit]", "working_days")
    page.get_by_test_id("compute").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("due-moment").inner_text() == "05/01/2026 17:00"
    steps = page.get_by_test_id("explanation").inner_text()
    assert "sau giờ tiếp nhận 15:00" in steps  # the cut-off
    assert (
        "01/01/2026 (Tết Dương lịch)" in steps and "02/01/2026 (Nghỉ hoán đổi" in steps
    )  # the New Year days off
    assert page.get_by_test_id("due-estimated").count() == 0
    shot(page, "calendar-calculator")
    page.set_viewport_size(PHONE)
    assert page.get_by_test_id("due-moment").is_visible()
    shot(page, "calendar-calculator-phone")


def test_admin_reviews_2026_and_adds_a_day_off(page):
    login(page, "quantri")
    page.goto(f"{page.base_url}/lich/2026/")
    swap_off = page.get_by_test_id("day-2026-01-02")
    assert swap_off.get_attribute("data-kind") == "swapped_day_off"
    assert "12729/VPCP-KGVX" in swap_off.get_attribute("title")
    assert page.get_by_test_id("day-2026-01-10").get_attribute("data-kind") == "swapped_working_day"
    assert page.get_by_test_id("official-badge").is_visible()
    shot(page, "calendar-year-2026")

    page.get_by_test_id("add-entry").click()
    page.fill("input[name=date]", "04/12/2026")
    page.select_option("select[name=kind]", "swapped_day_off")
    page.fill("input[name=name_vi]", "Nghỉ hoán đổi (làm bù thứ Bảy 12/12/2026)")
    page.fill("input[name=legal_reference]", "Công văn thử nghiệm 1/VPCP-KGVX")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Đã lưu ngày 04/12/2026").is_visible()
    assert page.get_by_test_id("day-2026-12-04").get_attribute("data-kind") == "swapped_day_off"
    results = page.get_by_test_id("recompute-results")
    row = results.get_by_test_id("change-row").first
    assert "04/12/2026" in row.inner_text() and "Hoàn thành" in row.inner_text()
    moved = int(row.get_by_test_id("moved-count").inner_text().replace(".", ""))
    assert moved > 0
    shot(page, "calendar-year-after-change")

    row.get_by_role("link").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("moved-total").inner_text() == str(moved)
    assert page.get_by_test_id("moves").locator("tbody tr").count() == min(moved, 50)
    assert re.search(r"\d{2}/12/2026 \d{2}:\d{2}", page.get_by_test_id("moves").inner_text())
    shot(page, "calendar-recompute-result")

    page.goto(f"{page.base_url}/lich/2027/")
    assert page.get_by_test_id("estimated-badge").is_visible()
    page.set_viewport_size(PHONE)
    page.goto(f"{page.base_url}/lich/2026/")
    assert page.get_by_test_id("month-1").is_visible()
    shot(page, "calendar-year-phone")
