"""Storage is not transactional: a file stored by a transaction that rolls back must not stay behind.

These tests commit and roll back for real (`transaction=True`), so they build only an agency and act as
the system (actor=None); no role is needed.
"""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from eiso.documents import files, services
from eiso.documents.models import Document, DocumentVersion, ExternalDocument
from eiso.documents.tests.conftest import make_pdf
from eiso.organizations import services as organizations
from eiso.organizations.models import AgencyKind

pytestmark = pytest.mark.django_db(transaction=True)


class Boom(Exception):
    """Raised inside a service to make its transaction roll back."""


def _boom(**kwargs):
    raise Boom("audit failed")


def _stored() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture
def agency():
    files._noted().clear()  # names left by earlier tests (their transactions were rolled back)
    return organizations.create_agency(
        actor=None,
        name="Xã Thử Nghiệm",
        kind=AgencyKind.COMMUNE,
        admin_code="99999",
        valid_from=datetime.date(2025, 7, 1),
    )


def _create(agency, title="Biểu mẫu", **kwargs):
    return services.create_document(
        actor=None, agency=agency, kind="form", title=title, data=make_pdf(title), file_name="a.pdf", **kwargs
    )


def test_a_committed_file_stays(agency):
    document = _create(agency)
    assert _stored() == {document.latest_version.file.name}
    assert files._noted() == []  # forgotten at commit


def test_a_service_that_fails_after_storing_leaves_no_file(agency, monkeypatch):
    document = _create(agency)
    kept = _stored()
    monkeypatch.setattr(services, "record_event", _boom)
    with pytest.raises(Boom):
        _create(agency, title="Không lưu được")
    with pytest.raises(Boom):
        services.upload_version(actor=None, document=document, data=make_pdf("v2"), file_name="v2.pdf")
    with pytest.raises(Boom):
        services.add_external_document(
            actor=None, agency=agency, number="30/2020/NĐ-CP", data=make_pdf("NĐ 30"), file_name="nd.pdf"
        )
    assert _stored() == kept
    assert Document.objects.count() == 1 and DocumentVersion.objects.count() == 1
    assert not ExternalDocument.objects.exists()
    assert files._noted() == []


def test_an_outer_rollback_is_swept_by_the_next_service(agency):
    kept = _create(agency, title="Đã lưu")
    with pytest.raises(Boom), transaction.atomic():
        lost = _create(agency, title="Trong giao dịch bị huỷ")
        lost_name = lost.latest_version.file.name
        raise Boom("the caller fails after the service returned")
    # The service itself succeeded, so its file is still there, noted as not committed.
    assert lost_name in _stored()
    assert [entry.name for entry in files._noted()] == [lost_name]
    later = _create(agency, title="Sau đó")
    assert _stored() == {kept.latest_version.file.name, later.latest_version.file.name}
    assert files._noted() == []


def test_the_sweep_never_deletes_a_file_a_row_refers_to(agency):
    document = _create(agency)
    name = document.latest_version.file.name
    # As if its commit callback had been lost (another callback raising before it).
    files._noted().append(files._Stored(document.latest_version.file.storage, name, DocumentVersion, "file"))
    _create(agency, title="Khác")
    assert name in _stored()
    assert files._noted() == []
