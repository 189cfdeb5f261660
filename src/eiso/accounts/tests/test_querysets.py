import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from eiso.accounts import roles
from eiso.accounts.models import Membership, User
from eiso.accounts.tests.factories import MembershipFactory, UserFactory
from eiso.core.audit import record_event
from eiso.core.models import AuditEvent
from eiso.organizations import services as org_services

TODAY = datetime.date.today()
pytestmark = pytest.mark.django_db


@pytest.fixture
def people(agency_tree, member):
    t = agency_tree
    return {
        "secretary": member(t.commune, roles.ISO_SECRETARY),
        "commune_officer": member(t.commune_office, roles.OFFICER),
        "justice_officer": member(t.justice, roles.OFFICER),
        "other_secretary": member(t.other_justice, roles.ISO_SECRETARY),
        "former": member(t.commune, roles.OFFICER, valid_to=TODAY - datetime.timedelta(days=30)),
        "nobody": UserFactory(),
    }


def usernames(qs):
    return {u.username for u in qs}


def test_users_visible_to_a_member_are_those_of_their_subtree_and_themself(agency_tree, people):
    p = people
    seen = usernames(User.objects.visible_to(p["secretary"]))
    assert seen == {p["secretary"].username, p["commune_officer"].username, p["former"].username}
    assert p["other_secretary"].username not in seen
    assert usernames(User.objects.visible_to(p["nobody"])) == {p["nobody"].username}
    assert not User.objects.visible_to(AnonymousUser()).exists()


def test_users_visible_to_an_administrator_and_an_overseer(agency_tree, people, member, system_admin):
    assert set(User.objects.visible_to(system_admin)) == set(User.objects.all())
    overseer = member(agency_tree.science, roles.OVERSIGHT_OFFICER)
    seen = usernames(User.objects.visible_to(overseer))
    assert people["justice_officer"].username in seen and people["secretary"].username in seen
    assert people["other_secretary"].username not in seen


def test_memberships_visible_are_those_in_scope_plus_ones_own(agency_tree, people):
    p = people
    MembershipFactory(user=p["commune_officer"], agency=agency_tree.other_justice, role_code=roles.VIEWER)
    seen = set(Membership.objects.visible_to(p["commune_officer"]).values_list("agency_id", flat=True))
    # Own memberships (also the one in the other province) and those of the office itself.
    assert seen == {agency_tree.commune_office.pk, agency_tree.other_justice.pk}
    seen = set(Membership.objects.visible_to(p["secretary"]).values_list("user__username", flat=True))
    assert seen == {p["secretary"].username, p["commune_officer"].username, p["former"].username}
    assert not Membership.objects.visible_to(AnonymousUser()).exists()


def test_audit_events_of_other_agencies_are_invisible(agency_tree, people, system_admin):
    t = agency_tree
    org_services.update_contacts(actor=None, agency=t.commune, phone="1")
    org_services.update_contacts(actor=None, agency=t.other_justice, phone="2")
    org_services.update_contacts(actor=None, agency=t.justice, phone="3")

    def agencies_seen(user):
        return set(
            AuditEvent.objects.visible_to(user)
            .filter(verb="agency.contacts")
            .values_list("agency_id", flat=True)
        )

    assert agencies_seen(people["secretary"]) == {t.commune.pk}
    assert agencies_seen(people["other_secretary"]) == {t.other_justice.pk}
    assert agencies_seen(people["nobody"]) == set()
    assert agencies_seen(system_admin) == {t.commune.pk, t.other_justice.pk, t.justice.pk}
    assert not AuditEvent.objects.visible_to(AnonymousUser()).exists()


def test_events_about_ones_own_account_are_visible_events_with_no_agency_are_not(agency_tree, people):
    me = people["nobody"]
    someone = people["justice_officer"]
    with transaction.atomic():
        mine = record_event(actor=me, verb="auth.login", obj=me)
        theirs = record_event(actor=someone, verb="auth.login", obj=someone)
        failed = record_event(
            actor=None,
            verb="auth.login_failed",
            object_type="accounts.user",
            object_id="",
            object_repr=me.username,
        )
    seen = set(AuditEvent.objects.visible_to(me))
    assert mine in seen and theirs not in seen and failed not in seen
    assert failed not in set(AuditEvent.objects.visible_to(people["secretary"]))
