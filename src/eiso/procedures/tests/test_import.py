"""Import and export: round trips, all-or-nothing, idempotence, jobs and the command line."""

import io
from io import BytesIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from eiso.core.models import AuditEvent
from eiso.procedures import exporting, importing
from eiso.procedures.models import (
    AgencyProcedure,
    DossierCase,
    ImportStatus,
    LegalDocument,
    Procedure,
    ProcedureChannel,
    ProcedureImport,
    ProcedureVersion,
    Sector,
    VersionLegalBasis,
)
from eiso.procedures.records import ImportRefused
from eiso.procedures.tests.conftest import as_json, portal_record

pytestmark = pytest.mark.django_db


def _all_records() -> list[dict]:
    return [exporting.record_of(v) for v in exporting.versions_for_export()]


def _wipe_catalogue() -> None:
    AgencyProcedure.objects.all().delete()
    Procedure.objects.update(current_version=None)
    VersionLegalBasis.objects.all().delete()
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()
    LegalDocument.objects.all().delete()
    Sector.objects.all().delete()


def _counts() -> tuple:
    return (
        Procedure.objects.count(),
        ProcedureVersion.objects.count(),
        ProcedureChannel.objects.count(),
        DossierCase.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("file_format", ["json", "xlsx"])
def test_export_then_import_gives_the_same_records(demo_bytes, file_format):
    importing.import_file(actor=None, data=demo_bytes, file_name="demo.json")
    before = _all_records()
    assert len(before) == 55
    exported = exporting.export_bytes(exporting.versions_for_export(), file_format)
    _wipe_catalogue()
    summary = importing.import_file(actor=None, data=exported, file_name=f"export.{file_format}")
    assert summary.created == 55
    assert _all_records() == before
    # Stored content hashes match what the database gives back.
    for version in exporting.versions_for_export():
        from eiso.procedures.records import content_hash

        assert content_hash(exporting.record_of(version)) == version.content_hash


@pytest.mark.parametrize("file_format", ["json", "xlsx"])
def test_reimport_changes_nothing(demo_bytes, file_format):
    importing.import_file(actor=None, data=demo_bytes, file_name="demo.json")
    exported = exporting.export_bytes(exporting.versions_for_export(), file_format)
    before = _counts()
    for data, name in ((demo_bytes, "demo.json"), (exported, f"again.{file_format}")):
        summary = importing.import_file(actor=None, data=data, file_name=name)
        assert (summary.created, summary.updated, summary.published) == (0, 0, 0)
        assert summary.unchanged == 55
    assert _counts() == before


def test_a_changed_record_updates_its_version_and_a_new_decision_makes_a_new_one():
    importing.import_file(actor=None, data=as_json(portal_record()), file_name="a.json")
    version = ProcedureVersion.objects.get()
    changed = portal_record(name="Thủ tục đăng ký khai sinh (sửa)")
    summary = importing.import_file(actor=None, data=as_json(changed), file_name="b.json")
    assert (summary.created, summary.updated) == (0, 1)
    version.refresh_from_db()
    assert version.name == "Thủ tục đăng ký khai sinh (sửa)"
    assert Procedure.objects.get().name == "Thủ tục đăng ký khai sinh (sửa)"
    assert AuditEvent.objects.filter(verb="procedure.version_update").count() == 1
    newer = portal_record(decision="2170/QĐ-BTP", decisionDate="2025-06-30", validFrom="2025-07-01")
    summary = importing.import_file(actor=None, data=as_json(changed, newer), file_name="c.json")
    assert (summary.created, summary.unchanged) == (1, 1)
    version.refresh_from_db()
    assert (version.status, str(version.valid_to)) == ("superseded", "2025-06-30")


def test_one_bad_record_imports_nothing_and_names_record_and_field():
    bad = portal_record(code="1.000656", decision="2170/QĐ-BTP")
    bad["executionMethods"][0]["processingTime"] = "mười"
    before = _counts()
    with pytest.raises(ImportRefused) as refused:
        importing.import_file(actor=None, data=as_json(portal_record(), bad), file_name="x.json")
    assert _counts() == before
    [error] = refused.value.errors
    assert error.record == "bản ghi 2 (1.000656)"
    assert error.field == "executionMethods[0].processingTime"
    assert "bản ghi 2 (1.000656)" in refused.value.messages[0]


def test_a_bad_xlsx_row_imports_nothing(demo_bytes):
    importing.import_file(actor=None, data=demo_bytes, file_name="demo.json")
    data = exporting.export_bytes(exporting.versions_for_export(), "xlsx")
    _wipe_catalogue()
    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(data))
    sheet = workbook["PhiLePhi"]
    sheet.cell(row=7, column=5).value = "năm mươi"  # amount
    out = BytesIO()
    workbook.save(out)
    with pytest.raises(ImportRefused) as refused:
        importing.import_file(actor=None, data=out.getvalue(), file_name="bad.xlsx")
    assert Procedure.objects.count() == 0
    [error] = refused.value.errors
    assert error.record.startswith("trang PhiLePhi, dòng 7") and error.field == "amount"


def test_an_older_decision_after_a_newer_one_is_refused_with_its_record():
    newer = portal_record(decision="2170/QĐ-BTP", validFrom="2025-07-01")
    importing.import_file(actor=None, data=as_json(newer), file_name="a.json")
    older = portal_record(decision="0001/QĐ-BTP", validFrom="2024-01-01")
    with pytest.raises(ImportRefused) as refused:
        importing.import_file(actor=None, data=as_json(older), file_name="b.json")
    assert refused.value.errors[0].field == "validFrom"
    assert ProcedureVersion.objects.count() == 1


def test_duplicate_keys_in_one_file_are_refused():
    with pytest.raises(ImportRefused) as refused:
        importing.import_file(actor=None, data=as_json(portal_record(), portal_record()), file_name="d.json")
    assert refused.value.errors[0].record == "bản ghi 2 (1.001193)"


def test_a_small_job_runs_at_once_and_reports_counts(world):
    from eiso.accounts import roles

    job = importing.start_import(
        actor=world.users[roles.OVERSIGHT_OFFICER], file_name="a.json", data=as_json(portal_record())
    )
    assert importing.runs_in_request(job)
    job = importing.run_job(job.pk)
    assert (job.status, job.total, job.processed, job.created_count) == (ImportStatus.DONE, 1, 1, 1)
    assert ProcedureImport.objects.get(pk=job.pk).payload is None
    assert importing.run_job(job.pk).status == ImportStatus.DONE  # a finished job is left alone


def test_a_large_job_runs_as_a_background_task(demo_bytes, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(importing, "SYNC_MAX_BYTES", 1000)
    with django_capture_on_commit_callbacks(execute=True):
        job = importing.start_import(actor=None, file_name="demo.json", data=demo_bytes)
    job.refresh_from_db()
    assert (job.status, job.total, job.created_count) == (ImportStatus.DONE, 55, 55)


def test_a_failed_job_keeps_every_error():
    job = importing.start_import(actor=None, file_name="bad.json", data=b'[{"code": "1.0"}, 3]')
    job = importing.run_job(job.pk)
    assert job.status == ImportStatus.FAILED
    assert {(e["record"], e["field"]) for e in job.errors} == {
        ("bản ghi 1 (1.0)", "name"),
        ("bản ghi 1 (1.0)", "decisionNo"),
        ("bản ghi 2", ""),
    }


def test_command_line_import_and_export(tmp_path, demo_bytes):
    source = tmp_path / "demo.json"
    source.write_bytes(demo_bytes)
    out = io.StringIO()
    call_command("procedures", "import", str(source), stdout=out)
    assert "55 phiên bản mới" in out.getvalue()
    target = tmp_path / "catalogue.xlsx"
    call_command("procedures", "export", str(target), stdout=io.StringIO())
    out = io.StringIO()
    call_command("procedures", "import", str(target), stdout=out)
    assert "0 phiên bản mới, 0 cập nhật, 55 không đổi" in out.getvalue()
    bad = tmp_path / "bad.json"
    bad.write_bytes(as_json(portal_record(name="")))
    with pytest.raises(CommandError):
        call_command("procedures", "import", str(bad), stdout=io.StringIO(), stderr=io.StringIO())
