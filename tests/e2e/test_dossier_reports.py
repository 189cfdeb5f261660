"""Journey: the chairman of Phường Phố Hiến opens the dossier report for the past year, reads the
table and the charts, drills down to a procedure and its dossiers, downloads the XLSX; the receiver
opens the tracking books (form 07) and downloads one. Uses a small year of generated demo dossiers."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _some_dossiers(monkeypatch):
    monkeypatch.setenv("EISO_DEMO_DOSSIERS", "60")


def test_head_reads_the_report_and_drills_down(page):
    login(page, "chutich.phohien")
    page.goto(f"{page.base_url}/ho-so/bao-cao/?period=year")
    expect(page.get_by_test_id("report-table")).to_be_visible()
    total = page.get_by_test_id("report-total")
    expect(total).to_be_visible()
    expect(page.locator("svg").first).to_be_visible()
    shot(page, "dossier-reports-year")
    with page.expect_download() as download:
        page.get_by_test_id("report-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    # drill down: a procedure's row opens its dossiers, charted by their total and downloadable
    page.goto(f"{page.base_url}/ho-so/bao-cao/?period=year&group=procedure")
    page.get_by_test_id("report-row").first.locator("a").first.click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("report-levels")).to_be_visible()
    expect(page.get_by_test_id("report-dossier").first).to_be_visible()
    expect(page.get_by_test_id("chart-bars")).to_be_visible()
    expect(page.get_by_test_id("report-dossier-pages")).to_contain_text("Hồ sơ thứ 1–")
    expect(page.locator("#id_agency option:checked")).to_contain_text("Phường Phố Hiến")
    shot(page, "dossier-reports-drill-down")
    with page.expect_download() as download:
        page.get_by_test_id("report-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_receiver_opens_the_tracking_books(page):
    login(page, "motcua.phohien")
    page.goto(f"{page.base_url}/ho-so/so-theo-doi/")
    rows = page.get_by_test_id("book-row")
    expect(rows.first).to_be_visible()
    shot(page, "dossier-books")
    href = page.get_by_test_id("book-pdf").first.get_attribute("href")
    response = page.request.get(f"{page.base_url}{href}")
    assert response.status == 200 and response.body()[:4] == b"%PDF"
