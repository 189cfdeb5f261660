import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from eiso.accounts import roles
from eiso.accounts import rules as perms
from eiso.accounts.tests.factories import UserFactory
from eiso.organizations.models import AgencyKind

YESTERDAY = datetime.date.today() - datetime.timedelta(days=1)
pytestmark = pytest.mark.django_db

K = AgencyKind


def test_administrator_may_do_everything(agency_tree, system_admin):
    t = agency_tree
    assert perms.is_admin(system_admin)
    assert perms.can_create_agency(system_admin, None, K.PROVINCE)
    assert perms.can_create_agency(system_admin, t.other_province, K.PROVINCIAL_DEPARTMENT)
    assert perms.can_change_agency(system_admin, t.other_justice)
    assert perms.can_manage_members(system_admin, t.other_justice)
    for code, *_ in roles.ROLE_DEFINITIONS:
        assert perms.can_grant_role(system_admin, t.other_justice, code)
    assert system_admin.has_perm("organizations.change_agency", t.other_justice)
    assert system_admin.has_perm("core.view_all_audit")


def test_anonymous_and_people_without_roles_may_do_nothing(agency_tree):
    t = agency_tree
    for user in (AnonymousUser(), UserFactory()):
        assert not perms.is_admin(user)
        assert not perms.can_create_agency(user, t.justice, K.INTERNAL_UNIT)
        assert not perms.can_change_agency(user, t.justice_unit)
        assert not perms.can_manage_members(user, t.justice)
        assert not perms.can_grant_role(user, t.justice, roles.OFFICER)
        assert not perms.can_view_agency(user, t.justice)


def test_secretary_creates_and_changes_internal_units_of_their_own_agency_only(agency_tree, member):
    t = agency_tree
    secretary = member(t.justice, roles.ISO_SECRETARY)
    assert perms.can_create_agency(secretary, t.justice, K.INTERNAL_UNIT)
    assert perms.can_create_agency(secretary, t.justice_unit, K.INTERNAL_UNIT)  # under a sub-unit
    assert not perms.can_create_agency(secretary, t.justice, K.PROVINCIAL_DEPARTMENT)
    assert not perms.can_create_agency(secretary, t.science, K.INTERNAL_UNIT)
    assert not perms.can_create_agency(secretary, None, K.INTERNAL_UNIT)
    assert perms.can_change_agency(secretary, t.justice_unit)
    assert not perms.can_change_agency(secretary, t.justice)  # the department itself is not an internal unit
    assert not perms.can_change_agency(secretary, t.science_unit)
    assert secretary.has_perm("organizations.change_agency", t.justice_unit)
    assert not secretary.has_perm("organizations.change_agency", t.science_unit)


def test_secretary_without_sub_units_does_not_reach_them(agency_tree, member):
    t = agency_tree
    secretary = member(t.justice, roles.ISO_SECRETARY, include_descendants=False)
    assert perms.can_manage_members(secretary, t.justice)
    assert not perms.can_manage_members(secretary, t.justice_unit)
    assert not perms.can_change_agency(secretary, t.justice_unit)


def test_oversight_officer_creates_and_changes_within_the_oversight_scope(agency_tree, member):
    t = agency_tree
    officer = member(t.science, roles.OVERSIGHT_OFFICER)
    assert perms.can_create_agency(officer, t.province, K.COMMUNE)
    assert perms.can_change_agency(officer, t.commune)
    assert perms.can_change_agency(officer, t.province)
    assert not perms.can_create_agency(officer, None, K.PROVINCE)
    assert not perms.can_create_agency(officer, t.other_province, K.PROVINCIAL_DEPARTMENT)
    assert not perms.can_change_agency(officer, t.other_justice)
    assert not perms.can_manage_members(officer, t.commune)  # overseeing is not managing people


def test_inspector_may_only_read(agency_tree, member):
    t = agency_tree
    inspector = member(t.science, roles.INSPECTOR)
    assert perms.can_view_agency(inspector, t.commune)
    assert inspector.has_perm("organizations.view_agency", t.commune)
    assert not perms.can_create_agency(inspector, t.province, K.COMMUNE)
    assert not perms.can_change_agency(inspector, t.commune)
    assert not perms.can_change_agency(inspector, t.science_unit)


def test_head_and_secretary_manage_members_of_their_agency_and_below(agency_tree, member):
    t = agency_tree
    for role in (roles.ISO_SECRETARY, roles.AGENCY_HEAD):
        manager = member(t.commune, role)
        assert perms.can_manage_members(manager, t.commune)
        assert perms.can_manage_members(manager, t.commune_office)
        assert not perms.can_manage_members(manager, t.province)
        assert not perms.can_manage_members(manager, t.justice)
        assert not perms.can_manage_members(manager, t.other_justice)
        assert not perms.can_manage_members(manager, None)
        assert manager.has_perm("accounts.manage_members", t.commune_office)
    for role in (roles.OFFICER, roles.UNIT_HEAD, roles.RECEIVER, roles.INTERNAL_AUDITOR, roles.VIEWER):
        assert not perms.can_manage_members(member(t.commune, role), t.commune)


def test_secretary_cannot_grant_restricted_roles(agency_tree, member):
    t = agency_tree
    secretary = member(t.commune, roles.ISO_SECRETARY)
    for code in (roles.ADMIN, roles.OVERSIGHT_OFFICER, roles.INSPECTOR):
        assert not perms.can_grant_role(secretary, t.commune, code)
    for code in (
        roles.OFFICER,
        roles.RECEIVER,
        roles.UNIT_HEAD,
        roles.INTERNAL_AUDITOR,
        roles.VIEWER,
        roles.ISO_SECRETARY,
    ):
        assert perms.can_grant_role(secretary, t.commune, code)
        assert perms.can_grant_role(secretary, t.commune_office, code)
        assert not perms.can_grant_role(secretary, t.justice, code)
        assert not perms.can_grant_role(secretary, t.other_justice, code)


def test_expired_memberships_grant_nothing(agency_tree, member):
    t = agency_tree
    former = member(t.commune, roles.ISO_SECRETARY, valid_to=YESTERDAY)
    assert not perms.can_manage_members(former, t.commune)
    former_admin = member(t.province, roles.ADMIN, valid_to=YESTERDAY)
    assert not perms.is_admin(former_admin)
    assert not perms.can_create_agency(former_admin, None, K.PROVINCE)


def test_can_manage_user(agency_tree, member, system_admin):
    t = agency_tree
    secretary = member(t.commune, roles.ISO_SECRETARY)
    colleague = member(t.commune_office, roles.OFFICER)
    stranger = member(t.other_justice, roles.OFFICER)
    former = member(t.commune, roles.OFFICER, valid_to=YESTERDAY)
    superuser = UserFactory(is_superuser=True)
    assert perms.can_manage_user(secretary, colleague)
    assert not perms.can_manage_user(secretary, stranger)
    assert not perms.can_manage_user(secretary, former)
    assert not perms.can_manage_user(secretary, superuser)
    assert perms.can_manage_user(system_admin, superuser)
    assert secretary.has_perm("accounts.manage_user", colleague)


def test_an_oversight_role_does_not_extend_to_the_users_other_roles(agency_tree, member):
    t = agency_tree
    user = member(t.justice, roles.OVERSIGHT_OFFICER)  # the justice department oversees nothing
    user = member(t.other_justice, roles.OFFICER, user=user)
    assert not perms.can_change_agency(user, t.other_justice)
    assert not perms.can_create_agency(user, t.other_justice, K.PROVINCIAL_DEPARTMENT)
    assert perms.can_change_agency(user, t.justice_unit)  # within the officer's own agency


def test_expired_oversight_scope_gives_no_write_rights(agency_tree, member):
    from eiso.organizations.models import OversightScope

    OversightScope.objects.filter(pk=agency_tree.oversight.pk).update(valid_to=YESTERDAY)
    officer = member(agency_tree.science, roles.OVERSIGHT_OFFICER)
    assert not perms.can_change_agency(officer, agency_tree.commune)
    assert perms.can_change_agency(officer, agency_tree.science_unit)


@pytest.mark.parametrize("restricted", [roles.ADMIN, roles.OVERSIGHT_OFFICER, roles.INSPECTOR])
def test_member_managers_cannot_manage_holders_of_restricted_roles(
    agency_tree, member, system_admin, restricted
):
    t = agency_tree
    secretary = member(t.commune, roles.ISO_SECRETARY)
    holder = member(t.commune_office, restricted)
    assert not perms.can_manage_user(secretary, holder)
    assert perms.can_manage_user(system_admin, holder)
    future_holder = member(t.commune_office, roles.OFFICER)
    future_holder = member(
        t.province,
        restricted,
        user=future_holder,
        valid_from=datetime.date.today() + datetime.timedelta(days=3),
    )
    assert not perms.can_manage_user(secretary, future_holder)
