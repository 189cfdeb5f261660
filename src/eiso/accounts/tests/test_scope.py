import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eiso.accounts import roles
from eiso.accounts.models import User
from eiso.accounts.scope import EVERYTHING, NOTHING, forget_scope, scope_for
from eiso.accounts.tests.factories import MembershipFactory, UserFactory
from eiso.organizations.models import Agency, AgencyVersion, OversightScope

D = datetime.date
TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)
pytestmark = pytest.mark.django_db


def visible(user, writable=False):
    return set(Agency.objects.visible_to(user, writable=writable))


def test_nobody_sees_anything(agency_tree):
    for user in (None, AnonymousUser()):
        assert scope_for(user) is NOTHING
        assert not Agency.objects.visible_to(user).exists()
    inactive = UserFactory(is_active=False)
    MembershipFactory(user=inactive, agency=agency_tree.province, role_code=roles.ADMIN)
    assert scope_for(User.objects.get(pk=inactive.pk)) is NOTHING
    no_memberships = UserFactory()
    assert scope_for(no_memberships).empty
    assert visible(no_memberships) == set()


def test_superuser_and_administrator_see_everything(agency_tree, system_admin):
    superuser = UserFactory(is_superuser=True)
    for user in (superuser, system_admin):
        assert scope_for(user).everything
        assert visible(user) == set(Agency.objects.all())
        assert visible(user, writable=True) == set(Agency.objects.all())


def test_membership_with_sub_units_sees_the_subtree(agency_tree, member):
    t = agency_tree
    user = member(t.province, roles.OFFICER, include_descendants=True)
    assert visible(user) == {
        t.province,
        t.science,
        t.science_unit,
        t.justice,
        t.justice_unit,
        t.commune,
        t.commune_office,
    }
    assert visible(user, writable=True) == visible(user)
    user = member(t.justice, roles.OFFICER, include_descendants=True)
    assert visible(user) == {t.justice, t.justice_unit}


def test_membership_without_sub_units_sees_only_the_agency(agency_tree, member):
    user = member(agency_tree.justice, roles.OFFICER, include_descendants=False)
    assert visible(user) == {agency_tree.justice}
    assert visible(user, writable=True) == {agency_tree.justice}


def test_several_memberships_add_up(agency_tree, member):
    t = agency_tree
    user = member(t.justice_unit, roles.OFFICER)
    user = member(t.other_justice, roles.VIEWER, user=user, include_descendants=False)
    assert visible(user) == {t.justice_unit, t.other_justice}
    assert visible(user, writable=True) == {t.justice_unit}


def test_oversight_officer_sees_the_oversight_subtree(agency_tree, member):
    t = agency_tree
    officer = member(t.science, roles.OVERSIGHT_OFFICER)
    province_tree = set(Agency.objects.subtree(t.province))
    assert visible(officer) == province_tree
    assert visible(officer, writable=True) == province_tree
    assert t.other_justice not in visible(officer)


def test_inspector_sees_the_oversight_subtree_read_only(agency_tree, member):
    t = agency_tree
    inspector = member(t.science, roles.INSPECTOR)
    assert visible(inspector) == set(Agency.objects.subtree(t.province))
    assert visible(inspector, writable=True) == set()
    scope = scope_for(inspector)
    assert scope.contains(t.commune) and not scope.contains(t.commune, writable=True)


def test_oversight_roles_at_an_agency_without_a_scope_see_only_their_own_subtree(agency_tree, member):
    officer = member(agency_tree.justice, roles.OVERSIGHT_OFFICER)
    assert visible(officer) == {agency_tree.justice, agency_tree.justice_unit}


def test_a_plain_role_at_the_overseeing_agency_does_not_oversee(agency_tree, member):
    officer = member(agency_tree.science, roles.OFFICER)
    assert visible(officer) == {agency_tree.science, agency_tree.science_unit}


@pytest.mark.parametrize(
    ("valid_from", "valid_to"),
    [(D(2020, 1, 1), YESTERDAY), (TOMORROW, None), (D(2020, 1, 1), D(2020, 12, 31))],
)
def test_memberships_not_in_force_today_do_not_count(agency_tree, member, valid_from, valid_to):
    user = member(agency_tree.province, roles.ADMIN, valid_from=valid_from, valid_to=valid_to)
    assert scope_for(user).empty
    assert visible(user) == set()


def test_membership_counts_on_its_first_and_last_day(agency_tree, member):
    user = member(agency_tree.justice, roles.OFFICER, valid_from=TODAY, valid_to=TODAY)
    assert visible(user) == {agency_tree.justice, agency_tree.justice_unit}
    assert scope_for(user, on=TOMORROW).empty
    assert scope_for(user, on=YESTERDAY).empty


def test_expired_or_future_oversight_scopes_do_not_count(agency_tree, member):
    t = agency_tree
    OversightScope.objects.filter(pk=t.oversight.pk).update(valid_to=YESTERDAY)
    officer = member(t.science, roles.OVERSIGHT_OFFICER)
    assert visible(officer) == {t.science, t.science_unit}
    OversightScope.objects.create(overseer=t.science, root=t.commune, valid_from=TOMORROW)
    officer = User.objects.get(pk=officer.pk)
    assert visible(officer) == {t.science, t.science_unit}
    assert t.commune_office in set(Agency.objects.filter(scope_for(officer, on=TOMORROW).agency_q()))


def test_scope_is_cached_per_user_object_until_forgotten(agency_tree, member):
    user = member(agency_tree.justice, roles.OFFICER)
    first = scope_for(user)
    MembershipFactory(user=user, agency=agency_tree.commune, role_code=roles.OFFICER)
    assert scope_for(user) is first
    forget_scope(user)
    assert agency_tree.commune in visible(user)
    forget_scope(user)  # twice is fine


def test_outermost_paths_only(agency_tree, member):
    user = member(agency_tree.province, roles.OFFICER)
    user = member(agency_tree.justice, roles.OFFICER, user=user)
    q = scope_for(user).agency_q()
    assert str(q).count("path__startswith") == 1


def test_scoped_querysets_of_versions_and_oversight_scopes(agency_tree, member):
    t = agency_tree
    user = member(t.justice, roles.OFFICER)
    assert set(AgencyVersion.objects.visible_to(user).values_list("agency_id", flat=True)) == {
        t.justice.pk,
        t.justice_unit.pk,
    }
    assert not OversightScope.objects.visible_to(user).exists()
    officer = member(t.science, roles.OVERSIGHT_OFFICER)
    assert list(OversightScope.objects.visible_to(officer)) == [t.oversight]
    assert not AgencyVersion.objects.visible_to(AnonymousUser()).exists()
    assert not OversightScope.objects.visible_to(AnonymousUser()).exists()
    assert not EVERYTHING.agency_q()  # an empty Q: no filter at all


# The SQL filter and the in-memory check must agree for any mix of memberships.
ROLE_CODES = [roles.OFFICER, roles.VIEWER, roles.OVERSIGHT_OFFICER, roles.INSPECTOR, roles.ISO_SECRETARY]
TREE_KEYS = [
    "province",
    "science",
    "science_unit",
    "justice",
    "justice_unit",
    "commune",
    "commune_office",
    "other_province",
    "other_justice",
]
memberships = st.lists(
    st.tuples(st.sampled_from(TREE_KEYS), st.sampled_from(ROLE_CODES), st.booleans(), st.booleans()),
    max_size=4,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(memberships=memberships)
def test_sql_filter_and_contains_agree(agency_tree, memberships):
    user = UserFactory()
    for key, role_code, descendants, expired in memberships:
        MembershipFactory(
            user=user,
            agency=getattr(agency_tree, key),
            role_code=role_code,
            include_descendants=descendants,
            valid_to=YESTERDAY if expired else None,
        )
    user = User.objects.get(pk=user.pk)
    scope = scope_for(user)
    everything = list(Agency.objects.all())
    for writable in (False, True):
        assert visible(user, writable) == {a for a in everything if scope.contains(a, writable=writable)}
    assert visible(user, True) <= visible(user, False)
    live = [m for m in memberships if not m[3]]
    if not live:
        assert scope.empty
    if all(role in (roles.VIEWER, roles.INSPECTOR) for _, role, _, _ in live):
        assert visible(user, True) == set()
