"""Pages: the register (with a query-count baseline), the document page, downloads, isolation (404)."""

import pytest
from django.test import Client
from django.urls import reverse

from eiso.api.tests.world import PASSWORD
from eiso.documents.tests.conftest import issued, make_pdf

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_register_query_count_does_not_grow(world, django_assert_max_num_queries):
    for i in range(3):
        issued(world, title=f"Tài liệu {i}")
    client = _client(world.users["iso_secretary"])
    client.get(reverse("documents:register"))  # warm caches (scope, session)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("documents:register"))
    assert response.status_code == 200
    for i in range(3, 12):
        issued(world, title=f"Tài liệu {i}")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("documents:register"))
    assert response.content.count(b'data-testid="document-row"') == 12


def test_document_page_and_downloads(world):
    document = issued(world)
    client = _client(world.users["officer"])
    page = client.get(document.get_absolute_url())
    assert page.status_code == 200 and "Tôi đã đọc và hiểu" in page.content.decode()
    download = client.get(reverse("documents:download", args=[document.current_version_id]))
    assert download.status_code == 200 and download.content.startswith(b"%PDF-")
    preview = client.get(reverse("documents:preview", args=[document.current_version_id]))
    assert preview.status_code == 200 and preview["X-Frame-Options"] == "SAMEORIGIN"
    assert (
        client.post(reverse("documents:acknowledge", args=[document.current_version_id])).status_code == 302
    )


def test_other_agencies_get_404(world):
    document = issued(world)
    client = _client(world.outsider)
    version = document.current_version_id
    assert client.get(document.get_absolute_url()).status_code == 404
    assert client.get(reverse("documents:download", args=[version])).status_code == 404
    assert (
        client.post(reverse("documents:sign", args=[version, "approve"]), {"password": PASSWORD}).status_code
        == 404
    )
    assert "Tài liệu 0" not in client.get(reverse("documents:register")).content.decode()


def test_upload_of_renamed_executable_via_page(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _client(world.users["iso_secretary"])
    response = client.post(
        reverse("documents:create"),
        {
            "kind": "form",
            "title": "Mẫu",
            "review_months": 12,
            "confidentiality": "internal",
            "file": SimpleUploadedFile("bieu-mau.pdf", b"MZ\x90\x00" + b"\x00" * 200),
        },
    )
    assert response.status_code == 200
    assert "chương trình chạy được" in response.content.decode()
    ok = client.post(
        reverse("documents:create"),
        {
            "kind": "form",
            "title": "Mẫu",
            "review_months": 12,
            "confidentiality": "internal",
            "file": SimpleUploadedFile("bieu-mau.pdf", make_pdf()),
        },
    )
    assert ok.status_code == 302
