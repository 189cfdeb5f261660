"""Data for the dossier benchmark (issue 6): the demo world of Hưng Yên, a 6-step process, and a large
background of dossiers with their clocks, work items, hand-overs and book entries, on PostgreSQL.

    .venv/bin/python benchmarks/gen_dossiers.py --dossiers 1000000 --keep    # build and keep
    .venv/bin/python benchmarks/gen_dossiers.py --dossiers 20000             # smoke run

World: the demo loaders of organizations, accounts, calendars, procedures and processes (Hưng Yên's
twelve communes and wards, their processes in force, the demo users at Phường Phố Hiến), then one
6-step internal process put in force through the process services for "Cấp Giấy xác nhận tình trạng
hôn nhân" (1.004873) at Phường Phố Hiến: 1 receive → 2 appraise → 3 verify → 4 review → 5 sign (the
chairman) → 6 return to the applicant, all sequential (also written to benchmarks/data/six_steps.bpmn).

Background: `--dossiers` dossiers received over the two years before today across the twelve
communes, with realistic Vietnamese applicants from `eiso.dossiers.generator`, loaded with COPY — NOT
through the services (a million through the services would take about a day on this machine). Each
has the rows the services would leave for its story: a legal clock (a real `LegalClock` state from
the agency's calendar: started at reception, finished at settlement), one work item per step of its
process (done, or the current one open for the last days' dossiers), one hand-over per completed step
plus reception and result, a form-07 book entry numbered per commune and year, and the daily serials
its code used. Not written for the background: audit events (the audit chain has its own benchmark),
components and files. About 1 % of the background is still open (received in the last week).
"""

from __future__ import annotations

import datetime
import io
import json
import random
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/eiso_bench_dossiers"
PROCEDURE = "1.004873"
WARD = "11980"
BPMN_PATH = Path(__file__).resolve().parent / "data" / "six_steps.bpmn"

SIX_STEPS = [
    ("Tiếp nhận hồ sơ", "Công chức tiếp nhận", "Bộ phận Một cửa", 1.0, "task"),
    ("Thẩm định hồ sơ", "Công chức Tư pháp - Hộ tịch", "Văn phòng HĐND và UBND", 6.0, "task"),
    ("Xác minh thông tin", "Công chức Tư pháp - Hộ tịch", "Văn phòng HĐND và UBND", 6.0, "task"),
    ("Dự thảo kết quả", "Công chức Tư pháp - Hộ tịch", "Văn phòng HĐND và UBND", 4.0, "task"),
    ("Ký duyệt", "Chủ tịch UBND", "UBND phường", 4.0, "task"),
    ("Trả kết quả", "Công chức trả kết quả", "Bộ phận Một cửa", 1.0, "return_to_applicant"),
]


def build_world(out=print) -> dict:
    """Demo world + the 6-step process in force. Returns ids the benchmark needs."""
    from django.db import transaction

    from eiso.accounts import demo as accounts_demo
    from eiso.calendars import demo as calendars_demo
    from eiso.organizations import demo as organizations_demo
    from eiso.procedures import demo as procedures_demo
    from eiso.processes import demo as processes_demo

    sink = io.StringIO()
    for module in (organizations_demo, accounts_demo, calendars_demo, procedures_demo, processes_demo):
        with common.stopwatch(f"demo loader {module.__name__}", echo=False) as t, transaction.atomic():
            module.load(sink)
        out(f"  {module.__name__}: {t['seconds']:.1f} s")
    process = six_step_process()
    return {"process_id": process.pk}


def six_step_process():
    from eiso.organizations.models import Agency
    from eiso.procedures.models import Procedure
    from eiso.processes import services
    from eiso.processes.design.model import ProcessDesign

    ward = Agency.objects.get(admin_code=WARD)
    procedure = Procedure.objects.get(code=PROCEDURE)
    process = services.create_process(actor=None, agency=ward, procedures=[procedure], starter=True)
    version = process.latest_version
    data = version.design
    template = data["steps"][0]
    steps = []
    for number, (name, role, unit, hours, kind) in enumerate(SIX_STEPS, start=1):
        step = dict(template)
        step.update(
            number=number,
            name=name,
            role=role,
            unit=unit,
            hours=hours,
            time_unit="hours",
            kind=kind,
            transitions=[],
            work_content=name,
            output="",
        )
        steps.append(step)
    data = {**data, "steps": steps}
    version = services.save_design(actor=None, version=version, design=ProcessDesign.from_dict(data))
    services.submit_version(actor=None, version=version)
    services.approve_version(actor=None, version=version)
    services.put_in_force(actor=None, version=version, valid_from=datetime.date(2025, 7, 1))
    write_bpmn(ProcessDesign.from_dict(version.design))
    process.refresh_from_db()
    return process


def write_bpmn(design) -> None:
    """The same process as BPMN 2.0, exported by the process designer (for the SpiffWorkflow reference)."""
    from eiso.processes.design.bpmn import to_bpmn

    BPMN_PATH.parent.mkdir(parents=True, exist_ok=True)
    # The designer exports a model for people (isExecutable="false"); an engine needs it executable.
    text = to_bpmn(design).replace('isExecutable="false"', 'isExecutable="true"', 1)
    BPMN_PATH.write_text(text, encoding="utf-8")


# --- the background, with COPY ----------------------------------------------------------------------


def _columns(model, skip=("id",)) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if f.column not in skip]


def _next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 - our own table names
    return cursor.fetchone()[0]


def _copy(cursor, table: str, columns: list[str], rows) -> int:
    n = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # noqa: S608
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def fill(count: int, *, seed: int = 6, now: datetime.datetime | None = None, out=print) -> dict:
    """COPY `count` background dossiers (see the module docstring). Returns row counts."""
    from django.db import connection
    from django.utils import timezone

    from eiso.calendars import adapter
    from eiso.calendars.clock import LegalClock
    from eiso.calendars.models import ClockRecord
    from eiso.calendars.services import sync_columns
    from eiso.core.text import vi_fold
    from eiso.dossiers import generator
    from eiso.dossiers.models import BookEntry, DailySerial, Dossier, HandOver, TrackingBook, WorkItem
    from eiso.dossiers.services import worse
    from eiso.organizations.models import Agency, AgencyKind
    from eiso.processes.models import ProcessVersion

    rng = random.Random(seed)
    now = (now or timezone.now()).replace(microsecond=0)
    province = Agency.objects.get(kind=AgencyKind.PROVINCE, admin_code="33")
    communes = list(
        Agency.objects.filter(
            kind__in=(AgencyKind.WARD, AgencyKind.COMMUNE),
            electronic_id__gt="",
            path__startswith=province.path,
        ).order_by("path")
    )
    offers = {}  # agency id → [(procedure, procedure_version_id, process_version_id, steps, limit)]
    for agency in communes:
        rows = []
        for version in (
            ProcessVersion.objects.in_force(now.date())
            .filter(process__agency=agency)
            .prefetch_related("procedures__current_version__channels")
        ):
            for procedure in version.procedures.all():
                pv = procedure.current_version
                if pv is None:
                    continue
                limit = next((c for c in pv.channels.all() if c.time_value), None)
                if limit is None:
                    continue
                steps = version.design["steps"]
                rows.append((procedure, pv.pk, version.pk, steps, limit))
        if rows:
            offers[agency.pk] = rows
    agencies = [a for a in communes if a.pk in offers]
    calendars = {a.pk: adapter.calendar_for(a) for a in agencies}
    first_day = now.date() - datetime.timedelta(days=730)

    cursor = connection.cursor()
    raw = cursor.cursor  # the psycopg cursor: COPY
    clock_id = _next_id(cursor, ClockRecord._meta.db_table)
    dossier_id = _next_id(cursor, Dossier._meta.db_table)
    item_id = _next_id(cursor, WorkItem._meta.db_table)
    serials: dict[tuple[int, datetime.date], int] = defaultdict(int)
    books: dict[tuple[int, int], int] = defaultdict(int)
    clocks, dossiers, items, hand_overs, entries = [], [], [], [], []
    clock_cols = _columns(ClockRecord, skip=())
    dossier_cols = _columns(Dossier, skip=())
    item_cols = _columns(WorkItem, skip=())
    hand_cols = _columns(HandOver)
    entry_cols = _columns(BookEntry)
    counts = defaultdict(int)

    # Reception moments in order, so codes and book numbers follow time as at a real counter.
    moments = []
    for _ in range(count):
        agency = rng.choice(agencies)
        cal = calendars[agency.pk]
        back = int(730 * (1 - rng.random() ** 0.9))
        day = now.date() - datetime.timedelta(days=back)
        if day < first_day:
            day = first_day
        moment = cal.next_working_moment(
            datetime.datetime.combine(day, datetime.time(7, 30), tzinfo=cal.tz)
            + datetime.timedelta(minutes=rng.randrange(0, 9 * 60))
        ).replace(microsecond=0)
        if moment >= now:
            moment = now - datetime.timedelta(days=rng.randrange(1, 3), hours=rng.randrange(0, 3))
            moment = cal.next_working_moment(moment).replace(microsecond=0)
            if moment >= now:
                continue
        moments.append((moment, agency))
    moments.sort(key=lambda m: m[0])
    tz = calendars[agencies[0].pk].tz

    def flush():
        nonlocal clocks, dossiers, items, hand_overs, entries
        counts["clockrecord"] += _copy(raw, ClockRecord._meta.db_table, clock_cols, clocks)
        counts["dossier"] += _copy(raw, Dossier._meta.db_table, dossier_cols, dossiers)
        counts["workitem"] += _copy(raw, WorkItem._meta.db_table, item_cols, items)
        counts["handover"] += _copy(raw, HandOver._meta.db_table, hand_cols, hand_overs)
        counts["bookentry_pending"] += len(entries)
        clocks, dossiers, items, hand_overs = [], [], [], []

    book_rows: list[tuple[int, int, int]] = []  # (unit, year, number) per dossier in `entries`
    for moment, agency in moments:
        cal = calendars[agency.pk]
        procedure, pv_id, version_id, steps, limit = rng.choice(offers[agency.pk])
        local = moment.astimezone(tz)
        day = local.date()
        serials[(agency.pk, day)] += 1
        code = f"{agency.electronic_id}-{day:%y%m%d}-{serials[(agency.pk, day)]:04d}"
        person = generator.applicant(rng, agency.name, organisation=rng.random() < 0.08)
        channel = limit.channel
        clock = LegalClock(cal).start(moment, float(limit.time_value), limit.time_unit, limit.counting_mode)
        due = clock.due()
        total = max((due - moment).total_seconds(), 3600)
        # speed: most early, some on time, ~8 % late; the last days' dossiers are still open
        share = rng.triangular(0.15, 1.35, 0.5)
        settled = moment + datetime.timedelta(seconds=total * share)
        open_now = settled >= now
        record = ClockRecord(agency_id=agency.pk, subject=code)
        if not open_now:
            clock = clock.finish(settled.replace(microsecond=0))
        sync_columns(record, clock)
        cid = record.id = clock_id
        clock_id += 1
        record.created_at = record.updated_at = now
        record.state = json.dumps(record.state)  # COPY takes the JSON text
        clocks.append(tuple(getattr(record, column) for column in clock_cols))
        did = dossier_id
        dossier_id += 1
        timeliness = (
            ""
            if open_now
            else (
                "early"
                if settled < due - datetime.timedelta(hours=4)
                else "on_time"
                if settled <= due
                else "late"
            )
        )
        status = "processing" if open_now else ("returned" if rng.random() < 0.93 else "result_ready")
        values = {
            "id": did,
            "agency_id": agency.pk,
            "receiving_unit_id": agency.pk,
            "code": code,
            "lookup_secret": f"{rng.randrange(10**6):06d}",
            "procedure_id": procedure.pk,
            "procedure_version_id": pv_id,
            "process_version_id": version_id,
            "case_name": "",
            "channel": channel,
            "status": status,
            "applicant_kind": person.kind,
            "applicant_name": person.name,
            "applicant_id_number": person.id_number,
            "applicant_address": person.address,
            "applicant_phone": person.phone,
            "applicant_email": "",
            "sets": 1,
            "fee_amount": Decimal(0),
            "fee_note": "",
            "missing_note": "",
            "refusal_reason": "",
            "received_at": moment,
            "received_by_id": None,
            "clock_id": cid,
            "original_appointment_at": due,
            "current_step": "",
            "risk": "",
            "supplement_count": 0,
            "supplement_requested_at": None,
            "extended_at": None,
            "extension_reason": "",
            "settled_at": None if open_now else settled,
            "timeliness": timeliness,
            "work_seconds": None if open_now else 0,  # the completed steps' used seconds, added below
            "worst_hand_over": "",  # the worst step result, when settled (below)
            "result_number": "",
            "result_summary": "",
            "returned_at": None,
            "returned_to": "",
            "return_method": "",
            "closed_reason": "",
            "closed_at": None,
            "search_text": vi_fold(f"{code} {person.name} {person.phone} {procedure.code} {procedure.name}")[
                :600
            ],
            "created_at": now,
            "updated_at": now,
        }
        # work items: the steps share the time until settlement in proportion to their hours
        hours = [float(s["hours"]) for s in steps]
        span = ((now if open_now else settled) - moment).total_seconds()
        started = moment
        weight = sum(hours[:-1]) or 1.0
        book = (agency.pk, local.year)
        books[book] += 1
        book_rows.append((agency.pk, local.year, books[book], did))
        hand_overs.append(
            (
                did,
                None,
                "receive",
                f"Người nộp: {person.name}",
                steps[0]["name"],
                None,
                moment,
                moment,
                None,
                None,
                "",
                "",
            )
        )
        for index, step in enumerate(steps):
            last = index == len(steps) - 1
            allotted = int(hours[index] * 3600)
            step_due = started + datetime.timedelta(seconds=allotted * 1.4)  # approximate: working hours
            if last:
                done_at = settled + datetime.timedelta(hours=rng.choice([1, 4, 24, 48]))
            else:
                done_at = started + datetime.timedelta(seconds=span * hours[index] / weight)
            is_open = (open_now and (done_at >= now or last)) or (last and status == "result_ready")
            if open_now and started >= now:
                break
            iid = item_id
            item_id += 1
            step_timeliness = "" if is_open else ("late" if done_at > step_due else "early")
            items.append(
                (
                    iid,
                    did,
                    agency.pk,
                    None,
                    step["number"],
                    step["name"][:500],
                    step["kind"],
                    step.get("role", "")[:500],
                    "receiver" if index in (0, len(steps) - 1) else "officer",
                    agency.pk,
                    None,
                    "",
                    "open" if is_open else "done",
                    Decimal(str(hours[index])),
                    started,
                    step_due,
                    started + datetime.timedelta(seconds=allotted),
                    "",
                    None if is_open else done_at,
                    None,
                    "" if is_open else "done",
                    None if is_open else int(min(span, allotted * 2)),
                    step_timeliness,
                    "",
                )
            )
            if is_open:
                values["current_step"] = step["name"][:255]
                break
            if not last and values["work_seconds"] is not None:
                values["work_seconds"] += int(min(span, allotted * 2))
            if not open_now:
                values["worst_hand_over"] = worse(values["worst_hand_over"], step_timeliness)
            hand_overs.append(
                (
                    did,
                    iid,
                    "complete" if not last else "return_result",
                    step["name"][:500],
                    "" if last else steps[index + 1]["name"][:500],
                    None,
                    done_at,
                    done_at,
                    allotted,
                    int(min(span, allotted * 2)),
                    step_timeliness,
                    "",
                )
            )
            if last:
                values["returned_at"] = done_at
                values["returned_to"] = person.name
                values["return_method"] = "counter"
            started = done_at
        dossiers.append(tuple(values[c] for c in dossier_cols))
        if len(dossiers) >= 20000:
            flush()
            out(f"  … {counts['dossier']:,} dossiers")
    flush()
    # books, entries and serials after the dossiers
    book_ids = {}
    for (unit, year), last in books.items():
        book, _ = TrackingBook.objects.get_or_create(unit_id=unit, year=year)
        TrackingBook.objects.filter(pk=book.pk).update(last_number=book.last_number + last)
        book_ids[(unit, year)] = (book.pk, book.last_number)
    counts["bookentry"] = _copy(
        raw,
        BookEntry._meta.db_table,
        entry_cols,
        ((book_ids[(u, y)][0], book_ids[(u, y)][1] + n, d) for u, y, n, d in book_rows),
    )
    DailySerial.objects.bulk_create(
        [DailySerial(agency_id=a, day=d, last=n) for (a, d), n in serials.items()],
        batch_size=5000,
        ignore_conflicts=True,
    )
    for table in (
        "calendars_clockrecord",
        "dossiers_dossier",
        "dossiers_workitem",
        "dossiers_handover",
        "dossiers_bookentry",
    ):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
        )
    counts.pop("bookentry_pending", None)
    return dict(counts)


def main() -> None:
    parser = common.base_parser(__doc__)
    parser.set_defaults(database_url=DEFAULT_URL)
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument(
        "--keep", action="store_true", help="keep the database (the benchmark can --reuse it)"
    )
    args = parser.parse_args()
    common.create_database(args.database_url)
    common.setup_django(args.database_url)
    common.migrate()
    with common.stopwatch("world"):
        build_world()
    with common.stopwatch("background") as t:
        counts = fill(args.dossiers)
    with common.stopwatch("analyze"):
        common.analyze()
    print(counts, f"{counts.get('dossier', 0) / t['seconds']:.0f} dossiers/s")
    common.close_connections()
    if not args.keep:
        common.drop_database(args.database_url)


if __name__ == "__main__":
    main()
