"""API: register, versions and transitions, acknowledgements, external documents, search, isolation."""

import pytest

from eiso.api.tests.world import PASSWORD
from eiso.documents.tests.conftest import issued, make_pdf

pytestmark = pytest.mark.django_db


def test_lifecycle_over_the_api(world, api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    secretary, head = api(world.users["iso_secretary"]), api(world.users["agency_head"])
    created = secretary.post(
        "/api/v1/documents/",
        {
            "agency": world.commune_a.pk,
            "kind": "form",
            "title": "Biểu mẫu",
            "file": SimpleUploadedFile("a.pdf", make_pdf()),
        },
        format="multipart",
    )
    assert created.status_code == 201, created.content
    version = created.json()["latest_version"]["id"]
    assert (
        secretary.post(f"/api/v1/document-versions/{version}/submit/", {"password": PASSWORD}).status_code
        == 200
    )
    assert (
        secretary.post(f"/api/v1/document-versions/{version}/approve/", {"password": PASSWORD}).status_code
        == 403
    )
    assert head.post(f"/api/v1/document-versions/{version}/approve/", {"password": "sai"}).status_code == 400
    assert (
        head.post(f"/api/v1/document-versions/{version}/approve/", {"password": PASSWORD}).status_code == 200
    )
    issued_ = secretary.post(f"/api/v1/document-versions/{version}/issue/", {})
    assert issued_.json()["status"] == "issued"
    assert (
        api(world.users["officer"]).post(f"/api/v1/document-versions/{version}/acknowledge/").status_code
        == 200
    )
    status = secretary.get(f"/api/v1/documents/{created.json()['id']}/read-status/").json()
    assert [r["username"] for r in status["read"]] == [world.users["officer"].username]
    assert secretary.get(f"/api/v1/document-versions/{version}/download/").content.startswith(b"%PDF-")


def test_isolation_and_search(world, api):
    document = issued(world, title="Quy trình đăng ký khai sinh")
    outsider = api(world.outsider)
    assert outsider.get(f"/api/v1/documents/{document.pk}/").status_code == 404
    assert (
        outsider.get(f"/api/v1/document-versions/{document.current_version_id}/download/").status_code == 404
    )
    assert outsider.get("/api/v1/document-search/?q=khai+sinh").json()["count"] == 0
    hits = api(world.users["officer"]).get("/api/v1/document-search/?q=dang+ky+khai+sinh").json()
    assert hits["count"] == 1 and hits["results"][0]["document_code"] == document.code


def test_external_documents_api(world, api):
    document = issued(world)
    secretary = api(world.users["iso_secretary"])
    created = secretary.post(
        "/api/v1/external-documents/",
        {
            "agency": world.commune_a.pk,
            "number": "61/2018/NĐ-CP",
            "kind": "decree",
            "documents": [document.pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    replaced = secretary.post(
        f"/api/v1/external-documents/{created.json()['id']}/replace/",
        {"replacement_number": "118/2025/NĐ-CP", "effective_date": "2026-03-02"},
    )
    assert replaced.json() == {"flags": 1}
    assert api(world.outsider).get(f"/api/v1/external-documents/{created.json()['id']}/").status_code == 404
