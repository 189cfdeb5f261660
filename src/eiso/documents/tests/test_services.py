"""Lifecycle, signatures, immutability, obsolete stamp, acknowledgements, change requests."""

import io

import pytest
from django.core.files.base import ContentFile

from eiso.api.tests.world import PASSWORD
from eiso.core.audit import verify_chain
from eiso.core.errors import Conflict, DomainError, PermissionRefused
from eiso.core.models import AuditEvent
from eiso.documents import files, services
from eiso.documents.models import Document, DocumentVersion, Signature, VersionStatus
from eiso.documents.tests.conftest import issued, make_docx, make_pdf

pytestmark = pytest.mark.django_db


def test_code_comes_from_the_numbering_scheme(world):
    secretary = world.users["iso_secretary"]
    a = services.create_document(actor=secretary, agency=world.commune_a, kind="system_procedure", title="A")
    b = services.create_document(actor=secretary, agency=world.commune_a, kind="system_procedure", title="B")
    f = services.create_document(actor=secretary, agency=world.commune_a, kind="form", title="Biểu mẫu")
    assert (a.code, b.code, f.code) == ("QT.HT-01", "QT.HT-02", "BM-01")


def test_full_lifecycle_with_signatures(world):
    document = issued(world)
    version = document.current_version
    assert version.status == VersionStatus.ISSUED
    assert document.next_review_on is not None
    meanings = list(Signature.objects.filter(version=version).values_list("meaning", "signer__username"))
    assert [m for m, _u in meanings] == ["drafted", "approved"]
    assert verify_chain().ok


def test_only_the_approver_approves(world):
    users = world.users
    document = services.create_document(
        actor=users["iso_secretary"],
        agency=world.commune_a,
        kind="form",
        title="Mẫu",
        data=make_pdf(),
        file_name="m.pdf",
    )
    version = document.latest_version
    services.submit_version(actor=users["iso_secretary"], version=version, password=PASSWORD)
    for role in ("iso_secretary", "officer", "unit_head", "viewer"):
        with pytest.raises(PermissionRefused):
            services.approve_version(actor=users[role], version=version, password=PASSWORD)
    with pytest.raises(PermissionRefused):
        services.approve_version(actor=world.outsider, version=version, password=PASSWORD)
    # A named delegate may approve.
    services.update_document(actor=users["agency_head"], document=document, approver=users["unit_head"])
    services.approve_version(actor=users["unit_head"], version=version, password=PASSWORD)
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED


def test_wrong_password_refuses_and_is_audited(world):
    users = world.users
    document = services.create_document(
        actor=users["iso_secretary"],
        agency=world.commune_a,
        kind="form",
        title="Mẫu",
        data=make_pdf(),
        file_name="m.pdf",
    )
    version = document.latest_version
    services.submit_version(actor=users["iso_secretary"], version=version, password=PASSWORD)
    with pytest.raises(DomainError) as error:
        services.approve_version(actor=users["agency_head"], version=version, password="sai")
    assert error.value.code == "wrong_password"
    version.refresh_from_db()
    assert version.status == VersionStatus.IN_REVIEW
    assert not Signature.objects.filter(version=version, meaning="approved").exists()
    assert AuditEvent.objects.filter(verb="document.signature_failed", actor=users["agency_head"]).exists()


def test_nobody_edits_an_issued_version(world):
    document = issued(world)
    users = world.users
    with pytest.raises(DomainError):
        services.submit_version(
            actor=users["iso_secretary"], version=document.current_version, password=PASSWORD
        )
    # A change is a new version; the issued one is untouched until the new one is issued.
    new = services.upload_version(
        actor=users["iso_secretary"],
        document=document,
        data=make_pdf("Sửa đổi"),
        file_name="v2.pdf",
        change_summary="Sửa bước 3",
    )
    assert new.number == 2
    old = DocumentVersion.objects.get(pk=document.current_version_id)
    assert old.status == VersionStatus.ISSUED
    services.submit_version(actor=users["iso_secretary"], version=new, password=PASSWORD)
    services.approve_version(actor=users["agency_head"], version=new, password=PASSWORD)
    services.issue_version(actor=users["iso_secretary"], version=new)
    old.refresh_from_db()
    assert old.status == VersionStatus.SUPERSEDED


def test_upload_over_a_draft_withdraws_it_and_lock_is_respected(world):
    users = world.users
    document = services.create_document(
        actor=users["iso_secretary"], agency=world.commune_a, kind="form", title="Mẫu"
    )
    first = services.upload_version(
        actor=users["iso_secretary"], document=document, data=make_pdf(), file_name="a.pdf"
    )
    with pytest.raises(Conflict):
        services.upload_version(actor=users["officer"], document=document, data=make_pdf(), file_name="b.pdf")
    second = services.upload_version(
        actor=users["iso_secretary"], document=document, data=make_pdf("x"), file_name="c.pdf"
    )
    first.refresh_from_db()
    assert first.status == VersionStatus.WITHDRAWN and second.number == 2


def test_hash_is_checked_on_download(world):
    document = issued(world)
    version = document.current_version
    data, media_type, _name = services.download(version)
    assert media_type == files.PDF and data.startswith(b"%PDF-")
    # Someone alters the stored file behind the system's back.
    storage = version.file.storage
    storage.delete(version.file.name)
    storage.save(version.file.name, ContentFile(make_pdf("giả mạo")))
    with pytest.raises(Conflict) as error:
        services.download(DocumentVersion.objects.get(pk=version.pk))
    assert error.value.code == "hash_mismatch"


def test_obsolete_pdf_is_stamped_on_every_page(world):
    from pypdf import PdfReader

    document = issued(world, data=make_pdf(pages=3))
    old = document.current_version
    services.withdraw_document(
        actor=world.users["agency_head"], document=document, reason="Không còn áp dụng"
    )
    old.refresh_from_db()
    data, media_type, name = services.download(old)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 3
    assert all("HẾT HIỆU LỰC" in (page.extract_text() or "") for page in reader.pages)
    assert "HET-HIEU-LUC" in name


def test_obsolete_docx_and_other_types(world):
    import zipfile

    import docx

    stamped = files.obsolete_copy(make_docx(), files.DOCX, "a.docx")[0]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(stamped)).paragraphs)
    assert "HẾT HIỆU LỰC" in text
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 20
    archive, media_type, _name = files.obsolete_copy(png, files.PNG, "so-do.png")
    assert media_type == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    assert "HET-HIEU-LUC.txt" in names and "so-do.png" in names


def test_acknowledgement_tracking(world):
    document = issued(world)
    users = world.users
    services.distribute(actor=users["iso_secretary"], document=document, units=[world.commune_a])
    read, unread = services.read_status(document)
    assert read == [] and users["officer"] in [u for u, _w in unread]
    services.acknowledge(actor=users["officer"], version=document.current_version)
    services.acknowledge(actor=users["officer"], version=document.current_version)  # idempotent
    read, unread = services.read_status(document)
    assert [u for u, _w in read] == [users["officer"]]
    assert users["officer"] not in [u for u, _w in unread]
    # A new version in force starts the list afresh.
    new = services.upload_version(
        actor=users["iso_secretary"], document=document, data=make_pdf("v2"), file_name="v2.pdf"
    )
    services.submit_version(actor=users["iso_secretary"], version=new, password=PASSWORD)
    services.approve_version(actor=users["agency_head"], version=new, password=PASSWORD)
    services.issue_version(actor=users["iso_secretary"], version=new)
    document.refresh_from_db()
    read, unread = services.read_status(document)
    assert read == [] and users["officer"] in [u for u, _w in unread]
    with pytest.raises(PermissionRefused):
        services.acknowledge(actor=world.outsider, version=document.current_version)


def test_change_requests(world):
    document = issued(world)
    users = world.users
    request = services.raise_change_request(
        actor=users["officer"], document=document, text="Bổ sung biểu mẫu"
    )
    with pytest.raises(PermissionRefused):
        services.decide_change_request(actor=users["officer"], request=request, accept=True)
    with pytest.raises(DomainError):
        services.decide_change_request(actor=users["iso_secretary"], request=request, accept=False)
    services.decide_change_request(actor=users["iso_secretary"], request=request, accept=True, note="Đồng ý")
    request.refresh_from_db()
    assert request.status == "accepted"


def test_starter_kit_creates_nine_drafts_once(world, django_capture_on_commit_callbacks):
    from eiso.documents.starter import start_qms

    with django_capture_on_commit_callbacks(execute=True):
        created = start_qms(actor=world.users["iso_secretary"], agency=world.commune_a)
    assert len(created) == 9
    kinds = sorted(d.kind for d in created)
    assert kinds.count("system_procedure") == 6
    assert all(d.latest_version.media_type == files.DOCX for d in created)
    assert start_qms(actor=world.users["iso_secretary"], agency=world.commune_a) == []
    version = Document.objects.get(agency=world.commune_a, title="Quy trình đánh giá nội bộ").latest_version
    assert "9.2" in version.text  # extracted by the background task (immediate in tests)
