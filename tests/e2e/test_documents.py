"""Journey: the ISO secretary drafts and submits, the head approves with the password, the secretary
issues and distributes, an officer acknowledges; then an external document is replaced and the
flag shows on the document. Screenshots in screenshots/documents-*.png (also at 390 px)."""

import pytest

from eiso.documents.tests.conftest import make_pdf
from tests.e2e.conftest import PASSWORD, login, shot

pytestmark = pytest.mark.django_db(transaction=True)


def _logout(page):
    page.context.clear_cookies()


def test_draft_review_approve_issue_acknowledge(page, tmp_path):
    pdf = tmp_path / "quy-trinh-tiep-cong-dan.pdf"
    pdf.write_bytes(make_pdf("Quy trình tiếp công dân", pages=2))
    login(page, "thuky.phohien")
    page.goto(f"{page.base_url}/tai-lieu/")
    shot(page, "documents-01-register")
    page.click("[data-testid=create-document]")
    page.select_option("select[name=kind]", "system_procedure")
    page.fill("input[name=title]", "Quy trình tiếp công dân")
    page.set_input_files("input[name=file]", str(pdf))
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=lifecycle]")
    shot(page, "documents-02-draft")
    page.click("[data-testid=submit-toggle]")
    page.fill("form[action*='/ky/submit/'] input[name=password]", PASSWORD)
    page.click("[data-testid=submit-sign]")
    page.wait_for_selector("text=Đang xem xét")
    url = page.url
    _logout(page)

    login(page, "chutich.phohien")
    page.goto(url)
    page.click("[data-testid=approve-toggle]")
    page.fill("form[action*='/ky/approve/'] input[name=password]", "sai-mat-khau")
    page.click("[data-testid=approve-sign]")
    page.wait_for_selector("text=Mật khẩu không đúng")
    page.click("[data-testid=approve-toggle]")
    page.fill("form[action*='/ky/approve/'] input[name=password]", PASSWORD)
    page.click("[data-testid=approve-sign]")
    page.wait_for_selector("[data-testid=signature] >> text=Phê duyệt")
    shot(page, "documents-03-approved")
    _logout(page)

    login(page, "thuky.phohien")
    page.goto(url)
    page.click("[data-testid=issue]")
    page.wait_for_selector("text=Đã ban hành")
    page.click("[data-testid=distribute-toggle]")
    page.select_option("select[name=units]", index=0)
    page.click("[data-testid=distribute-submit]")
    page.wait_for_selector("text=Đã phân phối")
    shot(page, "documents-04-issued")
    shot(page, "documents-04-issued")
    _logout(page)

    login(page, "canbo.phohien")
    page.goto(f"{page.base_url}/tai-lieu/can-doc/")
    page.click("[data-testid=to-read-row] >> text=Quy trình tiếp công dân")
    page.click("[data-testid=acknowledge]")
    page.wait_for_selector("text=Bạn đã xác nhận đọc và hiểu")
    shot(page, "documents-05-acknowledged")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "documents-06-mobile")


def test_replace_external_document_and_see_flags(page):
    login(page, "thuky.phohien")
    page.goto(f"{page.base_url}/tai-lieu/ben-ngoai/")
    row = page.locator("[data-testid=external-row]", has_text="60/2014/QH13")
    row.locator("[data-testid=replace]").click()
    page.fill("input[name=replacement_number]", "99/2026/QH15")
    page.fill("input[name=effective_date]", "01/03/2026")
    page.click("[data-testid=submit]")
    page.wait_for_selector("text=Đã ghi nhận văn bản bị thay thế")
    page.wait_for_selector("[data-testid=external-flags]")
    shot(page, "documents-07-external-flags")
    page.goto(f"{page.base_url}/tai-lieu/?q=kiem+soat+thong+tin")
    page.wait_for_selector("[data-testid=hit-row]")
    shot(page, "documents-08-search")
    page.click("[data-testid=hit-row] a")
    page.wait_for_selector("[data-testid=review-flag]")
    shot(page, "documents-09-flagged-document")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/tai-lieu/ben-ngoai/")
    shot(page, "documents-10-external-mobile")
