"""Every write to the document register: one transaction, keyword-only actor, permission, audit event.

Locking policy: a service locks the `Document` row (`select_for_update`) before touching its versions,
so two people cannot issue, upload or approve the same document at once; external documents lock the
shared `LegalDocument` row through `eiso.procedures.services.replace_legal_document`.

Signatures (`submit_version`, `review_version`, `approve_version`) need the signer's password again.
The password is checked *before* the transaction opens: a wrong one is recorded as a failed signature
in its own small transaction (so the audit row survives the refusal) and the change is refused.

Versions are immutable: a file, its SHA-256 and its change summary are written once. Uploading over
a draft creates a new version and withdraws the older draft. Text extraction runs after commit
(`eiso.documents.tasks.extract_version_text`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eiso.calendars.clock import add_months
from eiso.core.audit import record_event, snapshot
from eiso.core.errors import Conflict, DomainError, PermissionRefused
from eiso.documents import files
from eiso.documents import rules as perms
from eiso.documents.models import (
    DEFAULT_PATTERNS,
    Acknowledgement,
    ChangeRequest,
    ChangeStatus,
    Confidentiality,
    Distribution,
    Document,
    DocumentKind,
    DocumentVersion,
    ExternalDocument,
    ExternalKind,
    NumberingScheme,
    Signature,
    SignatureMeaning,
    TextStatus,
    VersionStatus,
)

LOCK_HOURS = 8  # an edit lock older than this may be taken over by another editor


def _d(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "…"


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionRefused()


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _lock(document: Document) -> Document:
    return Document.objects.select_for_update().select_related("agency").get(pk=document.pk)


def _locked_version(version: DocumentVersion) -> tuple[Document, DocumentVersion]:
    document = _lock(version.document)
    version = DocumentVersion.objects.get(pk=version.pk)
    version.document = document
    return document, version


def _summary(version: DocumentVersion) -> dict:
    return {
        "number": version.number,
        "status": version.status,
        "sha256": version.sha256,
        "file_name": version.file_name,
        "effective_date": version.effective_date.isoformat() if version.effective_date else None,
    }


# --- numbering ------------------------------------------------------------------------------------


def next_code(agency, kind: str) -> str:
    """Mã tài liệu tiếp theo of `kind` in `agency` from its numbering scheme (created with the default
    pattern on first use); skips codes already taken. Call inside a transaction."""
    scheme, _created = NumberingScheme.objects.get_or_create(
        agency=agency, kind=kind, defaults={"pattern": DEFAULT_PATTERNS.get(kind, "TL-{n:02d}")}
    )
    scheme = NumberingScheme.objects.select_for_update().get(pk=scheme.pk)
    taken = set(Document.objects.filter(agency=agency).values_list("code", flat=True))
    number = scheme.next_number
    while scheme.format(number) in taken:
        number += 1
    scheme.next_number = number + 1
    scheme.save(update_fields=["next_number"])
    return scheme.format(number)


# --- register -------------------------------------------------------------------------------------


def _store_version(document, actor, checked: files.CheckedFile, file_name: str, change_summary: str):
    number = (document.latest_version.number + 1) if document.latest_version_id else 1
    version = DocumentVersion(
        document=document,
        number=number,
        file_name=(file_name or f"{document.code}.{checked.extension}")[:255],
        media_type=checked.media_type,
        size=checked.size,
        sha256=checked.sha256,
        change_summary=change_summary or "",
        created_by=_user(actor),
        text_status=TextStatus.PENDING if checked.media_type in (files.PDF, files.DOCX) else TextStatus.NONE,
        search_text=document.search_text,
    )
    files.store(version.file, f"{document.code}.{checked.extension}", checked.data)
    version.save(force_insert=True)
    document.latest_version = version
    document.save(update_fields=["latest_version", "updated_at"])
    if version.text_status == TextStatus.PENDING:
        from eiso.documents.tasks import extract_version_text

        transaction.on_commit(lambda: extract_version_text.enqueue(version.pk))
    return version


@files.removed_on_rollback
@transaction.atomic
def create_document(
    *,
    actor,
    agency,
    kind: str,
    title: str,
    code: str = "",
    owner_unit=None,
    process=None,
    approver=None,
    review_months: int = 12,
    confidentiality: str = "internal",
    data: bytes | None = None,
    file_name: str = "",
    change_summary: str = "",
) -> Document:
    """Thêm tài liệu vào danh mục: the code comes from the agency's numbering scheme unless given; with
    a file, its first draft (version 01) is stored at once."""
    if actor is not None:
        _require(perms.can_edit_documents(actor, agency))
    if kind not in DocumentKind.values:
        raise DomainError(_("Loại tài liệu không hợp lệ."), code="invalid", field="kind")
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Cần tên tài liệu."), code="required", field="title")
    if owner_unit is not None and not owner_unit.path.startswith(agency.path):
        raise DomainError(_("Đơn vị chủ trì phải thuộc cơ quan."), code="invalid", field="owner_unit")
    checked = files.check_upload(data, file_name) if data is not None else None
    code = (code or "").strip() or next_code(agency, kind)
    if Document.objects.filter(agency=agency, code=code).exists():
        raise DomainError(
            _("Mã %(code)s đã có trong danh mục.") % {"code": code}, code="duplicate", field="code"
        )
    document = Document(
        agency=agency,
        kind=kind,
        code=code[:50],
        title=title[:500],
        owner_unit=owner_unit,
        process=process,
        approver=approver,
        review_months=review_months or 12,
        confidentiality=confidentiality,
    )
    document.refresh_search_text()
    document.save(force_insert=True)
    if checked is not None:
        _store_version(document, actor, checked, file_name, change_summary)
    record_event(
        actor=actor,
        verb="document.create",
        obj=document,
        agency=agency,
        after={
            **snapshot(
                document, ["kind", "code", "title", "owner_unit_id", "review_months", "confidentiality"]
            )
        },
    )
    return document


# Canonical metadata a person may correct after creation; versions (file, hash, summary) stay as written.
METADATA_FIELDS = {
    "title",
    "owner_unit",
    "review_months",
    "confidentiality",
    "approver",
    "process",
    "external_documents",
    "effective_date",
}


@transaction.atomic
def update_document(*, actor, document: Document, **fields) -> Document:
    """Sửa thông tin tài liệu: title, owning unit, review period, confidentiality, delegated approver,
    the internal process it belongs to, the external (legal) documents it cites, and the effective date
    of the version in force (a lifecycle date, not the file). Only the names given change; the versions'
    files, hashes and change summaries are never touched. A withdrawn document is not edited (a new
    draft revives it). Audited with before/after of what changed; nothing changed, nothing recorded."""
    unknown = set(fields) - METADATA_FIELDS
    if unknown:
        raise TypeError(f"update_document: unknown fields {sorted(unknown)}")
    document = _lock(document)
    if actor is not None:
        _require(perms.can_edit_metadata(actor, document))
    current = document.current_version
    if (
        current is not None
        and current.status == VersionStatus.WITHDRAWN
        and document.latest_version_id == current.pk
    ):
        raise DomainError(
            _(
                "Tài liệu %(code)s đã bị thu hồi từ %(day)s nên không sửa thông tin được; "
                "tải lên dự thảo mới nếu cần dùng lại tài liệu."
            )
            % {"code": document.code, "day": _d(current.ended_on)},
            code="withdrawn",
        )
    names = ("title", "owner_unit", "review_months", "confidentiality", "approver", "process")
    simple = [n for n in names if n in fields]
    attnames = [Document._meta.get_field(n).attname for n in simple]
    before = snapshot(document, attnames)
    refs_before = sorted(document.external_references.values_list("legal_document__number", flat=True))
    if "external_documents" in fields:
        before["external_documents"] = refs_before
    if "effective_date" in fields:
        before["effective_date"] = (
            current.effective_date.isoformat() if current and current.effective_date else None
        )

    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
        if not fields["title"]:
            raise DomainError(_("Cần tên tài liệu."), code="required", field="title")
        if len(fields["title"]) > 500:
            raise DomainError(_("Tên tài liệu dài quá 500 ký tự."), code="invalid", field="title")
    unit = fields.get("owner_unit")
    if unit is not None and not unit.path.startswith(document.agency.path):
        raise DomainError(_("Đơn vị chủ trì phải thuộc cơ quan."), code="invalid", field="owner_unit")
    if "review_months" in fields:
        months = fields["review_months"]
        if not isinstance(months, int) or not 1 <= months <= 60:
            raise DomainError(
                _("Chu kỳ soát xét phải từ 1 đến 60 tháng."), code="invalid", field="review_months"
            )
    if "confidentiality" in fields and fields["confidentiality"] not in Confidentiality.values:
        raise DomainError(_("Mức độ mật không hợp lệ."), code="invalid", field="confidentiality")
    process = fields.get("process")
    if process is not None and process.agency_id != document.agency_id:
        raise DomainError(_("Quy trình nội bộ phải thuộc cơ quan."), code="invalid", field="process")
    for name in simple:
        setattr(document, name, fields[name])

    if "external_documents" in fields:
        entries = list(fields["external_documents"] or ())
        if any(entry.agency_id != document.agency_id for entry in entries):
            raise DomainError(
                _("Tài liệu bên ngoài phải thuộc danh mục tài liệu bên ngoài của cơ quan."),
                code="invalid",
                field="external_documents",
            )
        document.external_references.set(entries)

    reschedule = "review_months" in fields
    if "effective_date" in fields:
        reschedule |= _move_effective_date(document, current, fields["effective_date"])
    if (
        reschedule
        and current is not None
        and current.status == VersionStatus.ISSUED
        and current.effective_date
    ):
        document.next_review_on = add_months(current.effective_date, document.review_months or 12)

    after = snapshot(document, attnames)
    if "external_documents" in fields:
        after["external_documents"] = sorted(
            document.external_references.values_list("legal_document__number", flat=True)
        )
    if "effective_date" in fields:
        after["effective_date"] = (
            current.effective_date.isoformat() if current and current.effective_date else None
        )
    changed = [key for key in after if before.get(key) != after[key]]
    if not changed:
        return document
    document.refresh_search_text()
    document.save()
    if "title" in changed:
        _refresh_version_search_text(document)
    record_event(
        actor=actor,
        verb="document.update",
        obj=document,
        agency=document.agency,
        before={key: before.get(key) for key in changed},
        after={key: after[key] for key in changed},
    )
    return document


def _refresh_version_search_text(document: Document) -> None:
    """The versions' folded search text carries the document's title: keep it in step after a rename
    (the extracted file text itself is not touched)."""
    from eiso.core.text import vi_fold
    from eiso.documents.tasks import SEARCH_CHARS

    for pk, text in document.versions.values_list("pk", "text"):
        DocumentVersion.objects.filter(pk=pk).update(
            search_text=vi_fold(f"{document.code} {document.title} {text}")[:SEARCH_CHARS]
        )


def _move_effective_date(document: Document, current, day) -> bool:
    """Correct the effective date of the version in force (and the end of the one it superseded)."""
    if current is None or current.status != VersionStatus.ISSUED:
        raise DomainError(
            _("Chỉ sửa được ngày hiệu lực khi tài liệu có phiên bản đang hiệu lực."),
            code="status",
            field="effective_date",
        )
    if day is None:
        raise DomainError(_("Cần ngày hiệu lực."), code="required", field="effective_date")
    if day == current.effective_date:
        return False
    previous = (
        document.versions.filter(status=VersionStatus.SUPERSEDED, number__lt=current.number)
        .order_by("-number")
        .first()
    )
    if previous is not None and previous.effective_date and day < previous.effective_date:
        raise DomainError(
            _("Ngày hiệu lực không được trước ngày hiệu lực của lần ban hành trước (%(v)s: %(day)s).")
            % {"v": previous.label, "day": _d(previous.effective_date)},
            code="invalid",
            field="effective_date",
        )
    if previous is not None and previous.ended_on == current.effective_date:
        previous.ended_on = day
        previous.save(update_fields=["ended_on"])
    current.effective_date = day
    current.save(update_fields=["effective_date"])
    return True


def _lock_is_stale(document: Document) -> bool:
    return document.locked_at is None or timezone.now() - document.locked_at > datetime.timedelta(
        hours=LOCK_HOURS
    )


@transaction.atomic
def lock_document(*, actor, document: Document) -> Document:
    """Nhận soạn thảo: only the holder of the lock uploads drafts until it is released (or stale)."""
    document = _lock(document)
    _require(perms.can_edit_documents(actor, document.agency))
    if document.locked_by_id and document.locked_by_id != actor.pk and not _lock_is_stale(document):
        raise Conflict(
            _("%(who)s đang soạn thảo tài liệu này từ %(when)s.")
            % {
                "who": document.locked_by,
                "when": timezone.localtime(document.locked_at).strftime("%d/%m/%Y %H:%M"),
            }
        )
    document.locked_by, document.locked_at = actor, timezone.now()
    document.save(update_fields=["locked_by", "locked_at"])
    record_event(actor=actor, verb="document.lock", obj=document, agency=document.agency)
    return document


@transaction.atomic
def unlock_document(*, actor, document: Document) -> Document:
    document = _lock(document)
    if actor is not None and document.locked_by_id != actor.pk:
        _require(perms.can_manage_documents(actor, document.agency))
    if document.locked_by_id is None:
        return document
    before = {"locked_by": document.locked_by_id}
    document.locked_by, document.locked_at = None, None
    document.save(update_fields=["locked_by", "locked_at"])
    record_event(actor=actor, verb="document.unlock", obj=document, agency=document.agency, before=before)
    return document


@files.removed_on_rollback
@transaction.atomic
def upload_version(
    *, actor, document: Document, data: bytes, file_name: str, change_summary: str = ""
) -> DocumentVersion:
    """Tải lên dự thảo: a new immutable version (draft). Needs the edit lock (taken here when free).
    A draft not yet submitted is withdrawn by the newer one; a version in review or approved must be
    decided first."""
    document = _lock(document)
    if actor is not None:
        _require(perms.can_edit_documents(actor, document.agency))
        if document.locked_by_id and document.locked_by_id != actor.pk and not _lock_is_stale(document):
            raise Conflict(_("%(who)s đang soạn thảo tài liệu này.") % {"who": document.locked_by})
    checked = files.check_upload(data, file_name)
    latest = document.latest_version
    if latest is not None and latest.status in (VersionStatus.IN_REVIEW, VersionStatus.APPROVED):
        raise Conflict(
            _(
                "Phiên bản %(v)s đang ở bước “%(status)s”; trả lại dự thảo hoặc ban hành trước khi tải bản mới."
            )
            % {"v": latest.label, "status": latest.get_status_display()}
        )
    if latest is not None and latest.status == VersionStatus.DRAFT:
        latest.status = VersionStatus.WITHDRAWN
        latest.ended_on = timezone.localdate()
        latest.save(update_fields=["status", "ended_on"])
    version = _store_version(document, actor, checked, file_name, change_summary)
    if actor is not None and document.locked_by_id is None:
        document.locked_by, document.locked_at = actor, timezone.now()
        document.save(update_fields=["locked_by", "locked_at"])
    record_event(
        actor=actor,
        verb="document.upload",
        obj=version,
        agency=document.agency,
        object_repr=str(document)[:255],
        after=_summary(version),
        reason=change_summary,
    )
    return version


# --- signatures and lifecycle -----------------------------------------------------------------------


def _check_password(actor, password: str, version: DocumentVersion, meaning: str) -> None:
    """Refuse a signature whose password is wrong, and keep an audit row of the attempt."""
    if actor is None:
        return
    if actor.check_password(password or ""):
        return
    with transaction.atomic():
        record_event(
            actor=actor,
            verb="document.signature_failed",
            obj=version,
            agency=version.document.agency_id,
            object_repr=str(version.document)[:255],
            after={"meaning": meaning, "number": version.number},
        )
    raise DomainError(_("Mật khẩu không đúng: chưa ký."), code="wrong_password", field="password")


def _sign(actor, version: DocumentVersion, meaning: str, note: str) -> Signature | None:
    user = _user(actor)
    if user is None:
        return None
    return Signature.objects.create(version=version, signer=user, meaning=meaning, note=(note or "")[:500])


def _transition(actor, verb, document, version, before_status, reason="") -> DocumentVersion:
    record_event(
        actor=actor,
        verb=verb,
        obj=version,
        agency=document.agency,
        object_repr=str(document)[:255],
        before={"status": before_status},
        after=_summary(version),
        reason=reason,
    )
    return version


def submit_version(*, actor, version: DocumentVersion, password: str = "", note: str = "") -> DocumentVersion:
    """Trình xem xét (draft → in review), signed by the drafter; releases the edit lock."""
    if actor is not None:
        _require(perms.can_edit_documents(actor, version.document.agency))
    _check_password(actor, password, version, SignatureMeaning.DRAFTED)
    return _submit(actor, version, note)


@transaction.atomic
def _submit(actor, version, note):
    document, version = _locked_version(version)
    if version.status != VersionStatus.DRAFT:
        raise DomainError(_("Chỉ trình được bản dự thảo."), code="status")
    version.status = VersionStatus.IN_REVIEW
    version.save(update_fields=["status"])
    _sign(actor, version, SignatureMeaning.DRAFTED, note)
    document.locked_by, document.locked_at = None, None
    document.save(update_fields=["locked_by", "locked_at"])
    return _transition(actor, "document.submit", document, version, VersionStatus.DRAFT, note)


def review_version(*, actor, version: DocumentVersion, password: str = "", note: str = "") -> DocumentVersion:
    """Ký xem xét: a reviewer confirms the version in review (status unchanged)."""
    if actor is not None:
        _require(perms.can_review_document(actor, version.document.agency))
    _check_password(actor, password, version, SignatureMeaning.REVIEWED)
    return _review(actor, version, note)


@transaction.atomic
def _review(actor, version, note):
    document, version = _locked_version(version)
    if version.status != VersionStatus.IN_REVIEW:
        raise DomainError(_("Chỉ ký xem xét được bản đang xem xét."), code="status")
    _sign(actor, version, SignatureMeaning.REVIEWED, note)
    return _transition(actor, "document.review", document, version, version.status, note)


@transaction.atomic
def return_version(*, actor, version: DocumentVersion, reason: str) -> DocumentVersion:
    """Trả lại dự thảo (in review → draft) with the reason."""
    document, version = _locked_version(version)
    if actor is not None:
        _require(
            perms.can_review_document(actor, document.agency) or perms.can_approve_document(actor, document)
        )
    if version.status != VersionStatus.IN_REVIEW:
        raise DomainError(_("Chỉ trả lại được bản đang xem xét."), code="status")
    if not (reason or "").strip():
        raise DomainError(_("Cần nêu lý do trả lại."), code="required", field="reason")
    version.status = VersionStatus.DRAFT
    version.save(update_fields=["status"])
    return _transition(actor, "document.return", document, version, VersionStatus.IN_REVIEW, reason.strip())


def approve_version(
    *, actor, version: DocumentVersion, password: str = "", note: str = ""
) -> DocumentVersion:
    """Phê duyệt (in review → approved): only the agency head or the delegated approver, with password."""
    if actor is not None:
        document = Document.objects.select_related("agency").get(pk=version.document_id)
        _require(perms.can_approve_document(actor, document))
    _check_password(actor, password, version, SignatureMeaning.APPROVED)
    return _approve(actor, version, note)


@transaction.atomic
def _approve(actor, version, note):
    document, version = _locked_version(version)
    if version.status != VersionStatus.IN_REVIEW:
        raise DomainError(_("Chỉ phê duyệt được bản đang xem xét."), code="status")
    version.status = VersionStatus.APPROVED
    version.save(update_fields=["status"])
    _sign(actor, version, SignatureMeaning.APPROVED, note)
    return _transition(actor, "document.approve", document, version, VersionStatus.IN_REVIEW, note)


@transaction.atomic
def issue_version(
    *, actor, version: DocumentVersion, effective_date: datetime.date | None = None
) -> DocumentVersion:
    """Ban hành (approved → issued from `effective_date`): the version in force before is superseded and
    stays readable; the next periodic review is `review_months` later; acknowledgements start afresh."""
    document, version = _locked_version(version)
    if actor is not None:
        _require(perms.can_manage_documents(actor, document.agency))
    if version.status != VersionStatus.APPROVED:
        raise DomainError(_("Chỉ ban hành được bản đã phê duyệt."), code="status")
    effective_date = effective_date or timezone.localdate()
    previous = document.current_version
    if previous is not None and previous.status == VersionStatus.ISSUED:
        previous.status = VersionStatus.SUPERSEDED
        previous.ended_on = effective_date
        previous.save(update_fields=["status", "ended_on"])
    version.status = VersionStatus.ISSUED
    version.effective_date = effective_date
    version.issued_at = timezone.now()
    version.save(update_fields=["status", "effective_date", "issued_at"])
    document.current_version = version
    document.next_review_on = add_months(effective_date, document.review_months or 12)
    document.save(update_fields=["current_version", "next_review_on", "updated_at"])
    return _transition(actor, "document.issue", document, version, VersionStatus.APPROVED)


@transaction.atomic
def withdraw_document(*, actor, document: Document, reason: str) -> Document:
    """Thu hồi: the version in force ends today and nothing replaces it."""
    document = _lock(document)
    if actor is not None:
        _require(perms.can_withdraw_document(actor, document.agency))
    version = document.current_version
    if version is None or version.status != VersionStatus.ISSUED:
        raise DomainError(_("Tài liệu không có phiên bản đang hiệu lực."), code="status")
    if not (reason or "").strip():
        raise DomainError(_("Cần nêu lý do thu hồi."), code="required", field="reason")
    version.status = VersionStatus.WITHDRAWN
    version.ended_on = timezone.localdate()
    version.save(update_fields=["status", "ended_on"])
    document.next_review_on = None
    document.save(update_fields=["next_review_on", "updated_at"])
    _transition(actor, "document.withdraw", document, version, VersionStatus.ISSUED, reason.strip())
    return document


# --- distribution and acknowledgements -------------------------------------------------------------


@transaction.atomic
def distribute(
    *, actor, document: Document, units: Iterable = (), users: Iterable = ()
) -> list[Distribution]:
    """Phân phối tài liệu to units (everyone with a role there) and people; existing ones are kept."""
    document = _lock(document)
    if actor is not None:
        _require(perms.can_manage_documents(actor, document.agency))
    created = []
    for unit in units:
        if not unit.path.startswith(document.agency.path):
            raise DomainError(_("Chỉ phân phối cho đơn vị thuộc cơ quan."), code="invalid", field="units")
        row, new = Distribution.objects.get_or_create(document=document, unit=unit)
        if new:
            created.append(row)
    for user in users:
        row, new = Distribution.objects.get_or_create(document=document, user=user)
        if new:
            created.append(row)
    if created:
        record_event(
            actor=actor,
            verb="document.distribute",
            obj=document,
            agency=document.agency,
            after={
                "units": [r.unit_id for r in created if r.unit_id],
                "users": [r.user_id for r in created if r.user_id],
            },
        )
    return created


def recipient_ids(document: Document, day: datetime.date | None = None) -> set[int]:
    """Who must read the document: named people, and everyone with an active role in a unit it was
    distributed to (that unit itself, or above it with sub-units included)."""
    from eiso.accounts.models import Membership

    rows = list(Distribution.objects.filter(document=document).select_related("unit"))
    ids = {r.user_id for r in rows if r.user_id}
    units = [r.unit for r in rows if r.unit_id]
    if units:
        memberships = Membership.objects.active_on(day).filter(agency__in=units, user__is_active=True)
        ids |= set(memberships.values_list("user_id", flat=True))
    return ids


def read_status(document: Document) -> tuple[list, list]:
    """(acknowledged, not yet read) for the version in force, as lists of (user, when or None)."""
    from eiso.accounts.models import User

    version = document.current_version
    if version is None or version.status != VersionStatus.ISSUED:
        return [], []
    acks = {a.user_id: a.acknowledged_at for a in Acknowledgement.objects.filter(version=version)}
    people = {u.pk: u for u in User.objects.filter(pk__in=recipient_ids(document) | set(acks))}
    read = sorted(((people[i], acks[i]) for i in acks if i in people), key=lambda r: str(r[0]))
    unread = sorted(((u, None) for i, u in people.items() if i not in acks), key=lambda r: str(r[0]))
    return read, unread


@transaction.atomic
def acknowledge(*, actor, version: DocumentVersion) -> Acknowledgement:
    """Xác nhận đã đọc và hiểu the version in force (idempotent)."""
    document, version = _locked_version(version)
    _require(perms.can_take_part(actor, document.agency))
    if version.status != VersionStatus.ISSUED:
        raise DomainError(_("Chỉ xác nhận đọc được phiên bản đang hiệu lực."), code="status")
    ack, created = Acknowledgement.objects.get_or_create(version=version, user=actor)
    if created:
        record_event(
            actor=actor,
            verb="document.acknowledge",
            obj=version,
            agency=document.agency,
            object_repr=str(document)[:255],
            after={"number": version.number},
        )
    return ack


# --- change requests -------------------------------------------------------------------------------


@transaction.atomic
def raise_change_request(*, actor, document: Document, text: str) -> ChangeRequest:
    """Đề nghị sửa đổi: anyone taking part in the agency's QMS."""
    _require(perms.can_take_part(actor, document.agency))
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Cần nội dung đề nghị."), code="required", field="text")
    request = ChangeRequest.objects.create(document=document, raised_by=actor, text=text)
    record_event(
        actor=actor,
        verb="document.change_request",
        obj=request,
        agency=document.agency,
        object_repr=str(document)[:255],
        after={"text": text[:500]},
    )
    return request


@transaction.atomic
def decide_change_request(*, actor, request: ChangeRequest, accept: bool, note: str = "") -> ChangeRequest:
    request = ChangeRequest.objects.select_for_update().select_related("document__agency").get(pk=request.pk)
    if actor is not None:
        _require(perms.can_manage_documents(actor, request.document.agency))
    if request.status != ChangeStatus.OPEN:
        raise DomainError(_("Đề nghị này đã được xử lý."), code="decided")
    if not accept and not (note or "").strip():
        raise DomainError(_("Cần nêu lý do không chấp nhận."), code="required", field="note")
    request.status = ChangeStatus.ACCEPTED if accept else ChangeStatus.REJECTED
    request.decided_by, request.decided_at, request.decision_note = (
        _user(actor),
        timezone.now(),
        (note or "").strip(),
    )
    request.save()
    record_event(
        actor=actor,
        verb="document.change_decide",
        obj=request,
        agency=request.document.agency,
        object_repr=str(request.document)[:255],
        before={"status": "open"},
        after={"status": request.status},
        reason=request.decision_note,
    )
    return request


# --- downloads --------------------------------------------------------------------------------------


def read_verified(version: DocumentVersion) -> bytes:
    """The stored bytes, after checking them against the SHA-256 recorded at upload."""
    import hashlib

    with version.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != version.sha256:
        raise Conflict(
            _("Tệp của phiên bản %(v)s không khớp mã băm đã lưu: tệp có thể đã bị sửa ngoài hệ thống.")
            % {"v": version.label},
            code="hash_mismatch",
        )
    return data


def download(version: DocumentVersion) -> tuple[bytes, str, str]:
    """(bytes, media type, file name) to serve: verified, and stamped when the version is obsolete."""
    data = read_verified(version)
    if version.is_obsolete:
        return files.obsolete_copy(data, version.media_type, version.file_name)
    return data, version.media_type, version.file_name


# --- external documents -----------------------------------------------------------------------------


@files.removed_on_rollback
@transaction.atomic
def add_external_document(
    *,
    actor,
    agency,
    number: str,
    title: str = "",
    issuer: str = "",
    issued_on: datetime.date | None = None,
    effective_from: datetime.date | None = None,
    kind: str = ExternalKind.OTHER,
    expires_on: datetime.date | None = None,
    link: str = "",
    data: bytes | None = None,
    file_name: str = "",
    documents: Iterable = (),
    processes: Iterable = (),
    procedures: Iterable = (),
) -> ExternalDocument:
    """Thêm tài liệu bên ngoài: the legal document is found (or added) in the shared register by its
    number; the agency's entry holds the kind, expiry, file or link and the references."""
    from eiso.procedures.models import LegalDocument

    if actor is not None:
        _require(perms.can_manage_documents(actor, agency))
    number = (number or "").strip()
    if not number:
        raise DomainError(_("Cần số, ký hiệu văn bản."), code="required", field="number")
    legal, created = LegalDocument.objects.get_or_create(
        number=number[:100],
        defaults={
            "title": title[:500],
            "issuer": issuer[:255],
            "issued_on": issued_on,
            "effective_from": effective_from,
        },
    )
    if not created:
        changed = []
        for field, value in (
            ("title", title),
            ("issuer", issuer),
            ("issued_on", issued_on),
            ("effective_from", effective_from),
        ):
            if value and not getattr(legal, field):
                setattr(legal, field, value)
                changed.append(field)
        if changed:
            legal.save(update_fields=changed)
    if ExternalDocument.objects.filter(agency=agency, legal_document=legal).exists():
        raise DomainError(
            _("Văn bản %(n)s đã có trong danh mục.") % {"n": number}, code="duplicate", field="number"
        )
    entry = ExternalDocument(
        agency=agency, legal_document=legal, kind=kind, expires_on=expires_on, link=link or ""
    )
    if data is not None:
        checked = files.check_upload(data, file_name)
        files.store(entry.file, f"{number.replace('/', '-')}.{checked.extension}", checked.data)
    entry.refresh_search_text()
    entry.save(force_insert=True)
    _set_references(entry, documents, processes, procedures)
    record_event(
        actor=actor,
        verb="external_document.add",
        obj=entry,
        agency=agency,
        after={"number": legal.number, "title": legal.title, "kind": kind},
    )
    return entry


def _set_references(entry, documents, processes, procedures) -> None:
    for doc in documents:
        if doc.agency_id != entry.agency_id:
            raise DomainError(_("Tài liệu viện dẫn phải thuộc cơ quan."), code="invalid", field="documents")
    for process in processes:
        if process.agency_id != entry.agency_id:
            raise DomainError(_("Quy trình viện dẫn phải thuộc cơ quan."), code="invalid", field="processes")
    entry.documents.set(list(documents))
    entry.processes.set(list(processes))
    entry.procedures.set(list(procedures))


@transaction.atomic
def set_external_references(*, actor, entry: ExternalDocument, documents=(), processes=(), procedures=()):
    entry = ExternalDocument.objects.select_for_update().select_related("agency").get(pk=entry.pk)
    if actor is not None:
        _require(perms.can_manage_documents(actor, entry.agency))
    _set_references(entry, documents, processes, procedures)
    record_event(
        actor=actor,
        verb="external_document.references",
        obj=entry,
        agency=entry.agency,
        after={
            "documents": sorted(d.pk for d in documents),
            "processes": sorted(p.pk for p in processes),
            "procedures": sorted(p.pk for p in procedures),
        },
    )
    return entry


def flag_references(legal_document, effective_date: datetime.date | None = None) -> list:
    """Flag "needs review" everything the agencies' external-document lists say refers to `legal_document`
    (documents, internal processes, and processes serving the procedures named), through the processes
    app's one legal-change watch. Idempotent (open flags are not raised twice)."""
    from eiso.processes.models import InternalProcess, ReviewReason
    from eiso.processes.services import flag_for_review

    effective_date = effective_date or legal_document.replaced_on or timezone.localdate()
    replacement = getattr(legal_document.replaced_by, "number", "")
    flags = []
    entries = ExternalDocument.objects.filter(legal_document=legal_document).select_related("agency")
    for entry in entries:
        detail = _("Tài liệu bên ngoài %(number)s được thay thế%(by)s từ %(day)s.") % {
            "number": legal_document.number,
            "by": (" " + _("bởi %(number)s") % {"number": replacement}) if replacement else "",
            "day": _d(effective_date),
        }
        targets = list(entry.documents.all()) + list(entry.processes.all())
        targets += list(
            InternalProcess.objects.filter(
                agency=entry.agency, procedures__in=entry.procedures.all()
            ).distinct()
        )
        seen = set()
        for target in targets:
            key = (target._meta.label, target.pk)
            if key in seen:
                continue
            seen.add(key)
            flags.append(
                flag_for_review(
                    actor=None,
                    target=target,
                    agency=entry.agency,
                    reason=ReviewReason.EXTERNAL_DOCUMENT,
                    legal_reference=legal_document.number,
                    effective_date=effective_date,
                    detail=detail,
                )
            )
    return flags


@transaction.atomic
def replace_external_document(
    *,
    actor,
    entry: ExternalDocument,
    replacement_number: str,
    effective_date: datetime.date,
    replacement_title: str = "",
    replacement_issuer: str = "",
) -> list:
    """Ghi nhận văn bản bị thay thế: recorded once in the shared legal-document register (which flags
    the internal processes whose procedures cite it), and every reference in the agencies' lists is
    flagged for review within 3 months (`eiso.documents.signals`). The new document joins the agency's
    list with the same references. Returns the review flags raised for the agencies' lists."""
    from eiso.procedures import services as procedures

    entry = (
        ExternalDocument.objects.select_for_update()
        .select_related("agency", "legal_document")
        .get(pk=entry.pk)
    )
    if actor is not None:
        _require(perms.can_manage_documents(actor, entry.agency))
    legal = entry.legal_document
    if legal.replaced_by_id is None:
        # The register's own permission (catalogue managers) is not asked: an agency records a public
        # legal fact about a document in its own list; the audit row below names who did it.
        procedures.replace_legal_document(
            actor=None,
            document=legal,
            replacement_number=replacement_number,
            effective_date=effective_date,
            replacement_title=replacement_title,
            replacement_issuer=replacement_issuer,
        )
        legal.refresh_from_db()
    elif legal.replaced_by.number != (replacement_number or "").strip():
        raise DomainError(
            _("Văn bản %(number)s đã được ghi nhận bị thay thế bởi %(by)s.")
            % {"number": legal.number, "by": legal.replaced_by.number},
            code="already_replaced",
        )
    flags = flag_references(legal, legal.replaced_on)
    new_entry, created = ExternalDocument.objects.get_or_create(
        agency=entry.agency, legal_document=legal.replaced_by, defaults={"kind": entry.kind}
    )
    if created:
        new_entry.refresh_search_text()
        new_entry.save(update_fields=["search_text"])
        new_entry.documents.set(entry.documents.all())
        new_entry.processes.set(entry.processes.all())
        new_entry.procedures.set(entry.procedures.all())
    if entry.expires_on is None:
        entry.expires_on = legal.replaced_on
        entry.save(update_fields=["expires_on"])
    record_event(
        actor=actor,
        verb="external_document.replace",
        obj=entry,
        agency=entry.agency,
        after={
            "number": legal.number,
            "replaced_by": legal.replaced_by.number,
            "replaced_on": _d(legal.replaced_on),
            "flags": len(flags),
        },
    )
    return flags


__all__ = [
    "acknowledge",
    "add_external_document",
    "approve_version",
    "create_document",
    "decide_change_request",
    "distribute",
    "download",
    "flag_references",
    "issue_version",
    "lock_document",
    "next_code",
    "raise_change_request",
    "read_status",
    "read_verified",
    "recipient_ids",
    "replace_external_document",
    "return_version",
    "review_version",
    "set_external_references",
    "submit_version",
    "unlock_document",
    "update_document",
    "upload_version",
    "withdraw_document",
]


# --- numbering schemes (quy tắc đánh mã) ------------------------------------------------------------

_NUMBER_SPEC = re.compile(r"^(0?[1-9])?d?$")


def check_pattern(pattern: str) -> str:
    """The pattern stripped, or a DomainError saying in Vietnamese what is wrong with it. A pattern has
    exactly one `{n}` (the number), optionally zero-padded (`{n:02d}`, `{n:03d}`), and gives codes of at
    most 50 characters with no spaces."""
    import string

    pattern = (pattern or "").strip()
    if not pattern:
        raise DomainError(_("Cần mẫu mã, ví dụ QT.HT-{n:02d}."), code="required", field="pattern")
    if len(pattern) > 50:
        raise DomainError(_("Mẫu mã dài quá 50 ký tự."), code="invalid", field="pattern")
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError:
        raise DomainError(
            _("Mẫu mã có dấu ngoặc { } không khớp; số thứ tự viết là {n}, ví dụ QT.HT-{n:02d}."),
            code="invalid",
            field="pattern",
        ) from None
    fields = [(name, spec, conversion) for _text, name, spec, conversion in parts if name is not None]
    for name, spec, conversion in fields:
        if name != "n":
            raise DomainError(
                _("Mẫu mã chỉ dùng {n} cho số thứ tự; “{%(name)s}” không hợp lệ.") % {"name": name},
                code="invalid",
                field="pattern",
            )
        if conversion or not _NUMBER_SPEC.match(spec or ""):
            raise DomainError(
                _("Định dạng số “{n:%(spec)s}” không hợp lệ; dùng {n}, {n:02d} hoặc {n:03d}.")
                % {"spec": spec or ""},
                code="invalid",
                field="pattern",
            )
    if len(fields) != 1:
        raise DomainError(
            _("Mẫu mã phải có đúng một chỗ {n} cho số thứ tự (đang có %(count)s), ví dụ QT.HT-{n:02d}.")
            % {"count": len(fields)},
            code="invalid",
            field="pattern",
        )
    sample = pattern.format(n=1)
    if any(ch.isspace() for ch in sample):
        raise DomainError(_("Mã tài liệu không được có dấu cách."), code="invalid", field="pattern")
    if not any(ch.isalpha() for text, *_rest in parts for ch in text):
        raise DomainError(
            _("Mẫu mã cần có chữ cái ký hiệu ngoài số thứ tự, ví dụ BM-{n:02d}."),
            code="invalid",
            field="pattern",
        )
    return pattern


def preview_code(agency, kind: str, pattern: str | None = None, number: int | None = None) -> str:
    """The code the next document of `kind` would get (codes already taken are skipped), without
    using the number up. `pattern`/`number` preview a change before it is saved."""
    scheme = NumberingScheme.objects.filter(agency=agency, kind=kind).first()
    if scheme is None:
        scheme = NumberingScheme(agency=agency, kind=kind, pattern=DEFAULT_PATTERNS.get(kind, "TL-{n:02d}"))
    if pattern is not None:
        scheme.pattern = pattern
    if number is not None:
        scheme.next_number = number
    taken = set(Document.objects.filter(agency=agency).values_list("code", flat=True))
    number = scheme.next_number
    while scheme.format(number) in taken:
        number += 1
    return scheme.format(number)


def numbering_overview(agency) -> list[dict]:
    """One row per document kind: the saved scheme (or the default not yet saved), the next code and
    how many documents of that kind the register holds."""
    from django.db.models import Count

    schemes = {s.kind: s for s in NumberingScheme.objects.filter(agency=agency)}
    counts = dict(
        Document.objects.filter(agency=agency)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    taken = set(Document.objects.filter(agency=agency).values_list("code", flat=True))
    rows = []
    for kind, label in DocumentKind.choices:
        scheme = schemes.get(kind) or NumberingScheme(
            agency=agency, kind=kind, pattern=DEFAULT_PATTERNS.get(kind, "TL-{n:02d}")
        )
        number = scheme.next_number
        while scheme.format(number) in taken:
            number += 1
        rows.append(
            {
                "kind": kind,
                "label": label,
                "scheme": scheme,
                "saved": scheme.pk is not None,
                "next_code": scheme.format(number),
                "documents": counts.get(kind, 0),
            }
        )
    return rows


@transaction.atomic
def save_numbering_scheme(*, actor, agency, kind: str, pattern: str, next_number: int) -> NumberingScheme:
    """Đặt quy tắc đánh mã of `kind` in `agency`: the pattern and the next number (codes already in the
    register are still skipped when a document is numbered). ISO secretary, head or administrator."""
    if actor is not None:
        _require(perms.can_manage_documents(actor, agency))
    if kind not in DocumentKind.values:
        raise DomainError(_("Loại tài liệu không hợp lệ."), code="invalid", field="kind")
    pattern = check_pattern(pattern)
    if not isinstance(next_number, int) or not 1 <= next_number <= 99999:
        raise DomainError(_("Số tiếp theo phải từ 1 đến 99999."), code="invalid", field="next_number")
    if len(pattern.format(n=next_number)) > 50:
        raise DomainError(_("Mã sinh ra dài quá 50 ký tự."), code="invalid", field="pattern")
    scheme, created = NumberingScheme.objects.select_for_update().get_or_create(
        agency=agency,
        kind=kind,
        defaults={"pattern": pattern, "next_number": next_number},
    )
    before = None if created else {"pattern": scheme.pattern, "next_number": scheme.next_number}
    if not created:
        if (scheme.pattern, scheme.next_number) == (pattern, next_number):
            return scheme
        scheme.pattern, scheme.next_number = pattern, next_number
        scheme.save(update_fields=["pattern", "next_number"])
    record_event(
        actor=actor,
        verb="document.numbering",
        obj=scheme,
        agency=agency,
        object_repr=str(DocumentKind(kind).label)[:255],
        before=before,
        after={"kind": kind, "pattern": pattern, "next_number": next_number},
    )
    return scheme
