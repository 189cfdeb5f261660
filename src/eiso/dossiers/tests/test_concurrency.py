"""Concurrency on PostgreSQL: real threads, each on its own database connection, racing through the
services. SQLite serialises every writer (IMMEDIATE transactions), so these races cannot happen there
and the tests are skipped.

- two officers complete the same step at once → one succeeds, the other gets a Conflict, one hand-over;
- 50 receptions at once → unique codes, continuous form-07 book numbers, continuous daily serials;
- two retries with the same Idempotency-Key at once → one dossier;
- the scheduled scan while a transition holds a dossier → they wait for each other, no deadlock.
"""

import datetime
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from eiso.accounts import roles
from eiso.core.errors import Conflict
from eiso.dossiers import services
from eiso.dossiers.models import BookEntry, Dossier, HandOver, IdempotencyKey, WorkItem

from .conftest import HOUSEHOLD, MONDAY, at

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks and concurrent transactions need PostgreSQL (SQLite serialises all writers)",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _seeded_by_migrations(transactional_db):
    """Transactional tests start from an emptied database: put back what the migrations seed (roles,
    the national calendar). Serialized rollback cannot be used here: it reloads content types that the
    flush of an earlier transactional test has already recreated."""
    from eiso.accounts.roles import ensure_roles
    from eiso.calendars import adapter
    from eiso.calendars.models import CalendarEntry
    from eiso.calendars.services import seed_calendar

    ensure_roles()
    if not CalendarEntry.objects.exists():
        seed_calendar(actor=None)
    adapter.invalidate()


def _race(calls):
    """Run the callables at the same moment, each in its own thread and connection; return results
    (or the exception raised) in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait(timeout=30)
            return call()
        except Exception as exc:  # noqa: BLE001 — the test inspects what each thread got
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_two_officers_completing_the_same_step_one_wins(receive_one, users):
    dossier = receive_one()
    services.complete_step(
        actor=users[roles.RECEIVER], item=WorkItem.objects.get(dossier=dossier, status="open"), at=at(2, 11)
    )
    step2 = WorkItem.objects.get(dossier=dossier, status="open")
    head, officer = users[roles.AGENCY_HEAD], users[roles.OFFICER]
    results = _race(
        [
            lambda: services.complete_step(actor=officer, item=step2, note="Đủ điều kiện", at=at(2, 14)),
            lambda: services.complete_step(actor=head, item=step2, note="Đủ điều kiện", at=at(2, 14)),
        ]
    )
    winners = [r for r in results if isinstance(r, list)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], Conflict) and "đã được xử lý" in losers[0].messages[0]
    assert HandOver.objects.filter(dossier=dossier, action="complete", work_item=step2).count() == 1
    assert WorkItem.objects.filter(dossier=dossier, status="open", step_number=3).count() == 1


def test_fifty_concurrent_receptions_get_unique_codes_and_continuous_numbers(
    world, catalogue, process, users
):
    receiver = users[roles.RECEIVER]

    def receive(n):
        return lambda: services.receive(
            actor=receiver,
            agency=world.commune_a,
            procedure=catalogue[HOUSEHOLD],
            channel="online",
            applicant=services.Applicant(name=f"Người nộp {n}"),
            at=MONDAY,
        )

    results = _race([receive(n) for n in range(50)])
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    codes = [d.code for d in results]
    assert len(set(codes)) == 50
    assert sorted(int(c.rsplit("-", 1)[1]) for c in codes) == list(range(1, 51))
    numbers = sorted(
        BookEntry.objects.filter(dossier__in=[d.pk for d in results]).values_list("number", flat=True)
    )
    assert numbers == list(range(1, 51))


def test_concurrent_retries_with_the_same_idempotency_key_make_one_dossier(world, catalogue, process, users):
    receiver = users[roles.RECEIVER]
    kwargs = {
        "agency": world.commune_a,
        "procedure": catalogue[HOUSEHOLD],
        "channel": "online",
        "applicant": services.Applicant(name="Trần Thị Bình"),
        "at": MONDAY,
    }

    def retry():
        return services.receive_idempotent(actor=receiver, key="retry-1", fingerprint={"n": 1}, **kwargs)

    results = _race([retry, retry, retry])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({dossier.pk for dossier, _created in results}) == 1
    assert sorted(created for _dossier, created in results) == [False, False, True]
    assert Dossier.objects.count() == 1 and IdempotencyKey.objects.count() == 1


def test_the_scan_waits_for_a_transition_instead_of_deadlocking_with_it(receive_one):
    """A transition locks its dossier, then writes the dossier's items; the scan marks dossiers before
    items, in the same order. (Marking items first, it held the item the transition was about to write
    while waiting for the dossier: PostgreSQL then aborted one of them as a deadlock.)"""
    dossier = receive_one()
    item = WorkItem.objects.get(dossier=dossier, status="open")
    locked = threading.Event()

    def transition():
        with transaction.atomic():
            services._lock(dossier.pk)
            locked.set()
            time.sleep(1)  # the scan starts meanwhile, and must wait behind this lock
            WorkItem.objects.filter(pk=item.pk).update(note="đang xử lý")
        return "done"

    def scan():
        locked.wait(timeout=10)
        return services.scan(now=MONDAY + datetime.timedelta(days=30), notify=False)

    done, scanned = _race([transition, scan])
    assert done == "done" and not isinstance(scanned, Exception), scanned
    assert (scanned.dossiers_overdue, scanned.items_overdue) == (1, 1)
    item.refresh_from_db()
    assert item.risk == "overdue" and item.note == "đang xử lý"
    assert Dossier.objects.get(pk=dossier.pk).risk == "overdue"


def test_a_step_takes_the_audit_chain_after_its_rows_so_a_clock_writer_never_deadlocks_with_it(
    receive_one, users, monkeypatch
):
    """The finishing step takes the audit chain's lock early (decision 0020, 5), but only after locking
    its dossier, clock and item. A writer that holds the clock and then records an event (a calendar
    recompute does) makes the step wait, not deadlock, even when both write into the same chain."""
    from eiso.calendars.models import ClockRecord
    from eiso.core import audit

    monkeypatch.setattr(audit, "_chain", lambda: 0)  # both sessions in one chain: the worst case
    dossier = receive_one()
    receiver, officer, head = users[roles.RECEIVER], users[roles.OFFICER], users[roles.AGENCY_HEAD]
    services.complete_step(
        actor=receiver, item=WorkItem.objects.get(dossier=dossier, status="open"), at=at(2, 11)
    )
    step2 = WorkItem.objects.get(dossier=dossier, status="open")
    services.claim(actor=officer, item=step2)
    services.complete_step(actor=officer, item=step2, note="Đủ điều kiện", at=at(2, 14))
    last = WorkItem.objects.get(dossier=dossier, status="open")
    holding = threading.Event()

    def recompute_like():
        with transaction.atomic():
            ClockRecord.objects.select_for_update().get(pk=dossier.clock_id)
            holding.set()
            time.sleep(1)  # the step starts meanwhile and waits for the clock
            audit.record_event(actor=None, verb="calendar.recompute", object_type="t", object_id="1")
        return "done"

    def finishing_step():
        holding.wait(timeout=10)
        return services.complete_step(
            actor=head, item=last, outcome="agreed", result_number="15/GXN-UBND", at=at(2, 16)
        )

    done, opened = _race([recompute_like, finishing_step])
    assert done == "done" and isinstance(opened, list), opened
    assert Dossier.objects.get(pk=dossier.pk).status == "result_ready"
    assert audit.verify_chain().ok
