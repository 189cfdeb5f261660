from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from eiso.accounts import demo as accounts_demo
from eiso.accounts.models import Membership, User
from eiso.core.audit import verify_chain
from eiso.core.models import AuditEvent
from eiso.organizations.models import Agency, AgencyKind, AgencySuccession, AgencyVersion, OversightScope

pytestmark = pytest.mark.django_db


def state():
    return {
        "agencies": Agency.objects.count(),
        "versions": AgencyVersion.objects.count(),
        "successions": AgencySuccession.objects.count(),
        "oversight": OversightScope.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def run_demo():
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    return out.getvalue()


def test_demo_twice_changes_nothing_the_second_time_and_keeps_the_chain_intact():
    output = run_demo()
    first = state()
    assert "quantri" in output and accounts_demo.PASSWORD in output
    staff = User.objects.filter(username__regex=r"^(motcua|canbo|chutich)\.").exclude(
        username__endswith=".phohien"
    )  # eiso.dossiers.demo: three staff members for each other commune that has dossiers
    assert first["users"] == len(accounts_demo.ACCOUNTS) + staff.count()
    assert (
        first["memberships"] == len(accounts_demo.ACCOUNTS) + len(accounts_demo.EXTRA_ROLES) + staff.count()
    )
    assert Agency.objects.filter(kind=AgencyKind.PROVINCE, valid_to__isnull=True).count() == 34
    assert first["successions"] == 1
    assert first["events"] > first["agencies"]

    output_again = run_demo()
    assert state() == first
    assert "quantri" in output_again  # the accounts are printed again

    report = verify_chain()
    assert report.ok and report.checked == first["events"]
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "toàn vẹn" in out.getvalue()


def test_demo_accounts_can_log_in():
    run_demo()
    request = RequestFactory().post("/tai-khoan/dang-nhap/", REMOTE_ADDR="10.9.9.9")
    user = authenticate(request, username="thuky.phohien", password=accounts_demo.PASSWORD)
    assert user is not None and user.username == "thuky.phohien"
    hung_yen = Agency.objects.get(kind=AgencyKind.PROVINCE, admin_code="33", valid_to__isnull=True)
    assert hung_yen.electronic_id == "000.00.00.H33"
    assert Agency.objects.filter(name="Tỉnh Thái Bình").get().valid_to.isoformat() == "2025-06-30"
