"""Recomputing open deadlines after a calendar change: 100,000 open legal clocks, one swapped day off.

Target (issue "Working calendar and legal clock"): recomputing 100k open clocks after a calendar
change, including the database writes, < 5 s on PostgreSQL.

Set-up (not timed): a throwaway database (`eiso_bench_cal` by default, created and dropped here),
migrated, with the national calendar seeded; a province with 10 communes; `--clocks` open
`ClockRecord`s made with `LegalClock` and `bulk_create`: received in working hours from 8 to 12 June
2026, limits of 5–20 working days (80 % hours mode, 20 % days mode), 2 % with a pause (those take
the one-by-one path), spread over the communes and the national calendar. Every one of them is open
across Monday 15 June 2026, so the change moves nearly all of them: the worst case.

Timed, in rounds (the day off is added, then removed, so every round moves every clock again; the
clock table is vacuumed before each timed step, as autovacuum would between two calendar changes):

* `calendar change` — the service `save_entry` (the entry, the version token, the CalendarChange
  row and the audit event, one transaction);
* `recompute` — the background task `recompute_calendar_change` run by the worker: select and lock
  the affected open clocks, recompute, write due moments and states, store the counts and moved ids,
  record the audit event, commit;
* reference `writes alone` — the same rows written with values precomputed outside the timing, by the
  task's own statement (`set_clock_dues`: one `UPDATE … FROM unnest(…)` of `due_at` and `estimated`
  per batch of 20,000 on PostgreSQL), in its own transaction: what the recomputation adds to its writes;
* reference `bulk_update` (once, at the end) — Django's `bulk_update(["due_at", "estimated"],
  batch_size=1000)` of the same rows with precomputed values: the ORM's own bulk tool.

    .venv/bin/python benchmarks/bench_calendar_recompute.py                   # 100,000 clocks, PostgreSQL
    .venv/bin/python benchmarks/bench_calendar_recompute.py --clocks 5000     # smoke run
    .venv/bin/python benchmarks/bench_calendar_recompute.py --database-url sqlite
"""

from __future__ import annotations

import datetime
import random
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/eiso_bench_cal"
TARGET_S = 5.0
SEED = 20260615
DAY_OFF = datetime.date(2026, 6, 15)


def build_world(n: int, seed: int) -> dict:
    """Agencies and `n` open clocks (bulk), as described in the module docstring."""
    from eiso.calendars import services
    from eiso.calendars.adapter import calendar_for
    from eiso.calendars.clock import VN_TZ, LegalClock
    from eiso.calendars.models import ClockRecord
    from eiso.organizations import services as organizations
    from eiso.organizations.models import AgencyKind

    start = datetime.date(2025, 7, 1)
    province = organizations.create_agency(
        actor=None, name="Tỉnh Thử Nghiệm", kind=AgencyKind.PROVINCE, admin_code="33", valid_from=start
    )
    communes = [
        organizations.create_agency(
            actor=None,
            name=f"Xã Thử Nghiệm {i}",
            kind=AgencyKind.COMMUNE,
            admin_code=f"{12000 + i}",
            parent=province,
            valid_from=start,
        )
        for i in range(10)
    ]
    agencies = [None, *communes]
    rng = random.Random(seed)
    days = [datetime.date(2026, 6, d) for d in range(8, 13)]  # Monday to Friday before the day off
    rows = []
    for index in range(n):
        agency = agencies[index % len(agencies)]
        cal = calendar_for(agency)
        day = rng.choice(days)
        minute = rng.randrange(8 * 60, 16 * 60 + 59)
        received = datetime.datetime(
            day.year, day.month, day.day, minute // 60, minute % 60, rng.randrange(60), tzinfo=VN_TZ
        )
        mode = "days" if rng.random() < 0.2 else "hours"
        clock = LegalClock(cal).start(received, rng.randint(5, 20), "working_days", mode)
        if rng.random() < 0.02:
            paused = received + datetime.timedelta(hours=1)
            clock = clock.pause(paused).resume(paused + datetime.timedelta(hours=20))
        record = ClockRecord(agency=agency, subject=f"000.00.01.H33-{day:%y%m%d}-{index:06d}")
        services.sync_columns(record, clock)
        rows.append(record)
    ClockRecord.objects.bulk_create(rows, batch_size=5000)
    return {"province": province, "communes": communes}


def snapshot_values():
    from eiso.calendars.models import ClockRecord

    return {
        pk: (due, state, est)
        for pk, due, state, est in ClockRecord.objects.filter(is_open=True).values_list(
            "pk", "due_at", "state", "estimated"
        )
    }


def reference_bulk_update(values: dict) -> float:
    """Django bulk_update of the same rows with precomputed values; returns seconds."""
    from django.db import transaction

    from eiso.calendars.models import ClockRecord

    objects = [
        ClockRecord(pk=pk, due_at=due, state=state, estimated=est) for pk, (due, state, est) in values.items()
    ]
    start = common.now()
    with transaction.atomic():
        ClockRecord.objects.bulk_update(objects, ["due_at", "estimated"], batch_size=1000)
    return common.now() - start


def reference_writes(values: dict, batch: int = 20_000) -> float:
    """The task's own write statement (`set_clock_dues`) with precomputed values, same batches."""
    from django.db import transaction

    from eiso.calendars.recompute import set_clock_dues

    rows = [(pk, int(due.timestamp()), est) for pk, (due, _state, est) in values.items()]
    start = common.now()
    with transaction.atomic():
        for first in range(0, len(rows), batch):
            ids, dues, flags = (list(column) for column in zip(*rows[first : first + batch], strict=True))
            set_clock_dues(ids, dues, flags)
    return common.now() - start


def vacuum() -> None:
    """What autovacuum does between two calendar changes (they are weeks apart): not timed."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE calendars_clockrecord")


def one_round(add: bool, entry):
    """Change the calendar (add or remove the day off), then run the recompute task; (entry, timings)."""
    from eiso.calendars import services
    from eiso.calendars.models import CalendarChange
    from eiso.calendars.tasks import recompute_calendar_change

    start = common.now()
    if add:
        entry = services.save_entry(
            actor=None,
            date=DAY_OFF,
            kind="swapped_day_off",
            name_vi="Nghỉ hoán đổi (thử nghiệm)",
            legal_reference="Công văn thử nghiệm",
        )
    else:
        services.delete_entry(actor=None, entry=entry)
        entry = None
    change_s = common.now() - start
    change = CalendarChange.objects.order_by("-pk").first()
    start = common.now()
    outcome = recompute_calendar_change.call(change.pk)
    recompute_s = common.now() - start
    return entry, {
        "change_s": change_s,
        "recompute_s": recompute_s,
        "checked": outcome["checked"],
        "moved": outcome["moved"],
    }


def main(argv: list[str] | None = None) -> None:
    parser = common.base_parser(__doc__.split("\n\n")[0])
    parser.set_defaults(database_url=DEFAULT_URL)
    parser.add_argument("--clocks", type=int, default=100_000)
    parser.add_argument(
        "--rounds", type=int, default=4, help="calendar changes timed (alternating add/remove)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--skip-bulk-update", action="store_true", help="skip the slow bulk_update reference")
    args = parser.parse_args(argv)
    url = args.database_url
    if url == "sqlite":
        url = common.sqlite_url(tempfile.mkdtemp(prefix="eiso-bench-cal-"))
    common.setup_django(url)
    print(f"bench_calendar_recompute: {url}", flush=True)
    common.create_database(url)
    try:
        common.migrate()
        with common.stopwatch(f"generate {args.clocks:,} open clocks"):
            build_world(args.clocks, SEED)
        if common.is_postgres(url):
            common.analyze()
        info = common.machine_info()
        common.print_machine(info)
        rounds, writes = [], []
        entry = None
        for number in range(args.rounds):
            before = snapshot_values()
            vacuum()
            entry, timing = one_round(number % 2 == 0, entry)
            after = snapshot_values()
            # Reference: the same rows written back to their previous values, then forward again.
            vacuum()
            writes.append(reference_writes(before))
            vacuum()
            writes.append(reference_writes(after))
            rounds.append(timing)
            print(
                f"  round {number + 1}: change {timing['change_s'] * 1000:.0f} ms, recompute "
                f"{timing['recompute_s']:.2f} s ({timing['checked']:,} checked, {timing['moved']:,} moved); "
                f"writes alone {writes[-2]:.2f} s / {writes[-1]:.2f} s",
                flush=True,
            )
        bulk_update_s = float("nan")
        if not args.skip_bulk_update:
            with common.stopwatch("reference bulk_update of the same rows"):
                bulk_update_s = reference_bulk_update(snapshot_values())
        recompute = [r["recompute_s"] for r in rounds]
        best, median = min(recompute), statistics.median(recompute)
        writes_median = statistics.median(writes)
        ok = max(recompute) < TARGET_S
        summary = {
            "machine": info,
            "clocks": args.clocks,
            "rounds": rounds,
            "recompute_best_s": best,
            "recompute_median_s": median,
            "recompute_worst_s": max(recompute),
            "change_median_ms": statistics.median(r["change_s"] for r in rounds) * 1000,
            "writes_alone_median_s": writes_median,
            "bulk_update_s": bulk_update_s,
            "ratio_recompute_to_writes_alone": median / writes_median,
            "ratio_recompute_to_bulk_update": median / bulk_update_s,
            "target_s": TARGET_S,
            "verdict": common.verdict(ok),
        }
        print()
        print(
            f"| measure ({args.clocks:,} open clocks, {info['database_version']}) | median | best | worst |"
        )
        print("|---|---|---|---|")
        print(f"| calendar change (service, one transaction) | {summary['change_median_ms']:.0f} ms | | |")
        print(
            f"| recompute task, writes and commit included | {median:.2f} s | {best:.2f} s | {max(recompute):.2f} s |"
        )
        print(
            f"| reference: writes alone (same statement, precomputed values) | {writes_median:.2f} s | "
            f"{min(writes):.2f} s | {max(writes):.2f} s |"
        )
        print(f"| reference: Django bulk_update of the same rows (once) | {bulk_update_s:.2f} s | | |")
        print(f"ratio recompute / writes alone (medians): {summary['ratio_recompute_to_writes_alone']:.2f}×")
        print(f"ratio recompute / bulk_update: {summary['ratio_recompute_to_bulk_update']:.2f}×")
        print(f"target < {TARGET_S:.0f} s for every round: {summary['verdict']}")
        common.write_json(args.json, summary)
    finally:
        common.close_connections()
        if not args.keep:
            common.drop_database(url)


if __name__ == "__main__":
    main()
