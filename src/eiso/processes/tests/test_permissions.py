"""Who may do what to a process of Xã Văn Giang (commune_a), service by service.

Drafts: the agency's ISO secretary, unit heads and officers; submit: the ISO secretary; approve, return,
put in force: the head of the owning agency; reviews: secretary or head; administrators everything.
Oversight officers and inspectors read only; nobody acts on another agency's processes.
"""

import datetime

import pytest

from eiso.accounts import roles
from eiso.api.tests.world import ALL_ROLES
from eiso.core.errors import PermissionRefused
from eiso.core.models import AuditEvent
from eiso.processes import services
from eiso.processes.models import InternalProcess, ProcessVersion, ReviewReason
from eiso.processes.tests.conftest import MARRIAGE, START, step

pytestmark = pytest.mark.django_db

EDITORS = {roles.ADMIN, roles.ISO_SECRETARY, roles.OFFICER}
SUBMITTERS = {roles.ADMIN, roles.ISO_SECRETARY}
APPROVERS = {roles.ADMIN, roles.AGENCY_HEAD}
REVIEWERS = {roles.ADMIN, roles.ISO_SECRETARY, roles.AGENCY_HEAD}


def _allowed(action) -> bool:
    before = AuditEvent.objects.count()
    try:
        action()
    except PermissionRefused:
        assert AuditEvent.objects.count() == before
        return False
    return True


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_on_its_own_agency(world, catalogue, process_for, role):
    user = world.users[role]
    process = process_for()
    version = process.latest_version
    assert _allowed(
        lambda: services.create_process(actor=user, agency=world.commune_a, procedures=[catalogue[MARRIAGE]])
    ) == (role in EDITORS)
    assert _allowed(
        lambda: services.save_step(actor=user, version=version, step=step(0, "Lưu hồ sơ", 1))
    ) == (role in EDITORS)
    version.refresh_from_db()
    if version.design_obj.step(5):
        services.remove_step(actor=None, version=version, number=5)
    assert _allowed(lambda: services.submit_version(actor=user, version=version)) == (role in SUBMITTERS)
    if role not in SUBMITTERS:
        services.submit_version(actor=None, version=version)
    assert _allowed(lambda: services.approve_version(actor=user, version=version)) == (role in APPROVERS)
    if role not in APPROVERS:
        services.approve_version(actor=None, version=version)
    today = datetime.date.today()
    assert _allowed(lambda: services.put_in_force(actor=user, version=version, valid_from=today)) == (
        role in APPROVERS
    )
    flag = services.flag_for_review(
        target=process,
        agency=world.commune_a,
        reason=ReviewReason.OTHER,
        legal_reference="CV 1",
        effective_date=START,
    )
    assert _allowed(lambda: services.resolve_review(actor=user, flag=flag, resolution="Đã rà soát")) == (
        role in REVIEWERS
    )


def test_a_unit_head_of_the_agency_edits_but_does_not_submit(world, process_for, member):
    unit_head = member(world.commune_a, roles.UNIT_HEAD)
    version = process_for().latest_version
    services.save_step(actor=unit_head, version=version, step=step(0, "Lưu hồ sơ", 1))
    with pytest.raises(PermissionRefused):
        services.submit_version(actor=unit_head, version=version)


def test_nobody_acts_on_another_agencys_process(world, process_for, member):
    theirs = process_for(agency=world.commune_b)
    version = theirs.latest_version
    for user in (
        world.users[roles.ISO_SECRETARY],
        world.users[roles.AGENCY_HEAD],
        world.users[roles.OVERSIGHT_OFFICER],
    ):
        with pytest.raises(PermissionRefused):
            services.save_step(actor=user, version=version, step=step(0, "X", 1))
    services.submit_version(actor=None, version=version)
    with pytest.raises(PermissionRefused):
        services.approve_version(actor=world.users[roles.AGENCY_HEAD], version=version)
    # The outsider is an officer of commune_b: edits its drafts, never submits or approves.
    other = process_for(agency=world.commune_b, code=MARRIAGE)
    services.save_step(actor=world.outsider, version=other.latest_version, step=step(0, "Thêm", 1))
    with pytest.raises(PermissionRefused):
        services.submit_version(actor=world.outsider, version=other.latest_version)
    # A head of the province (membership including sub-units) is not the head of the commune.
    province_head = member(world.province_a, roles.AGENCY_HEAD)
    ours = process_for()
    services.submit_version(actor=None, version=ours.latest_version)
    with pytest.raises(PermissionRefused):
        services.approve_version(actor=province_head, version=ours.latest_version)


def test_reads_are_scoped_through_the_owning_agency(world, process_for):
    ours = process_for()
    theirs = process_for(agency=world.commune_b)
    for role in ALL_ROLES:
        user = world.users[role]
        visible = set(InternalProcess.objects.visible_to(user).values_list("pk", flat=True))
        versions = set(ProcessVersion.objects.visible_to(user).values_list("process_id", flat=True))
        if role == roles.ADMIN:
            assert visible == versions == {ours.pk, theirs.pk}
        elif role == roles.UNIT_HEAD:  # the office below the commune sees only its own subtree
            assert visible == versions == set()
        else:  # the commune's staff, and the overseers of Hưng Yên (oversight officer, inspector)
            assert visible == versions == {ours.pk}, role
    assert set(InternalProcess.objects.visible_to(world.outsider).values_list("pk", flat=True)) == {theirs.pk}
