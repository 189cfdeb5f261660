"""core/rows.py: prebuilt statements must write and read exactly what the ORM writes and reads."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eiso.calendars.models import ClockRecord
from eiso.core import rows
from eiso.organizations.models import Agency

pytestmark = pytest.mark.django_db

STATE = {"version": 1, "state": "running", "limit": {"amount": 3, "unit": "working_days"}, "note": "Đồng ý"}
MOMENT = datetime.datetime(2026, 3, 2, 8, 30, tzinfo=datetime.UTC)


def _clock(agency, **fields) -> ClockRecord:
    values = {
        "agency": agency,
        "subject": "000.00.30.H33-260302-0001",
        "state": STATE,
        "status": "running",
        "amount": 3.5,
        "unit": "working_days",
        "mode": "days",
        "due_at": MOMENT,
        "cutoff": datetime.time(16, 30),
    }
    values.update(fields)
    return ClockRecord(**values)


def test_insert_writes_what_the_orm_reads_back(agency_tree):
    record = rows.insert(_clock(agency_tree.commune))
    assert record.pk is not None and not record._state.adding
    stored = ClockRecord.objects.get(pk=record.pk)
    assert stored.state == STATE and stored.amount == 3.5 and stored.due_at == MOMENT
    assert stored.cutoff == datetime.time(16, 30) and stored.agency_id == agency_tree.commune.pk
    assert stored.created_at is not None and stored.updated_at is not None  # auto_now(_add) applied


def test_update_writes_only_the_named_columns_and_touches_auto_now(agency_tree):
    record = rows.insert(_clock(agency_tree.commune))
    before = ClockRecord.objects.get(pk=record.pk).updated_at
    record.status, record.subject = "finished", "changed in memory only"
    rows.update(record, ["status", "updated_at"])
    stored = ClockRecord.objects.get(pk=record.pk)
    assert stored.status == "finished" and stored.subject == "000.00.30.H33-260302-0001"
    assert stored.updated_at >= before


def test_fetch_builds_model_instances_with_converted_values_and_defers_the_rest(agency_tree):
    record = rows.insert(_clock(agency_tree.commune))
    spec_clock = (ClockRecord, ("id", "agency_id", "state", "cutoff", "due_at"))
    spec_agency = (Agency, rows.attnames(Agency))
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {rows.columns('c', *spec_clock)}, {rows.columns('a', *spec_agency)}, 42 "  # noqa: S608
        f"FROM {quote(ClockRecord._meta.db_table)} c JOIN {quote(Agency._meta.db_table)} a "
        "ON a.id = c.agency_id WHERE c.id = %s"
    )
    (clock, agency), extra = rows.fetch(sql, [record.pk], [spec_clock, spec_agency])
    assert extra == (42,)
    assert clock.state == STATE and clock.cutoff == datetime.time(16, 30) and clock.due_at == MOMENT
    assert agency == agency_tree.commune and agency.name == "Xã Thử"
    assert "status" in clock.get_deferred_fields()
    assert clock.status == "running"  # a deferred column loads when read
    assert rows.fetch(sql, [0], [spec_clock, spec_agency]) is None


def test_fetch_each_runs_several_reads_in_order(agency_tree):
    first = rows.insert(_clock(agency_tree.commune, subject="một"))
    second = rows.insert(_clock(agency_tree.science, subject="hai"))
    spec = (ClockRecord, ("id", "subject"))
    sql = f"SELECT {rows.columns('c', *spec)} FROM {ClockRecord._meta.db_table} c WHERE c.id = %s"  # noqa: S608
    found = rows.fetch_each([(sql, [first.pk], [spec]), (sql, [0], [spec]), (sql, [second.pk], [spec])])
    assert [f[0][0].subject if f else None for f in found] == ["một", None, "hai"]


def test_a_batch_writes_nothing_until_sent_then_everything_in_order(agency_tree):
    batch = rows.Batch()
    with transaction.atomic():
        record = batch.insert(_clock(agency_tree.commune))
        other = batch.insert(_clock(agency_tree.science, subject="khác"))
        assert ClockRecord.objects.count() == 0 and record.pk is None
        batch.send()
        assert record.pk is not None and other.pk is not None and other.pk != record.pk
        record.status = "paused"
        batch.update(record, ["status"])
        assert ClockRecord.objects.get(pk=record.pk).status == "running"
        batch.send()
    assert ClockRecord.objects.get(pk=record.pk).status == "paused"
    assert ClockRecord.objects.get(pk=other.pk).subject == "khác"
    batch.send()  # an empty batch sends nothing


def test_a_failing_statement_in_a_batch_rolls_back_the_whole_transaction(agency_tree):
    batch = rows.Batch()
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - the backend's IntegrityError
        batch.insert(_clock(agency_tree.commune))
        batch.insert(_clock(agency_tree.commune, status=None))  # NOT NULL column
        batch.send()
    assert not ClockRecord.objects.exists()


def test_datetimes_are_stored_as_the_orm_stores_them(agency_tree, settings):
    settings.USE_TZ = True
    now = timezone.now().replace(microsecond=0)
    record = rows.insert(_clock(agency_tree.commune, due_at=now, period_opened_at=now))
    assert ClockRecord.objects.filter(pk=record.pk, due_at=now, period_opened_at=now).exists()


def test_an_update_naming_a_column_twice_is_refused_on_every_database(agency_tree):
    record = rows.insert(_clock(agency_tree.commune))
    with pytest.raises(ValueError, match="named twice"):
        rows.update(record, ["status", "status"])


def test_a_batch_reads_its_own_writes_in_the_same_round_trip(agency_tree):
    batch = rows.Batch()
    spec = (ClockRecord, ("id", "subject"))
    sql = f"SELECT {rows.columns('c', *spec)} FROM {ClockRecord._meta.db_table} c WHERE c.subject = %s"  # noqa: S608
    with transaction.atomic(), CaptureQueriesContext(connection) as sent:
        record = batch.insert(_clock(agency_tree.commune, subject="mới"))
        [found] = batch.fetch_each([(sql, ["mới"], [spec])])
    assert found[0][0].pk == record.pk is not None
    if connection.vendor == "postgresql":
        assert len([q for q in sent.captured_queries if not q["sql"].startswith("PREPARE")]) == 1
    assert batch.fetch_each([]) == []  # nothing queued, nothing asked: nothing sent


# --- prepared statements (PostgreSQL) -------------------------------------------------------------

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PREPARE/EXECUTE is PostgreSQL's"
)


def _prepared_here(sql: str) -> int:
    name, _prepare, _execute = rows._prepared_forms(sql)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [name])
        return cursor.fetchone()[0]


def test_placeholders_become_numbered_parameters_and_a_literal_percent_is_refused():
    name, prepare, execute = rows._prepared_forms("SELECT a FROM t WHERE b = %s AND c IN (%s, %s)")
    assert prepare == f"PREPARE {name} AS SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)"  # noqa: S608
    assert execute == f"EXECUTE {name}(%s, %s, %s)"
    assert rows._prepared_forms("SELECT 1")[2] == f"EXECUTE {rows._prepared_forms('SELECT 1')[0]}"
    with pytest.raises(ValueError, match="literal %"):
        rows._prepared_forms("SELECT 'a%%' LIKE %s")


@needs_postgresql
def test_a_statement_is_prepared_once_per_session_and_then_only_executed(agency_tree):
    first = rows.insert(_clock(agency_tree.commune, subject="một"))
    spec = (ClockRecord, ("id", "subject"))
    table = ClockRecord._meta.db_table  # a statement no other test runs in this session:
    sql = f"SELECT {rows.columns('c', *spec)} FROM {table} c WHERE c.id = %s AND c.id > 0"  # noqa: S608
    with CaptureQueriesContext(connection) as sent:
        for _ in range(rows.PREPARE_THRESHOLD):
            assert rows.fetch(sql, [first.pk], [spec])[0][0].subject == "một"
        assert rows.fetch(sql, [0], [spec]) is None
    sent = [q["sql"].split()[0] for q in sent.captured_queries]
    # run as written at first, prepared when its turn comes, then only executed
    assert sent == ["SELECT"] * (rows.PREPARE_THRESHOLD - 1) + ["PREPARE", "EXECUTE", "EXECUTE"]
    assert _prepared_here(sql) == 1


@needs_postgresql
def test_a_prepared_statement_outlives_a_rolled_back_transaction(agency_tree, monkeypatch):
    monkeypatch.setattr(rows, "PREPARE_THRESHOLD", 1)
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - the backend's IntegrityError
        rows.insert(_clock(agency_tree.commune))  # prepares the INSERT
        rows.insert(_clock(agency_tree.commune, status=None))  # NOT NULL column: the transaction fails
    record = rows.insert(_clock(agency_tree.commune))  # executes it again: no second PREPARE to fail
    assert ClockRecord.objects.filter(pk=record.pk).exists()


@needs_postgresql
def test_preparing_can_be_turned_off_for_a_transaction_pooler(agency_tree, settings):
    settings.EISO_DB_PREPARE = False
    with CaptureQueriesContext(connection) as sent:
        for _ in range(rows.PREPARE_THRESHOLD + 1):
            record = rows.insert(_clock(agency_tree.commune, subject="không chuẩn bị"))
    assert {q["sql"].split()[0] for q in sent.captured_queries} == {"INSERT"}
    assert ClockRecord.objects.get(pk=record.pk).subject == "không chuẩn bị"
