"""Journey: the ISO secretary of a ward adds a colleague with a role, grants a second role,
revokes it, and cannot see another province's people."""

import pytest

from tests.e2e.conftest import login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_secretary_manages_members(page):
    login(page, "thuky.phohien")
    page.goto(f"{page.base_url}/co-quan/?q=phuong pho hien")
    page.get_by_test_id("agency-table").get_by_role("link", name="Phường Phố Hiến", exact=True).click()
    page.get_by_test_id("add-member").click()
    page.fill("input[name=username]", "congchuc.moi")
    page.fill("input[name=full_name]", "Lý Thị Nguyệt")
    page.fill("input[name=email]", "nguyet@demo.eiso.vn")
    page.select_option("select[name=role]", "officer")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Đã tạo tài khoản Lý Thị Nguyệt").is_visible()

    grant = page.get_by_test_id("grant-form")
    grant.locator("select[name=agency]").select_option(label="Phòng Văn hóa - Xã hội")
    grant.locator("select[name=role]").select_option("unit_head")
    page.get_by_test_id("grant-submit").click()
    page.wait_for_load_state("networkidle")
    memberships = page.get_by_test_id("membership-table")
    assert memberships.get_by_text("Trưởng phòng, đơn vị").is_visible()
    assert page.get_by_test_id("grant-form").locator("select[name=role] option[value=admin]").count() == 0
    shot(page, "member-granted")

    page.once("dialog", lambda dialog: dialog.accept())
    memberships.locator("[data-testid^=end-membership-]").first.click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Đã thu hồi vai trò").is_visible()
    assert page.get_by_test_id("audit-table").get_by_text("Thu hồi vai trò").is_visible()
    shot(page, "member-revoked")

    page.goto(f"{page.base_url}/tai-khoan/nguoi-dung/?q=trinh van tam")  # Hải Phòng's secretary
    assert page.get_by_text("Không tìm thấy người dùng nào").is_visible()
