"""Benchmark of dossier processing (issue 6) on PostgreSQL, against references measured in the same run.

    .venv/bin/pip install -e '.[bench]'      # SpiffWorkflow, for reference (ii) only
    .venv/bin/python benchmarks/bench_dossiers.py --dossiers 1000000 --json benchmarks/results/dossiers.json
    .venv/bin/python benchmarks/bench_dossiers.py --dossiers 20000 --per-worker 100      # smoke run

(a) data: `gen_dossiers.py` (demo world, a 6-step process, `--dossiers` background dossiers by COPY).
(b) transitions/s with two worker processes (multiprocessing, own connection each, disjoint dossiers):
    - services: `services.complete_step` through all 6 steps of freshly received dossiers (lock, state
      check, rules, step clock, hand-over, next item, audit event; the 5th step finishes processing:
      legal clock, timeliness; the 6th returns the result);
    - floor: raw SQL per transition — one transaction: UPDATE the work item + INSERT a hand-over row;
    - SpiffWorkflow 3.x running the same 6 steps (BPMN exported by the process designer,
      benchmarks/data/six_steps.bpmn), its serialized JSON state written to a table in the same
      database after each step (one transaction per step).
(c) 200 concurrent receptions (threads behind a pool of `--pool` connections; PostgreSQL allows 100)
    at one agency on one day: every code unique.
(d) the inbox page `dossiers:inbox` (Django test Client, session and middleware included) of the ward's
    officer, whose role pool holds the background's open items; p95 target < 100 ms.
(e) a province's monthly report (`metrics.report`, Hưng Yên, last full month, by procedure, as the
    provincial oversight officer sees it); target < 2 s.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import gen_dossiers  # noqa: E402

TARGET_TPS = 500
TARGET_INBOX_P95_MS = 100
TARGET_REPORT_S = 2.0
WARM_UP = 3  # dossiers each services worker runs before the timed part


# --- (b) workers --------------------------------------------------------------------------------------


def _worker_services(url, dossier_ids, staff, barrier, results):
    common.setup_django(url)
    from eiso.accounts.models import User
    from eiso.dossiers import services
    from eiso.dossiers.models import WorkItem

    users = {role: User.objects.get(pk=pk) for role, pk in staff.items()}
    firsts = dict(
        WorkItem.objects.filter(dossier_id__in=dossier_ids, status="open").values_list("dossier_id", "pk")
    )
    items = [WorkItem.objects.get(pk=firsts[d]) for d in dossier_ids]

    def run(item) -> int:
        done = 0
        while item is not None:
            actor = users.get(item.role_code) or users["agency_head"]
            opened = services.complete_step(
                actor=actor,
                item=item,
                result_number="12/2026/XNHN",
                returned_to="Người nộp",
                return_method="counter",
            )
            done += 1
            item = opened[0] if opened else None
        return done

    for item in items[:WARM_UP]:  # caches (calendar, scopes, design) filled before the clock starts
        run(item)
    barrier.wait()
    start = time.perf_counter()
    done = sum(run(item) for item in items[WARM_UP:])
    results.put(("services", done, time.perf_counter() - start))


def _worker_floor(url, item_ids, barrier, results):
    import psycopg

    conn = psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=False)
    barrier.wait()
    start = time.perf_counter()
    with conn.cursor() as cur:
        for item_id in item_ids:
            cur.execute(
                "UPDATE dossiers_workitem SET status = 'done', completed_at = now(), outcome = 'done', "
                "used_seconds = 60, timeliness = 'early' WHERE id = %s RETURNING dossier_id",
                (item_id,),
            )
            dossier_id = cur.fetchone()[0]
            cur.execute(
                "INSERT INTO dossiers_handover (dossier_id, work_item_id, action, from_label, to_label, "
                "given_at, received_at, allotted_seconds, used_seconds, timeliness, note) "
                "VALUES (%s, %s, 'complete', 'Bước', 'Bước sau', now(), now(), 3600, 60, 'early', '')",
                (dossier_id, item_id),
            )
            conn.commit()
    results.put(("floor", len(item_ids), time.perf_counter() - start))
    conn.close()


def _worker_spiff(url, bpmn_path, process_id, dossier_ids, barrier, results):
    import psycopg
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.bpmn.parser import BpmnParser
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.util.task import TaskState

    parser = BpmnParser()
    parser.add_bpmn_file(str(bpmn_path))
    spec = parser.get_spec(process_id)
    serializer = BpmnWorkflowSerializer()
    conn = psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=False)
    barrier.wait()
    start = time.perf_counter()
    done = 0
    with conn.cursor() as cur:
        for dossier_id in dossier_ids:
            workflow = BpmnWorkflow(spec)
            workflow.do_engine_steps()
            cur.execute(
                "INSERT INTO bench_spiff_state (dossier_id, state) VALUES (%s, %s) RETURNING id",
                (dossier_id, serializer.serialize_json(workflow)),
            )
            row_id = cur.fetchone()[0]
            conn.commit()
            while True:
                ready = workflow.get_tasks(state=TaskState.READY, manual=True)
                if not ready:
                    break
                ready[0].run()
                workflow.do_engine_steps()
                cur.execute(
                    "UPDATE bench_spiff_state SET state = %s, updated_at = now() WHERE id = %s",
                    (serializer.serialize_json(workflow), row_id),
                )
                conn.commit()
                done += 1
            assert workflow.is_completed()
    results.put(("spiffworkflow", done, time.perf_counter() - start))
    conn.close()


def _run_workers(target, per_worker_args, label) -> dict:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(per_worker_args))
    results = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, barrier, results)) for args in per_worker_args]
    for p in procs:
        p.start()
    outcome = [results.get() for _ in procs]
    for p in procs:
        p.join()
        if p.exitcode:
            raise SystemExit(f"{label}: a worker failed (exit code {p.exitcode})")
    transitions = sum(n for _l, n, _s in outcome)
    wall = max(s for _l, _n, s in outcome)
    tps = transitions / wall
    print(f"  {label}: {transitions:,} transitions in {wall:.2f} s = {tps:,.0f}/s", flush=True)
    return {"transitions": transitions, "seconds": wall, "per_second": tps}


def _receive_batch(count: int, staff_users, procedure, ward):
    import random

    from eiso.dossiers import generator, services

    rng = random.Random(count)
    ids = []
    for _ in range(count):
        dossier = services.receive(
            actor=staff_users["receiver"],
            agency=ward,
            procedure=procedure,
            channel="direct",
            applicant=generator.applicant(rng, ward.name),
            components=[services.ComponentLine(name="Tờ khai", original=True)],
        )
        ids.append(dossier.pk)
    return ids


def transitions(args, world) -> dict:
    from django.db import connection

    from eiso.accounts.models import User
    from eiso.dossiers.models import WorkItem
    from eiso.organizations.models import Agency
    from eiso.procedures.models import Procedure

    ward = Agency.objects.get(admin_code=gen_dossiers.WARD)
    procedure = Procedure.objects.select_related("current_version").get(code=gen_dossiers.PROCEDURE)
    staff = {
        "receiver": User.objects.get(username="motcua.phohien"),
        "officer": User.objects.get(username="canbo.phohien"),
        "agency_head": User.objects.get(username="chutich.phohien"),
    }
    staff_ids = {role: u.pk for role, u in staff.items()}
    per = args.per_worker
    with common.stopwatch("receive dossiers for the services run (not timed)"):
        batches = [_receive_batch(per + WARM_UP, staff, procedure, ward) for _ in range(args.workers)]
    common.close_connections()
    figures = {}
    figures["services"] = _run_workers(
        _worker_services, [(args.database_url, ids, staff_ids) for ids in batches], "services.complete_step"
    )
    # floor: as many transitions, on background work items (disjoint ranges per worker)
    n = figures["services"]["transitions"] // args.workers
    item_ids = list(WorkItem.objects.order_by("pk").values_list("pk", flat=True)[: n * args.workers])
    common.close_connections()
    figures["floor"] = _run_workers(
        _worker_floor,
        [(args.database_url, item_ids[i * n : (i + 1) * n]) for i in range(args.workers)],
        "floor (raw UPDATE + INSERT)",
    )
    try:
        import SpiffWorkflow  # noqa: F401
    except ImportError:
        print("  SpiffWorkflow not installed: pip install -e '.[bench]' — reference skipped")
    else:
        with connection.cursor() as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS bench_spiff_state (id bigserial PRIMARY KEY, dossier_id bigint, "
                "state jsonb NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())"
            )
        common.close_connections()
        process_id = _bpmn_process_id(gen_dossiers.BPMN_PATH)
        figures["spiffworkflow"] = _run_workers(
            _worker_spiff,
            [
                (args.database_url, str(gen_dossiers.BPMN_PATH), process_id, batches[i][WARM_UP:])
                for i in range(args.workers)
            ],
            "SpiffWorkflow 3 + JSON state",
        )
    return figures


def _bpmn_process_id(path: Path) -> str:
    import re

    match = re.search(r'<(?:bpmn:)?process[^>]*\bid="([^"]+)"', path.read_text(encoding="utf-8"))
    return match.group(1)


# --- (c) concurrent receptions ----------------------------------------------------------------------


def receptions(args) -> dict:
    import random

    from django.db import connection

    from eiso.accounts.models import User
    from eiso.dossiers import generator, services
    from eiso.organizations.models import Agency
    from eiso.procedures.models import Procedure

    ward = Agency.objects.get(admin_code=gen_dossiers.WARD)
    procedure = Procedure.objects.select_related("current_version").get(code=gen_dossiers.PROCEDURE)
    receiver = User.objects.get(username="motcua.phohien")
    pool = threading.BoundedSemaphore(args.pool)
    gate = threading.Barrier(args.receptions)
    codes, errors, seconds = [], [], []
    lock = threading.Lock()

    def one(i):
        rng = random.Random(i)
        gate.wait()
        with pool:
            start = time.perf_counter()
            try:
                dossier = services.receive(
                    actor=receiver,
                    agency=ward,
                    procedure=procedure,
                    channel="online",
                    applicant=generator.applicant(rng, ward.name),
                    components=[services.ComponentLine(name="Tờ khai", original=True)],
                )
                with lock:
                    codes.append(dossier.code)
                    seconds.append(time.perf_counter() - start)
            except Exception as exc:  # noqa: BLE001 - reported
                with lock:
                    errors.append(repr(exc))
            finally:
                connection.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(args.receptions)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    result = {
        "receptions": args.receptions,
        "pool": args.pool,
        "codes": len(codes),
        "unique_codes": len(set(codes)),
        "errors": errors[:5],
        "error_count": len(errors),
        "wall_seconds": wall,
        "per_reception": common.summarize(seconds) if seconds else {},
    }
    print(
        f"  {args.receptions} concurrent receptions: {len(set(codes))} unique codes of {len(codes)}, "
        f"{len(errors)} errors, {wall:.2f} s",
        flush=True,
    )
    return result


# --- (d) inbox, (e) monthly report -------------------------------------------------------------------


def inbox(args) -> dict:
    from django.test import Client
    from django.urls import reverse

    from eiso.accounts.models import User
    from eiso.dossiers.models import WorkItem

    figures = {}
    for username in ("canbo.phohien", "chutich.phohien", "motcua.phohien"):
        user = User.objects.get(username=username)
        waiting = WorkItem.objects.inbox_of(user).count()
        client = Client()
        client.force_login(user)
        url = reverse("dossiers:inbox")
        assert client.get(url).status_code == 200
        timings = []
        for _ in range(args.requests):
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
            assert response.status_code == 200
        figures[username] = {"open_items": waiting, **common.summarize(timings)}
        print(
            f"  inbox of {username} ({waiting:,} open items): p50 {figures[username]['p50_ms']:.1f} ms, "
            f"p95 {figures[username]['p95_ms']:.1f} ms",
            flush=True,
        )
    # reference: the page's reads only (count + first 50 rows, as the view makes them; no template)
    from eiso.dossiers.querysets import InboxList

    for username in ("canbo.phohien", "motcua.phohien"):
        user = User.objects.get(username=username)
        timings = []
        for _ in range(args.requests):
            start = time.perf_counter()
            inbox = InboxList(user)
            inbox.count()
            inbox[0:50]
            timings.append(time.perf_counter() - start)
        label = f"reference: {username}'s inbox reads, 50 rows"
        figures[label] = common.summarize(timings)
        print(f"  {label}: p95 {figures[label]['p95_ms']:.1f} ms")
    return figures


def monthly_report(args) -> dict:
    import datetime

    from django.utils import timezone

    from eiso.accounts.models import User
    from eiso.dossiers import metrics
    from eiso.dossiers.models import Dossier
    from eiso.organizations.models import Agency, AgencyKind

    province = Agency.objects.get(kind=AgencyKind.PROVINCE, admin_code="33")
    user = User.objects.get(username="sokhcn")
    first_of_month = timezone.localdate().replace(day=1)
    last_month = first_of_month - datetime.timedelta(days=1)
    period = metrics.Period.month(last_month.year, last_month.month)
    figures = {}
    for group in ("procedure", "agency", "month"):
        timings = []
        for _ in range(args.report_runs):
            start = time.perf_counter()
            report = metrics.report(user, province, period, group)
            timings.append(time.perf_counter() - start)
        figures[group] = common.summarize(timings)
        print(f"  monthly report by {group}: max {figures[group]['max_ms'] / 1000:.2f} s", flush=True)
    figures["dossiers_in_month"] = Dossier.objects.received_between(period.start, period.end).count()
    figures["rows"] = len(report.rows)
    start = time.perf_counter()
    Dossier.objects.filter(agency__path__startswith=province.path).received_between(
        period.start, period.end
    ).count()
    figures["reference: count of the month's dossiers, ms"] = (time.perf_counter() - start) * 1000
    return figures


def main() -> None:
    parser = common.base_parser(__doc__)
    parser.set_defaults(database_url=gen_dossiers.DEFAULT_URL)
    parser.add_argument("--dossiers", type=int, default=1_000_000, help="background dossiers (COPY)")
    parser.add_argument("--reuse", action="store_true", help="use a database kept by gen_dossiers.py --keep")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--per-worker", type=int, default=500, help="dossiers per worker (6 steps each)")
    parser.add_argument("--receptions", type=int, default=200)
    parser.add_argument("--pool", type=int, default=80, help="database connections for the receptions")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--report-runs", type=int, default=5)
    parser.add_argument("--only", default="abcde", help="parts to run, e.g. 'b' or 'de'")
    args = parser.parse_args()
    result: dict = {"args": vars(args)}
    if not args.reuse:
        common.create_database(args.database_url)
    common.setup_django(args.database_url)
    info = common.machine_info()
    common.print_machine(info)
    result["machine"] = info
    if not args.reuse:
        common.migrate()
        with common.stopwatch("(a) world: demo loaders + 6-step process") as t:
            gen_dossiers.build_world()
        result["world_seconds"] = t["seconds"]
        with common.stopwatch("(a) background dossiers (COPY)") as t:
            result["background"] = gen_dossiers.fill(args.dossiers)
        result["background_seconds"] = t["seconds"]
        with common.stopwatch("analyze"):
            common.analyze()
        print(f"  background rows: {result['background']}")
    if "b" in args.only:
        result["transitions"] = figures = transitions(args, None)
        s = figures["services"]["per_second"]
        figures["ratio_services_to_floor"] = s / figures["floor"]["per_second"]
        if "spiffworkflow" in figures:
            figures["ratio_services_to_spiff"] = s / figures["spiffworkflow"]["per_second"]
        print(
            f"  services {s:,.0f}/s (target ≥ {TARGET_TPS}: {common.verdict(s >= TARGET_TPS)}); "
            f"services/floor {figures['ratio_services_to_floor']:.3f}×"
            + (
                f", services/SpiffWorkflow {figures['ratio_services_to_spiff']:.2f}×"
                if "ratio_services_to_spiff" in figures
                else ""
            )
        )
    if "c" in args.only:
        result["receptions"] = receptions(args)
    if "d" in args.only:
        result["inbox"] = inbox(args)
    if "e" in args.only:
        result["report"] = monthly_report(args)
    result["loadavg_at_end"] = common.load_average()
    common.close_connections()
    common.write_json(args.json, result)
    if not args.keep and not args.reuse:
        common.drop_database(args.database_url)


if __name__ == "__main__":
    main()
