"""A calendar change moves the open deadlines it affects — in the background task, in bulk — and
the administrator sees how many moved; closed clocks and other scopes are left alone."""

import datetime

import pytest

from eiso.calendars import services
from eiso.calendars.adapter import calendar_for
from eiso.calendars.clock import LegalClock
from eiso.calendars.models import CalendarChange, ClockRecord
from eiso.calendars.recompute import recompute_open_clocks
from eiso.calendars.tests.conftest import at, d
from eiso.core.audit import verify_chain
from eiso.core.models import AuditEvent

pytestmark = pytest.mark.django_db

DAY_OFF = d("15/06/2026")  # a Monday


@pytest.fixture
def clocks(national, agency_tree):
    """Open clocks around 15/06/2026 in the province, one in the other province, one national, one closed."""
    made = {}
    for number, day in enumerate((8, 9, 10, 11, 12)):
        made[f"commune-{number}"] = services.start_clock(
            actor=None,
            subject=f"HS-{number}",
            received_at=at(2026, 6, day, 9, 30),
            amount=5,
            agency=agency_tree.commune,
        )
    made["days-mode"] = services.start_clock(
        actor=None,
        subject="HS-days",
        received_at=at(2026, 6, 12, 16),
        amount=2,
        mode="days",
        agency=agency_tree.justice,
    )
    made["hours"] = services.start_clock(
        actor=None,
        subject="HS-hours",
        received_at=at(2026, 6, 12, 14),
        amount=6,
        unit="working_hours",
        agency=agency_tree.science,
    )
    made["after"] = services.start_clock(
        actor=None, subject="HS-after", received_at=at(2026, 6, 16, 9), amount=3, agency=agency_tree.commune
    )
    made["before"] = services.start_clock(
        actor=None, subject="HS-before", received_at=at(2026, 6, 1, 9), amount=2, agency=agency_tree.commune
    )
    made["other"] = services.start_clock(
        actor=None,
        subject="HS-other",
        received_at=at(2026, 6, 10, 9),
        amount=5,
        agency=agency_tree.other_justice,
    )
    made["national"] = services.start_clock(
        actor=None, subject="HS-national", received_at=at(2026, 6, 10, 9), amount=5, agency=None
    )
    paused = services.start_clock(
        actor=None, subject="HS-paused", received_at=at(2026, 6, 9, 9), amount=4, agency=agency_tree.commune
    )
    services.clock_event(actor=None, record=paused, event="pause", at=at(2026, 6, 9, 10))
    made["paused"] = services.clock_event(actor=None, record=paused, event="resume", at=at(2026, 6, 10, 10))
    closed = services.start_clock(
        actor=None, subject="HS-closed", received_at=at(2026, 6, 10, 9), amount=5, agency=agency_tree.commune
    )
    made["closed"] = services.clock_event(actor=None, record=closed, event="finish", at=at(2026, 6, 12, 9))
    return made


def fresh(record):
    return ClockRecord.objects.get(pk=record.pk)


def test_a_national_day_off_moves_the_deadlines_it_falls_in(clocks, django_capture_on_commit_callbacks):
    before = {name: fresh(r) for name, r in clocks.items()}
    with django_capture_on_commit_callbacks(execute=True):
        services.save_entry(
            actor=None, date=DAY_OFF, kind="swapped_day_off", name_vi="Nghỉ hoán đổi đột xuất"
        )
    change = CalendarChange.objects.get()
    moved_names = {name for name, r in clocks.items() if fresh(r).due_at != before[name].due_at}
    assert moved_names == {f"commune-{n}" for n in range(5)} | {
        "days-mode",
        "hours",
        "other",
        "national",
        "paused",
    }
    assert change.status == "done"
    assert change.moved_count == len(moved_names) == len(change.moved_ids)
    assert set(change.moved_ids) == {clocks[name].pk for name in moved_names}
    assert change.checked_count >= change.moved_count
    for number in range(5):
        old, new = before[f"commune-{number}"].due_at, fresh(clocks[f"commune-{number}"]).due_at
        assert new > old and new.astimezone(old.tzinfo).time() == old.time()  # later, same time of day
    assert fresh(clocks["closed"]).due_at == before["closed"].due_at
    assert fresh(clocks["closed"]).state == before["closed"].state
    assert fresh(clocks["after"]).due_at == before["after"].due_at
    assert fresh(clocks["before"]).due_at == before["before"].due_at
    event = AuditEvent.objects.filter(verb="calendar.recompute").get()
    assert event.after["moved"] == len(moved_names)
    assert f"{len(moved_names)} lịch hẹn" in event.reason
    assert verify_chain().ok


def test_stored_states_load_onto_the_new_calendar(clocks, django_capture_on_commit_callbacks):
    """`state` keeps the events; loaded on the current calendar it gives the recomputed `due_at`."""
    states = {r.pk: r.state for r in ClockRecord.objects.all()}
    with django_capture_on_commit_callbacks(execute=True):
        services.save_entry(actor=None, date=DAY_OFF, kind="holiday", name_vi="Nghỉ")
    for record in ClockRecord.objects.all():
        assert record.state == states[record.pk]  # events are history: untouched
        if record.is_open:
            assert services.load_clock(record).due() == record.due_at, record.subject


def test_a_province_day_off_moves_only_that_provinces_deadlines(
    clocks, agency_tree, django_capture_on_commit_callbacks
):
    before = {name: fresh(r).due_at for name, r in clocks.items()}
    with django_capture_on_commit_callbacks(execute=True):
        services.save_entry(
            actor=None, date=DAY_OFF, kind="holiday", name_vi="Ngày của tỉnh", agency=agency_tree.province
        )
    change = CalendarChange.objects.get()
    assert change.agency == agency_tree.province
    assert fresh(clocks["other"]).due_at == before["other"]
    assert fresh(clocks["national"]).due_at == before["national"]
    assert fresh(clocks["commune-0"]).due_at != before["commune-0"]
    assert clocks["other"].pk not in change.moved_ids


def test_removing_the_day_off_moves_them_back(clocks, django_capture_on_commit_callbacks):
    before = {name: fresh(r).due_at for name, r in clocks.items()}
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.save_entry(actor=None, date=DAY_OFF, kind="holiday", name_vi="Nghỉ")
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_entry(actor=None, entry=entry)
    assert {name: fresh(r).due_at for name, r in clocks.items()} == before
    assert CalendarChange.objects.filter(status="done").count() == 2


def test_working_hours_change_recomputes_the_agencys_clocks(
    clocks, agency_tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.set_work_schedule(
            actor=None,
            agency=agency_tree.commune,
            morning_start=datetime.time(7),
            morning_end=datetime.time(11),
            afternoon_start=datetime.time(13),
            afternoon_end=datetime.time(16),
            weekmask="1111100",
            reception_cutoff=datetime.time(9),  # dossiers received at 09:30 now count from the next day
        )
    change = CalendarChange.objects.get()
    assert change.dates == [] and change.moved_count > 0
    commune_ids = {
        r.pk for n, r in clocks.items() if n.startswith("commune") or n in ("after", "before", "paused")
    }
    assert set(change.moved_ids) <= commune_ids


def test_year_status_change_updates_the_estimated_flag(
    national, agency_tree, django_capture_on_commit_callbacks
):
    record = services.start_clock(
        actor=None, subject="HS-2027", received_at=at(2026, 12, 28, 9), amount=10, agency=agency_tree.commune
    )
    assert record.estimated
    with django_capture_on_commit_callbacks(execute=True):
        services.set_year_status(actor=None, year=2027, status="official", legal_reference="QĐ")
    assert not fresh(record).estimated
    assert CalendarChange.objects.get().moved_count == 0


def test_recompute_is_idempotent_and_direct_calls_work(clocks, django_capture_on_commit_callbacks):
    from eiso.calendars.tasks import recompute_calendar_change

    with django_capture_on_commit_callbacks(execute=True):
        services.save_entry(actor=None, date=DAY_OFF, kind="holiday", name_vi="Nghỉ")
    change = CalendarChange.objects.get()
    assert recompute_calendar_change.call(change.pk)["skipped"]
    assert recompute_open_clocks([DAY_OFF]).moved == 0  # already up to date
    assert AuditEvent.objects.filter(verb="calendar.recompute").count() == 1


def test_many_plain_clocks_agree_with_the_scalar_arithmetic(national, agency_tree):
    """The numpy path gives what LegalClock gives, clock by clock, in both modes."""
    records = []
    for index in range(60):
        received = at(2026, 6, 1, 7) + datetime.timedelta(hours=7 * index, minutes=13 * index)
        records.append(
            services.start_clock(
                actor=None,
                subject=f"HS-{index}",
                received_at=received,
                amount=(index % 9) * 0.5 if index % 2 else index % 7,
                mode="hours" if index % 2 else "days",
                agency=agency_tree.commune,
            )
        )
    services.save_entry(actor=None, date=DAY_OFF, kind="holiday", name_vi="Nghỉ")
    services.save_entry(actor=None, date=d("20/06/2026"), kind="swapped_working_day", name_vi="Làm bù")
    result = recompute_open_clocks([DAY_OFF, d("20/06/2026")])
    assert result.moved > 10
    cal = calendar_for(agency_tree.commune)
    for record in records:
        record = fresh(record)
        expected = LegalClock(cal).start(record.period_opened_at, record.amount, record.unit, record.mode)
        assert record.due_at == expected.due(), record.subject
        assert record.estimated == expected.estimated
