"""Importing a year's schedule: CSV, XLSX and JSON (the shipped samples), all or nothing, with every
problem named by row and column."""

import io
import json
from importlib import resources

import pytest
from openpyxl import Workbook

from eiso.calendars import services
from eiso.calendars.adapter import calendar_for
from eiso.calendars.importing import ScheduleImportError
from eiso.calendars.models import CalendarChange, CalendarEntry, CalendarYear
from eiso.calendars.tests.conftest import d
from eiso.core.models import AuditEvent

pytestmark = pytest.mark.django_db

HEADER = "date,kind,name_vi,name_en,legal_reference\n"


def sample(name: str) -> bytes:
    return resources.files("eiso.calendars").joinpath(f"data/samples/{name}").read_bytes()


def upload(content: bytes, name: str):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def snapshot_counts():
    return (
        CalendarEntry.objects.count(),
        CalendarChange.objects.count(),
        AuditEvent.objects.count(),
        list(CalendarYear.objects.values_list("year", "status").order_by("year")),
    )


@pytest.mark.parametrize("name", ["lich-nghi-2026.csv", "lich-nghi-2026.xlsx", "lich-nghi-2026.json"])
def test_samples_import_into_a_province(national, agency_tree, name):
    result = services.import_schedule(
        actor=None, file=upload(sample(name), name), agency=agency_tree.province
    )
    assert result.year == 2026 and len(result.added) == 16 and not result.removed
    rows = CalendarEntry.objects.filter(agency=agency_tree.province)
    assert rows.count() == 16 and set(rows.values_list("scope", flat=True)) == {"province"}
    swap = rows.get(date=d("02/01/2026"))
    assert swap.kind == "swapped_day_off" and "12729/VPCP-KGVX" in swap.legal_reference
    assert calendar_for(agency_tree.commune).is_working_day(d("10/01/2026"))
    event = AuditEvent.objects.filter(verb="calendar.import").get()
    assert event.after["added"][0] == "2026-01-01" and event.agency_id == agency_tree.province.pk
    # The same file again changes nothing and records nothing.
    again = services.import_schedule(actor=None, file=upload(sample(name), name), agency=agency_tree.province)
    assert again.total == 0 and again.unchanged == 16
    assert AuditEvent.objects.filter(verb="calendar.import").count() == 1


def test_national_import_replaces_the_year_and_makes_it_official(national):
    assert CalendarYear.objects.get(year=2027).status == "estimated"
    csv = (
        HEADER + "2027-01-01,holiday,Tết Dương lịch,New Year's Day,BLLĐ 2019\n"
        "2027-03-15,swapped_day_off,Nghỉ hoán đổi,Day off,QĐ 1/2027\n"
    ).encode()
    result = services.import_schedule(
        actor=None, file=upload(csv, "lich-2027.csv"), legal_reference="QĐ 1/2027"
    )
    assert [x.isoformat() for x in result.added] == ["2027-03-15"]
    assert d("01/01/2027") in result.changed  # was an estimate: now confirmed
    assert result.removed  # every other estimated 2027 day is gone
    assert set(CalendarEntry.objects.national().filter(date__year=2027).values_list("date", flat=True)) == {
        d("01/01/2027"),
        d("15/03/2027"),
    }
    year = CalendarYear.objects.get(year=2027)
    assert year.status == "official" and year.legal_reference == "QĐ 1/2027"
    assert 2027 not in calendar_for().estimated_years


def test_vietnamese_kind_names_and_semicolons_are_accepted(national, agency_tree):
    content = (
        "\ufeffdate;kind;name_vi\n15/06/2026;Nghỉ bù;Nghỉ bù ngày thành lập\n20/06/2026;làm việc bù;Làm bù\n"
    ).encode()
    result = services.import_schedule(actor=None, file=upload(content, "x.csv"), agency=agency_tree.commune)
    kinds = dict(CalendarEntry.objects.filter(agency=agency_tree.commune).values_list("date", "kind"))
    assert len(result.added) == 2
    assert kinds == {d("15/06/2026"): "compensatory_day_off", d("20/06/2026"): "swapped_working_day"}


BAD_FILES = {
    "bad date": (HEADER + "2026-01-01,holiday,Tết,,\n2026-02-30,holiday,Sai ngày,,\n", 3, "date"),
    "unknown kind": (HEADER + "2026-01-01,holiday,Tết,,\n2026-01-02,vacation,Nghỉ,,\n", 3, "kind"),
    "duplicate date": (HEADER + "2026-01-01,holiday,Tết,,\n2026-01-01,holiday,Tết lần hai,,\n", 3, "date"),
    "missing column": ("date,name_vi\n2026-01-01,Tết\n", 1, "kind"),
    "empty name": (HEADER + "2026-01-01,holiday,,,\n", 2, "name_vi"),
    "another year": (HEADER + "2026-01-01,holiday,Tết,,\n2027-01-01,holiday,Tết,,\n", 3, "date"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_malformed_files_import_nothing_and_name_row_and_field(national, agency_tree, case, fmt):
    text, row, field = BAD_FILES[case]
    lines = [line.split(",") for line in text.strip("\n").split("\n")]
    if fmt == "csv":
        content = text.encode()
    elif fmt == "xlsx":
        content = xlsx(lines)
    else:
        header, *body = lines
        entries = [
            {k: v for k, v in zip(header, line, strict=True) if v != "" or k in ("name_vi",)} for line in body
        ]
        content = json.dumps({"entries": entries}).encode()
        row = row - 1 if row > 1 else 1  # JSON rows are entry numbers; a missing key is reported on its entry
    before = snapshot_counts()
    with pytest.raises(ScheduleImportError) as caught:
        services.import_schedule(actor=None, file=upload(content, f"lich.{fmt}"), agency=agency_tree.province)
    assert (caught.value.errors[0].row, caught.value.errors[0].field) == (row, field)
    message = str(caught.value.errors[0])
    assert str(row) in message and field in message
    assert snapshot_counts() == before


def test_every_bad_row_is_reported_at_once(national):
    content = (HEADER + "2026-13-01,holiday,A,,\n2026-01-02,nope,B,,\nxx,also,,,\n").encode()
    with pytest.raises(ScheduleImportError) as caught:
        services.import_schedule(actor=None, file=upload(content, "x.csv"))
    found = {(e.row, e.field) for e in caught.value.errors}
    assert found == {(2, "date"), (3, "kind"), (4, "date"), (4, "kind"), (4, "name_vi")}
    assert "chưa nhập gì" in caught.value.messages[0]


@pytest.mark.parametrize(
    ("content", "name", "field"),
    [
        (b"not json", "x.json", "file"),
        (b"\xff\xfe\x00", "x.csv", "file"),
        (b"PK broken", "x.xlsx", "file"),
        (b"date,kind,name_vi\n", "x.csv", "file"),
        (b"a,b", "x.txt", "format"),
    ],
)
def test_unreadable_files_are_refused(national, content, name, field):
    before = snapshot_counts()
    with pytest.raises(ScheduleImportError) as caught:
        services.import_schedule(actor=None, file=upload(content, name))
    assert caught.value.errors[0].field == field
    assert snapshot_counts() == before
