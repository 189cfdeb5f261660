"""Journey: a ward's ISO secretary finds a procedure without typing diacritics, opens it, and looks at
the ward's coverage; the same pages on a 390 px phone screen."""

import pytest

from tests.e2e.conftest import login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_find_a_procedure_and_see_coverage(page):
    login(page, "thuky.phohien")
    page.get_by_role("link", name="Thủ tục hành chính").first.click()
    page.fill("input[name=search]", "dang ky khai sinh")
    page.get_by_test_id("filter-submit").click()
    page.wait_for_load_state("networkidle")
    table = page.get_by_test_id("procedure-table")
    assert table.get_by_test_id("procedure-row").count() == 4
    shot(page, "procedures-search")

    table.get_by_role("link", name="Thủ tục đăng ký khai sinh", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("procedure-code").inner_text() == "1.001193"
    assert page.get_by_test_id("versions").get_by_test_id("version").count() == 2
    assert page.get_by_test_id("section-channels").get_by_test_id("channel-row").count() == 3
    settling = page.get_by_test_id("settling-agencies")
    assert settling.get_by_role("link", name="Phường Phố Hiến").is_visible()
    assert settling.get_by_role("link", name="Phường Sơn Nam").count() == 0  # outside the ward's scope
    shot(page, "procedure-detail")

    page.goto(f"{page.base_url}/thu-tuc/")
    page.get_by_test_id("coverage-link").click()
    page.wait_for_load_state("networkidle")
    rows = page.get_by_test_id("coverage-table").get_by_test_id("coverage-row")
    assert rows.count() == 1
    assert "Phường Phố Hiến" in rows.first.inner_text()
    assert page.get_by_test_id("coverage-total").is_visible()
    shot(page, "procedures-coverage")


def test_pages_fit_a_phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "thuky.phohien")
    for path, name in (
        ("/thu-tuc/?search=dang+ky+khai+sinh", "procedures-search-phone"),
        ("/thu-tuc/1.001193/", "procedure-detail-phone"),
        ("/thu-tuc/bao-phu/", "procedures-coverage-phone"),
    ):
        page.goto(f"{page.base_url}{path}")
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than the screen"
        shot(page, name)
