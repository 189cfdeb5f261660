"""Internal processes (quy trình nội bộ giải quyết TTHC) and the legal-change watch, canonical + versions.

- `InternalProcess` (quy trình nội bộ) — the stable identity: the owning agency, a code unique in that
  agency ("QT-HT-01"), a name and the procedures it serves (one, or several similar procedures sharing
  one process, Decision 19/2014). It keeps pointers to its newest version and to the version last put
  in force, so lists are one query.
- `ProcessVersion` (phiên bản quy trình) — one numbered version ("Lần ban hành 02") holding the design
  as JSON (`eiso.processes.design.ProcessDesign.to_dict()`), with the lifecycle
  draft → submitted → approved → in force (from `valid_from`) → superseded (`valid_to` = the day
  before the next version starts). Only a draft may change; an approved or in-force version is
  immutable and an edit needs a new version. A submitted version may be returned to draft.
  `procedures` are the procedures the version serves (coverage counts the version in force, so an
  immutable version keeps its own list); `procedure_versions` records the procedure versions (catalogue) the design was built on; the
  planned time, the legal limit and the number of validation errors are stored for lists.
- `ReviewFlag` (cần rà soát) — **the one mechanism of the legal-change watch**: any object (through a
  generic relation) of an agency is flagged "needs review" for a reason and a legal reference, due
  3 months after the change takes effect (Decision 19/2014/QĐ-TTg), moved to a working day of the
  agency's calendar. Written only by `services.flag_for_review` and closed by
  `services.resolve_review`; the processes app raises flags from the catalogue's `procedure_changed`
  signal, and other apps (external documents) reuse the same table and services.
"""

import datetime
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eiso.core.text import vi_fold
from eiso.processes.design import ProcessDesign
from eiso.processes.querysets import InternalProcessQuerySet, ProcessVersionQuerySet, ReviewFlagQuerySet


class ProcessStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SUBMITTED = "submitted", _("Chờ phê duyệt")
    APPROVED = "approved", _("Đã phê duyệt")
    IN_FORCE = "in_force", _("Đang áp dụng")
    SUPERSEDED = "superseded", _("Đã được thay thế")


# Versions whose content can no longer change.
FROZEN_STATUSES = {ProcessStatus.APPROVED, ProcessStatus.IN_FORCE, ProcessStatus.SUPERSEDED}


class InternalProcess(models.Model):
    """Quy trình nội bộ: the identity of an agency's process for one or several procedures."""

    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="internal_processes",
    )
    code = models.CharField(_("mã quy trình"), max_length=50)
    name = models.CharField(_("tên quy trình"), max_length=500)
    procedures = models.ManyToManyField(
        "procedures.Procedure",
        verbose_name=_("thủ tục hành chính"),
        related_name="internal_processes",
        blank=True,
        help_text=_("bản sao danh sách thủ tục của phiên bản mới nhất, để lọc và tìm kiếm"),
    )
    latest_version = models.ForeignKey(
        "ProcessVersion",
        verbose_name=_("phiên bản mới nhất"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    current_version = models.ForeignKey(
        "ProcessVersion",
        verbose_name=_("phiên bản ban hành gần nhất"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("phiên bản được đưa vào áp dụng gần nhất (có thể áp dụng từ một ngày sau)"),
    )
    search_text = models.CharField(max_length=1200, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InternalProcessQuerySet.as_manager()

    class Meta:
        verbose_name = _("quy trình nội bộ")
        verbose_name_plural = _("quy trình nội bộ")
        ordering = ["agency_id", "code"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="process_unique_code")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("processes:detail", args=[self.pk])

    def refresh_search_text(self, procedure_codes: list[str] | None = None) -> None:
        self.search_text = vi_fold(" ".join([self.code, self.name, *(procedure_codes or [])]))[:1200]


class ProcessVersion(models.Model):
    """Phiên bản quy trình: the design of one version and where it stands in the lifecycle."""

    process = models.ForeignKey(InternalProcess, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("lần ban hành"))
    status = models.CharField(
        _("tình trạng"), max_length=16, choices=ProcessStatus.choices, default=ProcessStatus.DRAFT
    )
    design = models.JSONField(_("thiết kế"), default=dict)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("sửa đổi từ phiên bản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    procedures = models.ManyToManyField(
        "procedures.Procedure",
        verbose_name=_("thủ tục hành chính"),
        related_name="process_versions",
        blank=True,
        help_text=_("các thủ tục phiên bản này áp dụng (độ bao phủ tính theo phiên bản đang áp dụng)"),
    )
    procedure_versions = models.ManyToManyField(
        "procedures.ProcedureVersion",
        verbose_name=_("xây dựng theo phiên bản thủ tục"),
        related_name="+",
        blank=True,
    )
    planned_hours = models.DecimalField(
        _("thời gian theo nhánh dài nhất (giờ)"), max_digits=9, decimal_places=2
    )
    limit_hours = models.DecimalField(
        _("thời hạn theo quy định (giờ)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    error_count = models.PositiveSmallIntegerField(_("số lỗi"), default=0)
    warning_count = models.PositiveSmallIntegerField(_("số cảnh báo"), default=0)
    change_note = models.TextField(_("nội dung sửa đổi"), blank=True)
    valid_from = models.DateField(_("áp dụng từ"), null=True, blank=True)
    valid_to = models.DateField(
        _("áp dụng đến"), null=True, blank=True, help_text=_("ngày cuối cùng áp dụng")
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enacted_at = models.DateTimeField(null=True, blank=True)
    enacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ProcessVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("phiên bản quy trình")
        verbose_name_plural = _("phiên bản quy trình")
        ordering = ["process_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["process", "number"], name="process_version_unique_number"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="process_version_range_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_from", "valid_to"], name="process_version_force_idx")
        ]

    def __str__(self):
        return f"{self.design.get('code', '')} — {self.label}".strip(" —")

    @property
    def label(self) -> str:
        """ "02": how the published header reads the version (lần ban hành)."""
        return f"{self.number:02d}"

    @cached_property
    def design_obj(self) -> ProcessDesign:
        return ProcessDesign.from_dict(self.design)

    @property
    def is_draft(self) -> bool:
        return self.status == ProcessStatus.DRAFT

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    @property
    def is_valid(self) -> bool:
        return self.error_count == 0

    @property
    def planned_text(self) -> str:
        """ "7,5 giờ" (Vietnamese decimal comma)."""
        from eiso.processes.design.text import format_hours

        return format_hours(self.planned_hours)

    @property
    def limit_text(self) -> str:
        from eiso.processes.design.text import format_hours

        return format_hours(self.limit_hours) if self.limit_hours is not None else "—"

    @property
    def overrun_hours(self) -> Decimal | None:
        if self.limit_hours is None or self.planned_hours <= self.limit_hours:
            return None
        return self.planned_hours - self.limit_hours

    def covers(self, day: datetime.date) -> bool:
        """In force on `day` (put in force, and `day` within its validity)."""
        return (
            self.status in (ProcessStatus.IN_FORCE, ProcessStatus.SUPERSEDED)
            and self.valid_from is not None
            and self.valid_from <= day
            and (self.valid_to is None or self.valid_to >= day)
        )


class ReviewReason(models.TextChoices):
    NEW_PROCEDURE_VERSION = "new_version", _("Thủ tục có phiên bản mới")
    LEGAL_BASIS_REPLACED = "legal_basis_replaced", _("Văn bản căn cứ bị thay thế")
    EXTERNAL_DOCUMENT = "external_document", _("Văn bản bên ngoài thay đổi")
    OTHER = "other", _("Lý do khác")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("Cần rà soát")
    RESOLVED = "resolved", _("Đã rà soát")


class ReviewFlag(models.Model):
    """Cần rà soát: an object of `agency` must be reviewed by `due_date` because of a legal change.

    Generic (content type + object id) so that every kind of QMS object uses the same watch; at most one
    open flag per object, reason, legal reference and effective date (raising it again changes nothing).
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("đối tượng"), max_length=255)
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="review_flags",
    )
    reason = models.CharField(_("lý do"), max_length=32, choices=ReviewReason.choices)
    legal_reference = models.CharField(_("căn cứ thay đổi"), max_length=255)
    detail = models.TextField(_("nội dung"), blank=True)
    effective_date = models.DateField(_("ngày thay đổi có hiệu lực"))
    due_date = models.DateField(_("hạn rà soát"))
    status = models.CharField(
        _("tình trạng"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    created_at = models.DateTimeField(_("thời điểm đánh dấu"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("thời điểm rà soát xong"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người rà soát"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution = models.TextField(_("kết quả rà soát"), blank=True)

    objects = ReviewFlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("yêu cầu rà soát")
        verbose_name_plural = _("yêu cầu rà soát")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "reason", "legal_reference", "effective_date"],
                condition=Q(status="open"),
                name="review_flag_one_open",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("effective_date")), name="review_flag_due_after_change"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="review_flag_status_due_idx"),
            models.Index(fields=["content_type", "object_id"], name="review_flag_target_idx"),
        ]

    def __str__(self):
        return f"{self.object_repr}: {self.legal_reference}"

    @property
    def is_open(self) -> bool:
        return self.status == ReviewStatus.OPEN

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.is_open and self.due_date < (today or datetime.date.today())

    def days_left(self, today: datetime.date | None = None) -> int:
        return (self.due_date - (today or datetime.date.today())).days
