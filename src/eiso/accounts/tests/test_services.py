import datetime

import pytest
from django.core.exceptions import ValidationError

from eiso.accounts import roles, services
from eiso.accounts import rules as perms
from eiso.accounts.models import Membership, User
from eiso.accounts.scope import scope_for
from eiso.accounts.tests.factories import PASSWORD, MembershipFactory, UserFactory
from eiso.core.audit import verify_chain
from eiso.core.errors import DomainError, PermissionRefused
from eiso.core.models import AuditEvent
from eiso.organizations import services as org_services
from eiso.organizations.models import Agency

TODAY = datetime.date.today()
ONE_DAY = datetime.timedelta(days=1)
pytestmark = pytest.mark.django_db


def counts():
    return (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count())


@pytest.fixture
def secretary(agency_tree, member):
    return member(agency_tree.commune, roles.ISO_SECRETARY)


# --- create_user ---------------------------------------------------------------------------------


def test_administrator_creates_a_user_without_a_membership(system_admin):
    user = services.create_user(
        actor=system_admin,
        username=" nguyenvana ",
        full_name=" Nguyễn Văn A ",
        email="a@hungyen.gov.vn",
        password="Hung-Yen-ISO-2026",
        phone="0221",
        position="Chuyên viên",
    )
    user.refresh_from_db()
    assert (user.username, user.full_name, user.email) == ("nguyenvana", "Nguyễn Văn A", "a@hungyen.gov.vn")
    assert user.check_password("Hung-Yen-ISO-2026")
    assert user.search_text == "nguyen van a nguyenvana a@hungyen.gov.vn"
    assert not user.memberships.exists()
    event = AuditEvent.objects.for_object(user).get()
    assert (event.verb, event.actor_id, event.agency_id) == ("user.create", system_admin.pk, None)
    assert event.after["username"] == "nguyenvana"
    assert "password" not in event.after


def test_secretary_creates_a_user_with_a_first_membership(agency_tree, secretary):
    user = services.create_user(
        actor=secretary,
        username="motcua",
        full_name="Ngô Thị Mai",
        agency=agency_tree.commune_office,
        role_code=roles.RECEIVER,
        include_descendants=False,
    )
    membership = user.memberships.get()
    assert (membership.agency, membership.role.code, membership.include_descendants) == (
        agency_tree.commune_office,
        roles.RECEIVER,
        False,
    )
    assert membership.valid_from == TODAY and membership.valid_to is None
    assert not user.has_usable_password()
    verbs = list(
        AuditEvent.objects.exclude(verb="agency.create").order_by("id").values_list("verb", "agency_id")
    )
    assert verbs == [
        ("user.create", agency_tree.commune_office.pk),
        ("membership.grant", agency_tree.commune_office.pk),
    ]
    assert user in User.objects.visible_to(User.objects.get(pk=secretary.pk))


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"agency": None, "role_code": None}, "only administrators create users without an agency"),
        ({"agency": "other_justice", "role_code": roles.OFFICER}, "another agency"),
        ({"agency": "commune", "role_code": roles.INSPECTOR}, "a restricted role"),
        ({"agency": "commune", "role_code": roles.ADMIN}, "a restricted role"),
        ({"agency": "commune", "role_code": roles.OVERSIGHT_OFFICER}, "a restricted role"),
    ],
)
def test_secretary_refused_leaves_no_row_and_no_event(agency_tree, secretary, kwargs, reason):
    agency = getattr(agency_tree, kwargs["agency"]) if kwargs["agency"] else None
    before = counts()
    with pytest.raises(PermissionRefused):
        services.create_user(
            actor=secretary,
            username="moi",
            full_name="Người Mới",
            agency=agency,
            role_code=kwargs["role_code"],
        )
    assert counts() == before, reason


def test_officer_may_not_create_users(agency_tree, member):
    officer = member(agency_tree.commune, roles.OFFICER)
    before = counts()
    with pytest.raises(PermissionRefused):
        services.create_user(
            actor=officer, username="x", full_name="X", agency=agency_tree.commune, role_code=roles.OFFICER
        )
    assert counts() == before


@pytest.mark.parametrize(
    ("username", "email", "field"),
    [
        ("thuky", "moi@x.vn", "username"),
        ("THUKY", "moi@x.vn", "username"),
        (" ThuKy ", "moi@x.vn", "username"),
        ("khac", "thuky@hungyen.gov.vn", "email"),
        ("khac", "ThuKy@HungYen.gov.vn", "email"),
    ],
)
def test_duplicate_username_or_email_is_refused(system_admin, username, email, field):
    services.create_user(actor=None, username="thuky", full_name="Thư ký", email="thuky@hungyen.gov.vn")
    before = counts()
    with pytest.raises(DomainError) as caught:
        services.create_user(actor=system_admin, username=username, full_name="Khác", email=email)
    assert caught.value.code == "duplicate" and caught.value.field == field
    assert counts() == before


@pytest.mark.parametrize(
    "password",
    [
        "ngan",  # too short (10 characters at least)
        "123456789012",  # entirely numeric
        "password123",  # common
        "qwertyuiop",  # common
        "nguyenvanthu",  # too similar to the username
    ],
)
def test_password_validators_are_enforced(password):
    before = counts()
    with pytest.raises(ValidationError):
        services.create_user(
            actor=None, username="nguyenvanthu", full_name="Nguyễn Văn Thư", password=password
        )
    assert counts() == before


def test_invalid_fields_are_refused():
    with pytest.raises(ValidationError):
        services.create_user(actor=None, username="a b/c", full_name="X")
    with pytest.raises(ValidationError):
        services.create_user(actor=None, username="abc", full_name="X", email="không phải thư")
    assert counts() == (0, 0, 0)


# --- update_user and set_password ----------------------------------------------------------------


def test_update_user_is_audited_and_refuses_a_taken_email(agency_tree, secretary, member):
    colleague = member(agency_tree.commune_office, roles.OFFICER)
    services.update_user(actor=secretary, user=colleague, full_name="Tên Mới", position="Trưởng phòng")
    colleague.refresh_from_db()
    assert colleague.full_name == "Tên Mới" and "ten moi" in colleague.search_text
    event = AuditEvent.objects.filter(verb="user.update").get()
    assert event.before["full_name"] != "Tên Mới" and event.after["full_name"] == "Tên Mới"
    with pytest.raises(DomainError):
        services.update_user(actor=secretary, user=colleague, email=secretary.email.upper())
    with pytest.raises(TypeError):
        services.update_user(actor=secretary, user=colleague, is_superuser=True)


def test_update_user_refusals(agency_tree, secretary, member):
    stranger = member(agency_tree.other_justice, roles.OFFICER)
    before = counts()
    with pytest.raises(PermissionRefused):
        services.update_user(actor=secretary, user=stranger, full_name="X")
    with pytest.raises(DomainError) as caught:
        services.update_user(actor=secretary, user=secretary, is_active=False)
    assert caught.value.code == "self_lock"
    assert counts() == before


def test_set_password(agency_tree, secretary, member):
    colleague = member(agency_tree.commune_office, roles.OFFICER)
    services.set_password(actor=secretary, user=colleague, password="Mat-khau-moi-2026", reason="reset")
    colleague.refresh_from_db()
    assert colleague.check_password("Mat-khau-moi-2026")
    event = AuditEvent.objects.filter(verb="user.password").get()
    assert (event.actor_id, event.reason) == (secretary.pk, "reset")
    assert event.before is None and event.after is None  # never the password or its hash
    with pytest.raises(ValidationError):
        services.set_password(actor=colleague, user=colleague, password="12345")
    stranger = member(agency_tree.other_justice, roles.OFFICER)
    with pytest.raises(PermissionRefused):
        services.set_password(actor=secretary, user=stranger, password="Mat-khau-moi-2026")
    services.set_password(actor=None, user=stranger, password="Mat-khau-moi-2026")
    assert AuditEvent.objects.filter(verb="user.password").order_by("id").last().actor_id == stranger.pk


# --- grant_membership and end_membership ---------------------------------------------------------


def test_grant_membership_is_audited_and_takes_effect(agency_tree, secretary):
    user = UserFactory()
    assert scope_for(user).empty
    membership = services.grant_membership(
        actor=secretary, user=user, agency=agency_tree.commune_office, role_code=roles.OFFICER
    )
    assert (membership.valid_from, membership.valid_to) == (TODAY, None)
    assert agency_tree.commune_office in Agency.objects.visible_to(user)  # the cached scope was dropped
    event = AuditEvent.objects.for_object(membership).get()
    assert (event.verb, event.actor_id, event.agency_id) == (
        "membership.grant",
        secretary.pk,
        agency_tree.commune_office.pk,
    )
    assert event.after["role_id"] == membership.role_id


def test_rights_follow_a_grant_on_the_same_user_object(agency_tree, secretary):
    user = UserFactory()
    assert not perms.can_manage_members(user, agency_tree.commune_office)  # caches the user's memberships
    services.grant_membership(
        actor=secretary, user=user, agency=agency_tree.commune_office, role_code=roles.ISO_SECRETARY
    )
    assert perms.can_manage_members(user, agency_tree.commune_office)


def test_overlapping_duplicate_membership_is_refused(agency_tree, secretary):
    user = UserFactory()
    services.grant_membership(
        actor=secretary,
        user=user,
        agency=agency_tree.commune,
        role_code=roles.OFFICER,
        valid_from=datetime.date(2025, 1, 1),
        valid_to=datetime.date(2025, 12, 31),
    )
    before = counts()
    for start, end in (
        (datetime.date(2025, 6, 1), None),
        (datetime.date(2024, 1, 1), datetime.date(2025, 1, 1)),
    ):
        with pytest.raises(DomainError) as caught:
            services.grant_membership(
                actor=secretary,
                user=user,
                agency=agency_tree.commune,
                role_code=roles.OFFICER,
                valid_from=start,
                valid_to=end,
            )
        assert caught.value.code == "duplicate_membership"
    assert counts() == before
    # Another role, another agency or a later period are fine.
    services.grant_membership(
        actor=secretary, user=user, agency=agency_tree.commune, role_code=roles.RECEIVER
    )
    services.grant_membership(
        actor=secretary, user=user, agency=agency_tree.commune_office, role_code=roles.OFFICER
    )
    services.grant_membership(
        actor=secretary,
        user=user,
        agency=agency_tree.commune,
        role_code=roles.OFFICER,
        valid_from=datetime.date(2026, 1, 1),
    )


def test_grant_membership_refusals(agency_tree, secretary, system_admin):
    user = UserFactory()
    before = counts()
    with pytest.raises(DomainError) as caught:
        services.grant_membership(actor=None, user=user, agency=agency_tree.commune, role_code="chairman")
    assert caught.value.code == "unknown_role"
    with pytest.raises(DomainError) as caught:
        services.grant_membership(
            actor=None,
            user=user,
            agency=agency_tree.commune,
            role_code=roles.OFFICER,
            valid_from=TODAY,
            valid_to=TODAY - ONE_DAY,
        )
    assert caught.value.code == "range"
    with pytest.raises(PermissionRefused):
        services.grant_membership(
            actor=secretary, user=user, agency=agency_tree.commune, role_code=roles.INSPECTOR
        )
    with pytest.raises(PermissionRefused):
        services.grant_membership(
            actor=secretary, user=user, agency=agency_tree.justice, role_code=roles.OFFICER
        )
    assert counts() == before
    ended = org_services.create_agency(
        actor=None,
        name="Đã giải thể",
        kind="other",
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2024, 12, 31),
    )
    before = counts()
    with pytest.raises(DomainError) as caught:
        services.grant_membership(actor=system_admin, user=user, agency=ended, role_code=roles.OFFICER)
    assert caught.value.code == "agency_ended"
    assert counts() == before


def test_end_membership(agency_tree, secretary):
    membership = MembershipFactory(agency=agency_tree.commune_office, role_code=roles.OFFICER)
    user = User.objects.get(pk=membership.user_id)
    assert agency_tree.commune_office in Agency.objects.visible_to(user)
    ended = services.end_membership(actor=secretary, membership=membership)
    assert Membership.objects.get(pk=membership.pk).valid_to == TODAY == ended.valid_to
    assert scope_for(user, on=TODAY + ONE_DAY).empty
    event = AuditEvent.objects.filter(verb="membership.end").get()
    assert event.before["valid_to"] is None and event.after["valid_to"] == TODAY.isoformat()
    with pytest.raises(DomainError) as caught:
        services.end_membership(actor=secretary, membership=membership, last_day=TODAY + ONE_DAY)
    assert caught.value.code == "ended"


def test_ending_a_membership_that_has_not_started_leaves_it_never_in_force(agency_tree, secretary):
    start = TODAY + datetime.timedelta(days=10)
    membership = MembershipFactory(
        agency=agency_tree.commune_office, role_code=roles.OFFICER, valid_from=start
    )
    pk = membership.pk
    services.end_membership(actor=secretary, membership=membership)
    assert not Membership.objects.filter(user_id=membership.user_id).active_on(start).exists()
    assert not Membership.objects.filter(pk=pk).exists()  # withdrawn: it never took effect
    event = AuditEvent.objects.get(
        verb="membership.end", object_type="accounts.membership", object_id=str(pk)
    )
    assert event.before["valid_from"] == start.isoformat() and event.after is None
    assert event.agency_id == agency_tree.commune_office.pk
    assert verify_chain().ok


def test_ending_a_future_membership_after_its_start_keeps_it(agency_tree, secretary):
    start = TODAY + datetime.timedelta(days=10)
    membership = MembershipFactory(
        agency=agency_tree.commune_office, role_code=roles.OFFICER, valid_from=start
    )
    services.end_membership(actor=secretary, membership=membership, last_day=start + ONE_DAY)
    assert Membership.objects.get(pk=membership.pk).valid_to == start + ONE_DAY


def test_end_membership_refusals(agency_tree, secretary):
    restricted = MembershipFactory(agency=agency_tree.commune, role_code=roles.INSPECTOR)
    elsewhere = MembershipFactory(agency=agency_tree.justice, role_code=roles.OFFICER)
    before = counts()
    for membership in (restricted, elsewhere):
        with pytest.raises(PermissionRefused):
            services.end_membership(actor=secretary, membership=membership)
    assert counts() == before


def test_every_write_leaves_an_audit_event_and_the_chain_verifies(agency_tree, secretary, system_admin):
    calls = [
        lambda: services.create_user(
            actor=system_admin, username="u1", full_name="Một", password="Mot-mat-khau-dai"
        ),
        lambda: services.update_user(actor=system_admin, user=User.objects.get(username="u1"), phone="1"),
        lambda: services.set_password(
            actor=system_admin, user=User.objects.get(username="u1"), password="Hai-mat-khau-dai"
        ),
        lambda: services.grant_membership(
            actor=secretary,
            user=User.objects.get(username="u1"),
            agency=agency_tree.commune,
            role_code=roles.OFFICER,
        ),
        lambda: services.end_membership(
            actor=secretary, membership=Membership.objects.get(user__username="u1")
        ),
    ]
    for call in calls:
        before = AuditEvent.objects.count()
        call()
        assert AuditEvent.objects.count() == before + 1
    assert verify_chain().ok


def test_factory_password_works():
    assert UserFactory().check_password(PASSWORD)


def test_secretary_cannot_take_over_an_administrator_account(agency_tree, secretary, member):
    admin_here = member(agency_tree.commune, roles.ADMIN)
    before = counts()
    with pytest.raises(PermissionRefused):
        services.set_password(actor=secretary, user=admin_here, password="Chiem-quyen-2026")
    with pytest.raises(PermissionRefused):
        services.update_user(actor=secretary, user=admin_here, email="ke-gian@example.com")
    assert counts() == before
