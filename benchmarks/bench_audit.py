"""What an audit event costs: `record_event` against a plain insert of the same row.

Target (issue "Platform foundation"): a transaction that records an audit event costs at most 2×
a transaction that inserts the same row without the chain.

Three kinds of operation, each one whole transaction (BEGIN … COMMIT), timed one by one:

- `record_event`: what every service does — `record_event(actor=…, verb="agency.change",
  obj=agency, agency=agency, before=…, after=…, reason=…)`: JSON-safe copies, the chain lock
  (advisory lock on PostgreSQL; SQLite's IMMEDIATE transaction), the previous hash, SHA-256, insert;
- reference `orm insert`: `AuditEvent.objects.bulk_create([one row])` of an equivalent row (same
  columns and values, hash precomputed outside the timing);
- reference `raw insert`: the same row by a single parameterised INSERT on Django's cursor.

They run interleaved in alternating batches (`--batch` operations of one kind, then of the next,
the order rotating every round) so that noise on a shared machine falls on all of them alike. The
table already holds `--preload` chained events so that index depth is not that of an empty table.
Both databases are measured, each in its own process: PostgreSQL at --database-url and SQLite in a
file under a temporary directory (WAL, synchronous=NORMAL, IMMEDIATE: the project's settings).

    .venv/bin/python benchmarks/bench_audit.py                 # 5,000 operations of each kind
    .venv/bin/python benchmarks/bench_audit.py --scale 0.01    # smoke run
    .venv/bin/python benchmarks/bench_audit.py --backend postgresql
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

OPS = 5_000
PRELOAD = 100_000
TARGET_RATIO = 2.0
REASON = "Theo Quyết định số 123/QĐ-UBND"
METHODS = ("record_event", "orm_insert", "raw_insert")


def prepare():
    """An actor, an agency with its version, and a request context, as in a real request."""
    from eiso.accounts.models import User
    from eiso.core import context
    from eiso.core.audit import snapshot
    from eiso.organizations import services

    actor = User.objects.create(username="bench_actor", full_name="Nguyễn Văn Đo")
    agency = services.create_agency(
        actor=None,
        name="Tỉnh Hưng Yên",
        short_name="Hưng Yên",
        kind="province",
        admin_code="33",
        electronic_id="000.00.00.H33",
        valid_from=datetime.date(2025, 7, 1),
    )
    version = agency.versions.get()
    before = snapshot(version)
    after = dict(before, address="Số 6 đường Chùa Chuông, phường Phố Hiến", phone="0221 3862 000")
    context._current.set(context.RequestContext(request_id=secrets.token_hex(16), ip_address="10.20.30.40"))
    return actor, agency, before, after


def equivalent_rows(n: int, actor, agency, before, after) -> list[dict]:
    """Rows with the columns and values `record_event` writes, hash precomputed (random chain)."""
    from django.utils import timezone

    from eiso.core import context
    from eiso.core.audit import _json_safe, compute_hash

    ctx = context.current()
    rows = []
    for _ in range(n):
        row = {
            "occurred_at": timezone.now(),
            "actor_id": actor.pk,
            "actor_label": actor.get_username(),
            "agency_id": agency.pk,
            "verb": "agency.change",
            "object_type": agency._meta.label_lower,
            "object_id": str(agency.pk),
            "object_repr": str(agency)[:255],
            "before": _json_safe(before),
            "after": _json_safe(after),
            "reason": REASON,
            "request_id": ctx.request_id,
            "ip_address": ctx.ip_address or "",
            "prev_hash": secrets.token_hex(32),
        }
        row["hash"] = compute_hash(row)
        rows.append(row)
    return rows


def run_backend(ops: int, batch: int, preload: int) -> dict:
    """Measure in the database Django is set up with. Returns per-operation figures."""
    import bench_audit_verify
    from django.core.serializers.json import DjangoJSONEncoder
    from django.db import connection, transaction

    from eiso.core.audit import record_event
    from eiso.core.models import AuditEvent

    if preload:
        bench_audit_verify.load_chain(preload)
    actor, agency, before, after = prepare()
    orm_rows = equivalent_rows(ops, actor, agency, before, after)
    raw_rows = equivalent_rows(ops, actor, agency, before, after)
    columns = list(orm_rows[0])
    table = AuditEvent._meta.db_table
    insert_sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    ops_ = connection.ops
    raw_params = [
        [
            ops_.adapt_json_value(r[c], DjangoJSONEncoder)
            if c in ("before", "after")
            else ops_.adapt_datetimefield_value(r[c])
            if c == "occurred_at"
            else r[c]
            for c in columns
        ]
        for r in raw_rows
    ]

    def record():
        with transaction.atomic():
            record_event(
                actor=actor,
                verb="agency.change",
                obj=agency,
                agency=agency,
                before=before,
                after=after,
                reason=REASON,
            )

    def orm_insert():
        row = orm_rows.pop()
        with transaction.atomic():
            AuditEvent.objects.bulk_create([AuditEvent(**row)])

    def raw_insert():
        params = raw_params.pop()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(insert_sql, params)

    fns = {"record_event": record, "orm_insert": orm_insert, "raw_insert": raw_insert}
    warmup = min(50, ops // 10)
    for name in METHODS:  # warm-up, not timed: the first transactions pay for caches
        for _ in range(warmup):
            fns[name]()
    timings: dict[str, list[float]] = {name: [] for name in METHODS}
    rounds = (ops - warmup) // batch
    for r in range(rounds):
        order = METHODS[r % 3 :] + METHODS[: r % 3]
        for name in order:
            fn, out = fns[name], timings[name]
            for _ in range(batch):
                start = common.now()
                fn()
                out.append(common.now() - start)
    events = AuditEvent.objects.count()
    result = {name: common.summarize(values) for name, values in timings.items()}
    result["ratio_mean"] = result["record_event"]["mean_ms"] / result["orm_insert"]["mean_ms"]
    result["ratio_median"] = result["record_event"]["p50_ms"] / result["orm_insert"]["p50_ms"]
    result["ratio_mean_vs_raw"] = result["record_event"]["mean_ms"] / result["raw_insert"]["mean_ms"]
    result["pass"] = result["ratio_mean"] <= TARGET_RATIO
    result["rows_in_table"] = events
    result["rounds"] = rounds
    result["batch"] = batch
    return result


def child(args) -> None:
    common.setup_django(args.database_url)
    common.create_database(args.database_url)
    try:
        common.migrate()
        info = common.machine_info()
        common.print_machine(info)
        result = run_backend(args.ops, args.batch, args.preload)
        result["machine"] = info
        result["loadavg_at_end"] = common.load_average()
        common.write_json(args.json, result)
    finally:
        common.close_connections()
        if not args.keep:
            common.drop_database(args.database_url)


def print_table(results: dict[str, dict]) -> None:
    print(f"\n{'database':<12}{'operation':<15}{'mean':>10}{'p50':>10}{'p95':>10}{'p99':>10}")
    for backend, res in results.items():
        for name in METHODS:
            s = res[name]
            print(
                f"{backend:<12}{name:<15}{s['mean_ms']:>8.3f}ms{s['p50_ms']:>8.3f}ms{s['p95_ms']:>8.3f}ms"
                f"{s['p99_ms']:>8.3f}ms"
            )
        print(
            f"{backend:<12}record_event / orm insert: {res['ratio_mean']:.2f}× (mean), {res['ratio_median']:.2f}× "
            f"(median); / raw insert: {res['ratio_mean_vs_raw']:.2f}× — target ≤ {TARGET_RATIO:.0f}×: "
            f"{common.verdict(res['pass'])}  [{res[METHODS[0]]['n']:,} ops each, {res['rows_in_table']:,} rows]"
        )


def main(argv: list[str] | None = None) -> None:
    parser = common.base_parser(__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="1 = 5,000 ops of each kind (default); 0.01 smoke"
    )
    parser.add_argument(
        "--ops", type=int, help="operations of each kind, warm-up included (overrides --scale)"
    )
    parser.add_argument("--batch", type=int, default=100, help="operations per batch before switching kind")
    parser.add_argument(
        "--preload", type=int, help=f"chained events in the table first (default {PRELOAD:,} × scale)"
    )
    parser.add_argument(
        "--backend",
        choices=["both", "postgresql", "sqlite"],
        default="both",
        help="default: both, one after the other",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database(s) at the end")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.ops = args.ops or max(300, round(OPS * args.scale))
    args.preload = args.preload if args.preload is not None else round(PRELOAD * args.scale)
    args.batch = min(args.batch, max(1, args.ops // 10))
    if args.child:
        child(args)
        return

    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="eiso-bench-sqlite-") as tmp:
        targets = {"postgresql": args.database_url, "sqlite": common.sqlite_url(tmp)}
        for backend, url in targets.items():
            if args.backend not in ("both", backend):
                continue
            print(
                f"bench_audit on {backend}: {args.ops:,} ops of each kind, preload {args.preload:,}",
                flush=True,
            )
            out = Path(tmp) / f"{backend}.json"
            command = [
                sys.executable,
                __file__,
                "--child",
                "--database-url",
                url,
                "--ops",
                str(args.ops),
                "--batch",
                str(args.batch),
                "--preload",
                str(args.preload),
                "--json",
                str(out),
            ] + (["--keep"] if args.keep else [])
            # One process per database: Django's settings (DATABASE_URL) are fixed at setup.
            subprocess.run(command, check=True, env=os.environ.copy())  # noqa: S603 - our own script
            results[backend] = json.loads(out.read_text(encoding="utf-8"))
    print_table(results)
    common.write_json(
        args.json,
        {
            "target_ratio": TARGET_RATIO,
            "ops": args.ops,
            "batch": args.batch,
            "preload": args.preload,
            "results": results,
            "overall_pass": all(r["pass"] for r in results.values()),
            "mean_ratio": statistics.fmean(r["ratio_mean"] for r in results.values()),
        },
    )


if __name__ == "__main__":
    main()
