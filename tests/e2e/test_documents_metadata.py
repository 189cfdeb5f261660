"""Journey: the ISO secretary corrects a document's metadata and links (title, owning unit, review
period, cited legal documents), then sets the numbering scheme of a kind and sees the next code.
Screenshots in screenshots/documents-meta-*.png."""

import pytest

from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_secretary_edits_metadata_and_sets_a_numbering_scheme(page):
    login(page, "thuky.phohien")
    page.goto(f"{page.base_url}/tai-lieu/")
    page.click("[data-testid=document-row] >> text=Quy trình đánh giá nội bộ")
    page.wait_for_selector("[data-testid=metadata]")
    page.click("[data-testid=edit-metadata]")
    page.wait_for_selector("[data-testid=edit-form]")
    shot(page, "documents-meta-01-form")
    page.fill("input[name=title]", "Quy trình đánh giá nội bộ hệ thống quản lý chất lượng")
    page.fill("input[name=review_months]", "24")
    page.select_option("select[name=owner_unit]", index=1)
    page.get_by_role("checkbox", name="19/2014/QĐ-TTg — Quyết định 19/2014").check()
    page.click("[data-testid=submit]")
    page.wait_for_selector("text=Đã lưu thông tin tài liệu")
    assert "hệ thống quản lý chất lượng" in page.inner_text("[data-testid=document-title]")
    assert "24" in page.inner_text("[data-testid=review-months]")
    assert "19/2014/QĐ-TTg" in page.inner_text("[data-testid=linked-external]")
    page.wait_for_selector("[data-testid=history] >> text=Sửa thông tin tài liệu")
    shot(page, "documents-meta-02-saved")

    page.goto(f"{page.base_url}/tai-lieu/")
    page.click("[data-testid=tab-numbering]")
    page.wait_for_selector("[data-testid=numbering-table]")
    shot(page, "documents-meta-03-numbering")
    page.click("[data-testid=edit-form]")
    page.fill("input[name=pattern]", "BM {n}")
    page.click("[data-testid=submit]")
    page.wait_for_selector("text=dấu cách")
    shot(page, "documents-meta-04-numbering-error")
    page.fill("input[name=pattern]", "BM.PH-{n:03d}")
    page.fill("input[name=next_number]", "12")
    page.click("[data-testid=submit]")
    page.wait_for_selector("text=tài liệu tiếp theo sẽ có mã BM.PH-012")
    row = page.locator("[data-testid=numbering-row][data-kind=form]")
    assert "BM.PH-012" in row.inner_text()
    shot(page, "documents-meta-05-numbering-saved")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "documents-meta-06-numbering-mobile")
