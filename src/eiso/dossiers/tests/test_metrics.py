"""Báo cáo, thống kê hồ sơ: every figure of `eiso.dossiers.metrics` against numbers worked out by hand.

The scenario (`scenario`) builds dossiers through the services at fixed moments in March and April 2026
at Xã Văn Giang (household status: 3 working days; marriage: 5 working days; steps 2 h, 12 h, 6 h, 2 h;
working hours 08–12, 13–17):

A  Mon 02/03 10:00 direct   steps 11:00 (on time), 03/03 09:00 (on time), 10:00 (on time) → settled early
                            03/03 10:00; 1 day; steps used 1 + 6 + 1 = 8 working hours
B  Wed 25/03 10:00 direct   step 1 11:00 (on time); step 2 on Wed 01/04 09:00 (due 26/03: late); step 3
                            10:00 (on time) → settled late 01/04 10:00 (due Mon 30/03); 7 days; 1 + 38 + 1 h
C  Mon 30/03 10:00 online   step 1 11:00 (on time); supplement asked Tue 31/03 10:00 (paused at the end of
                            March); supplement received Mon 06/04 09:00 (clock restarts, due 09/04);
                            step 2 11:00 (early), step 3 14:00 (early) → settled early 06/04 14:00;
                            7 days 4 h; steps 1 + 2 + 2 = 5 h
D  Thu 02/04 10:00 online   marriage, nothing done → due Thu 09/04: overdue at the end of April
E  Wed 29/04 10:00 online   nothing done → due Wed 06/05 (30/04 and 01/05 are holidays): in time
F  Mon 06/04 10:00 direct   withdrawn Wed 08/04
G  Mon 13/04 10:00 direct   step 1 11:00 (on time); refused Tue 14/04 10:00 (due 16/04: early); 1 day; 1 h
I  Tue 14/04 16:00 direct   step 1 16:30 (early), step 2 15/04 16:00 (early), step 3 16:30 (early) →
                            settled early 15/04 16:30; 24.5 h; steps 0.5 + 7.5 + 0.5 = 8.5 h
plus a dossier waiting at the counter for supplements and one refused at the counter (never counted).
"""

import datetime
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from eiso.accounts import roles
from eiso.dossiers import metrics, services
from eiso.dossiers.models import WorkItem

from .conftest import HOUSEHOLD, MARRIAGE

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH = metrics.Period.month(2026, 3)
APRIL = metrics.Period.month(2026, 4)
BOTH = metrics.Period(datetime.date(2026, 3, 1), datetime.date(2026, 4, 30))
HOUR = 3600


def m(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=VN)


def open_item(dossier):
    return WorkItem.objects.get(dossier=dossier, status="open", parent__isnull=True)


def run(dossier, users, *, step1=None, step2=None, step3=None, step2_by=roles.OFFICER):
    receiver, head = users[roles.RECEIVER], users[roles.AGENCY_HEAD]
    if step1:
        services.complete_step(actor=receiver, item=open_item(dossier), at=step1)
    if step2:
        item = open_item(dossier)
        if item.assignee_id is None:
            services.claim(actor=users[step2_by], item=item)
        services.complete_step(actor=users[step2_by], item=item, at=step2)
    if step3:
        services.complete_step(
            actor=head, item=open_item(dossier), outcome="agreed", result_number="1/GXN", at=step3
        )
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def scenario(receive_one, users, in_force, world, catalogue):
    in_force(agency=world.commune_a, code=MARRIAGE)
    receiver, head = users[roles.RECEIVER], users[roles.AGENCY_HEAD]
    d = {}
    d["A"] = run(receive_one(at=m(3, 2)), users, step1=m(3, 2, 11), step2=m(3, 3, 9), step3=m(3, 3, 10))
    d["B"] = run(receive_one(at=m(3, 25)), users, step1=m(3, 25, 11), step2=m(4, 1, 9), step3=m(4, 1, 10))
    c = run(receive_one(at=m(3, 30), channel="online"), users, step1=m(3, 30, 11))
    services.request_supplement(actor=head, dossier=c, missing_note="Thiếu giấy xác nhận cư trú", at=m(3, 31))
    services.supplement_received(actor=receiver, dossier=c, at=m(4, 6, 9))
    d["C"] = run(c, users, step2=m(4, 6, 11), step3=m(4, 6, 14), step2_by=roles.AGENCY_HEAD)
    d["D"] = receive_one(at=m(4, 2), channel="online", procedure=catalogue[MARRIAGE])
    d["E"] = receive_one(at=m(4, 29), channel="online")
    d["F"] = services.withdraw(actor=receiver, dossier=receive_one(at=m(4, 6)), reason="Rút", at=m(4, 8))
    g = run(receive_one(at=m(4, 13)), users, step1=m(4, 13, 11))
    d["G"] = services.refuse(actor=head, dossier=g, reason="Không đủ điều kiện", at=m(4, 14))
    d["I"] = run(
        receive_one(at=m(4, 14, 16)),
        users,
        step1=m(4, 14, 16, 30),
        step2=m(4, 15, 16),
        step3=m(4, 15, 16, 30),
    )
    receive_one(
        at=m(4, 15),
        outcome="supplement",
        components=[services.ComponentLine(name="CCCD", received=False)],
    )
    receive_one(at=m(4, 16), outcome="refused", refusal_reason="Không thuộc thẩm quyền")
    return d


def test_the_scenario_is_what_the_docstring_says(scenario):
    d = scenario
    assert [d[k].timeliness for k in "ABCGI"] == ["early", "late", "early", "early", "early"]
    assert d["B"].clock.due_at.astimezone(VN).date() == datetime.date(2026, 3, 30)
    assert d["C"].clock.due_at.astimezone(VN).date() == datetime.date(2026, 4, 9)
    assert d["D"].clock.due_at.astimezone(VN).date() == datetime.date(2026, 4, 9)
    assert d["E"].clock.due_at.astimezone(VN).date() == datetime.date(2026, 5, 6)
    used = {
        k: sum(
            i.used_seconds
            for i in WorkItem.objects.filter(dossier=d[k], status="done", parent__isnull=True)
            if i.step_number < 4 and i.outcome in ("done", "agreed")
        )
        for k in "ABCGI"
    }
    assert used == {"A": 8 * HOUR, "B": 40 * HOUR, "C": 5 * HOUR, "G": 1 * HOUR, "I": int(8.5 * HOUR)}


APRIL_TOTALS = {
    "carried_over": 2,  # B, C
    "new_direct": 3,  # F, G, I
    "new_online": 2,  # D, E
    "new_postal": 0,
    "new": 5,
    "received": 7,
    "settled_early": 3,  # C, G, I
    "settled_on_time": 0,
    "settled_late": 1,  # B
    "settled": 4,
    "closed": 1,  # F
    "pending_in_time": 1,  # E
    "pending_overdue": 1,  # D
    "paused": 0,
    "pending": 2,
    # (7 d + 7 d 4 h + 1 d + 24.5 h) / 4 = 97.125 h / 24 = 4.047 days
    "avg_days": 4.05,
    # (40 + 5 + 1 + 8.5 h) / 4 / 8 = 1.703 working days
    "avg_working_days": 1.7,
    "index1_avg": 1.5,  # B 0, C 2, G 2, I 2
    "index2_avg": 1.0,  # B 0 (a late step), C 1, G 1 (an on-time step), I 2 (all early)
    "index1_share": 75.0,
    "index2_share": 75.0,
}

MARCH_TOTALS = {
    "carried_over": 0,
    "new_direct": 2,  # A, B
    "new_online": 1,  # C
    "new_postal": 0,
    "new": 3,
    "received": 3,
    "settled_early": 1,  # A
    "settled_on_time": 0,
    "settled_late": 0,
    "settled": 1,
    "closed": 0,
    "pending_in_time": 0,
    "pending_overdue": 1,  # B: due 30/03
    "paused": 1,  # C: waiting for the supplement on 31/03 24:00
    "pending": 2,
    "avg_days": 1.0,
    "avg_working_days": 1.0,
    "index1_avg": 2.0,
    "index2_avg": 1.0,
    "index1_share": 100.0,
    "index2_share": 100.0,
}


def test_april_totals_by_procedure(scenario, users, world, catalogue):
    report = metrics.report(users[roles.AGENCY_HEAD], world.commune_a, APRIL, "procedure")
    assert report.total.values == APRIL_TOTALS
    rows = {r.code: r.values for r in report.rows}
    assert set(rows) == {HOUSEHOLD, MARRIAGE}
    assert rows[MARRIAGE]["received"] == 1 and rows[MARRIAGE]["pending_overdue"] == 1
    household = rows[HOUSEHOLD]
    assert (household["carried_over"], household["new"], household["settled"], household["closed"]) == (
        2,
        4,
        4,
        1,
    )
    assert (household["pending_in_time"], household["pending_overdue"]) == (1, 0)


def test_march_totals_paused_and_overdue_at_the_end_of_the_period(scenario, users, world):
    report = metrics.report(users[roles.AGENCY_HEAD], world.commune_a, MARCH, "procedure")
    assert report.total.values == MARCH_TOTALS


def test_monthly_rows_are_each_month_and_the_total_is_the_whole_period(scenario, users, world):
    report = metrics.report(users[roles.AGENCY_HEAD], world.commune_a, BOTH, "month")
    assert [r.label for r in report.rows] == ["03/2026", "04/2026"]
    assert report.rows[0].values == MARCH_TOTALS
    assert report.rows[1].values == APRIL_TOTALS
    total = report.total.values
    assert (total["carried_over"], total["new_direct"], total["new_online"]) == (0, 5, 3)
    assert (total["settled_early"], total["settled_late"], total["closed"]) == (4, 1, 1)
    assert (total["pending_in_time"], total["pending_overdue"], total["paused"]) == (1, 1, 0)
    assert total["received"] == total["settled"] + total["closed"] + total["pending"] == 8


def test_by_channel(scenario, users, world):
    report = metrics.report(users[roles.AGENCY_HEAD], world.commune_a, APRIL, "channel")
    rows = {r.key: r.values for r in report.rows}
    assert set(rows) == {"direct", "online"}
    direct, online = rows["direct"], rows["online"]
    assert (direct["carried_over"], direct["new"], direct["settled_early"], direct["settled_late"]) == (
        1,
        3,
        2,
        1,
    )
    assert direct["closed"] == 1 and direct["pending"] == 0
    assert (online["carried_over"], online["new"], online["settled_early"]) == (1, 2, 1)
    assert (online["pending_in_time"], online["pending_overdue"]) == (1, 1)
    assert report.total.values == APRIL_TOTALS
    assert {r.label for r in report.rows} == {"Trực tiếp", "Trực tuyến"}


def test_by_officer_counts_work_items(scenario, users, world):
    report = metrics.report(users[roles.AGENCY_HEAD], world.commune_a, APRIL, "officer")
    rows = {r.key: r.values for r in report.rows}
    receiver, officer, head = (users[r].pk for r in (roles.RECEIVER, roles.OFFICER, roles.AGENCY_HEAD))
    # receiver: G step 1 (on time), I step 1 (early); D and E wait at step 1 (2 h, overdue by 30/04)
    assert rows[receiver] | {} == {
        "items_done": 2,
        "items_early": 1,
        "items_on_time": 1,
        "items_late": 0,
        "items_share": 100.0,
        "avg_item_hours": 0.75,
        "items_pending_in_time": 0,
        "items_pending_overdue": 2,
    }
    # officer: B step 2 (late, 38 h), I step 2 (early, 7.5 h)
    assert (rows[officer]["items_done"], rows[officer]["items_early"], rows[officer]["items_late"]) == (
        2,
        1,
        1,
    )
    assert rows[officer]["items_share"] == 50.0 and rows[officer]["avg_item_hours"] == 22.75
    # head: B step 3 (on time), C steps 2 and 3 (early), I step 3 (early)
    assert (rows[head]["items_done"], rows[head]["items_early"], rows[head]["items_on_time"]) == (4, 3, 1)
    # the "return result" steps of A (since March), B, C and I wait for any receiver: nobody holds them
    assert rows[None]["items_pending_overdue"] == 4 and rows[None]["items_done"] == 0
    total = report.total.values
    assert (total["items_done"], total["items_early"], total["items_on_time"], total["items_late"]) == (
        8,
        5,
        2,
        1,
    )
    assert total["items_share"] == 87.5 and total["items_pending_overdue"] == 6
    assert total["avg_item_hours"] == round((38 + 7.5 + 1 + 2 + 2 + 0.5 + 1 + 0.5) / 8, 2)


def test_dossier_lines_carry_the_indices(scenario, users, world):
    report = metrics.report(users[roles.AGENCY_HEAD], world.commune_a, APRIL, "dossier")
    lines = {line["code"]: line for line in report.dossiers}
    d = scenario
    assert set(lines) == {d[k].code for k in "BCDEFGI"} and not report.truncated
    assert [(lines[d[k].code]["index1"], lines[d[k].code]["index2"]) for k in "BCGI"] == [
        (0, 0),
        (2, 1),
        (2, 1),
        (2, 2),
    ]
    assert lines[d["D"].code]["index1"] is None and "quá hạn" in lines[d["D"].code]["state"]
    assert lines[d["B"].code]["carried_over"] and not lines[d["E"].code]["carried_over"]
    assert lines[d["F"].code]["state"] == "Dừng, rút"
    assert report.total.values == APRIL_TOTALS


def test_dossier_lines_come_in_pages_in_order_of_reception(scenario, users, world):
    head, everything = users[roles.AGENCY_HEAD], "BCDEFGI"
    whole = metrics.report(head, world.commune_a, APRIL, "dossier").dossiers
    codes = [line["code"] for line in whole]
    pages = [
        metrics.report(head, world.commune_a, APRIL, "dossier", dossier_page=n, dossier_rows=3)
        for n in (1, 2, 3)
    ]
    assert [[line["code"] for line in page.dossiers] for page in pages] == [codes[:3], codes[3:6], codes[6:]]
    assert [page.truncated for page in pages] == [True, True, False]
    assert [page.dossier_offset for page in pages] == [0, 3, 6] and len(codes) == len(everything)
    beyond = metrics.report(head, world.commune_a, APRIL, "dossier", dossier_page=4, dossier_rows=3)
    assert beyond.dossiers == [] and not beyond.truncated


def test_province_level_for_the_oversight_officer(scenario, users, world):
    report = metrics.report(users[roles.OVERSIGHT_OFFICER], world.province_a, APRIL, "agency")
    assert [r.key for r in report.rows] == [world.commune_a.pk]
    assert report.rows[0].label == "Xã Văn Giang"
    assert report.total.values == APRIL_TOTALS
    assert metrics.default_group(world.province_a) == "agency"
    assert metrics.default_group(world.commune_a) == "procedure"


def test_outsider_sees_nothing(scenario, world):
    report = metrics.report(world.outsider, world.commune_a, APRIL, "procedure")
    assert report.rows == [] and report.total.values["received"] == 0
    assert metrics.report(world.outsider, world.province_a, APRIL, "officer").rows == []
    assert metrics.report(world.outsider, world.commune_a, APRIL, "dossier").dossiers == []


def test_periods():
    assert metrics.Period.quarter(2026, 2) == metrics.Period(
        datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)
    )
    assert metrics.Period.month(2024, 2).last == datetime.date(2024, 2, 29)
    assert metrics.Period.year(2026).label == "01/01/2026 – 31/12/2026"
    assert [
        p.label for p in metrics.Period(datetime.date(2026, 1, 15), datetime.date(2026, 3, 3)).months()
    ] == [
        "15/01/2026 – 31/01/2026",
        "01/02/2026 – 28/02/2026",
        "01/03/2026 – 03/03/2026",
    ]
    with pytest.raises(ValueError):
        metrics.Period(datetime.date(2026, 3, 2), datetime.date(2026, 3, 1))


@pytest.mark.parametrize("group", ["procedure", "agency", "officer", "channel", "receiving_unit", "dossier"])
def test_query_count_does_not_grow_with_the_dossiers(receive_one, users, world, group):
    head = users[roles.AGENCY_HEAD]

    def count():
        with CaptureQueriesContext(connection) as queries:
            metrics.report(head, world.province_a, APRIL, group)
        return len(queries)

    receive_one(at=m(4, 6))
    count()  # the first read also works out the head's scope (kept on the user object)
    few = count()
    assert few <= 3  # officers: items done, items open, the people
    for day in (7, 8, 9, 10):
        dossier = receive_one(at=m(4, day), channel="online")
        run(dossier, users, step1=m(4, day, 11))
    assert count() == few


# --- the page, the XLSX file and the API -------------------------------------------------------------


def _page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("dossiers:reports"), params)


def test_page_renders_for_the_head(scenario, client, users, world):
    response = _page(
        client,
        users[roles.AGENCY_HEAD],
        period="custom",
        first="01/04/2026",
        last="30/04/2026",
        group="procedure",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân" in html
    assert 'data-testid="report-total"' in html and "<svg" in html
    report = response.context["report"]
    assert report.total.values == APRIL_TOTALS
    assert "01/04/2026 – 30/04/2026" in html


def test_page_for_the_oversight_officer_starts_at_the_province(scenario, client, users, world):
    response = _page(client, users[roles.OVERSIGHT_OFFICER], period="month", year="2026", month="4")
    assert response.status_code == 200
    report = response.context["report"]
    assert report.agency == world.province_a and report.group == "agency"
    assert report.total.values == APRIL_TOTALS
    html = response.content.decode()
    # drill-down: the agency row opens that agency's report by procedure
    assert f"agency={world.commune_a.pk}" in html and "group=procedure" in html
    listed = _page(
        client, users[roles.OVERSIGHT_OFFICER], period="month", year="2026", month="4", group="dossier"
    )
    assert listed.context["dossier_agency_column"]  # the province's list names each dossier's commune
    assert '<td class="small">Xã Văn Giang</td>' in listed.content.decode()


def test_page_refuses_an_agency_outside_scope(scenario, client, world):
    response = _page(
        client, world.outsider, agency=str(world.commune_a.pk), period="month", year="2026", month="4"
    )
    assert response.status_code == 404


def test_page_reports_bad_dates(client, users, world):
    response = _page(client, users[roles.AGENCY_HEAD], period="custom", first="31/04/2026", last="x")
    assert response.status_code == 200
    assert "dd/mm/yyyy" in response.content.decode()


def test_dossier_level_page_pages_the_list_and_charts_the_total(scenario, client, users, world, monkeypatch):
    monkeypatch.setattr(metrics, "DOSSIER_PAGE_ROWS", 3)
    head = users[roles.AGENCY_HEAD]
    april = {"period": "custom", "first": "01/04/2026", "last": "30/04/2026", "group": "dossier"}
    first = _page(client, head, **april)
    assert first.status_code == 200
    html = first.content.decode()
    assert html.count('data-testid="report-dossier"') == 3
    assert "Hồ sơ thứ 1–3" in html and 'data-testid="report-dossiers-next"' in html
    assert 'data-testid="report-dossiers-previous"' not in html
    assert not first.context["dossier_agency_column"]  # one commune's dossiers: no agency column
    # the settled chart has one bar, the total's, instead of an empty card
    assert 'data-testid="chart-bars"' in html and "Tổng cộng" in html
    # the agency field shows the agency the report is about though the address did not name it
    assert first.context["form"]["agency"].value() == world.commune_a.pk
    assert first.context["form"]["group"].value() == "dossier"
    year = _page(client, head, period="year").context["form"]
    assert (year["year"].value(), year["group"].value()) == (timezone.localdate().year, "procedure")
    last = _page(client, head, page="3", **april)
    html = last.content.decode()
    assert html.count('data-testid="report-dossier"') == 1 and "Hồ sơ thứ 7–7" in html
    assert 'data-testid="report-dossiers-next"' not in html and "page=2" in html
    assert _page(client, head, page="zero", **april).context["report"].dossier_offset == 0


def test_xlsx_of_the_dossier_level_lists_every_dossier_not_one_page(
    scenario, client, users, world, monkeypatch
):
    monkeypatch.setattr(metrics, "DOSSIER_PAGE_ROWS", 2)
    april = {
        "period": "custom",
        "first": "01/04/2026",
        "last": "30/04/2026",
        "group": "dossier",
        "format": "xlsx",
    }

    def listed():
        sheet = openpyxl.load_workbook(
            io.BytesIO(_page(client, users[roles.AGENCY_HEAD], **april).content)
        ).active
        lines = list(sheet.iter_rows(values_only=True))
        return [
            row[1] for row in lines if isinstance(row[0], int) and row[1] and row[1].startswith("000.")
        ], lines

    codes, lines = listed()
    assert sorted(codes) == sorted(scenario[k].code for k in "BCDEFGI")
    headings = next(row for row in lines if row and row[0] == "STT")
    first = next(row for row in lines if row and row[0] == 1)
    by_heading = dict(zip(headings, first, strict=False))
    assert by_heading["Cơ quan giải quyết"] == "Xã Văn Giang"
    assert isinstance(by_heading["Ngày tiếp nhận"], datetime.datetime)
    monkeypatch.setattr(metrics, "XLSX_DOSSIER_ROWS", 4)
    codes, lines = listed()
    assert len(codes) == 4
    assert any("Chỉ có 4 hồ sơ đầu tiên" in str(row[1]) for row in lines)


def test_xlsx_export_has_the_header_and_the_totals(scenario, client, users, world):
    response = _page(
        client,
        users[roles.AGENCY_HEAD],
        period="custom",
        first="01/04/2026",
        last="30/04/2026",
        group="procedure",
        format="xlsx",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    )
    sheet = book.active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    text = "\n".join(" ".join(str(v) for v in row if v is not None) for row in cells)
    assert "Xã Văn Giang" in text and "01/04/2026 – 30/04/2026" in text and "Lập lúc" in text
    headings = next(row for row in cells if row and row[0] == "STT")
    total = next(row for row in cells if row and row[1] == "Tổng cộng")
    by_heading = dict(zip(headings, total, strict=False))
    assert by_heading["Tổng tiếp nhận"] == 7 and by_heading["Kỳ trước chuyển sang"] == 2
    assert by_heading["Chỉ số 1 (%)"] == 75.0 and by_heading["Thời gian bình quân (ngày)"] == 4.05


def test_api_returns_the_same_figures_and_is_scoped(scenario, api, users, world):
    url = "/api/v1/dossier-metrics/"
    client = api(users[roles.AGENCY_HEAD])
    response = client.get(url, {"agency": world.commune_a.pk, "first": "2026-04-01", "last": "2026-04-30"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["group"] == "procedure" and body["period"] == {"first": "2026-04-01", "last": "2026-04-30"}
    assert body["total"]["values"] == APRIL_TOTALS
    assert {row["code"] for row in body["rows"]} == {HOUSEHOLD, MARRIAGE}
    assert [c["key"] for c in body["columns"]][:2] == ["received", "carried_over"]
    officer = client.get(
        url, {"agency": world.commune_a.pk, "first": "01/04/2026", "last": "30/04/2026", "group": "officer"}
    )
    assert officer.status_code == 200 and officer.json()["total"]["values"]["items_done"] == 8
    outsider = api(world.outsider).get(
        url, {"agency": world.commune_a.pk, "first": "2026-04-01", "last": "2026-04-30"}
    )
    assert outsider.status_code == 404
    bad = client.get(url, {"agency": world.commune_a.pk, "first": "2026-04-30", "last": "2026-04-01"})
    assert bad.status_code == 400
    april = {"agency": world.commune_a.pk, "first": "2026-04-01", "last": "2026-04-30", "group": "dossier"}
    listed = client.get(url, april).json()
    assert listed["page"] == 1 and len(listed["dossiers"]) == 7 and listed["truncated"] is False
    assert client.get(url, {**april, "page": 2}).json()["dossiers"] == []
    assert client.get(url, {**april, "page": 0}).status_code == 400
    assert api(None).get(url).status_code == 401


def test_a_single_month_by_month_is_its_own_total(scenario, users, world):
    report = metrics.report(users[roles.AGENCY_HEAD], world.commune_a, APRIL, "month")
    assert [r.label for r in report.rows] == ["04/2026"]
    assert report.rows[0].values == report.total.values == APRIL_TOTALS


def test_settling_writes_the_working_time_its_steps_used(scenario, world):
    from django.db.models import Sum

    from eiso.dossiers.models import Dossier, HandOver

    settled = Dossier.objects.filter(agency=world.commune_a, settled_at__isnull=False)
    assert settled.exists()
    for dossier in settled:
        steps = HandOver.objects.filter(dossier=dossier, action="complete").aggregate(s=Sum("used_seconds"))
        assert dossier.work_seconds == (steps["s"] or 0)
    assert not Dossier.objects.filter(settled_at__isnull=True, work_seconds__isnull=False).exists()


def test_settling_and_returning_write_the_worst_hand_over(scenario, world):
    from eiso.dossiers.models import Dossier, HandOver
    from eiso.dossiers.services import worse

    settled = Dossier.objects.filter(agency=world.commune_a, settled_at__isnull=False)
    assert {d.worst_hand_over for d in settled} >= {"late", "early"}
    for dossier in settled:
        logged = HandOver.objects.filter(dossier=dossier).values_list("timeliness", flat=True)
        assert dossier.worst_hand_over == worse(*logged)
    assert worse() == "" and worse("early", "", "on_time") == "on_time" and worse("on_time", "late") == "late"
