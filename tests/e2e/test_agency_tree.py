"""Journey: an S&T department officer browses the province tree, searches without diacritics,
opens an agency's history, and looks at the tree as it stood before the 2025 merger."""

import pytest

from tests.e2e.conftest import login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_browse_tree_and_history(page):
    login(page, "sokhcn")
    tree = page.get_by_test_id("agency-tree")
    assert tree.get_by_role("link", name="Tỉnh Hưng Yên", exact=True).is_visible()
    assert tree.get_by_role("link", name="Thành phố Hải Phòng", exact=True).count() == 0  # outside the scope

    hung_yen = tree.get_by_test_id("tree-node").first
    hung_yen.locator(".toggle").first.click()
    page.get_by_role("link", name="Phường Phố Hiến", exact=True).wait_for()
    shot(page, "tree-expanded")

    page.goto(f"{page.base_url}/co-quan/?q=pho hien")
    table = page.get_by_test_id("agency-table")
    assert table.get_by_role("link", name="Phường Phố Hiến", exact=True).is_visible()
    page.goto(f"{page.base_url}/co-quan/?q=so khoa hoc cong nghe")
    table.get_by_role("link", name="Sở Khoa học và Công nghệ", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("electronic-id").inner_text() == "000.00.07.H33"
    history = page.get_by_test_id("agency-history")
    assert history.get_by_test_id("version").count() == 2  # created, then given its electronic identifier
    shot(page, "agency-history")

    page.goto(f"{page.base_url}/co-quan/?as_of=01/01/2020")
    table = page.get_by_test_id("agency-table")
    assert table.get_by_role("link", name="Huyện Văn Giang", exact=True).is_visible()
    assert (
        table.get_by_role("link", name="Phường Phố Hiến", exact=True).count() == 0
    )  # created by the 2025 reform
    assert page.get_by_test_id("as-of-note").is_visible()
    shot(page, "tree-as-of-2020")


def test_switch_active_agency(page):
    login(page, "sokhcn")
    switcher = page.get_by_test_id("agency-switcher")
    with page.expect_navigation():
        switcher.select_option(label="Chi cục Tiêu chuẩn Đo lường Chất lượng")
    assert page.get_by_text("Đang làm việc tại Chi cục Tiêu chuẩn Đo lường Chất lượng").is_visible()
    shot(page, "agency-switched")


def test_rename_creates_version(page):
    login(page, "sokhcn")
    page.goto(f"{page.base_url}/co-quan/?q=phuong tran lam")
    page.get_by_test_id("agency-table").get_by_role("link", name="Phường Trần Lãm", exact=True).click()
    page.get_by_test_id("change-agency").click()
    page.fill("input[name=effective_from]", "01/01/2026")
    page.fill("input[name=name]", "Phường Trần Lãm mới")
    page.fill("input[name=admin_code]", "1244")
    page.fill("input[name=reason]", "Đổi tên theo nghị quyết")
    page.get_by_test_id("submit").click()
    assert page.get_by_text("phải gồm đúng 5 chữ số").is_visible()  # wrong code: refused, nothing written
    page.fill("input[name=admin_code]", "12448")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Đã ghi nhận phiên bản mới áp dụng từ 01/01/2026").is_visible()
    assert page.get_by_test_id("agency-history").get_by_test_id("version").count() == 2
    shot(page, "agency-renamed")
