"""Stateful property test of the dossier state machine driven through the services (hypothesis).

Each example receives one dossier (the 4-step process of the conftest: receive → appraise → approve
(agreed → return, not agreed → appraise) → return the result) and runs random actions at increasing
moments: complete a step (agreed / not agreed at the approval), return to an earlier step, request a
supplement (inside or outside the 3-working-day window), supplement received, extend, refuse, stop,
withdraw, return the result. A shadow state follows `machine.TRANSITIONS`; after every action:

- the dossier's status is one of `machine.STATES` and equals the shadow (only reachable states);
- a refused action (DomainError / PermissionRefused / Conflict) left the database as it was: the same
  hand-overs, work items (and their states), audit events and dossier row;
- open work items exist iff the dossier is processing, or has its result ready and waits at the
  "return to applicant" step;
- clock: while the dossier's legal clock runs or waits, working time used + left equals the working
  time allotted to the current period (from its counting start to its due moment), and while it waits
  for the applicant the time used does not grow.

World and fixtures are built once per test function; hypothesis runs the machine inside it
(`run_state_machine_as_test`), each example on a new dossier.
"""

import datetime

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from eiso.accounts import roles
from eiso.calendars.services import load_clock
from eiso.core.errors import DomainError
from eiso.core.models import AuditEvent
from eiso.dossiers import machine, services
from eiso.dossiers.models import Dossier, HandOver, WorkItem

from .conftest import at

pytestmark = pytest.mark.django_db

# Errors a service may raise for a reason other than the state (time windows, clock rules).
TIMING_CODES = {"supplement_window", "refusal_late", "invalid_clock"}
ONE_SECOND = datetime.timedelta(seconds=1)


def _snapshot(dossier_id: int) -> tuple:
    return (
        HandOver.objects.count(),
        AuditEvent.objects.count(),
        tuple(
            WorkItem.objects.filter(dossier_id=dossier_id)
            .order_by("pk")
            .values_list("pk", "status", "assignee")
        ),
        Dossier.objects.filter(pk=dossier_id)
        .values_list("status", "updated_at", "supplement_count", "extended_at", "clock__due_at")
        .get(),
    )


def _allotted(clock) -> datetime.timedelta:
    """Working time of the current period: counting start → due (the extended due if extended in it)."""
    base = clock.period_due
    ext = clock.extension
    if ext is not None and ext.requested_at >= clock.period_opened_at:
        base = ext.new_due
    return clock.calendar.working_time_between(clock.period_start, base)


@pytest.mark.parametrize("max_examples", [25])
def test_dossier_state_machine(receive_one, users, max_examples):
    head, receiver, officer = users[roles.AGENCY_HEAD], users[roles.RECEIVER], users[roles.OFFICER]

    class DossierMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.now = at(2, 10)
            self.dossier = receive_one(at=self.now)
            self.shadow = "processing"
            self.used_at_pause = None

        # --- helpers ---------------------------------------------------------------------------

        def fresh(self) -> Dossier:
            return Dossier.objects.select_related("clock").get(pk=self.dossier.pk)

        def open_items(self):
            return list(WorkItem.objects.filter(dossier=self.dossier, status="open").order_by("step_number"))

        def attempt(self, action: str, call, follow: tuple[str, ...] = ()) -> None:
            """Run `call`; it must succeed only when the shadow machine allows `action`. On success the
            shadow takes `action` and then the `follow` actions the service implies (e.g. completing the
            approval finishes processing), each of which must be a legal transition too."""
            allowed = action in machine.allowed_actions(self.shadow)
            before = _snapshot(self.dossier.pk)
            try:
                call()
            except DomainError as exc:
                assert _snapshot(self.dossier.pk) == before, f"{action} refused but changed the database"
                if not allowed:
                    assert exc.code in ("transition_refused", "conflict"), (action, exc.code, exc.messages)
                else:
                    assert exc.code in TIMING_CODES, (action, self.shadow, exc.code, exc.messages)
                return
            assert allowed, f"{action} succeeded in state {self.shadow}"
            for step in (action, *follow):
                self.shadow = machine.next_state(self.shadow, step)
            self.used_at_pause = None

        # --- time --------------------------------------------------------------------------------

        @rule(hours=st.integers(min_value=1, max_value=30))
        def wait(self, hours):
            self.now += datetime.timedelta(hours=hours)

        # --- work items ------------------------------------------------------------------------

        @rule(agreed=st.booleans(), data=st.data())
        def complete_step(self, agreed, data):
            items = self.open_items()
            if not items:
                return
            item = data.draw(st.sampled_from(items))
            kwargs = {"actor": head, "item": item, "at": self.now}
            follow: tuple[str, ...] = ()
            if item.kind == "approval":
                kwargs.update(outcome="agreed" if agreed else "not_agreed", note="Ý kiến của lãnh đạo")
                if agreed:  # the next step returns the result: processing is finished
                    follow = ("finish_processing",)
            if item.kind == "return_to_applicant":
                kwargs.update(returned_to="Nguyễn Văn An", return_method="counter")
                follow = ("return_result",)
            self.attempt("complete_step", lambda: services.complete_step(**kwargs), follow)

        @rule(data=st.data())
        def return_to_step(self, data):
            items = [i for i in self.open_items() if i.step_number > 1 and i.kind != "return_to_applicant"]
            if not items:
                return
            item = data.draw(st.sampled_from(items))
            target = data.draw(st.integers(min_value=1, max_value=item.step_number - 1))
            self.attempt(
                "return_to_step",
                lambda: services.return_to_step(
                    actor=head, item=item, step_number=target, note="Xem lại", at=self.now
                ),
            )

        @rule()
        def complete_a_closed_item(self):
            """A step completed earlier cannot be completed again (a conflict, nothing written)."""
            done = WorkItem.objects.filter(dossier=self.dossier).exclude(status="open").first()
            if done is None:
                return
            before = _snapshot(self.dossier.pk)
            with pytest.raises(DomainError):
                services.complete_step(actor=head, item=done, outcome="agreed", note="x", at=self.now)
            assert _snapshot(self.dossier.pk) == before

        # --- dossier-level actions ---------------------------------------------------------------

        @rule(late=st.booleans())
        def request_supplement(self, late):
            if late:  # well outside the 3-working-day window
                self.now = max(self.now, self.fresh().received_at + datetime.timedelta(days=8))
            was = self.shadow
            self.attempt(
                "request_supplement",
                lambda: services.request_supplement(
                    actor=head, dossier=self.dossier, missing_note="Giấy xác nhận cư trú", at=self.now
                ),
            )
            if was != "supplement_requested" and self.shadow == "supplement_requested":
                self.used_at_pause = load_clock(self.fresh().clock).working_time_used(as_of=self.now)

        @rule()
        def supplement_received(self):
            self.attempt(
                "supplement_received",
                lambda: services.supplement_received(actor=receiver, dossier=self.dossier, at=self.now),
            )

        @rule(days=st.integers(min_value=1, max_value=5))
        def extend(self, days):
            self.attempt(
                "extend",
                lambda: services.extend(
                    actor=head,
                    dossier=self.dossier,
                    extra_working_days=days,
                    reason="Chờ xác minh",
                    at=self.now,
                ),
            )

        @rule()
        def refuse(self):
            self.attempt(
                "refuse",
                lambda: services.refuse(
                    actor=head, dossier=self.dossier, reason="Không đủ điều kiện", at=self.now
                ),
            )

        @rule()
        def stop(self):
            self.attempt(
                "stop",
                lambda: services.stop(
                    actor=receiver, dossier=self.dossier, reason="Người nộp đề nghị", at=self.now
                ),
            )

        @rule()
        def withdraw(self):
            self.attempt(
                "withdraw",
                lambda: services.withdraw(
                    actor=receiver, dossier=self.dossier, reason="Rút hồ sơ", at=self.now
                ),
            )

        @rule(method=st.sampled_from(["counter", "postal", "online"]))
        def return_result(self, method):
            self.attempt(
                "return_result",
                lambda: services.return_result(
                    actor=receiver,
                    dossier=self.dossier,
                    returned_to="Nguyễn Văn An",
                    method=method,
                    at=self.now,
                ),
            )

        @precondition(lambda self: self.shadow == "processing")
        @rule()
        def officer_cannot_refuse(self):
            """Someone holding no open item of the dossier is refused (403), nothing written."""
            if any(i.assignee_id == officer.pk for i in self.open_items()):
                return
            before = _snapshot(self.dossier.pk)
            with pytest.raises(DomainError) as refused:
                services.refuse(actor=officer, dossier=self.dossier, reason="x", at=self.now)
            assert refused.value.code == "forbidden"
            assert _snapshot(self.dossier.pk) == before

        # --- invariants --------------------------------------------------------------------------

        @invariant()
        def status_is_the_shadow(self):
            status = self.fresh().status
            assert status in machine.STATES
            assert status == self.shadow, (status, self.shadow)

        @invariant()
        def open_items_iff_working(self):
            items = self.open_items()
            if self.shadow == "processing":
                assert items, "a dossier in processing must have an open work item"
            elif self.shadow == "result_ready":
                assert [i.kind for i in items] == ["return_to_applicant"]
            else:
                assert items == [], (self.shadow, items)

        @invariant()
        def clock_adds_up(self):
            dossier = self.fresh()
            clock = load_clock(dossier.clock)
            if dossier.status in machine.OPEN_STATES:
                assert clock.state == ("running" if dossier.status == "processing" else "paused")
            else:
                assert clock.state in ("finished", "stopped")
                return
            if self.now < clock.period_start:
                return  # counting has not started yet (after the afternoon cut-off)
            used = clock.working_time_used(as_of=self.now)
            left = clock.working_time_left(as_of=self.now)
            assert abs(used + left - _allotted(clock)) <= ONE_SECOND, (used, left, _allotted(clock))
            if clock.state == "paused" and self.used_at_pause is not None:
                assert used == self.used_at_pause, "time waiting for the applicant was counted"

    run_state_machine_as_test(
        DossierMachine,
        settings=settings(
            max_examples=max_examples,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
