"""/api/v1/agencies/: list and filters, detail, subtree, tree as of a day, history, and the writes."""

import pytest

from eiso.accounts import roles
from eiso.api.tests.world import REFORM, row_counts
from eiso.core.models import AuditEvent
from eiso.organizations.models import Agency, AgencyKind, AgencyVersion

pytestmark = pytest.mark.django_db

URL = "/api/v1/agencies/"


def names(response) -> list[str]:
    body = response.json()
    return [row["name"] for row in (body["results"] if isinstance(body, dict) else body)]


def test_list_is_paginated_and_ordered_by_tree(world, api):
    response = api(world.users[roles.ADMIN]).get(URL, {"page_size": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == Agency.objects.count()
    assert len(body["results"]) == 3
    assert body["next"] and body["previous"] is None
    assert body["results"][0]["name"] == "Tỉnh Hưng Yên"
    first = body["results"][0]
    assert first["valid_from"] == "2025-07-01"
    assert first["kind"] == "province" and first["kind_label"] == "Tỉnh, thành phố trực thuộc trung ương"


def test_list_is_scoped(world, api):
    response = api(world.users[roles.OFFICER]).get(URL)
    assert sorted(names(response)) == ["Văn phòng HĐND và UBND", "Xã Văn Giang"]


def test_filter_kind_parent_and_active_on(world, api):
    client = api(world.users[roles.ADMIN])
    assert sorted(names(client.get(URL, {"kind": "province"}))) == ["Thành phố Hải Phòng", "Tỉnh Hưng Yên"]
    assert sorted(names(client.get(URL, {"kind": ["ward", "commune"]}))) == [
        "Phường Hồng Bàng",
        "Xã Cửu Cao",
        "Xã Văn Giang",
    ]
    assert sorted(names(client.get(URL, {"parent": world.st_a.pk}))) == [
        "Chi cục Tiêu chuẩn Đo lường Chất lượng"
    ]
    active_now = names(client.get(URL, {"active_on": "2026-06-01", "kind": "commune"}))
    assert active_now == ["Xã Văn Giang"]
    before_merger = names(client.get(URL, {"active_on": "2025-08-01", "kind": "commune"}))
    assert sorted(before_merger) == ["Xã Cửu Cao", "Xã Văn Giang"]


def test_filter_search_ignores_diacritics_and_d(world, api):
    client = api(world.users[roles.ADMIN])
    assert names(client.get(URL, {"search": "van giang"})) == ["Xã Văn Giang"]
    assert names(client.get(URL, {"search": "HONG BANG"})) == ["Phường Hồng Bàng"]
    assert names(client.get(URL, {"search": "do luong"})) == ["Chi cục Tiêu chuẩn Đo lường Chất lượng"]
    assert names(client.get(URL, {"search": "12064"})) == ["Xã Văn Giang"]


def test_filter_province_gives_its_subtree(world, api):
    client = api(world.users[roles.ADMIN])
    assert sorted(names(client.get(URL, {"province": "31"}))) == [
        "Phường Hồng Bàng",
        "Sở Khoa học và Công nghệ Hải Phòng",
        "Thành phố Hải Phòng",
    ]
    assert names(client.get(URL, {"province": "99"})) == []
    # Combined with the scope: an officer of a commune in province 33 sees only the commune.
    officer = api(world.users[roles.OFFICER])
    assert sorted(names(officer.get(URL, {"province": "33"}))) == ["Văn phòng HĐND và UBND", "Xã Văn Giang"]
    assert names(officer.get(URL, {"province": "31"})) == []


def test_invalid_filter_is_400_json(world, api):
    response = api(world.users[roles.ADMIN], "vi").get(URL, {"active_on": "hôm qua"})
    assert response.status_code == 400
    assert "active_on" in response.json()["fields"]


def test_detail(world, api):
    response = api(world.users[roles.OFFICER]).get(f"{URL}{world.commune_a.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Xã Văn Giang"
    assert body["admin_code"] == "12064" and body["electronic_id"] == "000.08.30.H33"
    assert body["parent"] == world.province_a.pk
    assert api(world.users[roles.OFFICER]).get(f"{URL}{world.province_a.pk}/").status_code == 404


def test_subtree_nested_flat_and_depth(world, api):
    client = api(world.users[roles.ADMIN])
    nested = client.get(f"{URL}{world.province_a.pk}/subtree/").json()
    assert len(nested) == 1 and nested[0]["name"] == "Tỉnh Hưng Yên"
    children = {child["name"]: child for child in nested[0]["children"]}
    assert set(children) == {"Sở Khoa học và Công nghệ", "Sở Tư pháp", "Xã Văn Giang", "Xã Cửu Cao"}
    assert [c["name"] for c in children["Xã Văn Giang"]["children"]] == ["Văn phòng HĐND và UBND"]

    flat = client.get(f"{URL}{world.province_a.pk}/subtree/", {"shape": "flat", "depth": 1}).json()
    assert [row["name"] for row in flat][0] == "Tỉnh Hưng Yên"
    assert len(flat) == 5 and all("children" not in row for row in flat)
    assert {row["depth"] for row in flat} == {0, 1}

    only_active = client.get(
        f"{URL}{world.province_a.pk}/subtree/", {"shape": "flat", "active_on": "2026-06-01", "depth": 1}
    ).json()
    assert "Xã Cửu Cao" not in [row["name"] for row in only_active]

    assert client.get(f"{URL}{world.province_a.pk}/subtree/", {"shape": "round"}).status_code == 400


def test_subtree_is_restricted_to_scope(world, api):
    # The unit head sees the commune office only, not the commune above it.
    unit_head = api(world.users[roles.UNIT_HEAD])
    assert unit_head.get(f"{URL}{world.commune_a.pk}/subtree/").status_code == 404
    body = unit_head.get(f"{URL}{world.commune_office.pk}/subtree/").json()
    assert [node["name"] for node in body] == ["Văn phòng HĐND và UBND"] and body[0]["children"] == []


def test_tree_as_of_a_day(world, api):
    client = api(world.users[roles.ADMIN])
    today = client.get(f"{URL}tree/").json()
    assert sorted(node["name"] for node in today) == ["Thành phố Hải Phòng", "Tỉnh Hưng Yên"]
    hung_yen = next(node for node in today if node["admin_code"] == "33")
    assert "Xã Cửu Cao" not in [c["name"] for c in hung_yen["children"]]
    assert set(hung_yen) == {"id", "name", "short_name", "kind", "admin_code", "electronic_id", "children"}

    before = client.get(f"{URL}tree/", {"as_of": "2025-08-01", "root": world.province_a.pk}).json()
    assert len(before) == 1 and before[0]["id"] == world.province_a.pk
    communes = {c["name"]: c for c in before[0]["children"] if c["kind"] == AgencyKind.COMMUNE}
    assert set(communes) == {"Xã Xuân Quan", "Xã Cửu Cao"}
    assert communes["Xã Xuân Quan"]["id"] == world.commune_a.pk
    assert [c["name"] for c in communes["Xã Xuân Quan"]["children"]] == ["Văn phòng HĐND và UBND"]

    assert client.get(f"{URL}tree/", {"as_of": "2024-01-01"}).json() == []
    assert client.get(f"{URL}tree/", {"as_of": "01/08/2025"}).status_code == 400


def test_tree_root_missing_that_day_or_outside_scope_is_404(world, api):
    admin = api(world.users[roles.ADMIN], "vi")
    response = admin.get(f"{URL}tree/", {"as_of": "2026-01-01", "root": world.old_commune.pk})
    assert response.status_code == 404
    assert "không có hiệu lực" in response.json()["detail"]
    officer = api(world.users[roles.OFFICER])
    assert officer.get(f"{URL}tree/", {"root": world.province_b.pk}).status_code == 404
    # The officer's tree starts at the commune: its province is outside the scope.
    tree = officer.get(f"{URL}tree/").json()
    assert [node["name"] for node in tree] == ["Xã Văn Giang"]


def test_history(world, api):
    body = api(world.users[roles.OFFICER]).get(f"{URL}{world.commune_a.pk}/history/").json()
    assert body["agency"]["id"] == world.commune_a.pk
    assert [(v["name"], v["valid_from"], v["valid_to"]) for v in body["versions"]] == [
        ("Xã Xuân Quan", "2025-07-01", "2025-12-31"),
        ("Xã Văn Giang", "2026-01-01", None),
    ]
    assert body["versions"][1]["change_reason"] == "Đổi tên"
    assert [(s["predecessor"]["name"], s["kind"], s["effective_date"]) for s in body["successions_in"]] == [
        ("Xã Cửu Cao", "merger", "2025-10-01")
    ]
    assert body["successions_out"] == []
    old = api(world.users[roles.ADMIN]).get(f"{URL}{world.old_commune.pk}/history/").json()
    assert [s["successor"]["id"] for s in old["successions_out"]] == [world.commune_a.pk]


def test_create_change_contacts_dissolve(world, api):
    client = api(world.users[roles.OVERSIGHT_OFFICER])
    response = client.post(
        URL,
        {
            "name": "Phòng Quản lý chuyên ngành",
            "kind": "internal_unit",
            "parent": world.st_a.pk,
            "valid_from": "2025-07-01",
            "phone": "0221 3 555 555",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = Agency.objects.get(pk=response.json()["id"])
    assert created.parent_id == world.st_a.pk and created.phone == "0221 3 555 555"
    event = AuditEvent.objects.filter(verb="agency.create").order_by("-id").first()
    assert event.actor_id == world.users[roles.OVERSIGHT_OFFICER].pk and event.object_id == str(created.pk)

    response = client.post(
        f"{URL}{created.pk}/change/",
        {"effective_from": "2026-03-01", "name": "Phòng Quản lý tiêu chuẩn", "reason": "Kiện toàn"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert (
        response.json()["name"] == "Phòng Quản lý tiêu chuẩn"
        and response.json()["valid_from"] == "2026-03-01"
    )
    assert AgencyVersion.objects.filter(agency=created).count() == 2

    response = client.patch(f"{URL}{created.pk}/contacts/", {"email": "qltc@hungyen.gov.vn"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["email"] == "qltc@hungyen.gov.vn"

    response = client.post(f"{URL}{created.pk}/dissolve/", {"last_day": "2026-06-30"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["valid_to"] == "2026-06-30"
    events = AuditEvent.objects.filter(object_type="organizations.agency", object_id=str(created.pk))
    verbs = list(events.order_by("id").values_list("verb", flat=True))
    assert verbs == ["agency.create", "agency.change", "agency.contacts", "agency.dissolve"]


def test_move_under_another_parent(world, api):
    client = api(world.users[roles.ADMIN])
    response = client.post(
        f"{URL}{world.justice_unit.pk}/change/",
        {"effective_from": "2026-02-01", "parent": world.st_a.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    moved = Agency.objects.get(pk=world.justice_unit.pk)
    assert moved.parent_id == world.st_a.pk
    assert moved.path.startswith(Agency.objects.get(pk=world.st_a.pk).path)


def test_write_errors_are_json_with_fields(world, api):
    client = api(world.users[roles.ADMIN], "vi")
    before = row_counts()
    response = client.post(URL, {"name": "", "kind": "planet", "valid_from": "2025-07-01"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) >= {"name", "kind"}
    # The service's own validation: a commune needs a five-digit administrative code.
    response = client.post(
        URL,
        {"name": "Xã Mới", "kind": "commune", "parent": world.province_a.pk, "valid_from": "2025-07-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "admin_code" in response.json()["fields"]
    assert "5 chữ số" in response.json()["detail"]
    # History cannot be rewritten: a change must start after the latest version.
    response = client.post(
        f"{URL}{world.commune_a.pk}/change/",
        {"effective_from": "2025-12-01", "name": "Xã Khác"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "history_locked"
    assert response.json()["fields"] == {"effective_from": [response.json()["detail"]]}
    response = client.patch(f"{URL}{world.commune_a.pk}/contacts/", {}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "no_change"
    assert row_counts() == before


def test_put_and_delete_are_not_allowed(world, api):
    client = api(world.users[roles.ADMIN])
    assert client.put(f"{URL}{world.commune_a.pk}/", {}, format="json").status_code == 405
    assert client.delete(f"{URL}{world.commune_a.pk}/").status_code == 405


def test_internal_unit_created_by_agency_head(world, api):
    response = api(world.users[roles.AGENCY_HEAD]).post(
        URL,
        {
            "name": "Bộ phận một cửa",
            "kind": "internal_unit",
            "parent": world.commune_a.pk,
            "valid_from": str(REFORM),
        },
        format="json",
    )
    assert response.status_code == 201
    # But not a commune-level office of another kind.
    response = api(world.users[roles.AGENCY_HEAD]).post(
        URL,
        {
            "name": "Phòng Kinh tế",
            "kind": "commune_office",
            "parent": world.commune_a.pk,
            "valid_from": str(REFORM),
        },
        format="json",
    )
    assert response.status_code == 403
