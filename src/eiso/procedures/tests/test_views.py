"""Pages of the catalogue: import with row errors, job progress, export, publish, assign, replace."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from eiso.accounts import roles
from eiso.core.models import AuditEvent
from eiso.procedures import importing
from eiso.procedures.models import AgencyProcedure, ImportStatus, LegalDocument, Procedure, ProcedureVersion
from eiso.procedures.tests.conftest import as_json, portal_record

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_import_page_shows_every_row_error(world):
    client = _client(world.users[roles.OVERSIGHT_OFFICER])
    bad = portal_record(code="1.000656")
    bad["executionMethods"][0]["submissionMethod"] = "FAX"
    upload = SimpleUploadedFile(
        "thu-tuc.json", as_json(portal_record(), bad), content_type="application/json"
    )
    response = client.post(
        reverse("procedures:import"), {"file": upload, "default_status": "published"}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "bản ghi 2 (1.000656)" in page and "executionMethods[0].submissionMethod" in page
    assert 'data-status="failed"' in page
    assert Procedure.objects.count() == 0


def test_import_page_imports_and_the_job_page_reports(world, demo_bytes):
    client = _client(world.users[roles.ADMIN])
    upload = SimpleUploadedFile("demo.json", demo_bytes, content_type="application/json")
    response = client.post(reverse("procedures:import"), {"file": upload, "default_status": "published"})
    job_url = response["Location"]
    page = client.get(job_url).content.decode()
    assert 'data-status="done"' in page and "hx-get" not in page  # finished: no more polling
    assert Procedure.objects.count() == 53
    assert AuditEvent.objects.filter(verb="procedure.import").count() == 1


def test_a_running_job_is_polled(world, monkeypatch):
    monkeypatch.setattr(importing, "SYNC_MAX_BYTES", 10)
    client = _client(world.users[roles.ADMIN])
    job = importing.start_import(
        actor=world.users[roles.ADMIN], file_name="a.json", data=as_json(portal_record())
    )
    partial = client.get(reverse("procedures:import_progress", args=[job.pk])).content.decode()
    assert "hx-get" in partial and 'data-status="pending"' in partial
    job = importing.run_job(job.pk)
    assert job.status == ImportStatus.DONE


def test_export_buttons_download_the_filtered_catalogue(world, demo_bytes):
    importing.import_file(actor=None, data=demo_bytes, file_name="demo.json")
    client = _client(world.users[roles.VIEWER])
    response = client.get(
        reverse("procedures:export"), {"format": "json", "search": "khai sinh", "level": "commune"}
    )
    assert response["Content-Type"] == "application/json"
    codes = {item["code"] for item in json.loads(response.content)}
    assert codes == {"1.001193", "1.004884", "1.001695", "1.012645"}
    response = client.get(reverse("procedures:export"), {"format": "xlsx"})
    assert response.content[:2] == b"PK" and "attachment" in response["Content-Disposition"]
    assert client.get(reverse("procedures:export"), {"format": "csv"}).status_code == 404


def test_detail_shows_every_section_and_versions(world, demo_bytes):
    importing.import_file(actor=None, data=demo_bytes, file_name="demo.json")
    client = _client(world.users[roles.OFFICER])
    page = client.get(reverse("procedures:detail", args=["1.001193"])).content.decode()
    for testid in (
        "section-general",
        "section-steps",
        "section-channels",
        "section-dossier",
        "section-legal",
    ):
        assert f'data-testid="{testid}"' in page
    assert page.count('data-testid="version"') == 2
    assert "1 ngày làm việc" in page and "60/2014/QH13" in page
    old = ProcedureVersion.objects.get(decision_number="1872/QĐ-BTP")
    page = client.get(reverse("procedures:detail", args=["1.001193"]), {"phien-ban": old.pk}).content.decode()
    assert "Đã được thay thế" in page
    assert client.get(reverse("procedures:detail", args=["9.999999"])).status_code == 404
    assert (
        client.get(reverse("procedures:detail", args=["1.001193"]), {"phien-ban": 999999}).status_code == 404
    )


def test_publish_a_draft_from_its_page(world, demo_bytes):
    importing.import_file(actor=None, data=demo_bytes, file_name="demo.json")
    draft = ProcedureVersion.objects.get(decision_number="2550/QĐ-BTP")
    client = _client(world.users[roles.OVERSIGHT_OFFICER])
    page = client.get(
        reverse("procedures:detail", args=["1.000894"]), {"phien-ban": draft.pk}
    ).content.decode()
    assert 'data-testid="publish-form"' in page
    client.post(reverse("procedures:publish", args=[draft.pk]), {"valid_from": "01/03/2026"})
    draft.refresh_from_db()
    assert draft.status == "published"
    viewer = _client(world.users[roles.VIEWER])
    assert (
        viewer.post(reverse("procedures:publish", args=[draft.pk]), {"valid_from": "01/03/2026"}).status_code
        == 403
    )


def test_assign_and_end_from_the_agency_page(world, demo_bytes):
    importing.import_file(actor=None, data=demo_bytes, file_name="demo.json")
    client = _client(world.users[roles.ISO_SECRETARY])
    url = reverse("procedures:agency", args=[world.commune_a.pk])
    response = client.post(url, {"codes": "1.001193, 1.000656\n9.999999", "valid_from": "01/07/2025"})
    assert "9.999999" in response.content.decode() and not AgencyProcedure.objects.exists()
    response = client.post(url, {"codes": "1.001193, 1.000656", "valid_from": "01/07/2025"})
    assert response.status_code == 302
    assert AgencyProcedure.objects.filter(agency=world.commune_a).count() == 2
    page = client.get(url).content.decode()
    assert page.count('data-testid="assignment-row"') == 2
    assignment = AgencyProcedure.objects.first()
    client.post(reverse("procedures:assignment_end", args=[assignment.pk]), {"last_day": "31/12/2025"})
    assignment.refresh_from_db()
    assert str(assignment.valid_to) == "2025-12-31"
    assert AuditEvent.objects.filter(verb__startswith="agency_procedure.").count() == 3


def test_record_a_replaced_legal_document(world, demo_bytes):
    importing.import_file(actor=None, data=demo_bytes, file_name="demo.json")
    document = LegalDocument.objects.get(number="168/2025/NĐ-CP")
    client = _client(world.users[roles.OVERSIGHT_OFFICER])
    url = reverse("procedures:document_replace", args=[document.pk])
    assert "2.000720" in client.get(url).content.decode()
    client.post(url, {"replacement_number": "999/2026/NĐ-CP", "effective_date": "01/09/2026"})
    document.refresh_from_db()
    assert document.replaced_by.number == "999/2026/NĐ-CP"
    assert _client(world.users[roles.ISO_SECRETARY]).get(url).status_code == 403


def test_coverage_page_shows_agencies_with_progress(world, demo_bytes):
    importing.import_file(actor=None, data=demo_bytes, file_name="demo.json")
    from eiso.procedures import services

    services.assign_procedures(
        actor=None, agency=world.commune_a, procedures=list(Procedure.objects.all()[:5])
    )
    client = _client(world.users[roles.OVERSIGHT_OFFICER])
    page = client.get(reverse("procedures:coverage"), {"agency": world.province_a.pk}).content.decode()
    assert page.count('data-testid="coverage-row"') == 1 and "Xã Văn Giang" in page
    assert "0/5" in page
