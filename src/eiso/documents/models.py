"""Documented information (thông tin dạng văn bản, TCVN ISO 9001:2015 clause 7.5), canonical + versions.

- `NumberingScheme` (quy tắc đánh mã) — per agency and document kind, the pattern of the next code
  ("QT-{n:02d}" → "QT-07") and the counter; created with a default pattern on first use.
- `Document` (tài liệu) — the stable identity in an agency's register: kind, code (unique in the
  agency), title, owning unit, review period, confidentiality. It points at its newest version and at
  the version issued (in force), keeps the edit lock (`locked_by`: one person prepares a draft at a
  time) and the next periodic review day.
- `DocumentVersion` (phiên bản tài liệu) — **immutable**: the file, its SHA-256, size, type and
  change summary never change once written (uploading again makes a new version). Only the lifecycle
  moves: draft → in review → approved → issued (in force) → superseded or withdrawn. A newer draft
  uploaded over a draft withdraws the older one. The text extracted from the file (background task)
  and a folded `search_text` (code, title, content) serve the search.
- `Signature` (chữ ký xác nhận) — who signed which version, when, and what it means (drafted,
  reviewed, approved); written only after the signer typed the password again.
- `Distribution` (phân phối) — the document is sent to a unit (everyone with a role there) or a person;
  `Acknowledgement` (xác nhận đã đọc, hiểu) — a person has read one version.
- `ChangeRequest` (đề nghị sửa đổi) — anyone who sees the document asks for a change; the owner accepts
  or rejects it.
- `ExternalDocument` (tài liệu bên ngoài) — an agency's list of legal documents: it points at the shared
  legal-document register (`eiso.procedures.models.LegalDocument`: number, title, issuer, dates,
  replaced-by), adds what only the agency's list holds (kind, expiry, file or link) and what in its QMS
  refers to it (documents, internal processes, procedures). Replacing the legal document flags every
  reference "needs review" through `eiso.processes` (one mechanism; see `eiso.documents.signals`).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eiso.core.text import vi_fold
from eiso.documents.querysets import (
    ChangeRequestQuerySet,
    DocumentQuerySet,
    DocumentVersionQuerySet,
    ExternalDocumentQuerySet,
)


class DocumentKind(models.TextChoices):
    QUALITY_POLICY = "quality_policy", _("Chính sách chất lượng")
    QUALITY_OBJECTIVES = "quality_objectives", _("Mục tiêu chất lượng")
    QMS_DESCRIPTION = "qms_description", _("Mô tả hệ thống quản lý chất lượng")
    SYSTEM_PROCEDURE = "system_procedure", _("Quy trình hệ thống")
    INTERNAL_PROCESS = "internal_process", _("Quy trình nội bộ giải quyết TTHC")
    WORK_INSTRUCTION = "work_instruction", _("Hướng dẫn công việc")
    FORM = "form", _("Biểu mẫu")
    RECORD = "record", _("Hồ sơ")
    EXTERNAL = "external", _("Tài liệu bên ngoài")
    OTHER = "other", _("Khác")


# Default code patterns per kind; `{n}` is the counter of the agency's scheme for that kind.
DEFAULT_PATTERNS = {
    DocumentKind.QUALITY_POLICY: "CSCL-{n:02d}",
    DocumentKind.QUALITY_OBJECTIVES: "MTCL-{n:02d}",
    DocumentKind.QMS_DESCRIPTION: "STCL-{n:02d}",
    DocumentKind.SYSTEM_PROCEDURE: "QT.HT-{n:02d}",
    DocumentKind.INTERNAL_PROCESS: "QT.NB-{n:02d}",
    DocumentKind.WORK_INSTRUCTION: "HD-{n:02d}",
    DocumentKind.FORM: "BM-{n:02d}",
    DocumentKind.RECORD: "HS-{n:02d}",
    DocumentKind.EXTERNAL: "TLBN-{n:02d}",
    DocumentKind.OTHER: "TL-{n:02d}",
}


class Confidentiality(models.TextChoices):
    PUBLIC = "public", _("Công khai")
    INTERNAL = "internal", _("Nội bộ")
    RESTRICTED = "restricted", _("Hạn chế")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    IN_REVIEW = "in_review", _("Đang xem xét")
    APPROVED = "approved", _("Đã phê duyệt")
    ISSUED = "issued", _("Đang hiệu lực")
    SUPERSEDED = "superseded", _("Hết hiệu lực (đã thay thế)")
    WITHDRAWN = "withdrawn", _("Hết hiệu lực (thu hồi)")


# Versions whose download is stamped "HẾT HIỆU LỰC".
OBSOLETE_STATUSES = {VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN}


class TextStatus(models.TextChoices):
    PENDING = "pending", _("Đang trích xuất")
    DONE = "done", _("Đã trích xuất")
    NONE = "none", _("Không có nội dung chữ")
    FAILED = "failed", _("Lỗi trích xuất")


class SignatureMeaning(models.TextChoices):
    DRAFTED = "drafted", _("Soạn thảo, trình xem xét")
    REVIEWED = "reviewed", _("Đã xem xét")
    APPROVED = "approved", _("Phê duyệt")


class NumberingScheme(models.Model):
    """Quy tắc đánh mã tài liệu of an agency for one kind: the pattern and the next number."""

    agency = models.ForeignKey(
        "organizations.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("loại tài liệu"), max_length=32, choices=DocumentKind.choices)
    pattern = models.CharField(
        _("mẫu mã"), max_length=50, help_text=_("{n} là số thứ tự, ví dụ QT.HT-{n:02d} → QT.HT-07")
    )
    next_number = models.PositiveIntegerField(_("số tiếp theo"), default=1)

    class Meta:
        verbose_name = _("quy tắc đánh mã tài liệu")
        verbose_name_plural = _("quy tắc đánh mã tài liệu")
        constraints = [models.UniqueConstraint(fields=["agency", "kind"], name="numbering_unique_kind")]

    def __str__(self):
        return f"{self.agency_id} {self.kind}: {self.pattern}"

    def format(self, number: int) -> str:
        try:
            return self.pattern.format(n=number)
        except (KeyError, IndexError, ValueError):
            return f"{self.pattern}-{number:02d}"


class Document(models.Model):
    """Tài liệu: the identity of one document in an agency's register, with pointers to its versions."""

    agency = models.ForeignKey(
        "organizations.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("loại tài liệu"), max_length=32, choices=DocumentKind.choices)
    code = models.CharField(_("mã tài liệu"), max_length=50)
    title = models.CharField(_("tên tài liệu"), max_length=500)
    owner_unit = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("đơn vị chủ trì"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_documents",
    )
    process = models.ForeignKey(
        "processes.InternalProcess",
        verbose_name=_("quy trình nội bộ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người được uỷ quyền phê duyệt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("để trống: thủ trưởng cơ quan phê duyệt"),
    )
    review_months = models.PositiveSmallIntegerField(_("chu kỳ soát xét (tháng)"), default=12)
    confidentiality = models.CharField(
        _("mức độ mật"), max_length=16, choices=Confidentiality.choices, default=Confidentiality.INTERNAL
    )
    latest_version = models.ForeignKey(
        "DocumentVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    current_version = models.ForeignKey(
        "DocumentVersion",
        verbose_name=_("phiên bản đang hiệu lực"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    next_review_on = models.DateField(_("hạn soát xét định kỳ"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("đang được soạn bởi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    search_text = models.CharField(max_length=600, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("tài liệu")
        verbose_name_plural = _("tài liệu")
        ordering = ["agency_id", "code"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="document_unique_code")]
        indexes = [models.Index(fields=["agency", "kind"], name="document_agency_kind_idx")]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", args=[self.pk])

    def refresh_search_text(self) -> None:
        self.search_text = vi_fold(f"{self.code} {self.title}")[:600]


def _upload_to(instance, filename: str) -> str:
    import uuid

    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"documents/{datetime.date.today():%Y/%m}/{uuid.uuid4().hex}.{suffix[:8]}"


class DocumentVersion(models.Model):
    """Phiên bản tài liệu: one immutable file with its hash; only `status` and its dates move."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("lần ban hành"))
    status = models.CharField(
        _("tình trạng"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    file = models.FileField(_("tệp"), upload_to=_upload_to, max_length=255)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    media_type = models.CharField(_("kiểu tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    change_summary = models.TextField(_("tóm tắt thay đổi"), blank=True)
    effective_date = models.DateField(_("ngày hiệu lực"), null=True, blank=True)
    ended_on = models.DateField(_("hết hiệu lực từ"), null=True, blank=True)
    text = models.TextField(_("nội dung chữ"), blank=True, editable=False)
    text_status = models.CharField(max_length=16, choices=TextStatus.choices, default=TextStatus.PENDING)
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)

    objects = DocumentVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("phiên bản tài liệu")
        verbose_name_plural = _("phiên bản tài liệu")
        ordering = ["document_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique_number")
        ]
        indexes = [models.Index(fields=["status", "document"], name="document_version_status_idx")]

    def __str__(self):
        return f"{self.document.code} — {self.label}"

    @property
    def label(self) -> str:
        return f"{self.number:02d}"

    @property
    def is_obsolete(self) -> bool:
        return self.status in OBSOLETE_STATUSES

    @property
    def is_pdf(self) -> bool:
        return self.media_type == "application/pdf"


class Signature(models.Model):
    """Chữ ký xác nhận: `signer` confirmed `version` with `meaning` at `signed_at`, after re-entering the
    password (a failed attempt is an audit event, not a row here)."""

    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    meaning = models.CharField(_("ý nghĩa"), max_length=16, choices=SignatureMeaning.choices)
    signed_at = models.DateTimeField(_("thời điểm ký"), auto_now_add=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("chữ ký xác nhận")
        verbose_name_plural = _("chữ ký xác nhận")
        ordering = ["version_id", "signed_at", "pk"]

    def __str__(self):
        return f"{self.version_id} {self.meaning} {self.signer_id}"


class Distribution(models.Model):
    """Phân phối: the document goes to everyone holding a role in `unit`, or to one `user`."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="distributions")
    unit = models.ForeignKey(
        "organizations.Agency", verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phân phối tài liệu")
        verbose_name_plural = _("phân phối tài liệu")
        ordering = ["document_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(user__isnull=False), name="distribution_has_target"
            ),
            models.UniqueConstraint(
                fields=["document", "unit"], condition=Q(unit__isnull=False), name="distribution_unique_unit"
            ),
            models.UniqueConstraint(
                fields=["document", "user"], condition=Q(user__isnull=False), name="distribution_unique_user"
            ),
        ]

    def __str__(self):
        return f"{self.document_id} → {self.unit_id or ''}{self.user_id or ''}"


class Acknowledgement(models.Model):
    """Xác nhận đã đọc và hiểu: `user` read `version`."""

    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("xác nhận đã đọc")
        verbose_name_plural = _("xác nhận đã đọc")
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="acknowledgement_unique")]

    def __str__(self):
        return f"{self.version_id} ✓ {self.user_id}"


class ChangeStatus(models.TextChoices):
    OPEN = "open", _("Chờ xử lý")
    ACCEPTED = "accepted", _("Chấp nhận")
    REJECTED = "rejected", _("Không chấp nhận")


class ChangeRequest(models.Model):
    """Đề nghị sửa đổi tài liệu: raised by anyone who sees it, decided by the owner."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="change_requests")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("nội dung đề nghị"))
    status = models.CharField(_("tình trạng"), max_length=16, choices=ChangeStatus.choices, default="open")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("ý kiến xử lý"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("đề nghị sửa đổi")
        verbose_name_plural = _("đề nghị sửa đổi")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.document_id}: {self.text[:60]}"


class ExternalKind(models.TextChoices):
    LAW = "law", _("Luật, bộ luật")
    DECREE = "decree", _("Nghị định")
    DECISION = "decision", _("Quyết định")
    CIRCULAR = "circular", _("Thông tư")
    DIRECTIVE = "directive", _("Chỉ thị")
    STANDARD = "standard", _("Tiêu chuẩn")
    OTHER = "other", _("Khác")


class ExternalDocument(models.Model):
    """Tài liệu bên ngoài của cơ quan: one legal document of the shared register, as the agency lists it."""

    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="external_documents",
    )
    legal_document = models.ForeignKey(
        "procedures.LegalDocument",
        verbose_name=_("văn bản"),
        on_delete=models.PROTECT,
        related_name="agency_entries",
    )
    kind = models.CharField(_("loại văn bản"), max_length=16, choices=ExternalKind.choices, default="other")
    expires_on = models.DateField(_("hết hiệu lực"), null=True, blank=True)
    file = models.FileField(_("tệp"), upload_to="external/%Y/", blank=True, max_length=255)
    link = models.URLField(_("đường dẫn"), blank=True, max_length=500)
    documents = models.ManyToManyField(
        Document, verbose_name=_("tài liệu viện dẫn"), blank=True, related_name="external_references"
    )
    processes = models.ManyToManyField(
        "processes.InternalProcess", verbose_name=_("quy trình viện dẫn"), blank=True, related_name="+"
    )
    procedures = models.ManyToManyField(
        "procedures.Procedure", verbose_name=_("thủ tục liên quan"), blank=True, related_name="+"
    )
    search_text = models.CharField(max_length=800, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExternalDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("tài liệu bên ngoài")
        verbose_name_plural = _("tài liệu bên ngoài")
        ordering = ["agency_id", "legal_document__number"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "legal_document"], name="external_document_unique")
        ]

    def __str__(self):
        return str(self.legal_document)

    def refresh_search_text(self) -> None:
        d = self.legal_document
        self.search_text = vi_fold(f"{d.number} {d.title} {d.issuer}")[:800]
