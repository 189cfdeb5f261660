"""Journey: a secretary logs in (by e-mail), the page is Vietnamese even in an English browser,
switches to English and back, logs out; a wrong password gives a clear message."""

import pytest

from tests.e2e.conftest import PASSWORD, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_login_switch_language_logout(page):
    page.goto(f"{page.base_url}/")
    assert "/tai-khoan/dang-nhap/" in page.url  # the home page needs a login
    page.fill("input[name=username]", "thuky.phohien")
    page.fill("input[name=password]", "sai-mat-khau")
    page.click("[data-testid=login-submit]")
    assert page.get_by_text("mật khẩu không đúng").is_visible()

    page.fill("input[name=username]", "THUKY.PHOHIEN@demo.eiso.vn")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Xin chào, Vũ Thị Hoa").is_visible()
    assert page.locator("html").get_attribute("lang") == "vi"
    shot(page, "login-home-vi")

    page.click("[data-testid=switch-language-en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Hello, Vũ Thị Hoa").is_visible()
    shot(page, "login-home-en")
    page.click("[data-testid=switch-language-vi]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "vi"

    page.click("[data-testid=user-menu]")
    page.click("[data-testid=logout]")
    page.wait_for_load_state("networkidle")
    assert "/tai-khoan/dang-nhap/" in page.url


def test_lockout_after_five_failures(page):
    for _ in range(5):
        login(page, "canbo.phohien", "mat-khau-sai")
    login(page, "canbo.phohien", PASSWORD)  # even the right password is refused while locked
    assert page.get_by_text("tạm thời bị khoá").is_visible()
    shot(page, "login-locked")
