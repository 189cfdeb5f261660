"""API of the process designer: CRUD, validate, lifecycle, diff, exports, review flags; and the
permission matrix (style of `eiso.api.tests.test_permission_matrix`)."""

import datetime

import pytest

from eiso.accounts import roles
from eiso.api.tests.world import ALL_ROLES
from eiso.core.models import AuditEvent
from eiso.processes import services
from eiso.processes.models import InternalProcess, ProcessVersion, ReviewFlag, ReviewReason
from eiso.processes.tests.conftest import BIRTH, HOUSEHOLD, MARRIAGE, START, step

pytestmark = pytest.mark.django_db

STEPS = [
    {"number": 1, "name": "Tiếp nhận hồ sơ", "unit": "Bộ phận Một cửa", "hours": 4, "output": "Mẫu 01"},
    {
        "number": 2,
        "name": "Thẩm định hồ sơ",
        "unit": "Văn phòng",
        "role": "Công chức Tư pháp",
        "hours": 16,
        "time_unit": "days",
    },
    {
        "number": 3,
        "name": "Ký duyệt",
        "role": "Chủ tịch UBND xã",
        "hours": 4,
        "kind": "approval",
        "transitions": [
            {"target": 4, "condition": "agreed"},
            {"target": 2, "condition": "not_agreed", "label": "Trả lại"},
        ],
    },
    {
        "number": 4,
        "name": "Trả kết quả",
        "unit": "Bộ phận Một cửa",
        "hours": 4,
        "kind": "return_to_applicant",
    },
]


def test_crud_validate_lifecycle_diff_and_exports(world, catalogue, api):
    secretary = api(world.users[roles.ISO_SECRETARY])
    created = secretary.post(
        "/api/v1/processes/",
        {"agency": world.commune_a.pk, "procedures": [HOUSEHOLD], "name": "Xác nhận tình trạng hôn nhân"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["code"] == "QT-1.004873" and body["procedures"] == [HOUSEHOLD]
    assert [v["status"] for v in body["versions"]] == ["draft"]
    version_id = body["latest_version"]["id"]
    url = f"/api/v1/process-versions/{version_id}/"

    saved = secretary.put(url, {"design": {"steps": STEPS}, "change_note": "Lần đầu"}, format="json")
    assert saved.status_code == 200, saved.json()
    data = saved.json()
    assert data["planned_hours"] == 28 and data["limit_hours"] == 24 and data["error_count"] == 1
    assert data["design"]["time_limits"] == [
        {"channel": "in_person", "hours": 24},
        {"channel": "online", "hours": 24},
    ]
    assert data["design"]["steps"][1]["time_unit"] == "days"

    checked = secretary.post(f"{url}validate/", {}, format="json").json()
    assert checked["valid"] is False and checked["planned_hours"] == 28
    assert (
        "vượt 4 giờ" in checked["issues"][0]["message"] and checked["issues"][0]["code"] == "over_time_limit"
    )
    english = (
        api(world.users[roles.ISO_SECRETARY], language="en").post(f"{url}validate/", {}, format="json").json()
    )
    assert "4 hours over the time limit of 24 hours" in english["issues"][0]["message"]
    fixed_steps = [dict(STEPS[0]), dict(STEPS[1], hours=12), STEPS[2], STEPS[3]]
    dry = secretary.post(f"{url}validate/", {"design": {"steps": fixed_steps}}, format="json").json()
    assert dry["valid"] is True and dry["planned_hours"] == 24
    assert ProcessVersion.objects.get(pk=version_id).planned_hours == 28  # a dry run saves nothing

    refused = secretary.post(f"{url}submit/", {}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_design"
    assert "vượt 4 giờ" in refused.json()["detail"]
    assert secretary.put(url, {"design": {"steps": fixed_steps}}, format="json").json()["error_count"] == 0
    assert (
        secretary.post(f"{url}submit/", {"note": "Kính trình"}, format="json").json()["status"] == "submitted"
    )
    assert secretary.post(f"{url}approve/", {}, format="json").status_code == 403
    head = api(world.users[roles.AGENCY_HEAD])
    assert head.post(f"{url}approve/", {}, format="json").json()["status"] == "approved"
    assert secretary.put(url, {"design": {"steps": fixed_steps}}, format="json").json()["code"] == "immutable"
    today = datetime.date.today().isoformat()
    enacted = head.post(f"{url}put-in-force/", {"valid_from": today}, format="json").json()
    assert enacted["status"] == "in_force" and enacted["valid_from"] == today and enacted["approved_by"]

    process_id = body["id"]
    second = secretary.post(
        f"/api/v1/processes/{process_id}/new-version/", {"change_note": "Sửa đổi"}, format="json"
    )
    assert second.status_code == 201 and second.json()["number"] == 2
    second_url = f"/api/v1/process-versions/{second.json()['id']}/"
    changed = [dict(fixed_steps[0], name="Tiếp nhận, kiểm tra hồ sơ"), *fixed_steps[1:]]
    secretary.put(second_url, {"design": {"steps": changed}}, format="json")
    diff = secretary.get(f"{second_url}diff/").json()
    assert diff["old_version"] == "01" and diff["new_version"] == "02"
    assert "Tiếp nhận, kiểm tra hồ sơ" in diff["text"]
    assert secretary.get(f"{second_url}diff/", {"against": 999999}).status_code == 404

    for file_format, content_type in [
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("pdf", "application/pdf"),
        ("svg", "image/svg+xml"),
        ("bpmn", "application/xml"),
    ]:
        response = secretary.get(f"{url}export/", {"file_format": file_format})
        assert response.status_code == 200 and response["Content-Type"] == content_type, file_format
    assert b"bpmn:definitions" in secretary.get(f"{url}export/", {"file_format": "bpmn"}).content
    assert secretary.get(f"{url}export/", {"file_format": "exe"}).status_code == 400

    listed = secretary.get("/api/v1/processes/", {"procedure": HOUSEHOLD}).json()
    assert [row["id"] for row in listed["results"]] == [process_id]
    assert listed["results"][0]["current_version"]["label"] == "01"
    patched = secretary.patch(f"/api/v1/processes/{process_id}/", {"name": "Tên mới"}, format="json")
    assert patched.status_code == 200 and patched.json()["name"] == "Tên mới"
    assert secretary.delete(f"/api/v1/processes/{process_id}/").status_code == 400

    draft_only = secretary.post(
        "/api/v1/processes/",
        {"agency": world.commune_a.pk, "procedures": [BIRTH], "starter": True},
        format="json",
    ).json()
    assert draft_only["latest_version"]["error_count"] == 0
    assert secretary.delete(f"/api/v1/processes/{draft_only['id']}/").status_code == 204
    assert not InternalProcess.objects.filter(pk=draft_only["id"]).exists()


def test_bad_designs_are_400_with_a_readable_message(world, process_for, api):
    version = process_for().latest_version
    client = api(world.users[roles.ISO_SECRETARY])
    url = f"/api/v1/process-versions/{version.pk}/"
    bad_target = [dict(STEPS[0], transitions=[{"target": "step two"}])]
    response = client.put(url, {"design": {"steps": bad_target}}, format="json")
    assert response.status_code == 400 and "fields" in response.json()
    bad_kind = [dict(STEPS[0], kind="meeting")]
    assert client.put(url, {"design": {"steps": bad_kind}}, format="json").status_code == 400


def test_review_flags_list_and_resolve(world, in_force, api):
    process = in_force()
    flag = services.flag_for_review(
        target=process,
        agency=world.commune_a,
        reason=ReviewReason.LEGAL_BASIS_REPLACED,
        legal_reference="123/2015/NĐ-CP",
        effective_date=datetime.date(2026, 1, 30),
    )
    client = api(world.users[roles.ISO_SECRETARY])
    rows = client.get("/api/v1/review-flags/", {"status": "open"}).json()["results"]
    assert [(r["id"], r["due_date"], r["target_type"], r["object_id"]) for r in rows] == [
        (flag.pk, "2026-05-04", "internalprocess", process.pk)
    ]
    assert client.get("/api/v1/processes/", {"needs_review": "true"}).json()["count"] == 1
    assert client.post(f"/api/v1/review-flags/{flag.pk}/resolve/", {}, format="json").status_code == 400
    done = client.post(
        f"/api/v1/review-flags/{flag.pk}/resolve/", {"resolution": "Đã rà soát"}, format="json"
    )
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    assert (
        api(world.users[roles.OFFICER])
        .post(f"/api/v1/review-flags/{flag.pk}/resolve/", {"resolution": "x"}, format="json")
        .status_code
        == 403
    )


# --- permission matrix ------------------------------------------------------------------------------------


@pytest.fixture
def two_processes(world, in_force, process_for):
    """An in-force process (with an open flag) and a submitted one in each of commune_a and commune_b."""
    made = {}
    for key, agency in (("a", world.commune_a), ("b", world.commune_b)):
        live = in_force(agency=agency)
        services.flag_for_review(
            target=live,
            agency=agency,
            reason=ReviewReason.OTHER,
            legal_reference="CV 1",
            effective_date=START,
        )
        pending = process_for(agency=agency, code=MARRIAGE)
        services.submit_version(actor=None, version=pending.latest_version)
        made[key] = (live, pending)
    return made


def _rows(client, url):
    response = client.get(url, {"page_size": 500})
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def _fingerprint():
    return (
        InternalProcess.objects.count(),
        list(ProcessVersion.objects.order_by("pk").values_list("status", "planned_hours", "valid_from")),
        list(ReviewFlag.objects.order_by("pk").values_list("status", flat=True)),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("role", ALL_ROLES)
def test_lists_and_details_are_scoped(world, two_processes, api, role):
    client = api(world.users[role])
    ours = {p.pk for p in two_processes["a"]}
    theirs = {p.pk for p in two_processes["b"]}
    visible = _rows(client, "/api/v1/processes/")
    flags = _rows(client, "/api/v1/review-flags/")
    flag_b = ReviewFlag.objects.get(agency=world.commune_b).pk
    if role == roles.ADMIN:
        assert visible == ours | theirs and flag_b in flags
    elif role == roles.UNIT_HEAD:
        assert visible == set() and flags == set()
    else:
        assert visible == ours and flags == {ReviewFlag.objects.get(agency=world.commune_a).pk}
    live_b, pending_b = two_processes["b"]
    expected = 200 if role == roles.ADMIN else 404
    for url in (
        f"/api/v1/processes/{live_b.pk}/",
        f"/api/v1/process-versions/{live_b.current_version_id}/",
        f"/api/v1/process-versions/{live_b.current_version_id}/export/?file_format=svg",
        f"/api/v1/review-flags/{flag_b}/",
    ):
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r != roles.ADMIN])
def test_writes_outside_scope_are_404_and_leave_nothing(world, catalogue, two_processes, api, role):
    client = api(world.users[role])
    live_b, pending_b = two_processes["b"]
    version_b = f"/api/v1/process-versions/{pending_b.latest_version_id}/"
    flag_b = ReviewFlag.objects.get(agency=world.commune_b).pk
    writes = [
        ("post", "/api/v1/processes/", {"agency": world.commune_b.pk, "procedures": [BIRTH]}),
        ("patch", f"/api/v1/processes/{live_b.pk}/", {"name": "Khác"}),
        ("delete", f"/api/v1/processes/{pending_b.pk}/", None),
        ("post", f"/api/v1/processes/{live_b.pk}/new-version/", {}),
        ("put", version_b, {"design": {"steps": STEPS}}),
        ("post", f"{version_b}validate/", {}),
        ("post", f"{version_b}submit/", {}),
        ("post", f"{version_b}return/", {"reason": "x"}),
        ("post", f"{version_b}approve/", {}),
        ("post", f"{version_b}put-in-force/", {"valid_from": "2026-12-01"}),
        ("post", f"/api/v1/review-flags/{flag_b}/resolve/", {"resolution": "x"}),
    ]
    before = _fingerprint()
    for method, url, payload in writes:
        response = getattr(client, method)(url, payload, format="json")
        assert response.status_code == 404, (method, url, response.content)
    assert _fingerprint() == before


# Inside the scope (commune_a): 403 = visible but not allowed, 404 = not visible.
CREATE = {
    roles.ADMIN: 201,
    roles.OVERSIGHT_OFFICER: 403,
    roles.INSPECTOR: 403,
    roles.AGENCY_HEAD: 403,
    roles.ISO_SECRETARY: 201,
    roles.UNIT_HEAD: 404,
    roles.OFFICER: 201,
    roles.RECEIVER: 403,
    roles.INTERNAL_AUDITOR: 403,
    roles.VIEWER: 403,
}
EDIT_DRAFT = {**CREATE, roles.ADMIN: 200, roles.ISO_SECRETARY: 200, roles.OFFICER: 200}
SUBMIT = {**EDIT_DRAFT, roles.OFFICER: 403}
APPROVE = {
    **{role: 403 for role in ALL_ROLES},
    roles.ADMIN: 200,
    roles.AGENCY_HEAD: 200,
    roles.UNIT_HEAD: 404,
}
RESOLVE = {**APPROVE, roles.ISO_SECRETARY: 200}


@pytest.fixture
def free_procedure(world, catalogue):
    """A fourth procedure commune_a settles and no process serves yet (for the create case)."""
    from eiso.procedures import importing
    from eiso.procedures import services as procedures
    from eiso.procedures.models import Procedure
    from eiso.procedures.tests.conftest import as_json, portal_record

    importing.import_file(
        actor=None,
        data=as_json(portal_record("1.000656", "1871/QĐ-BTP", name="Thủ tục đăng ký khai tử")),
        file_name="x.json",
    )
    procedure = Procedure.objects.get(code="1.000656")
    procedures.assign_procedures(actor=None, agency=world.commune_a, procedures=[procedure], valid_from=START)
    return procedure


@pytest.mark.parametrize("role", ALL_ROLES)
def test_writes_inside_scope_follow_the_rules(world, two_processes, process_for, free_procedure, api, role):
    client = api(world.users[role])
    live_a, pending_a = two_processes["a"]
    draft = process_for(
        code=BIRTH, steps=[step(1, "Tiếp nhận và trả kết quả", 4, kind="return_to_applicant")]
    )
    draft_url = f"/api/v1/process-versions/{draft.latest_version_id}/"
    one_step = [{"number": 1, "name": "Tiếp nhận, giải quyết và trả kết quả", "unit": "Một cửa", "hours": 6}]
    flag = ReviewFlag.objects.get(agency=world.commune_a)
    cases = [
        (
            CREATE,
            "post",
            "/api/v1/processes/",
            {"agency": world.commune_a.pk, "procedures": [free_procedure.code]},
        ),
        (EDIT_DRAFT, "put", draft_url, {"design": {"steps": one_step}}),
        (SUBMIT, "post", f"{draft_url}submit/", {}),
        (APPROVE, "post", f"/api/v1/process-versions/{pending_a.latest_version_id}/approve/", {}),
        (RESOLVE, "post", f"/api/v1/review-flags/{flag.pk}/resolve/", {"resolution": "Đã rà soát"}),
    ]
    for table, method, url, payload in cases:
        before = _fingerprint()
        response = getattr(client, method)(url, payload, format="json")
        assert response.status_code == table[role], (role, method, url, response.content)
        if table[role] in (403, 404):
            assert _fingerprint() == before, (method, url)
        else:
            assert AuditEvent.objects.count() > before[3], (method, url)


@pytest.mark.parametrize("url", ["/api/v1/processes/", "/api/v1/review-flags/"])
def test_list_query_count_does_not_grow_with_rows(world, catalogue, api, url):
    from eiso.processes.tests.test_views import _grow

    client = api(world.users[roles.ISO_SECRETARY])

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"page_size": 500}).status_code == 200
        return len(captured.captured_queries)

    _grow(world, catalogue, 5)
    client.get(url)
    small = count()
    _grow(world, catalogue, 25)
    assert count() == small <= 7
