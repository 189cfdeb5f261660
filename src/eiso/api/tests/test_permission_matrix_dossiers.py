"""The permission matrix for dossier processing (/api/v1/dossiers/, /api/v1/work-items/), every role.

Same rules as `test_permission_matrix`: lists hold nothing outside the role's scope; details and
actions on another agency's dossier or work item are 404 (never 403) and write nothing; inside the
scope the dossier rules decide (403 with nothing written), and read-only roles never write.
Xã Văn Giang (commune_a) holds `own` dossiers; Phường Hồng Bàng in Hải Phòng holds `other`.
"""

# ruff: noqa: F811 — pytest fixtures imported from the process tests are parameters here
from dataclasses import dataclass

import pytest

from eiso.accounts import roles
from eiso.api.tests.world import ALL_ROLES, World
from eiso.core.models import AuditEvent
from eiso.dossiers import services
from eiso.dossiers.models import Dossier, HandOver, WorkItem
from eiso.organizations.models import Agency
from eiso.processes.tests.conftest import (  # noqa: F401 — fixtures re-used here
    HOUSEHOLD,
    _fresh_calendar_cache,
    catalogue,
    in_force,
    process_for,
)

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = [role for role in ALL_ROLES if role != roles.ADMIN]


@dataclass
class DossierWorld:
    own: Dossier  # Xã Văn Giang, step 1 held by its receiver
    own_for_stop: Dossier
    own_for_extend: Dossier
    other: Dossier  # Phường Hồng Bàng (Hải Phòng)

    def item(self, dossier: Dossier) -> WorkItem:
        return WorkItem.objects.get(dossier=dossier, status="open")


def _receive(actor, agency, procedure, name="Nguyễn Văn An"):
    return services.receive(
        actor=actor,
        agency=agency,
        procedure=procedure,
        channel="direct",
        applicant=services.Applicant(name=name, phone="0912345678"),
        components=[services.ComponentLine(name="Tờ khai")],
    )


@pytest.fixture
def dossiers(world: World, catalogue, in_force) -> DossierWorld:
    Agency.objects.filter(pk=world.commune_b.pk).update(electronic_id="000.11.31.H31")
    world.commune_b.refresh_from_db()
    in_force(agency=world.commune_a)
    in_force(agency=world.commune_b)
    procedure = catalogue[HOUSEHOLD]
    receiver = world.users[roles.RECEIVER]
    return DossierWorld(
        own=_receive(receiver, world.commune_a, procedure),
        own_for_stop=_receive(receiver, world.commune_a, procedure),
        own_for_extend=_receive(receiver, world.commune_a, procedure),
        other=_receive(world.users[roles.ADMIN], world.commune_b, procedure, name="Trần Văn Ngoài"),
    )


def _rows(client, url, **params) -> set[int]:
    response = client.get(url, {"page_size": 500, **params})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert not body["next"]
    return {row["id"] for row in body["results"]}


def _counts() -> tuple:
    return (
        Dossier.objects.count(),
        HandOver.objects.count(),
        AuditEvent.objects.count(),
        tuple(WorkItem.objects.order_by("pk").values_list("pk", "status", "assignee_id")),
        tuple(Dossier.objects.order_by("pk").values_list("pk", "status", "extended_at")),
    )


@pytest.mark.parametrize("role", ALL_ROLES)
def test_dossier_lists_and_details_follow_scope(world, dossiers, api, role):
    client = api(world.users[role])
    agencies = world.visible_agency_ids(role)
    all_dossiers = [dossiers.own, dossiers.own_for_stop, dossiers.own_for_extend, dossiers.other]
    visible = {d.pk for d in all_dossiers if d.agency_id in agencies}
    assert _rows(client, "/api/v1/dossiers/") == visible
    items = {dossiers.item(d).pk: d.pk for d in all_dossiers}
    assert _rows(client, "/api/v1/work-items/") == {i for i, d in items.items() if d in visible}
    assert (dossiers.other.pk in visible) is (role == roles.ADMIN)
    assert (dossiers.own.pk in visible) is (role != roles.UNIT_HEAD)  # the office head sees only the office
    for dossier in all_dossiers:
        expected = 200 if dossier.pk in visible else 404
        assert client.get(f"/api/v1/dossiers/{dossier.pk}/").status_code == expected, (role, dossier.code)
        item = dossiers.item(dossier)
        assert client.get(f"/api/v1/work-items/{item.pk}/").status_code == expected
    # Search cannot reach across agencies either.
    assert _rows(client, "/api/v1/dossiers/", q=dossiers.other.code) == visible & {dossiers.other.pk}


def _outside_writes(world: World, dossiers: DossierWorld, catalogue) -> list[tuple[str, dict]]:
    d, item = dossiers.other.pk, dossiers.item(dossiers.other).pk
    base = f"/api/v1/dossiers/{d}"
    return [
        (
            "/api/v1/dossiers/",
            {
                "agency": world.commune_b.pk,
                "procedure": catalogue[HOUSEHOLD].pk,
                "channel": "direct",
                "applicant": {"name": "A"},
            },
        ),
        (f"{base}/receive-completed/", {}),
        (f"{base}/request-supplement/", {"missing_note": "x"}),
        (f"{base}/supplement-received/", {}),
        (f"{base}/extend/", {"extra_working_days": 1, "reason": "x"}),
        (f"{base}/refuse/", {"reason": "x"}),
        (f"{base}/stop/", {"reason": "x"}),
        (f"{base}/withdraw/", {"reason": "x"}),
        (f"{base}/return-result/", {"returned_to": "x", "method": "counter"}),
        (f"{base}/finish/", {"result_number": "1"}),
        (f"/api/v1/work-items/{item}/claim/", {}),
        (f"/api/v1/work-items/{item}/complete/", {}),
        (f"/api/v1/work-items/{item}/return-to-step/", {"step_number": 1, "note": "x"}),
        (f"/api/v1/work-items/{item}/forward/", {"to_user": world.outsider.pk}),
        (f"/api/v1/work-items/{item}/consult/", {"body": "Công an", "hours": 2}),
        (f"/api/v1/work-items/{item}/answer/", {"note": "x"}),
        # Into the scope, naming someone outside it.
        (
            f"/api/v1/work-items/{dossiers.item(dossiers.own).pk}/forward/",
            {"to_user": world.outsider.pk},
        ),
    ]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_dossier_writes_outside_scope_are_404_and_leave_nothing(world, dossiers, catalogue, api, role):
    client = api(world.users[role])
    before = _counts()
    for url, payload in _outside_writes(world, dossiers, catalogue):
        response = client.post(url, payload, format="json")
        assert response.status_code == 404, (role, url, response.json())
        assert response.json()["code"] == "not_found"
    assert _counts() == before


_DESK = {roles.ADMIN, roles.AGENCY_HEAD, roles.RECEIVER}  # receiver: at the counter and holding step 1


def _table(allowed: set[str], ok: int) -> dict[str, int]:
    return {role: 404 if role == roles.UNIT_HEAD else ok if role in allowed else 403 for role in ALL_ROLES}


RECEIVE_IN_COMMUNE = _table(_DESK, 201)
COMPLETE_RECEIVERS_STEP = _table(_DESK, 200)  # the assignee, or the head (and the administrator)
EXTEND_OWN_DOSSIER = _table(_DESK, 200)  # whoever holds an open item, or the head
STOP_OWN_DOSSIER = _table(_DESK, 200)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_dossier_writes_inside_scope_follow_the_rules(world, dossiers, catalogue, api, role):
    client = api(world.users[role])
    cases = [
        (
            RECEIVE_IN_COMMUNE,
            "/api/v1/dossiers/",
            {
                "agency": world.commune_a.pk,
                "procedure": catalogue[HOUSEHOLD].pk,
                "channel": "online",
                "applicant": {"name": "Lê Thị Hoa"},
            },
        ),
        (COMPLETE_RECEIVERS_STEP, f"/api/v1/work-items/{dossiers.item(dossiers.own).pk}/complete/", {}),
        (
            EXTEND_OWN_DOSSIER,
            f"/api/v1/dossiers/{dossiers.own_for_extend.pk}/extend/",
            {"extra_working_days": 1, "reason": "Chờ xác minh"},
        ),
        (STOP_OWN_DOSSIER, f"/api/v1/dossiers/{dossiers.own_for_stop.pk}/stop/", {"reason": "Người nộp rút"}),
    ]
    for table, url, payload in cases:
        before = _counts()
        response = client.post(url, payload, format="json")
        assert response.status_code == table[role], (role, url, response.json())
        if response.status_code in (403, 404):
            assert _counts() == before, (role, url)
        else:
            assert AuditEvent.objects.count() > before[2], (role, url)
