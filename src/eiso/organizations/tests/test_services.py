import datetime
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import ValidationError

from eiso.accounts import roles
from eiso.core.audit import verify_chain
from eiso.core.errors import DomainError, PermissionRefused
from eiso.core.models import AuditEvent
from eiso.organizations import services
from eiso.organizations.models import (
    Agency,
    AgencyKind,
    AgencySuccession,
    AgencyVersion,
    OversightScope,
)
from eiso.organizations.tests.factories import (
    AgencyFactory,
    CommuneFactory,
    ProvinceFactory,
)

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
TODAY = datetime.date.today()
REFORM = D(2025, 7, 1)
pytestmark = pytest.mark.django_db


def counts():
    return (Agency.objects.count(), AgencyVersion.objects.count(), AuditEvent.objects.count())


def step(pk):
    return f"{pk:08d}/"


# --- create_agency -------------------------------------------------------------------------------


def test_create_agency_writes_identity_first_version_path_and_event():
    province = services.create_agency(
        actor=None,
        name=" Tỉnh Hưng Yên ",
        short_name="Hưng Yên",
        kind=AgencyKind.PROVINCE,
        admin_code="33",
        electronic_id="000.00.00.H33",
        valid_from=REFORM,
        address="Số 6 đường Chùa Chuông",
        legal_basis="Nghị quyết 202/2025/QH15",
        reason="Sắp xếp",
    )
    province.refresh_from_db()
    assert province.name == "Tỉnh Hưng Yên"
    assert province.path == step(province.pk) and province.depth == 0
    assert (province.valid_from, province.valid_to) == (REFORM, None)
    assert province.search_text == "tinh hung yen hung yen 33 000.00.00.h33"
    (version,) = province.versions.all()
    for name in ("name", "short_name", "kind", "admin_code", "electronic_id", "address", "parent_id"):
        assert getattr(version, name) == getattr(province, name)
    assert (version.valid_from, version.valid_to) == (REFORM, None)
    assert version.legal_basis == "Nghị quyết 202/2025/QH15" and version.change_reason == "Sắp xếp"
    event = AuditEvent.objects.get()
    assert (event.verb, event.agency_id, event.object_id) == ("agency.create", province.pk, str(province.pk))
    assert event.after["name"] == "Tỉnh Hưng Yên" and event.after["admin_code"] == "33"
    assert event.reason == "Sắp xếp"

    department = services.create_agency(
        actor=None,
        name="Sở Tư pháp",
        kind=AgencyKind.PROVINCIAL_DEPARTMENT,
        valid_from=REFORM,
        parent=province,
    )
    unit = services.create_agency(
        actor=None,
        name="Phòng Hành chính",
        kind=AgencyKind.INTERNAL_UNIT,
        valid_from=REFORM,
        parent=department,
    )
    department.refresh_from_db()
    unit.refresh_from_db()
    assert department.path == province.path + step(department.pk) and department.depth == 1
    assert unit.path == department.path + step(unit.pk) and unit.depth == 2
    assert unit.versions.get().parent_id == department.pk
    assert verify_chain().ok


def test_a_failure_after_the_rows_were_written_leaves_no_rows_and_no_event():
    parent = ProvinceFactory()
    before = counts()
    with (
        mock.patch("eiso.organizations.services.record_event", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        services.create_agency(
            actor=None, name="Sở X", kind=AgencyKind.PROVINCIAL_DEPARTMENT, valid_from=REFORM, parent=parent
        )
    assert counts() == before
    assert not Agency.objects.filter(name="Sở X").exists()


def test_a_refused_creation_leaves_no_rows_and_no_event():
    before = counts()
    with pytest.raises(ValidationError):
        services.create_agency(
            actor=None, name="Tỉnh X", kind=AgencyKind.PROVINCE, admin_code="3", valid_from=REFORM
        )
    assert counts() == before


def test_create_agency_refuses_an_actor_without_rights(agency_tree, member):
    officer = member(agency_tree.justice, roles.OFFICER)
    before = counts()
    with pytest.raises(PermissionRefused):
        services.create_agency(
            actor=officer,
            name="Phòng mới",
            kind=AgencyKind.INTERNAL_UNIT,
            valid_from=REFORM,
            parent=agency_tree.justice,
        )
    assert counts() == before


def test_create_agency_by_secretary_and_oversight_officer(agency_tree, member):
    secretary = member(agency_tree.justice, roles.ISO_SECRETARY)
    unit = services.create_agency(
        actor=secretary,
        name="Phòng mới",
        kind=AgencyKind.INTERNAL_UNIT,
        valid_from=REFORM,
        parent=agency_tree.justice,
    )
    event = AuditEvent.objects.for_object(unit).get()
    assert event.actor_id == secretary.pk
    with pytest.raises(PermissionRefused):
        services.create_agency(
            actor=secretary,
            name="Sở mới",
            kind=AgencyKind.PROVINCIAL_DEPARTMENT,
            valid_from=REFORM,
            parent=agency_tree.province,
        )
    officer = member(agency_tree.science, roles.OVERSIGHT_OFFICER)
    services.create_agency(
        actor=officer,
        name="Xã Mới",
        kind=AgencyKind.COMMUNE,
        admin_code="54321",
        valid_from=REFORM,
        parent=agency_tree.province,
    )
    with pytest.raises(PermissionRefused):
        services.create_agency(
            actor=officer, name="Tỉnh Mới", kind=AgencyKind.PROVINCE, admin_code="99", valid_from=REFORM
        )


@pytest.mark.parametrize(
    ("kind", "admin_code", "electronic_id", "field"),
    [
        (AgencyKind.PROVINCE, "3", "", "admin_code"),
        (AgencyKind.PROVINCE, "333", "", "admin_code"),
        (AgencyKind.PROVINCE, "", "", "admin_code"),
        (AgencyKind.COMMUNE, "1198", "", "admin_code"),
        (AgencyKind.WARD, "119800", "", "admin_code"),
        (AgencyKind.SPECIAL_ZONE, "ab123", "", "admin_code"),
        (AgencyKind.OTHER, "12345", "", "admin_code"),
        (AgencyKind.OTHER, "", "H33.00", "electronic_id"),
        (AgencyKind.OTHER, "", "000." * 9 + "H33", "electronic_id"),
    ],
)
def test_create_agency_refuses_wrong_code_formats(kind, admin_code, electronic_id, field):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        services.create_agency(
            actor=None,
            name="Cơ quan",
            kind=kind,
            admin_code=admin_code,
            electronic_id=electronic_id,
            valid_from=REFORM,
        )
    assert field in caught.value.message_dict
    assert counts() == before


def test_same_admin_code_for_two_agencies_with_overlapping_validity_is_refused():
    ProvinceFactory(name="Tỉnh Thái Bình", admin_code="34", valid_from=D(2008, 1, 1), valid_to=D(2025, 6, 30))
    with pytest.raises(DomainError) as caught:
        ProvinceFactory(name="Tỉnh Khác", admin_code="34", valid_from=D(2025, 6, 30))
    assert caught.value.code == "duplicate_code" and caught.value.field == "admin_code"
    assert "Tỉnh Thái Bình" in caught.value.message
    # The day after the first one ended, the code is free again.
    ProvinceFactory(name="Tỉnh Khác", admin_code="34", valid_from=REFORM)
    with pytest.raises(DomainError):
        ProvinceFactory(name="Tỉnh Thứ Ba", admin_code="34", valid_from=D(2030, 1, 1))


def test_same_electronic_id_with_overlapping_validity_is_refused():
    AgencyFactory(electronic_id="000.00.15.H33", valid_from=D(2020, 1, 1), valid_to=D(2025, 6, 30))
    with pytest.raises(DomainError) as caught:
        AgencyFactory(electronic_id="000.00.15.H33", valid_from=D(2025, 1, 1))
    assert caught.value.field == "electronic_id"
    AgencyFactory(electronic_id="000.00.15.H33", valid_from=REFORM)


@pytest.mark.parametrize(
    ("child_from", "child_to"),
    [
        (D(2019, 12, 31), None),  # starts before the parent
        (D(2021, 1, 1), None),  # open-ended under a parent that ends
        (D(2021, 1, 1), D(2031, 1, 1)),  # ends after the parent
        (D(2031, 1, 1), D(2031, 2, 1)),  # entirely after
    ],
)
def test_child_outside_its_parents_validity_is_refused(child_from, child_to):
    parent = AgencyFactory(valid_from=D(2020, 1, 1), valid_to=D(2030, 12, 31))
    before = counts()
    with pytest.raises(DomainError) as caught:
        AgencyFactory(parent=parent, valid_from=child_from, valid_to=child_to)
    assert caught.value.code == "outside_parent"
    assert counts() == before


def test_child_within_its_parents_validity_is_accepted():
    parent = AgencyFactory(valid_from=D(2020, 1, 1), valid_to=D(2030, 12, 31))
    AgencyFactory(parent=parent, valid_from=D(2020, 1, 1), valid_to=D(2030, 12, 31))


def test_district_valid_after_30_06_2025_is_refused():
    province = ProvinceFactory(valid_from=D(2008, 1, 1))
    with pytest.raises(ValidationError) as caught:
        AgencyFactory(parent=province, kind=AgencyKind.DISTRICT, valid_from=D(2008, 1, 1))
    assert "kind" in caught.value.message_dict
    with pytest.raises(ValidationError):
        AgencyFactory(parent=province, kind=AgencyKind.DISTRICT, valid_from=D(2008, 1, 1), valid_to=REFORM)
    district = AgencyFactory(
        parent=province, kind=AgencyKind.DISTRICT, valid_from=D(2008, 1, 1), valid_to=D(2025, 6, 30)
    )
    assert district.valid_to == D(2025, 6, 30)


# --- change_agency -------------------------------------------------------------------------------


def test_rename_creates_a_new_version_and_closes_the_previous_one():
    agency = AgencyFactory(name="Sở Khoa học và Công nghệ", valid_from=D(2020, 1, 1), legal_basis="QĐ 1")
    first = agency.versions.get()
    version = services.change_agency(
        actor=None,
        agency=agency,
        effective_from=REFORM,
        name="Sở Khoa học, Công nghệ và Đổi mới",
        reason="Đổi tên",
        legal_basis="QĐ 2",
    )
    first.refresh_from_db()
    assert (first.name, first.valid_from, first.valid_to, first.legal_basis) == (
        "Sở Khoa học và Công nghệ",
        D(2020, 1, 1),
        REFORM - ONE_DAY,
        "QĐ 1",
    )
    assert (version.name, version.valid_from, version.valid_to) == (
        "Sở Khoa học, Công nghệ và Đổi mới",
        REFORM,
        None,
    )
    assert (version.change_reason, version.legal_basis) == ("Đổi tên", "QĐ 2")
    agency.refresh_from_db()
    assert agency.name == "Sở Khoa học, Công nghệ và Đổi mới"
    assert "doi moi" in agency.search_text
    assert (agency.valid_from, agency.valid_to) == (D(2020, 1, 1), None)
    event = AuditEvent.objects.filter(verb="agency.change").get()
    assert event.before["name"] == "Sở Khoa học và Công nghệ"
    assert event.after["name"] == "Sở Khoa học, Công nghệ và Đổi mới"
    assert event.reason == "Đổi tên"


def test_history_is_never_rewritten_by_later_changes():
    agency = AgencyFactory(name="Tên 1", valid_from=D(2020, 1, 1))
    services.change_agency(actor=None, agency=agency, effective_from=D(2021, 1, 1), name="Tên 2")
    snapshot = list(agency.versions.order_by("valid_from").values_list("name", "valid_from", "valid_to"))
    services.change_agency(actor=None, agency=agency, effective_from=D(2022, 1, 1), name="Tên 3")
    rows = list(agency.versions.order_by("valid_from").values_list("name", "valid_from", "valid_to"))
    assert rows[0] == snapshot[0]
    assert rows == [
        ("Tên 1", D(2020, 1, 1), D(2020, 12, 31)),
        ("Tên 2", D(2021, 1, 1), D(2021, 12, 31)),
        ("Tên 3", D(2022, 1, 1), None),
    ]


@pytest.mark.parametrize("offset", [0, -1, -400])
def test_change_effective_on_or_before_the_latest_start_is_refused(offset):
    agency = AgencyFactory(valid_from=D(2020, 1, 1))
    services.change_agency(actor=None, agency=agency, effective_from=D(2022, 1, 1), name="Tên mới")
    before = counts()
    with pytest.raises(DomainError) as caught:
        services.change_agency(
            actor=None,
            agency=agency,
            effective_from=D(2022, 1, 1) + datetime.timedelta(days=offset),
            name="Tên khác",
        )
    assert caught.value.code == "history_locked"
    assert caught.value.field == "effective_from"
    assert counts() == before


def test_change_after_the_agency_ended_is_refused():
    agency = AgencyFactory(valid_from=D(2020, 1, 1), valid_to=D(2024, 12, 31))
    with pytest.raises(DomainError) as caught:
        services.change_agency(actor=None, agency=agency, effective_from=D(2025, 1, 1), name="Tên mới")
    assert caught.value.code == "ended"
    # A change on the last day keeps the end date.
    version = services.change_agency(
        actor=None, agency=agency, effective_from=D(2024, 12, 31), name="Tên mới"
    )
    assert (version.valid_from, version.valid_to) == (D(2024, 12, 31), D(2024, 12, 31))


def test_change_with_nothing_changed_is_refused():
    agency = AgencyFactory(name="Tên", valid_from=D(2020, 1, 1))
    with pytest.raises(DomainError) as caught:
        services.change_agency(actor=None, agency=agency, effective_from=REFORM, name="Tên")
    assert caught.value.code == "no_change"


def test_change_of_an_unknown_field_is_a_programming_error():
    agency = AgencyFactory()
    with pytest.raises(TypeError):
        services.change_agency(actor=None, agency=agency, effective_from=REFORM, valid_to=REFORM)


def test_move_updates_path_and_depth_of_the_whole_subtree():
    old_parent = AgencyFactory(name="Cũ")
    new_root = AgencyFactory(name="Mới")
    new_parent = AgencyFactory(name="Mới con", parent=new_root)
    moving = AgencyFactory(name="Chuyển", parent=old_parent)
    child = AgencyFactory(name="Con", parent=moving)
    grandchild = AgencyFactory(name="Cháu", parent=child)
    bystander = AgencyFactory(name="Không đổi", parent=old_parent)

    services.change_agency(actor=None, agency=moving, effective_from=REFORM, parent=new_parent)

    for agency in (moving, child, grandchild, bystander, new_parent):
        agency.refresh_from_db()
    assert moving.parent_id == new_parent.pk
    assert moving.path == new_parent.path + step(moving.pk) and moving.depth == 2
    assert child.path == moving.path + step(child.pk) and child.depth == 3
    assert grandchild.path == child.path + step(grandchild.pk) and grandchild.depth == 4
    assert bystander.path == old_parent.path + step(bystander.pk) and bystander.depth == 1
    assert set(Agency.objects.subtree(new_root)) == {new_root, new_parent, moving, child, grandchild}
    assert set(Agency.objects.subtree(old_parent)) == {old_parent, bystander}
    assert list(Agency.objects.ancestors_of(grandchild)) == [new_root, new_parent, moving, child]
    # History keeps where it was.
    assert list(moving.versions.order_by("valid_from").values_list("parent_id", flat=True)) == [
        old_parent.pk,
        new_parent.pk,
    ]

    # Moving back up to the top level.
    services.change_agency(actor=None, agency=moving, effective_from=REFORM + ONE_DAY, parent=None)
    grandchild.refresh_from_db()
    moving.refresh_from_db()
    assert moving.path == step(moving.pk) and moving.depth == 0
    assert grandchild.path == step(moving.pk) + step(child.pk) + step(grandchild.pk) and grandchild.depth == 2


def test_moving_an_agency_under_itself_or_its_descendant_is_refused():
    top = AgencyFactory(name="Trên")
    middle = AgencyFactory(name="Giữa", parent=top)
    bottom = AgencyFactory(name="Dưới", parent=middle)
    before = counts()
    for target in (top, middle, bottom):
        with pytest.raises(DomainError) as caught:
            services.change_agency(actor=None, agency=top, effective_from=REFORM, parent=target)
        assert caught.value.code == "cycle"
        assert "vòng lặp" in caught.value.message
        assert "Trên" in caught.value.message
    assert counts() == before


def test_future_moves_cannot_build_a_cycle():
    """A → under B from one day, then B → under A from a later day: the tree would loop from then on."""
    a = AgencyFactory(name="A")
    b = AgencyFactory(name="B")
    first = TODAY + datetime.timedelta(days=10)
    services.change_agency(actor=None, agency=a, effective_from=first, parent=b)
    with pytest.raises(DomainError) as caught:
        services.change_agency(actor=None, agency=b, effective_from=first + ONE_DAY, parent=a)
    assert caught.value.code == "cycle"


def test_future_move_away_allows_a_later_reverse_move():
    a = AgencyFactory(name="A")
    b = AgencyFactory(name="B", parent=a)
    first = TODAY + datetime.timedelta(days=10)
    services.change_agency(actor=None, agency=b, effective_from=first, parent=None)
    services.change_agency(actor=None, agency=a, effective_from=first + ONE_DAY, parent=b)
    assert services.refresh_current_copies(today=first) == 1
    assert services.refresh_current_copies(today=first + ONE_DAY) == 1
    a.refresh_from_db()
    b.refresh_from_db()
    assert b.path == step(b.pk) and a.path == b.path + step(a.pk)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": AgencyKind.PROVINCE, "admin_code": "3"}, "admin_code"),
        ({"electronic_id": "H33.00"}, "electronic_id"),
        ({"electronic_id": "000." * 9 + "H33"}, "electronic_id"),
        ({"kind": AgencyKind.DISTRICT}, "kind"),
    ],
)
def test_change_refuses_wrong_codes_and_kinds(changes, field):
    agency = AgencyFactory(valid_from=D(2020, 1, 1))
    before = counts()
    with pytest.raises(ValidationError) as caught:
        services.change_agency(actor=None, agency=agency, effective_from=REFORM, **changes)
    assert field in caught.value.message_dict
    assert counts() == before


def test_change_refuses_a_code_another_agency_holds_at_the_time():
    CommuneFactory(name="Xã A", admin_code="11111", valid_from=D(2020, 1, 1), valid_to=D(2025, 6, 30))
    other = CommuneFactory(name="Xã B", admin_code="22222", valid_from=D(2020, 1, 1))
    with pytest.raises(DomainError) as caught:
        services.change_agency(actor=None, agency=other, effective_from=D(2025, 1, 1), admin_code="11111")
    assert caught.value.code == "duplicate_code"
    services.change_agency(actor=None, agency=other, effective_from=REFORM, admin_code="11111")
    # An agency's own earlier versions never clash with it.
    services.change_agency(actor=None, agency=other, effective_from=REFORM + ONE_DAY, name="Xã B mới")


def test_change_refuses_a_parent_whose_validity_does_not_cover():
    agency = AgencyFactory(valid_from=D(2020, 1, 1))
    short_lived = AgencyFactory(name="Ngắn hạn", valid_from=D(2020, 1, 1), valid_to=D(2030, 1, 1))
    late = AgencyFactory(name="Muộn", valid_from=D(2026, 1, 1))
    for parent in (short_lived, late):
        with pytest.raises(DomainError) as caught:
            services.change_agency(actor=None, agency=agency, effective_from=REFORM, parent=parent)
        assert caught.value.code == "outside_parent"


def test_change_permissions(agency_tree, member):
    officer = member(agency_tree.justice, roles.OFFICER)
    with pytest.raises(PermissionRefused):
        services.change_agency(actor=officer, agency=agency_tree.justice, effective_from=REFORM, name="X")
    secretary = member(agency_tree.justice, roles.ISO_SECRETARY)
    services.change_agency(
        actor=secretary, agency=agency_tree.justice_unit, effective_from=REFORM, name="Phòng mới"
    )
    with pytest.raises(PermissionRefused):  # an internal unit, but of another agency
        services.change_agency(
            actor=secretary, agency=agency_tree.science_unit, effective_from=REFORM, name="Y"
        )
    with pytest.raises(PermissionRefused):  # moving it out of the secretary's agency
        services.change_agency(
            actor=secretary,
            agency=agency_tree.justice_unit,
            effective_from=REFORM + ONE_DAY,
            parent=agency_tree.science,
        )
    overseer = member(agency_tree.science, roles.OVERSIGHT_OFFICER)
    services.change_agency(
        actor=overseer, agency=agency_tree.commune, effective_from=REFORM, name="Xã Đổi Tên"
    )
    with pytest.raises(PermissionRefused):
        services.change_agency(
            actor=overseer, agency=agency_tree.other_justice, effective_from=REFORM, name="Z"
        )
    inspector = member(agency_tree.science, roles.INSPECTOR)
    with pytest.raises(PermissionRefused):
        services.change_agency(
            actor=inspector, agency=agency_tree.commune, effective_from=REFORM + ONE_DAY, name="W"
        )


# --- the tree as of a day ------------------------------------------------------------------------


def test_as_of_returns_the_tree_of_that_day_around_a_rename():
    province = ProvinceFactory(name="Tỉnh Cũ", admin_code="33", valid_from=D(2008, 1, 1))
    services.change_agency(actor=None, agency=province, effective_from=REFORM, name="Tỉnh Mới")
    names = lambda day: set(AgencyVersion.objects.as_of(day).values_list("name", flat=True))  # noqa: E731
    assert names(D(2008, 1, 1)) == {"Tỉnh Cũ"}
    assert names(REFORM - ONE_DAY) == {"Tỉnh Cũ"}
    assert names(REFORM) == {"Tỉnh Mới"}
    assert names(D(2007, 12, 31)) == set()


def test_as_of_returns_the_tree_of_that_day_around_a_merger():
    hung_yen = ProvinceFactory(name="Tỉnh Hưng Yên", admin_code="33", valid_from=D(2008, 1, 1))
    thai_binh = ProvinceFactory(name="Tỉnh Thái Bình", admin_code="34", valid_from=D(2008, 1, 1))
    department = AgencyFactory(
        name="Sở Tư pháp Thái Bình",
        kind=AgencyKind.PROVINCIAL_DEPARTMENT,
        parent=thai_binh,
        valid_from=D(2008, 1, 1),
    )
    services.merge_agencies(actor=None, predecessors=[thai_binh], successor=hung_yen, effective_date=REFORM)

    def tree(day):
        return {
            v.name: (v.parent.name if v.parent else None)
            for v in AgencyVersion.objects.as_of(day).select_related("parent")
        }

    assert tree(REFORM - ONE_DAY) == {
        "Tỉnh Hưng Yên": None,
        "Tỉnh Thái Bình": None,
        "Sở Tư pháp Thái Bình": "Tỉnh Thái Bình",
    }
    assert tree(REFORM) == {"Tỉnh Hưng Yên": None, "Sở Tư pháp Thái Bình": "Tỉnh Hưng Yên"}
    department.refresh_from_db()
    assert department.path.startswith(hung_yen.path)


# --- merge_agencies ------------------------------------------------------------------------------


def test_merge_into_a_new_successor():
    province = ProvinceFactory(valid_from=D(2008, 1, 1))
    a = CommuneFactory(name="Xã A", admin_code="10001", parent=province, valid_from=D(2008, 1, 1))
    b = CommuneFactory(name="Xã B", admin_code="10002", parent=province, valid_from=D(2008, 1, 1))
    office_a = AgencyFactory(
        name="Văn phòng A", kind=AgencyKind.COMMUNE_OFFICE, parent=a, valid_from=D(2008, 1, 1)
    )
    office_b = AgencyFactory(
        name="Văn phòng B", kind=AgencyKind.COMMUNE_OFFICE, parent=b, valid_from=D(2008, 1, 1)
    )
    ended = AgencyFactory(name="Đã giải thể", parent=a, valid_from=D(2008, 1, 1), valid_to=D(2010, 1, 1))

    successor = services.merge_agencies(
        actor=None,
        predecessors=[a, b],
        effective_date=REFORM,
        name="Xã AB",
        kind=AgencyKind.COMMUNE,
        admin_code="10003",
        parent=province,
        legal_basis="Nghị quyết 1666/NQ-UBTVQH15",
        reason="Sắp xếp",
    )

    for agency in (a, b, office_a, office_b, ended, successor):
        agency.refresh_from_db()
    assert (successor.name, successor.valid_from, successor.parent_id) == ("Xã AB", REFORM, province.pk)
    assert a.valid_to == b.valid_to == REFORM - ONE_DAY
    assert a.versions.get().legal_basis == "Nghị quyết 1666/NQ-UBTVQH15"
    for office, old in ((office_a, a), (office_b, b)):
        assert office.parent_id == successor.pk
        assert office.path.startswith(successor.path)
        assert list(office.versions.order_by("valid_from").values_list("parent_id", "valid_to")) == [
            (old.pk, REFORM - ONE_DAY),
            (successor.pk, None),
        ]
    assert ended.parent_id == a.pk and ended.versions.count() == 1  # history stays where it was
    links = AgencySuccession.objects.order_by("predecessor__name")
    assert [(s.predecessor, s.successor, s.kind, s.effective_date) for s in links] == [
        (a, successor, "merger", REFORM),
        (b, successor, "merger", REFORM),
    ]
    assert AuditEvent.objects.filter(verb="agency.succession").count() == 2
    assert AuditEvent.objects.filter(verb="agency.dissolve").count() == 2
    assert verify_chain().ok


def test_merge_into_an_existing_successor_skips_the_successor_itself():
    keeper = ProvinceFactory(name="Giữ lại", admin_code="33", valid_from=D(2008, 1, 1))
    merged = ProvinceFactory(name="Sáp nhập", admin_code="34", valid_from=D(2008, 1, 1))
    result = services.merge_agencies(
        actor=None, predecessors=[merged, keeper], successor=keeper, effective_date=REFORM
    )
    assert result == keeper
    keeper.refresh_from_db()
    assert keeper.valid_to is None
    assert AgencySuccession.objects.get().predecessor == merged


def test_merge_with_a_future_effective_date_moves_children_then():
    province = ProvinceFactory(valid_from=D(2008, 1, 1))
    a = CommuneFactory(name="Xã A", admin_code="10001", parent=province, valid_from=D(2008, 1, 1))
    b = CommuneFactory(name="Xã B", admin_code="10002", parent=province, valid_from=D(2008, 1, 1))
    office = AgencyFactory(
        name="Văn phòng A", kind=AgencyKind.COMMUNE_OFFICE, parent=a, valid_from=D(2008, 1, 1)
    )
    day = TODAY + datetime.timedelta(days=30)

    services.merge_agencies(actor=None, predecessors=[a], successor=b, effective_date=day)

    office.refresh_from_db()
    assert office.parent_id == a.pk  # still under A until the day
    assert office.versions.get(valid_from=day).parent_id == b.pk
    services.refresh_current_copies(today=day)
    office.refresh_from_db()
    assert office.parent_id == b.pk and office.path.startswith(b.path)


def test_merge_refuses_no_predecessors_and_unauthorised_actors(agency_tree, member):
    with pytest.raises(DomainError):
        services.merge_agencies(
            actor=None, predecessors=[], successor=agency_tree.province, effective_date=REFORM
        )
    secretary = member(agency_tree.commune, roles.ISO_SECRETARY)
    before = counts()
    with pytest.raises(PermissionRefused):
        services.merge_agencies(
            actor=secretary,
            predecessors=[agency_tree.commune_office],
            successor=agency_tree.commune,
            effective_date=TODAY,
        )
    assert counts() == before


# --- dissolve_agency -----------------------------------------------------------------------------


def test_dissolve_refuses_while_children_outlive():
    parent = AgencyFactory(name="Cha", valid_from=D(2020, 1, 1))
    child = AgencyFactory(name="Con", parent=parent, valid_from=D(2020, 1, 1))
    before = counts()
    with pytest.raises(DomainError) as caught:
        services.dissolve_agency(actor=None, agency=parent, last_day=D(2024, 12, 31))
    assert caught.value.code == "children_outlive"
    assert "Con" in caught.value.message
    assert counts() == before
    services.dissolve_agency(actor=None, agency=child, last_day=D(2024, 6, 30))
    services.dissolve_agency(
        actor=None, agency=parent, last_day=D(2024, 12, 31), reason="Giải thể", legal_basis="QĐ 9"
    )
    parent.refresh_from_db()
    assert parent.valid_to == D(2024, 12, 31)
    version = parent.versions.get()
    assert (version.valid_to, version.change_reason, version.legal_basis) == (
        D(2024, 12, 31),
        "Giải thể",
        "QĐ 9",
    )
    event = AuditEvent.objects.filter(verb="agency.dissolve", agency=parent).get()
    assert event.before["valid_to"] is None and event.after["valid_to"] == "2024-12-31"


def test_dissolve_refuses_when_a_child_moves_in_later():
    parent = AgencyFactory(name="Cha", valid_from=D(2020, 1, 1))
    elsewhere = AgencyFactory(name="Nơi khác", valid_from=D(2020, 1, 1))
    child = AgencyFactory(name="Con", parent=elsewhere, valid_from=D(2020, 1, 1))
    later = TODAY + datetime.timedelta(days=10)
    services.change_agency(actor=None, agency=child, effective_from=later, parent=parent)
    with pytest.raises(DomainError) as caught:
        services.dissolve_agency(actor=None, agency=parent, last_day=later + ONE_DAY)
    assert caught.value.code == "children_outlive"


def test_dissolve_refuses_dates_before_the_latest_version_and_twice():
    agency = AgencyFactory(valid_from=D(2020, 1, 1))
    services.change_agency(actor=None, agency=agency, effective_from=D(2022, 1, 1), name="Mới")
    with pytest.raises(DomainError) as caught:
        services.dissolve_agency(actor=None, agency=agency, last_day=D(2021, 12, 31))
    assert caught.value.code == "history_locked"
    services.dissolve_agency(actor=None, agency=agency, last_day=D(2023, 1, 1))
    with pytest.raises(DomainError) as caught:
        services.dissolve_agency(actor=None, agency=agency, last_day=D(2024, 1, 1))
    assert caught.value.code == "ended"


# --- update_contacts -----------------------------------------------------------------------------


def test_update_contacts_in_place():
    agency = AgencyFactory(valid_from=D(2020, 1, 1), phone="0221 1", address="Cũ")
    services.change_agency(actor=None, agency=agency, effective_from=D(2022, 1, 1), name="Tên mới")
    versions_before = AgencyVersion.objects.count()
    services.update_contacts(
        actor=None, agency=agency, phone="0221 3 555 555", email="vanphong@hungyen.gov.vn"
    )
    agency.refresh_from_db()
    assert (agency.phone, agency.email, agency.address) == ("0221 3 555 555", "vanphong@hungyen.gov.vn", "Cũ")
    assert AgencyVersion.objects.count() == versions_before
    latest = agency.versions.order_by("-valid_from").first()
    assert (latest.phone, latest.email) == ("0221 3 555 555", "vanphong@hungyen.gov.vn")
    event = AuditEvent.objects.filter(verb="agency.contacts").get()
    assert event.before == {"phone": "0221 1", "email": ""}
    assert event.after == {"phone": "0221 3 555 555", "email": "vanphong@hungyen.gov.vn"}


def test_update_contacts_refusals():
    agency = AgencyFactory(phone="1")
    before = counts()
    with pytest.raises(DomainError):
        services.update_contacts(actor=None, agency=agency, phone="1")
    with pytest.raises(ValidationError):
        services.update_contacts(actor=None, agency=agency, email="không phải thư")
    with pytest.raises(TypeError):
        services.update_contacts(actor=None, agency=agency, name="Tên khác")
    assert counts() == before
    agency.refresh_from_db()
    assert agency.email == ""


def test_contacts_survive_the_day_a_pending_version_comes_into_force():
    agency = AgencyFactory(valid_from=D(2020, 1, 1), phone="cũ")
    day = TODAY + datetime.timedelta(days=5)
    services.change_agency(actor=None, agency=agency, effective_from=day, name="Tên tương lai")
    services.update_contacts(actor=None, agency=agency, phone="mới")
    # Another pending change refreshes the identity copy from today's version: the old phone must not return.
    services.change_agency(actor=None, agency=agency, effective_from=day + ONE_DAY, short_name="TTM")
    agency.refresh_from_db()
    assert agency.phone == "mới"
    services.refresh_current_copies(today=day)
    agency.refresh_from_db()
    assert (agency.name, agency.phone) == ("Tên tương lai", "mới")
    assert set(agency.versions.values_list("phone", flat=True)) == {"mới"}


def test_update_contacts_permissions(agency_tree, member):
    officer = member(agency_tree.justice, roles.OFFICER)
    with pytest.raises(PermissionRefused):
        services.update_contacts(actor=officer, agency=agency_tree.justice, phone="1")
    overseer = member(agency_tree.science, roles.OVERSIGHT_OFFICER)
    services.update_contacts(actor=overseer, agency=agency_tree.justice, phone="1")


# --- oversight -----------------------------------------------------------------------------------


def test_grant_oversight_and_duplicates(agency_tree, system_admin):
    scope = services.grant_oversight(
        actor=system_admin,
        overseer=agency_tree.justice,
        root=agency_tree.commune,
        valid_from=D(2024, 1, 1),
        valid_to=D(2024, 12, 31),
        note="Theo dõi",
    )
    event = AuditEvent.objects.for_object(scope).get()
    assert (event.verb, event.agency_id, event.actor_id) == (
        "oversight.grant",
        agency_tree.justice.pk,
        system_admin.pk,
    )
    before = counts()
    for start, end in (
        (D(2024, 6, 1), None),
        (D(2023, 1, 1), D(2024, 1, 1)),
        (D(2024, 12, 31), D(2025, 1, 1)),
    ):
        with pytest.raises(DomainError) as caught:
            services.grant_oversight(
                actor=system_admin,
                overseer=agency_tree.justice,
                root=agency_tree.commune,
                valid_from=start,
                valid_to=end,
            )
        assert caught.value.code == "duplicate_scope"
    assert counts() == before
    services.grant_oversight(
        actor=system_admin, overseer=agency_tree.justice, root=agency_tree.commune, valid_from=D(2025, 1, 1)
    )
    assert OversightScope.objects.filter(overseer=agency_tree.justice).count() == 2


def test_grant_oversight_refusals(agency_tree, member):
    with pytest.raises(DomainError):
        services.grant_oversight(
            actor=None,
            overseer=agency_tree.justice,
            root=agency_tree.commune,
            valid_from=REFORM,
            valid_to=REFORM - ONE_DAY,
        )
    overseer = member(agency_tree.science, roles.OVERSIGHT_OFFICER)
    with pytest.raises(PermissionRefused):
        services.grant_oversight(
            actor=overseer, overseer=agency_tree.science, root=agency_tree.other_province, valid_from=REFORM
        )


def test_end_oversight(agency_tree):
    scope = services.end_oversight(actor=None, scope=agency_tree.oversight, last_day=D(2025, 12, 31))
    assert OversightScope.objects.get(pk=scope.pk).valid_to == D(2025, 12, 31)
    assert AuditEvent.objects.filter(verb="oversight.end").get().after["valid_to"] == "2025-12-31"
    with pytest.raises(DomainError):
        services.end_oversight(actor=None, scope=scope, last_day=D(2019, 1, 1))


# --- refresh_current_copies ----------------------------------------------------------------------


def test_future_rename_is_applied_on_its_day():
    agency = AgencyFactory(name="Tên hiện tại", valid_from=D(2020, 1, 1))
    day = TODAY + datetime.timedelta(days=3)
    services.change_agency(actor=None, agency=agency, effective_from=day, name="Tên tương lai")
    agency.refresh_from_db()
    assert agency.name == "Tên hiện tại"
    assert services.refresh_current_copies(today=day - ONE_DAY) == 0
    assert services.refresh_current_copies(today=day) == 1
    agency.refresh_from_db()
    assert agency.name == "Tên tương lai"
    assert "tuong lai" in agency.search_text
    # Running it again the same day changes nothing visible.
    services.refresh_current_copies(today=day)
    agency.refresh_from_db()
    assert agency.name == "Tên tương lai"


def test_future_move_is_applied_on_its_day_with_time_machine():
    old_parent = AgencyFactory(name="Cũ")
    new_parent = AgencyFactory(name="Mới")
    moving = AgencyFactory(name="Chuyển", parent=old_parent)
    child = AgencyFactory(name="Con", parent=moving)
    day = TODAY + datetime.timedelta(days=7)
    services.change_agency(actor=None, agency=moving, effective_from=day, parent=new_parent)
    child.refresh_from_db()
    assert child.path.startswith(old_parent.path)
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(0, 5)), tick=False):
        assert datetime.date.today() == day
        assert services.refresh_current_copies() == 1
    moving.refresh_from_db()
    child.refresh_from_db()
    assert moving.parent_id == new_parent.pk
    assert child.path == new_parent.path + step(moving.pk) + step(child.pk) and child.depth == 2


def test_organizations_refresh_command(capsys):
    from io import StringIO

    from django.core.management import call_command

    agency = AgencyFactory(valid_from=D(2020, 1, 1))
    services.change_agency(actor=None, agency=agency, effective_from=TODAY, name="Hôm nay")
    Agency.objects.filter(pk=agency.pk).update(name="Bản sao cũ")  # as if the job had not run yet
    out = StringIO()
    call_command("organizations", "refresh", stdout=out)
    assert "1" in out.getvalue()
    assert Agency.objects.get(pk=agency.pk).name == "Hôm nay"


def test_refresh_catches_up_days_the_job_did_not_run():
    agency = AgencyFactory(name="Tên cũ", valid_from=D(2020, 1, 1))
    day = TODAY + datetime.timedelta(days=3)
    services.change_agency(actor=None, agency=agency, effective_from=day, name="Tên mới")
    # The job did not run on `day` nor the next four days.
    assert services.refresh_current_copies(today=day + datetime.timedelta(days=5)) == 1
    agency.refresh_from_db()
    assert agency.name == "Tên mới"
    assert services.refresh_current_copies(today=day + datetime.timedelta(days=6)) == 0


def test_dissolving_ends_roles_and_oversight_at_the_agency():
    from eiso.accounts.models import Membership, Role
    from eiso.accounts.roles import ensure_roles
    from eiso.accounts.tests.factories import UserFactory

    ensure_roles()
    agency = AgencyFactory(name="Sắp giải thể", valid_from=D(2020, 1, 1))
    other = AgencyFactory(name="Cơ quan khác", valid_from=D(2020, 1, 1))
    officer = Role.objects.get(code="officer")
    held = Membership.objects.create(
        user=UserFactory(), agency=agency, role=officer, valid_from=D(2021, 1, 1)
    )
    future = Membership.objects.create(
        user=UserFactory(), agency=agency, role=officer, valid_from=D(2030, 1, 1)
    )
    scope = services.grant_oversight(actor=None, overseer=other, root=agency, valid_from=D(2021, 1, 1))
    services.dissolve_agency(actor=None, agency=agency, last_day=D(2025, 6, 30))
    held.refresh_from_db()
    scope.refresh_from_db()
    assert held.valid_to == D(2025, 6, 30) and scope.valid_to == D(2025, 6, 30)
    assert not Membership.objects.filter(pk=future.pk).exists()
    assert AuditEvent.objects.filter(verb="membership.end", object_id=str(held.pk)).exists()
    assert AuditEvent.objects.filter(verb="oversight.end", object_id=str(scope.pk)).exists()
