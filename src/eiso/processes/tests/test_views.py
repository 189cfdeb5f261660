"""Pages: the editor (htmx rows, live validation), the lifecycle buttons, downloads, the review watch,
isolation between agencies, and query-count baselines of the list pages."""

import datetime
import io
import re
import unicodedata

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from eiso.accounts import roles
from eiso.core.models import AuditEvent
from eiso.core.tests.office import docx_to_pdf, needs_office
from eiso.processes import services
from eiso.processes.models import InternalProcess, ProcessStatus, ReviewFlag, ReviewReason
from eiso.processes.tests.conftest import BIRTH, HOUSEHOLD, MARRIAGE, START

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _row(**fields) -> dict:
    data = {
        "position": "",
        "name": "",
        "unit": "Bộ phận Một cửa",
        "role": "",
        "work_content": "",
        "time_value": "4",
        "time_unit": "hours",
        "output": "",
        "kind": "task",
        "next_steps": "",
        "not_agreed": "",
        "not_agreed_label": "",
    }
    data.update({k: str(v) for k, v in fields.items()})
    return data


def test_build_a_process_in_the_page_with_live_validation(world, catalogue):
    secretary = client_for(world.users[roles.ISO_SECRETARY])
    page = secretary.get(reverse("processes:create") + f"?procedure={HOUSEHOLD}")
    assert (
        page.status_code == 200 and "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân" in page.content.decode()
    )
    created = secretary.post(
        reverse("processes:create"),
        {"agency": world.commune_a.pk, "procedure": catalogue[HOUSEHOLD].pk, "code": "", "name": ""},
    )
    process = InternalProcess.objects.get(agency=world.commune_a)
    assert created.status_code == 302 and created["Location"] == reverse(
        "processes:detail", args=[process.pk]
    )
    version = process.latest_version
    add = reverse("processes:step_add", args=[version.pk])
    form = secretary.get(add, **HX)
    assert 'data-testid="step-form"' in form.content.decode()
    rows = [
        _row(position=1, name="Tiếp nhận hồ sơ", time_value=4),
        _row(
            position=2, name="Thẩm định hồ sơ", unit="Văn phòng HĐND và UBND", time_value=2, time_unit="days"
        ),
        _row(
            position=3, name="Ký duyệt", role="Chủ tịch UBND xã", time_value=4, kind="approval", not_agreed=2
        ),
        _row(position=4, name="Trả kết quả", time_value=4, kind="return_to_applicant"),
    ]
    for row in rows:
        response = secretary.post(add, row, **HX)
        assert response.status_code == 200
    html = flat(response.content.decode())
    assert "Tổng thời gian theo nhánh dài nhất là 28 giờ, vượt 4 giờ so với thời hạn 24 giờ" in html
    assert 'data-testid="overrun"' in html
    detail = flat(secretary.get(reverse("processes:detail", args=[process.pk])).content.decode())
    assert re.search(r'data-testid="submit-version" disabled', detail)
    # Live check of the row being edited, before saving: 1,5 days fits.
    edit = reverse("processes:step_edit", args=[version.pk, 2])
    assert "Thẩm định hồ sơ" in secretary.get(edit, **HX).content.decode()
    preview = secretary.post(
        reverse("processes:step_preview", args=[version.pk]),
        {
            **_row(position=2, name="Thẩm định hồ sơ", unit="VP", time_value="1.5", time_unit="days"),
            "editing": "2",
        },
        **HX,
    )
    assert 'data-testid="validation-ok"' in preview.content.decode()
    version.refresh_from_db()
    assert version.planned_hours == 28  # nothing saved by the preview
    saved = secretary.post(
        edit, _row(position=2, name="Thẩm định hồ sơ", unit="VP", time_value="1.5", time_unit="days"), **HX
    )
    assert 'data-testid="validation-ok"' in saved.content.decode()
    version.refresh_from_db()
    assert version.planned_hours == 24 and version.error_count == 0
    # An invalid row comes back with its errors, nothing saved.
    bad = secretary.post(add, _row(position=5, name="", time_value="-1"), **HX)
    assert 'data-testid="step-form"' in bad.content.decode() and "invalid-feedback" in bad.content.decode()
    # Delete a row: the rest is renumbered.
    secretary.post(reverse("processes:step_delete", args=[version.pk, 4]), **HX)
    version.refresh_from_db()
    assert [s.name for s in version.design_obj.steps] == ["Tiếp nhận hồ sơ", "Thẩm định hồ sơ", "Ký duyệt"]
    secretary.post(add, rows[3], **HX)
    # Submit through the page, then the head approves and puts it in force.
    assert secretary.post(reverse("processes:submit", args=[version.pk]), {"note": ""}).status_code == 302
    head = client_for(world.users[roles.AGENCY_HEAD])
    head.post(reverse("processes:approve", args=[version.pk]), {"note": ""})
    today = datetime.date.today()
    head.post(reverse("processes:enact", args=[version.pk]), {"valid_from": today.strftime("%d/%m/%Y")})
    version.refresh_from_db()
    assert (version.status, version.valid_from) == (ProcessStatus.IN_FORCE, today)
    verbs = set(AuditEvent.objects.filter(agency=world.commune_a).values_list("verb", flat=True))
    assert {
        "process.create",
        "process.edit",
        "process.submit",
        "process.approve",
        "process.in_force",
    } <= verbs
    page = flat(head.get(reverse("processes:detail", args=[process.pk])).content.decode())
    assert "Ban hành áp dụng quy trình" in page and "Phiên bản đã phê duyệt không được sửa" in page


def test_without_javascript_the_editor_urls_render_the_page(world, process_for):
    version = process_for().latest_version
    secretary = client_for(world.users[roles.ISO_SECRETARY])
    page = secretary.get(reverse("processes:step_edit", args=[version.pk, 1]))
    assert (
        page.status_code == 200
        and "<html" in page.content.decode()
        and 'data-testid="step-form"' in page.content.decode()
    )
    saved = secretary.post(
        reverse("processes:step_edit", args=[version.pk, 1]),
        _row(position=1, name="Nhận hồ sơ", time_value=2),
    )
    assert saved.status_code == 302


@pytest.mark.parametrize(
    ("role", "edit", "submit", "approve"),
    [
        (roles.ISO_SECRETARY, 200, 302, 403),
        (roles.OFFICER, 200, 403, 403),
        (roles.AGENCY_HEAD, 403, 403, 302),
        (roles.INSPECTOR, 403, 403, 403),
        (roles.OVERSIGHT_OFFICER, 403, 403, 403),
        (roles.VIEWER, 403, 403, 403),
        (roles.UNIT_HEAD, 404, 404, 404),
    ],
)
def test_page_actions_follow_the_rules(world, process_for, role, edit, submit, approve):
    process = process_for()
    version = process.latest_version
    client = client_for(world.users[role])
    assert client.get(reverse("processes:detail", args=[process.pk])).status_code == (
        404 if edit == 404 else 200
    )
    assert client.get(reverse("processes:step_add", args=[version.pk]), **HX).status_code == edit
    before = AuditEvent.objects.count()
    assert client.post(reverse("processes:submit", args=[version.pk])).status_code == submit
    if submit != 302:
        assert AuditEvent.objects.count() == before
        services.submit_version(actor=None, version=version)
    assert client.post(reverse("processes:approve", args=[version.pk])).status_code == approve


def test_pages_of_another_agency_answer_404(world, process_for):
    theirs = process_for(agency=world.commune_b)
    version = theirs.latest_version
    client = client_for(world.users[roles.ISO_SECRETARY])
    urls = [
        reverse("processes:detail", args=[theirs.pk]),
        reverse("processes:edit", args=[theirs.pk]),
        reverse("processes:step_add", args=[version.pk]),
        reverse("processes:step_edit", args=[version.pk, 1]),
        reverse("processes:diff", args=[version.pk]),
        reverse("processes:download", args=[version.pk, "pdf"]),
        reverse("processes:header", args=[version.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for name in ("submit", "approve", "enact", "return"):
        assert client.post(reverse(f"processes:{name}", args=[version.pk])).status_code == 404
    assert client.post(reverse("processes:new_version", args=[theirs.pk])).status_code == 404
    listing = client.get(reverse("processes:list")).content.decode()
    assert theirs.code not in listing and world.commune_b.name not in listing


def test_a_frozen_version_offers_no_editing(world, in_force):
    process = in_force()
    version = process.current_version
    secretary = client_for(world.users[roles.ISO_SECRETARY])
    page = secretary.get(reverse("processes:detail", args=[process.pk])).content.decode()
    assert 'data-testid="add-step"' not in page and 'data-testid="step-edit"' not in page
    response = secretary.post(
        reverse("processes:step_add", args=[version.pk]), _row(position=1, name="X"), **HX
    )
    assert "phiên bản mới" in response.content.decode()
    new = secretary.post(reverse("processes:new_version", args=[process.pk]), {"change_note": "Cập nhật"})
    process.refresh_from_db()
    assert new.status_code == 302 and process.latest_version.number == 2
    diff = secretary.get(reverse("processes:diff", args=[process.latest_version.pk]))
    assert diff.status_code == 200 and "Không có thay đổi" in diff.content.decode()


def test_downloads(world, in_force):
    docx = pytest.importorskip("docx")
    pypdf = pytest.importorskip("pypdf")
    process = in_force()
    version = process.current_version
    client = client_for(world.users[roles.INSPECTOR])  # readers download too
    names = [s.name for s in version.design_obj.steps]

    response = client.get(reverse("processes:download", args=[version.pk, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="QT-1.004873_lan-01.pdf"' in response["Content-Disposition"]
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = flat(" ".join(page.extract_text() or "" for page in reader.pages))
    for name in names:
        assert name in text, name
    assert "CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN" in text and "XÃ VĂN GIANG" in text
    assert "3 ngày làm việc / 24 giờ" in text

    response = client.get(reverse("processes:download", args=[version.pk, "docx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = docx.Document(io.BytesIO(response.content))
    cells = flat(" ".join(c.text for t in document.tables for r in t.rows for c in r.cells))
    for name in names:
        assert name in cells

    response = client.get(reverse("processes:download", args=[version.pk, "bpmn"]))
    assert response["Content-Type"] == "application/xml"
    body = response.content.decode()
    assert "http://www.omg.org/spec/BPMN/20100524/MODEL" in body and "Thẩm định hồ sơ" in body

    response = client.get(reverse("processes:download", args=[version.pk, "svg"]))
    assert response["Content-Type"] == "image/svg+xml" and "<svg" in response.content.decode()
    assert "http" not in re.sub(
        r'xmlns(:\w+)?="[^"]*"', "", response.content.decode()
    )  # nothing loaded from outside
    assert client.get(reverse("processes:download", args=[version.pk, "exe"])).status_code == 404


@needs_office
def test_the_downloaded_docx_opens_in_libreoffice(world, in_force, tmp_path):
    process = in_force()
    version = process.current_version
    content = (
        client_for(world.users[roles.ISO_SECRETARY])
        .get(reverse("processes:download", args=[version.pk, "docx"]))
        .content
    )
    source = tmp_path / "quy_trinh.docx"
    source.write_bytes(content)
    pdfs = docx_to_pdf([source], tmp_path)
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(pdfs / "quy_trinh.pdf")
    text = flat(" ".join(page.extract_text() or "" for page in reader.pages))
    for item in version.design_obj.steps:
        assert item.name in text, item.name


def test_review_watch_page(world, in_force, process_for):
    process = in_force()
    other = in_force(agency=world.commune_b)
    services.flag_for_review(
        target=process,
        agency=world.commune_a,
        reason=ReviewReason.LEGAL_BASIS_REPLACED,
        legal_reference="123/2015/NĐ-CP",
        effective_date=datetime.date(2026, 1, 30),
    )
    services.flag_for_review(
        target=other,
        agency=world.commune_b,
        reason=ReviewReason.OTHER,
        legal_reference="CV 9",
        effective_date=START,
    )
    secretary = client_for(world.users[roles.ISO_SECRETARY])
    page = flat(secretary.get(reverse("processes:reviews")).content.decode())
    assert "04/05/2026" in page and "123/2015/NĐ-CP" in page and "CV 9" not in page
    assert 'data-testid="due-state"' in page
    detail = flat(secretary.get(reverse("processes:detail", args=[process.pk])).content.decode())
    assert 'data-testid="needs-review"' in detail
    listing = secretary.get(reverse("processes:list"), {"review": "open"}).content.decode()
    assert process.code in listing
    flag = ReviewFlag.objects.get(agency=world.commune_a)
    officer = client_for(world.users[roles.OFFICER])
    assert (
        officer.post(reverse("processes:review_resolve", args=[flag.pk]), {"resolution": "x"}).status_code
        == 403
    )
    assert (
        client_for(world.outsider)
        .post(reverse("processes:review_resolve", args=[flag.pk]), {"resolution": "x"})
        .status_code
        == 404
    )
    done = secretary.post(reverse("processes:review_resolve", args=[flag.pk]), {"resolution": "Đã cập nhật"})
    assert done.status_code == 302
    flag.refresh_from_db()
    assert flag.status == "resolved"


def _grow(world, catalogue, count):
    """`count` more processes and open flags in commune_a, with the three shared procedures reused."""
    from eiso.procedures import services as procedures
    from eiso.procedures.models import Procedure

    made = InternalProcess.objects.filter(agency=world.commune_a).count()
    extra = list(Procedure.objects.exclude(code__in=[HOUSEHOLD, BIRTH, MARRIAGE]).order_by("code"))
    for n in range(made, made + count):
        if n >= len(extra):
            break
        procedures.assign_procedures(
            actor=None, agency=world.commune_a, procedures=[extra[n]], valid_from=START
        )
        process = services.create_process(
            actor=None, agency=world.commune_a, procedures=[extra[n]], starter=True
        )
        services.flag_for_review(
            target=process,
            agency=world.commune_a,
            reason=ReviewReason.OTHER,
            legal_reference=f"CV {n}",
            effective_date=START,
        )


@pytest.fixture
def many_procedures(catalogue):
    from eiso.procedures import importing
    from eiso.procedures.tests.conftest import as_json, portal_record

    records = [
        portal_record(f"9.{n:06d}", f"{n}/QĐ-THU", name=f"Thủ tục thử nghiệm số {n}") for n in range(40)
    ]
    importing.import_file(actor=None, data=as_json(*records), file_name="nhieu.json")


# Session, user, memberships (scope), the filter's agencies, count, page, prefetch of procedures (list) or
# the open/overdue counts and the flagged objects (reviews), open reviews badge, rules' memberships, and the
# page shell (3: agency switcher, active agency, unread-notifications bell).
@pytest.mark.parametrize(("url_name", "baseline"), [("processes:list", 12), ("processes:reviews", 12)])
def test_list_pages_query_count_does_not_grow_with_rows(
    world, catalogue, many_procedures, url_name, baseline
):
    client = client_for(world.users[roles.ISO_SECRETARY])
    url = reverse(url_name)
    _grow(world, catalogue, 5)
    client.get(url)  # warm-up: content types, sessions
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(world, catalogue, 25)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)
    assert (
        page.content.decode().count('data-testid="' + ("process-row" if "list" in url_name else "review-row"))
        >= 30
    )
    assert len(small) == len(large), f"{url}: {len(small)} queries with 5 rows, {len(large)} with 30"
    assert len(large) <= baseline, [q["sql"][:120] for q in large.captured_queries]


def test_live_check_of_an_approval_row_reads_it_like_the_save(world, process_for):
    version = process_for().latest_version
    secretary = client_for(world.users[roles.ISO_SECRETARY])
    row = _row(
        position=3, name="Xem xét, ký duyệt", role="Chủ tịch", time_value=6, kind="approval", not_agreed=2
    )
    preview = secretary.post(
        reverse("processes:step_preview", args=[version.pk]), {**row, "editing": "3"}, **HX
    ).content.decode()
    assert 'data-testid="validation-ok"' in preview and "không có nhánh" not in preview
    incomplete = secretary.post(
        reverse("processes:step_preview", args=[version.pk]), {**row, "name": "", "editing": "3"}, **HX
    ).content.decode()
    assert "Điền đủ các ô bắt buộc" in incomplete
