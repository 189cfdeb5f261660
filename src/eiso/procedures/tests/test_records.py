"""Reading and writing records without a database: the portal's JSON shape and the XLSX template."""

import json

from eiso.procedures import records as rec
from eiso.procedures.tests.conftest import as_json, portal_record
from eiso.procedures.xlsx import read_workbook, write_workbook


def _one(record: dict) -> tuple[dict | None, list]:
    errors = []
    return rec.from_portal(record, "bản ghi 1", errors), errors


def test_the_portal_example_reads_as_a_complete_record():
    record, errors = _one(portal_record(unknownKey={"anything": 1}, anotherOne=[1, 2]))
    assert errors == []
    assert record["code"] == "1.001193"
    assert record["levels"] == ["commune"]
    assert record["sectors"] == [{"code": "HT", "name": "Hộ tịch"}]
    assert [c["channel"] for c in record["channels"]] == ["direct", "online"]
    direct = record["channels"][0]
    assert (direct["time_value"], direct["time_unit"], direct["counting_mode"]) == (
        "1",
        "working_days",
        "days",
    )
    assert direct["fees"] == [
        {"kind": "charge", "amount": 0, "currency": "Đồng", "description": "Miễn lệ phí khi đăng ký đúng hạn"}
    ]
    assert record["cases"][0]["components"][0]["form_name"] == "To khai khai sinh.docx"
    assert record["legal_bases"][0]["number"] == "60/2014/QH13"
    assert record["source_updated_at"] == "2025-01-01T00:00:00+00:00"
    assert rec.missing_components(record) == []


def test_missing_mandatory_keys_are_each_reported_with_the_record():
    raw = portal_record()
    del raw["name"], raw["decisionNo"]
    record, errors = _one(raw)
    assert record is None
    assert {(e.record, e.field) for e in errors} == {("bản ghi 1", "name"), ("bản ghi 1", "decisionNo")}


def test_units_channels_and_fee_kinds_are_mapped():
    raw = portal_record(
        executionMethods=[
            {
                "submissionMethod": "DIRECT_AND_ONLINE",
                "processingTime": 1,
                "processingTimeUnit": "YEAR",
                "fees": [{"value": "50.000", "description": "Phí thẩm định hồ sơ"}],
            },
            {
                "submissionMethod": "POSTAL",
                "processingTime": "2,5",
                "processingTimeUnit": "HOUR",
                "cutoff": "15h",
            },
        ]
    )
    record, errors = _one(raw)
    assert errors == []
    channels = {c["channel"]: c for c in record["channels"]}
    assert set(channels) == {"direct", "online", "postal"}
    assert (channels["online"]["time_value"], channels["online"]["time_unit"]) == ("12", "months")
    assert channels["direct"]["fees"][0] == {
        "kind": "fee",
        "amount": 50000,
        "currency": "Đồng",
        "description": "Phí thẩm định hồ sơ",
    }
    assert (channels["postal"]["time_value"], channels["postal"]["cutoff"]) == ("2.5", "15:00")


def test_bad_values_name_the_nested_field():
    raw = portal_record()
    raw["executionMethods"][1]["processingTimeUnit"] = "FORTNIGHT"
    raw["executionCases"][0]["profileComponents"][1]["copyQty"] = "hai"
    raw["legalBasisesDetails"].append({"name": "Không có số"})
    _record, errors = _one(raw)
    fields = {e.field for e in errors}
    assert fields == {
        "executionMethods[1].processingTimeUnit",
        "executionCases[0].profileComponents[1].copyQty",
        "legalBasisesDetails[1].code",
    }


def test_a_file_may_wrap_the_list_and_labels_name_the_code():
    data = json.dumps({"data": [portal_record(), portal_record(code="", decision="x")]}).encode()
    records, errors = rec.read_json(data)
    assert [label for label, _r in records] == ["bản ghi 1 (1.001193)"]
    assert [(e.record, e.field) for e in errors] == [("bản ghi 2", "code")]


def test_json_and_xlsx_writers_round_trip_records():
    records, errors = rec.read_json(
        as_json(portal_record(), portal_record(code="1.000656", decision="2170/QĐ-BTP", isProvince=True))
    )
    assert errors == []
    plain = [r for _label, r in records]
    for record in plain:
        record["status"] = "published"  # the writers always state it
    again, errors = rec.read_json(rec.write_json(plain))
    assert errors == [] and [r for _l, r in again] == plain
    from_xlsx, errors = read_workbook(write_workbook(plain))
    assert errors == []
    assert [r for _l, r in from_xlsx] == plain


def test_xlsx_errors_name_the_sheet_row_and_column():
    records, _errors = rec.read_json(as_json(portal_record()))
    data = write_workbook([r for _l, r in records])
    from io import BytesIO

    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(data))
    workbook["CachThuc"]["E2"] = "tuần"  # time_unit of the first channel
    workbook["ThuTuc"]["C2"] = None  # name
    out = BytesIO()
    workbook.save(out)
    _records, errors = read_workbook(out.getvalue())
    assert {(e.record, e.field) for e in errors} == {
        ("trang ThuTuc, dòng 2 (1.001193)", "name"),
        ("trang CachThuc, dòng 2 (1.001193)", "time_unit"),
    }
