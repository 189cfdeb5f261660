"""The audit trail: `record_event` (called by every service) and `verify_chain`.

Locking policy: a chain needs the previous row's hash, so writers of one chain are serialised. On
PostgreSQL a transaction-scoped advisory lock per chain does it; on SQLite the IMMEDIATE transaction
already holds the database's single write lock. The lock is held until commit, so a service takes it
after every row lock of its transaction (normally by recording its event last): a writer that holds a
row and waits for the chain would otherwise deadlock with a session holding the chain and waiting for
that row.

Chains (docs/decisions/0021): that lock lasts until the commit's WAL flush, so one chain for the whole
system made every audited write queue behind every other. On PostgreSQL an event goes into chain
`backend pid % EISO_AUDIT_CHAINS`: all events of one transaction share one chain (no lock-order
deadlock), and sessions on different chains do not wait for each other. SQLite keeps one chain (0).
`verify_chain` walks every event once, in id order, following each chain's links.
"""

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone

from eiso.core import context, rows
from eiso.core.models import AuditEvent

GENESIS_HASH = "0" * 64
_ADVISORY_LOCK_KEY = 7_301_904_501  # any constant; chain n is locked as this + n among advisory locks


def _json_safe(value):
    """What the JSON column will give back when read, so the hash computed now matches later."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict:
    """A JSON-safe dict of an instance's concrete fields (foreign keys as ids) for before/after."""
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    data = {}
    for name in names:
        value = getattr(instance, name)
        if isinstance(value, datetime | date | Decimal):
            value = value.isoformat() if not isinstance(value, Decimal) else str(value)
        data[name] = value
    return _json_safe(data)


def _canonical(value):
    """Whole-number floats hash as the int their JSON text denotes: PostgreSQL's jsonb gives 1e16 back
    as 10000000000000000, which Python reads as an int, so both forms must hash alike."""
    if isinstance(value, float):
        exact = Decimal(repr(value))
        return int(exact) if exact == exact.to_integral_value() else value
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    return value


def _payload(row: dict) -> bytes:
    occurred_at = row["occurred_at"].astimezone(UTC).isoformat()
    values = [
        occurred_at,
        row["actor_id"],
        row["actor_label"],
        row["agency_id"],
        row["verb"],
        row["object_type"],
        row["object_id"],
        row["object_repr"],
        _canonical(row["before"]),
        _canonical(row["after"]),
        row["reason"],
        row["request_id"],
        row["ip_address"],
        row["prev_hash"],
    ]
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(row: dict) -> str:
    return hashlib.sha256(_payload(row)).hexdigest()


def _chain() -> int:
    """The chain of this database session's events: its backend's pid spreads sessions over the chains."""
    if connection.vendor != "postgresql":
        return 0
    connection.ensure_connection()
    return connection.connection.info.backend_pid % settings.EISO_AUDIT_CHAINS


def head_queries() -> list[tuple[str, list, list]]:
    """Reads, for `rows.fetch_each`, that take this session's chain lock and read the chain's head.

    A service that locks rows can send them with its own lock (after it, so the order of locks stays
    rows, then chain) and pass `head_of(...)` of their results to `record_event(head=...)`: one round
    trip less. Under READ COMMITTED the head's SELECT takes its snapshot after the lock is held, so it
    sees the last committed head."""
    return _head_queries(_chain())


def _head_queries(chain: int) -> list[tuple[str, list, list]]:
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    head = f"SELECT hash FROM {table} WHERE chain = %s ORDER BY id DESC LIMIT 1"  # noqa: S608 - no user input
    queries = [(head, [chain], [])]
    if connection.vendor == "postgresql":
        queries.insert(0, ("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY + chain], []))
    return queries


def head_of(found: list) -> str:
    """The chain head from the results of `head_queries()` (the last of `found`)."""
    return found[-1][1][0] if found[-1] is not None else GENESIS_HASH


def _lock_and_read_head(chain: int) -> str:
    """Take the chain's lock and read its newest hash, in one round trip (plain SQL: this runs on every
    audited write, and building the ORM query cost as much as the insert itself)."""
    return head_of(rows.fetch_each(_head_queries(chain)))


def record_event(
    *,
    actor,
    verb: str,
    obj: models.Model | None = None,
    agency=None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    object_type: str | None = None,
    object_id: str | None = None,
    object_repr: str | None = None,
    writer=rows,
    head: str | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction.

    `writer` may be a `rows.Batch` whose other writes go with the event's insert: the chain lock is
    taken and the head read now, so the batch must be sent before any other event is recorded (or the
    next event given `head=` this one's hash).

    `head`: the chain's head, when this transaction already holds the chain lock and knows it — read
    with `head_queries()`, or the hash of the event it recorded last, in straight-line code (no
    savepoint rolled back in between, or the link would point at an event that is gone)."""
    if not connection.in_atomic_block:
        raise RuntimeError("record_event must run inside the service's transaction")
    ctx = context.current()
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    row = {
        "occurred_at": timezone.now(),
        "actor_id": actor_obj.pk if actor_obj else None,
        # Values are coerced to what their columns give back when read, or the stored hash would not
        # verify: object_id is a CharField, actor_label is cut to its column's length.
        "actor_label": (actor_obj.get_username() if actor_obj else (str(actor) if actor else ""))[:150],
        "agency_id": getattr(agency, "pk", agency),
        "verb": verb,
        "object_type": object_type or (obj._meta.label_lower if obj is not None else ""),
        "object_id": str(object_id) if object_id is not None else (str(obj.pk) if obj is not None else ""),
        "object_repr": (object_repr if object_repr is not None else (str(obj) if obj is not None else ""))[
            :255
        ],
        "before": _json_safe(before),
        "after": _json_safe(after),
        "reason": reason or "",
        "request_id": ctx.request_id,
        "ip_address": ctx.ip_address or "",
    }
    chain = _chain()
    row["prev_hash"] = head if head is not None else _lock_and_read_head(chain)
    row["hash"] = compute_hash(row)
    return writer.insert(AuditEvent(chain=chain, **row))  # a prebuilt statement: every audited write pays it


@dataclass(frozen=True)
class ChainReport:
    checked: int
    head_hash: str  # the newest event's hash (at a failure: the hash the bad event should have linked to)
    first_bad_id: int | None = None
    problem: str = ""
    chains: int = 0  # how many chains the events checked belong to

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


_FIELDS = [
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
    "chain",
]


def _rows(chunk_size: int) -> Iterator[dict]:
    # Keyset pagination: constant memory and no long-running server-side cursor.
    last_id = 0
    while True:
        chunk = list(AuditEvent.objects.order_by("id").filter(id__gt=last_id).values(*_FIELDS)[:chunk_size])
        if not chunk:
            return
        yield from chunk
        last_id = chunk[-1]["id"]


def verify_chain(chunk_size: int = 20_000) -> ChainReport:
    """Walk every event once, in id order, each against the head of its own chain; report the first
    event whose link or content does not match."""
    heads: dict[int, str] = {}
    newest = GENESIS_HASH
    checked = 0
    for row in _rows(chunk_size):
        expected_prev = heads.get(row["chain"], GENESIS_HASH)
        if row["prev_hash"] != expected_prev:
            return ChainReport(checked, expected_prev, row["id"], "link", len(heads))
        if compute_hash(row) != row["hash"]:
            return ChainReport(checked, expected_prev, row["id"], "content", len(heads))
        heads[row["chain"]] = newest = row["hash"]
        checked += 1
    return ChainReport(checked, newest, chains=len(heads))
