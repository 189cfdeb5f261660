import datetime
import os
import subprocess
import sys
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eiso.accounts.tests.factories import UserFactory
from eiso.core import audit, context, rows
from eiso.core.audit import GENESIS_HASH, compute_hash, record_event, snapshot, verify_chain
from eiso.core.models import AuditEvent

TABLE = AuditEvent._meta.db_table


def emit(count=1, **kwargs):
    events = []
    with transaction.atomic():
        for i in range(count):
            events.append(
                record_event(
                    actor=kwargs.get("actor"),
                    verb=kwargs.get("verb", "test.event"),
                    object_type="tests.thing",
                    object_id=str(i),
                    object_repr=f"Sự kiện thử {i}",
                    after=kwargs.get("after", {"i": i}),
                    reason=kwargs.get("reason", ""),
                )
            )
    return events


def stored_row(event_id):
    return AuditEvent.objects.values(*audit._FIELDS).get(pk=event_id)


def verify():
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- record_event --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_record_event_outside_a_transaction_raises_and_writes_nothing():
    with pytest.raises(RuntimeError, match="transaction"):
        record_event(actor=None, verb="test.event", object_type="tests.thing", object_id="1")
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_record_event_inside_atomic_commits_with_the_transaction():
    with transaction.atomic():
        record_event(actor=None, verb="test.event", object_type="tests.thing", object_id="1")
    assert AuditEvent.objects.count() == 1
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        record_event(actor=None, verb="test.event", object_type="tests.thing", object_id="2")
        1 / 0  # noqa: B018 — the service fails after auditing: the event goes with the rollback
    assert AuditEvent.objects.count() == 1
    assert verify_chain().ok


@pytest.mark.django_db
def test_events_form_a_chain_from_the_genesis_hash():
    events = emit(4)
    assert events[0].prev_hash == GENESIS_HASH
    for previous, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == previous.hash
    for event in events:
        assert len(event.hash) == 64
        assert compute_hash(stored_row(event.pk)) == event.hash
    assert len({e.hash for e in events}) == 4


@pytest.mark.django_db
def test_chain_continues_across_transactions():
    first = emit(2)
    second = emit(1)
    assert second[0].prev_hash == first[-1].hash


@pytest.mark.django_db
def test_event_records_actor_object_and_request_context():
    user = UserFactory(username="thuky")
    token = context._current.set(context.RequestContext(request_id="req-123", ip_address="10.1.2.3"))
    try:
        with transaction.atomic():
            event = record_event(
                actor=user, verb="user.update", obj=user, before={"a": 1}, after={"a": 2}, reason="sửa"
            )
    finally:
        context._current.reset(token)
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor_id == user.pk
    assert event.actor_label == "thuky"
    assert event.object_type == "accounts.user"
    assert event.object_id == str(user.pk)
    assert event.request_id == "req-123"
    assert event.ip_address == "10.1.2.3"
    assert (event.before, event.after, event.reason) == ({"a": 1}, {"a": 2}, "sửa")
    assert AuditEvent.objects.for_object(user).get() == event


@pytest.mark.django_db
def test_system_actor_and_long_object_repr():
    with transaction.atomic():
        event = record_event(actor=None, verb="x", object_type="t", object_id="1", object_repr="Đ" * 400)
    assert event.actor_id is None and event.actor_label == ""
    assert AuditEvent.objects.get(pk=event.pk).object_repr == "Đ" * 255
    assert verify_chain().ok


@pytest.mark.django_db
def test_non_string_object_id_still_verifies():
    with transaction.atomic():
        record_event(actor=None, verb="x", object_type="t", object_id=42)
    assert verify_chain().ok


# --- hash stability across a database round trip ----------------------------------------------


@pytest.mark.django_db
def test_hash_survives_round_trip_with_vietnamese_text_nested_dicts_dates_and_decimals():
    before = {
        "tên": "Ủy ban nhân dân phường Đường Hào",
        "mã": "000.00.15.H33",
        "lồng": {
            "ngày": datetime.date(2025, 7, 1),
            "tiền": Decimal("1234567.89"),
            "danh sách": [1, "hai", None, True],
        },
        "thời điểm": timezone.make_aware(datetime.datetime(2025, 6, 30, 23, 59, 59, 123456)),
        "số thực": 0.1,
        "lớn": 10**18,
        "z": {"b": 1, "a": 2},
    }
    after = {
        "Ghi chú": "Sáp nhập theo Nghị quyết 202/2025/QH15 — “xã” & ‘phường’ 😀",
        "rỗng": {},
        "không": None,
    }
    with transaction.atomic():
        event = record_event(
            actor=None,
            verb="agency.change",
            object_type="organizations.agency",
            object_id="7",
            object_repr="Phường Đường Hào",
            before=before,
            after=after,
            reason="Đổi tên — lý do dài\nnhiều dòng",
        )
    row = stored_row(event.pk)
    assert row["before"]["lồng"] == {
        "ngày": "2025-07-01",
        "tiền": "1234567.89",
        "danh sách": [1, "hai", None, True],
    }
    assert compute_hash(row) == event.hash == row["hash"]
    assert verify_chain().ok


@pytest.mark.django_db
def test_hash_survives_round_trip_with_large_floats():
    # PostgreSQL's jsonb prints 1e16 as 10000000000000000, which Python reads back as an int.
    with transaction.atomic():
        event = record_event(
            actor=None, verb="x", object_type="t", object_id="1", after={"f": 1e16, "g": -2.5e300}
        )
    assert compute_hash(stored_row(event.pk)) == event.hash
    assert verify_chain().ok


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**62), max_value=2**62)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=20)
    | st.dates()
    | st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-(10**9), max_value=10**9)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=8),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    before=st.dictionaries(st.text(max_size=8).filter(lambda s: "\x00" not in s), json_values, max_size=5),
    after=json_values,
)
def test_hash_is_stable_for_arbitrary_json_payloads(before, after):
    with transaction.atomic():
        event = record_event(
            actor=None, verb="x", object_type="t", object_id="1", before=before, after={"value": after}
        )
    assert compute_hash(stored_row(event.pk)) == event.hash


def test_snapshot_is_json_safe():
    user = UserFactory.build(username="a", full_name="Đỗ Văn Hùng")
    data = snapshot(user, ["username", "full_name", "date_joined", "is_active"])
    assert data["full_name"] == "Đỗ Văn Hùng"
    assert isinstance(data["date_joined"], str)


# --- append-only guards --------------------------------------------------------------------------


@pytest.mark.django_db
def test_saving_an_existing_event_raises():
    (event,) = emit(1)
    event.reason = "sửa lén"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    fresh = AuditEvent.objects.get(pk=event.pk)
    fresh.reason = "sửa lén"
    with pytest.raises(TypeError, match="append-only"):
        fresh.save(update_fields=["reason"])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.django_db
def test_deleting_an_event_raises():
    (event,) = emit(1)
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_queryset_update_and_delete_raise():
    emit(2)
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.all().update(reason="x")
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(verb="test.event").delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.all().delete()
    events = list(AuditEvent.objects.all())
    for event in events:
        event.reason = "x"
    # bulk_update runs in its own atomic block without a savepoint: give it one so the test can go on.
    with pytest.raises(TypeError, match="append-only"), transaction.atomic():
        AuditEvent.objects.bulk_update(events, ["reason"])
    assert AuditEvent.objects.count() == 2
    assert verify_chain().ok


# --- `eiso audit verify` -------------------------------------------------------------------------


@pytest.mark.django_db
def test_verify_on_an_empty_chain():
    assert "0 sự kiện" in verify()


@pytest.mark.django_db
def test_verify_succeeds_on_an_intact_chain():
    events = emit(5)
    output = verify()
    assert "toàn vẹn" in output
    assert "5 sự kiện" in output
    assert events[-1].hash in output


@pytest.mark.django_db
@pytest.mark.parametrize("chunk_size", [1, 2, 3, 100])
def test_verify_walks_every_chunk(chunk_size):
    events = emit(7)
    report = verify_chain(chunk_size=chunk_size)
    assert report.ok and report.checked == 7 and report.head_hash == events[-1].hash
    raw(f"UPDATE {TABLE} SET reason = %s WHERE id = %s", ["x", events[5].pk])  # noqa: S608
    report = verify_chain(chunk_size=chunk_size)
    assert (report.first_bad_id, report.problem, report.checked) == (events[5].pk, "content", 5)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("reason", "đã sửa ngoài hệ thống"),
        ("object_repr", "Phường khác"),
        ("verb", "agency.delete"),
        ("actor_label", "quantri"),
        ("ip_address", "8.8.8.8"),
        ("object_id", "999"),
    ],
)
def test_verify_fails_when_a_row_is_altered_with_raw_sql(column, value):
    events = emit(4)
    raw(f"UPDATE {TABLE} SET {column} = %s WHERE id = %s", [value, events[1].pk])  # noqa: S608
    with pytest.raises(CommandError) as caught:
        verify()
    message = str(caught.value)
    assert f"#{events[1].pk}:" in message
    assert "nội dung bị sửa" in message
    assert "1 sự kiện hợp lệ" in message


@pytest.mark.django_db
def test_verify_fails_when_the_time_of_an_event_is_altered():
    events = emit(3)
    moved = connection.ops.adapt_datetimefield_value(events[0].occurred_at - datetime.timedelta(days=1))
    raw(f"UPDATE {TABLE} SET occurred_at = %s WHERE id = %s", [moved, events[0].pk])  # noqa: S608
    with pytest.raises(CommandError, match=f"#{events[0].pk}:"):
        verify()


@pytest.mark.django_db
def test_verify_fails_when_a_stored_hash_is_rewritten():
    events = emit(3)
    raw(f"UPDATE {TABLE} SET hash = %s WHERE id = %s", ["a" * 64, events[1].pk])  # noqa: S608
    with pytest.raises(CommandError, match=f"#{events[1].pk}:"):
        verify()


@pytest.mark.django_db
def test_verify_fails_when_a_row_is_deleted_with_raw_sql():
    events = emit(4)
    raw(f"DELETE FROM {TABLE} WHERE id = %s", [events[1].pk])  # noqa: S608
    with pytest.raises(CommandError) as caught:
        verify()
    message = str(caught.value)
    # The first event whose link no longer matches is the one after the deleted row.
    assert f"#{events[2].pk}:" in message
    assert "liên kết" in message


@pytest.mark.django_db
def test_verify_fails_when_the_first_row_is_deleted():
    events = emit(2)
    raw(f"DELETE FROM {TABLE} WHERE id = %s", [events[0].pk])  # noqa: S608
    with pytest.raises(CommandError, match=f"#{events[1].pk}:"):
        verify()


def _insert_forged(prev_hash, hash_, event_id):
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    raw(
        f"INSERT INTO {TABLE} (id, occurred_at, actor_id, actor_label, agency_id, verb, object_type, object_id, "  # noqa: S608
        "object_repr, before, after, reason, request_id, ip_address, prev_hash, hash) "
        "VALUES (%s, %s, NULL, %s, NULL, %s, %s, %s, %s, NULL, NULL, %s, %s, %s, %s, %s)",
        [
            event_id,
            now,
            "kẻ giả mạo",
            "user.create",
            "accounts.user",
            "1",
            "giả",
            "",
            "",
            "",
            prev_hash,
            hash_,
        ],
    )


@pytest.mark.django_db
def test_verify_fails_on_a_forged_row_appended_out_of_band():
    events = emit(3)
    forged_id = events[-1].pk + 10
    _insert_forged(events[-1].hash, "b" * 64, forged_id)
    with pytest.raises(CommandError) as caught:
        verify()
    assert f"#{forged_id}:" in str(caught.value)
    assert "3 sự kiện hợp lệ" in str(caught.value)


@pytest.mark.django_db
def test_verify_fails_on_a_forged_row_with_a_wrong_link():
    events = emit(3)
    forged_id = events[-1].pk + 10
    _insert_forged("c" * 64, "d" * 64, forged_id)
    with pytest.raises(CommandError, match=f"#{forged_id}:.*liên kết"):
        verify()


@pytest.mark.django_db
def test_later_events_after_a_forged_row_still_fail_verification(monkeypatch):
    from eiso.core import audit

    monkeypatch.setattr(audit, "_chain", lambda: 0)  # the forged row's chain (its column's default)
    events = emit(2)
    forged_id = events[-1].pk + 10
    _insert_forged(events[-1].hash, "e" * 64, forged_id)
    later = emit(2)
    with pytest.raises(CommandError):
        verify()
    # On SQLite the forged id is the highest, so new events follow it and it is the first bad row; on
    # PostgreSQL the sequence does not know the forged id, so new events get lower ids, chain onto the
    # forged row (the highest id) and are themselves the first broken link.
    assert verify_chain().first_bad_id == min(forged_id, later[0].pk)


@pytest.mark.django_db
def test_verify_fails_on_a_forged_row_created_through_the_orm():
    events = emit(2)
    AuditEvent(
        occurred_at=timezone.now(),
        verb="user.create",
        object_type="accounts.user",
        object_id="1",
        prev_hash=events[-1].hash,
        hash="f" * 64,
    ).save()
    forged = AuditEvent.objects.order_by("-id").first()
    with pytest.raises(CommandError, match=f"#{forged.pk}:"):
        verify()


def test_command_requires_an_action():
    with pytest.raises(CommandError):
        call_command("audit")


# --- the real command line: a broken chain is a non-zero exit ------------------------------------

TAMPER = """
from django.db import connection, transaction
from eiso.core.audit import record_event
with transaction.atomic():
    ids = [record_event(actor=None, verb="x", object_type="t", object_id=str(i)).pk for i in range(3)]
if {tamper!r}:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = 'sửa' WHERE id = %s", [ids[1]])
print(ids[1])
"""


@pytest.mark.parametrize("tamper", [False, True])
def test_eiso_audit_verify_exit_status(tmp_path, tamper):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "eiso.conf.test",
        "EISO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'eiso.sqlite3'}",
    }

    def eiso(*args):
        return subprocess.run(  # noqa: S603
            [sys.executable, "-m", "eiso", *args], env=env, capture_output=True, text=True, timeout=300
        )

    assert eiso("migrate", "--no-input", "-v", "0").returncode == 0
    made = eiso("shell", "-c", TAMPER.format(tamper=tamper))
    assert made.returncode == 0, made.stderr
    bad_id = made.stdout.strip().splitlines()[-1]
    result = eiso("audit", "verify")
    if tamper:
        assert result.returncode != 0
        assert f"#{bad_id}:" in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert "3 sự kiện" in result.stdout


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain():
    """The advisory lock (PostgreSQL) or the IMMEDIATE write lock (SQLite) serialises writers."""
    import threading

    if connection.vendor != "postgresql":
        pytest.skip("the in-memory SQLite test database is not shared between threads' transactions")
    errors = []

    def writer(n):
        from django.db import connections

        try:
            for i in range(10):
                with transaction.atomic():
                    record_event(actor=None, verb="test.concurrent", object_type="t", object_id=f"{n}-{i}")
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = verify_chain()
    assert report.ok and report.checked == 40
    assert AuditEvent.objects.values("chain", "prev_hash").distinct().count() == 40  # no fork in any chain


@pytest.mark.django_db
def test_chains_link_on_their_own_and_verify_together():
    """Events of several chains (sessions on PostgreSQL) interleave; each links to its own chain's head,
    and breaking any one chain is found."""
    first = emit(2)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    other = first[0].chain + 5  # a chain nothing else is in, whichever this session writes
    with connection.cursor() as cursor:  # as if another session had written into that chain
        cursor.execute(f"UPDATE {table} SET chain = %s WHERE id = %s", [other, first[1].pk])  # noqa: S608
    # that event now starts the other chain with the wrong link
    report = verify_chain()
    assert (report.ok, report.first_bad_id, report.problem) == (False, first[1].pk, "link")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET chain = %s WHERE id = %s", [first[0].chain, first[1].pk])  # noqa: S608
    assert verify_chain().ok


@pytest.mark.django_db
def test_an_event_links_to_the_head_of_its_own_chain(monkeypatch):
    from eiso.core import audit

    monkeypatch.setattr(audit, "_chain", lambda: 3)
    in_three = emit(2)
    monkeypatch.setattr(audit, "_chain", lambda: 7)
    in_seven = emit(1)
    monkeypatch.setattr(audit, "_chain", lambda: 3)
    again_in_three = emit(1)
    assert [e.chain for e in (*in_three, *in_seven, *again_in_three)] == [3, 3, 7, 3]
    assert in_three[0].prev_hash == GENESIS_HASH and in_seven[0].prev_hash == GENESIS_HASH
    assert in_three[1].prev_hash == in_three[0].hash and again_in_three[0].prev_hash == in_three[1].hash
    report = verify_chain()
    assert report.ok and report.checked == 4 and report.chains == 2
    assert report.head_hash == again_in_three[0].hash


@pytest.mark.django_db
def test_an_event_given_the_head_it_read_with_its_lock_links_like_any_other():
    [earlier] = emit()
    with transaction.atomic():
        head = audit.head_of(rows.fetch_each(audit.head_queries()))
        assert head == earlier.hash
        first = record_event(actor=None, verb="test.head", object_type="t", object_id="1", head=head)
        second = record_event(actor=None, verb="test.head", object_type="t", object_id="2", head=first.hash)
    assert first.prev_hash == earlier.hash and second.prev_hash == first.hash
    assert verify_chain().ok


@pytest.mark.django_db
def test_the_head_of_an_empty_chain_is_the_genesis_hash():
    with transaction.atomic():
        assert audit.head_of(rows.fetch_each(audit.head_queries())) == GENESIS_HASH
