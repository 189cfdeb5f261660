"""Mức độ mật: a restricted document is read only by the people the rule of `eiso.documents.querysets`
names — through every queryset, page and API endpoint — while public and internal ones stay readable by
everyone whose scope holds the agency (oversight officers and inspectors included)."""

import pytest
from django.test import Client
from django.urls import reverse

from eiso.accounts import roles
from eiso.accounts import services as accounts
from eiso.api.tests.world import ALL_ROLES
from eiso.documents import services
from eiso.documents.models import ChangeRequest, Document, DocumentVersion
from eiso.documents.querysets import can_read
from eiso.documents.search import search_versions
from eiso.documents.tests.conftest import issued, make_pdf

pytestmark = pytest.mark.django_db

# Restricted, owned by the commune's office (Văn phòng HĐND và UBND), drafted by the ISO secretary.
READS_RESTRICTED = {
    roles.ADMIN: True,
    roles.OVERSIGHT_OFFICER: False,  # oversees the province, but "mật" is not for other agencies
    roles.INSPECTOR: False,
    roles.AGENCY_HEAD: True,
    roles.ISO_SECRETARY: True,
    roles.UNIT_HEAD: False,  # member of the office only: the commune's register is outside the scope
    roles.OFFICER: False,  # a member of the commune (sub-units included) is not a member of the office
    roles.RECEIVER: False,
    roles.INTERNAL_AUDITOR: False,
    roles.VIEWER: False,
}


def _restricted(world, title="Quy trình quản lý hồ sơ mật", owner=None):
    document = issued(world, title=title)
    services.update_document(
        actor=world.users["agency_head"],
        document=document,
        confidentiality="restricted",
        owner_unit=owner or world.commune_office,
    )
    services.raise_change_request(actor=world.users["agency_head"], document=document, text="Bổ sung bước 4")
    document.refresh_from_db()
    return document


def _reads(user, document) -> dict[str, bool]:
    version = document.current_version
    return {
        "document": Document.objects.visible_to(user).filter(pk=document.pk).exists(),
        "version": DocumentVersion.objects.visible_to(user).filter(pk=version.pk).exists(),
        "change_request": ChangeRequest.objects.visible_to(user).filter(document=document).exists(),
        "search": search_versions(user, "ho so mat").filter(pk=version.pk).exists(),
    }


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_reads_a_restricted_document(world, role):
    document = _restricted(world)
    internal = issued(world, title="Quy trình hồ sơ mật nội bộ")  # same words, internal
    user = world.users[role]
    expected = READS_RESTRICTED[role]
    assert _reads(user, document) == dict.fromkeys(
        ("document", "version", "change_request", "search"), expected
    )
    assert can_read(user, document) is expected
    # The same rule leaves internal documents to everyone in scope (unit head: out of scope).
    assert can_read(user, internal) is (role != roles.UNIT_HEAD)
    assert not can_read(world.outsider, document) and not can_read(world.outsider, internal)


def test_the_grants_of_a_restricted_document(world):
    document = _restricted(world)
    users = world.users
    officer, receiver, auditor, viewer = (
        users[roles.OFFICER],
        users[roles.RECEIVER],
        users[roles.INTERNAL_AUDITOR],
        users[roles.VIEWER],
    )
    assert not any(can_read(u, document) for u in (officer, receiver, auditor, viewer))
    # Distributed to a person.
    services.distribute(actor=users[roles.ISO_SECRETARY], document=document, users=[officer])
    assert can_read(officer, document)
    # A role held directly in the owning unit (besides the one in the commune that gives the scope).
    accounts.grant_membership(actor=None, user=receiver, agency=world.commune_office, role_code=roles.OFFICER)
    receiver = type(receiver).objects.get(pk=receiver.pk)  # drop the per-request caches
    assert can_read(receiver, document)
    # The delegated approver.
    services.update_document(actor=users[roles.AGENCY_HEAD], document=document, approver=auditor)
    assert can_read(auditor, document)
    assert not can_read(viewer, document)
    # Distributed to a unit: its members read it.
    services.distribute(actor=users[roles.ISO_SECRETARY], document=document, units=[world.commune_a])
    viewer = type(viewer).objects.get(pk=viewer.pk)
    assert can_read(viewer, document)
    # Distribution never reaches outside the scope: the outsider named as recipient still reads nothing.
    services.distribute(actor=users[roles.ISO_SECRETARY], document=document, users=[world.outsider])
    assert not can_read(world.outsider, document)
    # An oversight officer reads it only when named as a recipient: a deliberate grant by the agency.
    assert not can_read(users[roles.OVERSIGHT_OFFICER], document)
    services.distribute(
        actor=users[roles.ISO_SECRETARY], document=document, users=[users[roles.OVERSIGHT_OFFICER]]
    )
    assert can_read(users[roles.OVERSIGHT_OFFICER], document)


def test_lock_holder_and_uploader_read_it(world):
    document = services.create_document(
        actor=world.users[roles.ISO_SECRETARY],
        agency=world.commune_a,
        kind="form",
        title="Biểu mẫu mật",
        owner_unit=world.commune_office,
        confidentiality="restricted",
    )
    officer = world.users[roles.OFFICER]
    assert not can_read(officer, document)
    services.lock_document(actor=officer, document=document)
    assert can_read(officer, document)
    services.upload_version(actor=officer, document=document, data=make_pdf(), file_name="bm.pdf")
    services.unlock_document(actor=officer, document=document)
    assert can_read(officer, document)  # uploaded a version
    assert not can_read(world.users[roles.RECEIVER], document)


def test_restricted_to_the_agency_itself_is_read_by_its_direct_members(world):
    document = _restricted(world, owner=world.commune_a)
    assert can_read(world.users[roles.OFFICER], document)
    assert can_read(world.users[roles.VIEWER], document)
    assert not can_read(world.users[roles.OVERSIGHT_OFFICER], document)
    assert not can_read(world.users[roles.INSPECTOR], document)


def test_api_hides_a_restricted_document_everywhere(world, api):
    document = _restricted(world)
    internal = issued(world, title="Quy trình tiếp nhận hồ sơ")
    version = document.current_version_id
    change = ChangeRequest.objects.get(document=document)
    client = api(world.users[roles.OVERSIGHT_OFFICER])
    listed = {row["id"] for row in client.get("/api/v1/documents/", {"page_size": 500}).json()["results"]}
    assert document.pk not in listed and internal.pk in listed
    for url in (
        f"/api/v1/documents/{document.pk}/",
        f"/api/v1/documents/{document.pk}/read-status/",
        f"/api/v1/documents/{document.pk}/distribution/",
        f"/api/v1/document-versions/{version}/",
        f"/api/v1/document-versions/{version}/download/",
        f"/api/v1/document-change-requests/{change.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
    assert version not in {r["id"] for r in client.get("/api/v1/document-versions/").json()["results"]}
    assert client.get("/api/v1/document-change-requests/").json()["count"] == 0
    assert client.get("/api/v1/document-search/", {"q": "ho so mat"}).json()["count"] == 0
    # Writes on it are 404 as well, and reading it is allowed to the head.
    assert client.post(f"/api/v1/document-versions/{version}/acknowledge/").status_code == 404
    assert (
        client.post(
            "/api/v1/document-change-requests/", {"document": document.pk, "text": "x"}, format="json"
        ).status_code
        == 404
    )
    head = api(world.users[roles.AGENCY_HEAD])
    assert head.get(f"/api/v1/documents/{document.pk}/").json()["confidentiality"] == "restricted"
    assert head.get("/api/v1/document-search/", {"q": "ho so mat"}).json()["count"] == 1


def test_pages_hide_a_restricted_document(world):
    document = _restricted(world)
    client = Client()
    client.force_login(world.users[roles.INSPECTOR])
    assert client.get(document.get_absolute_url()).status_code == 404
    for name in ("download", "preview", "acknowledge"):
        method = client.post if name == "acknowledge" else client.get
        assert method(reverse(f"documents:{name}", args=[document.current_version_id])).status_code == 404
    register = client.get(reverse("documents:register")).content.decode()
    assert document.code not in register
    hits = client.get(reverse("documents:register"), {"q": "ho so mat"}).content.decode()
    assert document.title not in hits
    head = Client()
    head.force_login(world.users[roles.AGENCY_HEAD])
    assert head.get(document.get_absolute_url()).status_code == 200


def test_my_documents_lists_restricted_ones_distributed_to_me(world, api):
    document = _restricted(world)
    officer = world.users[roles.OFFICER]
    client = api(officer)
    assert client.get("/api/v1/documents/mine/").json()["count"] == 0
    services.distribute(actor=world.users[roles.ISO_SECRETARY], document=document, users=[officer])
    mine = client.get("/api/v1/documents/mine/").json()
    assert [row["id"] for row in mine["results"]] == [document.pk]
    page = Client()
    page.force_login(officer)
    assert document.code in page.get(reverse("documents:mine")).content.decode()


def test_external_documents_do_not_name_restricted_references(world, api):
    document = _restricted(world)
    internal = issued(world, title="Quy trình tiếp nhận hồ sơ")
    entry = services.add_external_document(
        actor=None, agency=world.commune_a, number="61/2018/NĐ-CP", documents=[document, internal]
    )
    url = f"/api/v1/external-documents/{entry.pk}/"
    assert api(world.users[roles.INSPECTOR]).get(url).json()["documents"] == [internal.pk]
    assert sorted(api(world.users[roles.ISO_SECRETARY]).get(url).json()["documents"]) == sorted(
        [document.pk, internal.pk]
    )
    page = Client()
    page.force_login(world.users[roles.INSPECTOR])
    listed = page.get(reverse("documents:external")).content.decode()
    assert internal.code in listed and document.code not in listed
