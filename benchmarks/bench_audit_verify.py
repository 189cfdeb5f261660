"""`eiso audit verify` on 1,000,000 chained audit events.

Target (issue "Platform foundation"): verifying the whole chain takes < 60 s.

The events are made here, not through `record_event` (one transaction each would take an hour):
the chain is computed in Python with `eiso.core.audit.compute_hash` from the JSON-safe row, exactly
as `record_event` does, and the rows go in with COPY (PostgreSQL) or `bulk_create` (SQLite), then
VACUUM ANALYZE as autovacuum would do on a live table. The timed `verify_chain()` must report the
chain intact with every event checked, which proves the generated chain is a real one.

Reference measured in the same run: reading the same rows with the same chunked keyset query
that `verify_chain` uses (`eiso.core.audit._rows`) without hashing, so the report gives the ratio
verify / read, i.e. what the hashing itself costs. Read and verify alternate `--repeat` times.

    .venv/bin/python benchmarks/bench_audit_verify.py                # 1,000,000 events
    .venv/bin/python benchmarks/bench_audit_verify.py --scale 0.01   # 10,000 events: smoke run
"""

from __future__ import annotations

import datetime
import json
import random
import statistics
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

EVENTS = 1_000_000
TARGET_SECONDS = 60.0
SEED = 20_261_123
START = datetime.datetime(2025, 7, 1, 1, 0, tzinfo=datetime.UTC)

COLUMNS = [
    "id",
    "occurred_at",
    "actor_id",
    "actor_label",
    "agency_id",
    "verb",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "reason",
    "request_id",
    "ip_address",
    "prev_hash",
    "hash",
]

VERBS = [
    ("agency.change", "organizations.agency", True, True),
    ("agency.create", "organizations.agency", False, True),
    ("agency.contacts", "organizations.agency", True, True),
    ("user.create", "accounts.user", False, True),
    ("user.update", "accounts.user", True, True),
    ("membership.grant", "accounts.membership", False, True),
    ("membership.end", "accounts.membership", True, True),
    ("oversight.grant", "organizations.oversightscope", False, True),
    ("user.password", "accounts.user", False, False),
    ("user.login", "accounts.user", False, False),
]


def agency_snapshot(rng: random.Random, agency_id: int) -> dict:
    """What `snapshot(AgencyVersion)` gives: every concrete field, dates as ISO strings."""
    return {
        "id": agency_id,
        "agency_id": agency_id,
        "parent_id": rng.randrange(1, 545),
        "name": rng.choice(["Phường", "Xã"])
        + " "
        + rng.choice(["Tân Phú", "Hòa Bình", "Vĩnh Lộc", "Đông Hưng"]),
        "short_name": "",
        "kind": rng.choice(["commune", "ward", "commune_office"]),
        "admin_code": f"{rng.randrange(1, 99999):05d}",
        "electronic_id": f"{rng.randrange(1, 999):03d}.30.00.H{rng.randrange(1, 99):02d}",
        "address": "Số 1 đường Trần Hưng Đạo",
        "phone": "0221 3862 000",
        "email": "",
        "website": "",
        "valid_from": "2025-07-01",
        "valid_to": None,
        "change_reason": "Sắp xếp đơn vị hành chính",
        "legal_basis": "Nghị quyết 1666/NQ-UBTVQH15",
        "created_at": "2025-07-01T08:00:00+07:00",
    }


def event_rows(n: int, first_id: int = 1, prev_hash: str | None = None, seed: int = SEED) -> Iterator[dict]:
    """`n` chained rows, ids from `first_id`, linked to `prev_hash` (default: the genesis hash)."""
    from eiso.core.audit import GENESIS_HASH, compute_hash

    rng = random.Random(seed)
    prev = prev_hash or GENESIS_HASH
    # A pool of JSON-safe payloads, reused: realistic sizes without paying to build 1M dicts.
    pool = []
    for k in range(256):
        before = agency_snapshot(rng, k + 1)
        after = dict(before, name=before["name"] + " (mới)", valid_from="2026-01-01")
        pool.append((before, after))
    request_id = uuid.UUID(int=rng.getrandbits(128)).hex
    for i in range(n):
        verb, object_type, has_before, has_after = VERBS[i % len(VERBS)]
        before, after = pool[rng.randrange(len(pool))]
        if i % 7 == 0:
            request_id = uuid.UUID(int=rng.getrandbits(128)).hex
        actor_id = rng.randrange(1, 100_001) if i % 50 else None
        row = {
            "occurred_at": START + datetime.timedelta(seconds=i * 31, microseconds=rng.randrange(1_000_000)),
            "actor_id": actor_id,
            "actor_label": f"u{actor_id:06d}" if actor_id else "system",
            "agency_id": rng.randrange(1, 13_829),
            "verb": verb,
            "object_type": object_type,
            "object_id": str(rng.randrange(1, 200_000)),
            "object_repr": after["name"],
            "before": before if has_before else None,
            "after": after if has_after else None,
            "reason": "Theo Quyết định số 123/QĐ-UBND" if i % 3 == 0 else "",
            "request_id": request_id,
            "ip_address": f"10.{i % 256}.{(i // 256) % 256}.{rng.randrange(1, 255)}",
            "prev_hash": prev,
        }
        row["hash"] = prev = compute_hash(row)
        row["id"] = first_id + i
        yield row


def load_chain(n: int, seed: int = SEED, echo: bool = True) -> dict:
    """Append `n` chained events after whatever the table holds. Returns timings."""
    from django.db import connection, transaction

    from eiso.core.audit import GENESIS_HASH
    from eiso.core.models import AuditEvent

    last = AuditEvent.objects.order_by("-id").values("id", "hash").first()
    first_id = (last["id"] + 1) if last else 1
    rows = event_rows(n, first_id=first_id, prev_hash=last["hash"] if last else GENESIS_HASH, seed=seed)
    start = common.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            json_text: dict[int, str | None] = {}

            def as_json(value):
                if value is None:
                    return None
                key = id(value)  # payloads come from a small pool: serialise each once
                if key not in json_text:
                    json_text[key] = json.dumps(value, ensure_ascii=False)
                return json_text[key]

            sql = f"COPY {AuditEvent._meta.db_table} ({', '.join(COLUMNS)}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row([as_json(row[c]) if c in ("before", "after") else row[c] for c in COLUMNS])
        else:
            batch: list[AuditEvent] = []
            for row in rows:
                batch.append(AuditEvent(**row))
                if len(batch) == 10_000:
                    AuditEvent.objects.bulk_create(batch)
                    batch = []
            AuditEvent.objects.bulk_create(batch)
        _reset_sequence()
    loaded = common.now() - start
    start = common.now()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM ANALYZE {AuditEvent._meta.db_table}")
        else:
            cursor.execute("ANALYZE")
    vacuum = common.now() - start
    if echo:
        print(
            f"  generated and loaded {n:,} chained events in {loaded:.1f} s (+ {vacuum:.1f} s to analyze)",
            flush=True,
        )
    return {"events": n, "load_seconds": loaded, "vacuum_analyze_seconds": vacuum}


def _reset_sequence() -> None:
    from django.core.management.color import no_style
    from django.db import connection

    from eiso.core.models import AuditEvent

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [AuditEvent]):
            cursor.execute(statement)


def read_only(chunk_size: int) -> int:
    """The reference: the rows `verify_chain` reads, read the same way, without hashing."""
    from eiso.core.audit import _rows

    count = 0
    for _row in _rows(chunk_size):
        count += 1
    return count


def table_size() -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_table_size('core_auditevent')), pg_size_pretty(pg_indexes_size('core_auditevent'))"
        )
        table, indexes = cursor.fetchone()
    return f"table {table}, indexes {indexes}"


def main(argv: list[str] | None = None) -> None:
    parser = common.base_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 1,000,000 events (default); 0.01 smoke")
    parser.add_argument("--events", type=int, help="number of events (overrides --scale)")
    parser.add_argument(
        "--repeat", type=int, default=2, help="read and verify passes, alternating (default 2)"
    )
    parser.add_argument("--chunk-size", type=int, default=20_000, help="as `eiso audit verify --chunk-size`")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    args = parser.parse_args(argv)
    events = args.events or max(1_000, round(EVENTS * args.scale))

    common.setup_django(args.database_url)
    from eiso.core.audit import verify_chain

    print(f"bench_audit_verify: {events:,} events into {args.database_url}", flush=True)
    common.create_database(args.database_url)
    try:
        common.migrate()
        info = common.machine_info()
        common.print_machine(info)
        load = load_chain(events)
        size = table_size()
        if size:
            print(f"  core_auditevent: {size}", flush=True)
        reads, verifies = [], []
        for n in range(args.repeat):
            with common.stopwatch(f"pass {n + 1}: read {events:,} rows (reference)") as t:
                count = read_only(args.chunk_size)
            if count != events:
                raise SystemExit(f"read {count} rows, expected {events}")
            reads.append(t["seconds"])
            with common.stopwatch(f"pass {n + 1}: verify_chain()") as t:
                report = verify_chain(chunk_size=args.chunk_size)
            if not report.ok or report.checked != events:
                raise SystemExit(f"chain NOT intact: {report}")
            verifies.append(t["seconds"])
        verify_s = statistics.median(verifies)
        read_s = statistics.median(reads)
        ok = max(verifies) < TARGET_SECONDS
        print(
            f"\nverify_chain over {events:,} events: {verify_s:.1f} s (median of {args.repeat}; worst {max(verifies):.1f} s)"
            f" — target < {TARGET_SECONDS:.0f} s: {common.verdict(ok)}\n"
            f"reference read of the same rows: {read_s:.1f} s; verify / read = {verify_s / read_s:.2f}; "
            f"{events / verify_s:,.0f} events/s verified"
        )
        if 10_000 <= events != EVENTS:  # below that, fixed costs dominate and the line would mislead
            print(f"(roughly extrapolated to {EVENTS:,} events: {verify_s * EVENTS / events:.0f} s)")
        common.write_json(
            args.json,
            {
                "machine": info,
                "events": events,
                "load": load,
                "size": size,
                "chunk_size": args.chunk_size,
                "verify_seconds": verifies,
                "read_seconds": reads,
                "verify_median_seconds": verify_s,
                "read_median_seconds": read_s,
                "ratio_verify_read": verify_s / read_s,
                "target_seconds": TARGET_SECONDS,
                "pass": ok,
                "head_hash": report.head_hash,
                "loadavg_at_end": common.load_average(),
            },
        )
    finally:
        if not args.keep:
            common.close_connections()
            common.drop_database(args.database_url)


if __name__ == "__main__":
    main()
