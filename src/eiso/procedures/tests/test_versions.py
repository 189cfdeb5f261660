"""Versions: draft → published → superseded, the version in force on a day, completeness, and the
legal-change watch (`procedure_changed`)."""

import datetime

import pytest

from eiso.core.errors import DomainError
from eiso.core.models import AuditEvent
from eiso.procedures import importing, services
from eiso.procedures.models import LegalDocument, Procedure, ProcedureVersion, VersionStatus
from eiso.procedures.signals import procedure_changed, review_due
from eiso.procedures.tests.conftest import as_json, portal_record

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def changes():
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    procedure_changed.connect(receiver)
    yield received
    procedure_changed.disconnect(receiver)


def _import(*records, status="published"):
    return importing.import_file(
        actor=None, data=as_json(*records), file_name="t.json", default_status=status
    )


def test_lifecycle_draft_published_superseded(changes):
    _import(portal_record(validFrom="2020-09-04"))
    first = ProcedureVersion.objects.get()
    assert (first.status, first.valid_from, first.valid_to) == (VersionStatus.PUBLISHED, D(2020, 9, 4), None)
    assert changes == []  # a new procedure's first version: nothing can be built on it yet

    _import(portal_record(decision="2170/QĐ-BTP", decisionDate="2025-06-30"), status="draft")
    draft = ProcedureVersion.objects.get(decision_number="2170/QĐ-BTP")
    assert draft.status == VersionStatus.DRAFT
    procedure = Procedure.objects.get()
    assert procedure.current_version == first  # a draft is never current
    assert changes == []

    services.publish_version(actor=None, version=draft, valid_from=D(2025, 7, 1))
    first.refresh_from_db()
    draft.refresh_from_db()
    assert (first.status, first.valid_to) == (VersionStatus.SUPERSEDED, D(2025, 6, 30))
    assert (draft.status, draft.valid_from) == (VersionStatus.PUBLISHED, D(2025, 7, 1))
    procedure.refresh_from_db()
    assert procedure.current_version == draft
    assert changes[-1]["procedure_version"] == draft
    assert changes[-1]["effective_date"] == D(2025, 7, 1)
    assert changes[-1]["review_due"] == D(2025, 10, 1)
    assert AuditEvent.objects.filter(verb="procedure.publish").count() == 1

    assert list(ProcedureVersion.objects.in_force(D(2024, 1, 1))) == [first]
    assert list(ProcedureVersion.objects.in_force(D(2025, 7, 1))) == [draft]
    assert list(ProcedureVersion.objects.in_force(D(2019, 1, 1))) == []


def test_a_new_decision_in_an_import_is_announced(changes):
    _import(portal_record(validFrom="2020-09-04"))
    _import(portal_record(decision="2170/QĐ-BTP", validFrom="2025-07-01"))
    [change] = changes
    assert (change["procedure_version"].decision_number, change["effective_date"], change["reason"]) == (
        "2170/QĐ-BTP",
        D(2025, 7, 1),
        "new_version",
    )
    # Receivers see the new version's content (its channels are written before the signal).
    assert set(change["procedure_version"].time_limits) == {"direct", "online"}


def test_publishing_cannot_rewrite_history():
    _import(portal_record(decision="2170/QĐ-BTP", validFrom="2025-07-01"))
    _import(portal_record(decision="0001/QĐ-BTP"), status="draft")
    draft = ProcedureVersion.objects.get(decision_number="0001/QĐ-BTP")
    with pytest.raises(DomainError) as refused:
        services.publish_version(actor=None, version=draft, valid_from=D(2025, 7, 1))
    assert refused.value.code == "history_locked"
    with pytest.raises(DomainError):
        services.publish_version(
            actor=None, version=ProcedureVersion.objects.get(decision_number="2170/QĐ-BTP")
        )


def test_a_future_version_becomes_current_on_its_day():
    today = datetime.date.today()
    _import(portal_record(validFrom="2020-01-01"))
    tomorrow = today + datetime.timedelta(days=1)
    _import(portal_record(decision="9/QĐ-BTP", validFrom=tomorrow.isoformat(), name="Tên mới"))
    procedure = Procedure.objects.get()
    assert procedure.current_version.decision_number == "1872/QĐ-BTP"
    assert services.refresh_current_copies(tomorrow) == 1
    procedure.refresh_from_db()
    assert (procedure.current_version.decision_number, procedure.name) == ("9/QĐ-BTP", "Tên mới")


def test_review_due_is_three_months_later_clamped_to_the_month():
    assert review_due(D(2025, 11, 30)) == D(2026, 2, 28)
    assert review_due(D(2026, 1, 15)) == D(2026, 4, 15)


def test_completeness_names_what_is_missing():
    raw = portal_record(subjectTypesDetails=[], executionCases=[])
    raw["executionMethods"][1]["processingTime"] = None
    _import(raw)
    version = ProcedureVersion.objects.get()
    assert version.missing == ["dossier", "time_limit", "subjects"]
    assert not version.is_complete and not Procedure.objects.get().is_complete
    assert [str(label) for label in version.missing_labels] == [
        "Thành phần hồ sơ",
        "Thời hạn giải quyết",
        "Đối tượng thực hiện",
    ]
    _import(portal_record())
    assert Procedure.objects.get().is_complete


def test_replacing_a_legal_document_flags_the_versions_in_force(changes):
    _import(portal_record(validFrom="2020-01-01"), portal_record(code="1.000656", validFrom="2020-01-01"))
    _import(
        portal_record(code="2.000001", legalBasisesDetails=[{"code": "23/2015/NĐ-CP", "name": "Chứng thực"}])
    )
    changes.clear()
    law = LegalDocument.objects.get(number="60/2014/QH13")
    flagged = services.replace_legal_document(
        actor=None, document=law, replacement_number="99/2026/QH15", effective_date=D(2026, 7, 1)
    )
    assert sorted(v.procedure.code for v in flagged) == ["1.000656", "1.001193"]
    assert {c["reason"] for c in changes} == {"legal_basis_replaced"}
    assert {c["review_due"] for c in changes} == {D(2026, 10, 1)}
    assert all(c["legal_document"] == law for c in changes)
    law.refresh_from_db()
    assert (law.replaced_by.number, law.replaced_on) == ("99/2026/QH15", D(2026, 7, 1))
    assert AuditEvent.objects.filter(verb="legal_document.replace").count() == 1
    with pytest.raises(DomainError):
        services.replace_legal_document(
            actor=None, document=law, replacement_number="100/2026/QH15", effective_date=D(2026, 8, 1)
        )


def test_time_limits_give_the_clock_its_terms():
    raw = portal_record()
    raw["executionMethods"][0].update({"countingMode": "hours", "cutoff": "15:00", "processingTime": 0.5})
    _import(raw)
    limits = ProcedureVersion.objects.get().time_limits
    assert set(limits) == {"direct", "online"}
    direct = limits["direct"]
    assert (str(direct.value), direct.unit, direct.counting_mode, direct.cutoff) == (
        "0.50",
        "working_days",
        "hours",
        datetime.time(15, 0),
    )
