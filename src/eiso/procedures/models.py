"""The catalogue of administrative procedures (thủ tục hành chính, TTHC) and which agency settles which.

Shaped like the national TTHC database (shared/docs/domain.md §8, §10), canonical + versions:

- `Procedure` (thủ tục hành chính) — the stable identity, looked up by its national `code`
  (e.g. ``1.001193``). Other apps point at it (an internal process, a dossier). It keeps a copy of its
  current version's name, levels, online level and completeness, and a folded `search_text`, so that
  lists, filters and search are one query on one table; `eiso.procedures.services` keeps the copy in step.
- `ProcedureVersion` (phiên bản thủ tục) — the content as announced by one announcement decision
  (quyết định công bố): unique per (procedure, `decision_number`), with a lifecycle
  draft → published → superseded and the validity dates [`valid_from`, `valid_to`]. Publishing a new
  version closes the one before (`valid_to` = the day before) and marks it superseded; history is never
  rewritten. A dossier is pinned to the version in force on the day it was received
  (`ProcedureVersion.objects.in_force(day)`).

  Per channel (nộp trực tiếp / trực tuyến / bưu chính) a version has one `ProcedureChannel` with the
  time limit (`time_value` + `time_unit` in the legal clock's units, `counting_mode`, reception
  `cutoff`) and its `ProcedureFee` rows (phí / lệ phí). `version.time_limits` gives them as a
  ``{channel: TimeLimit}`` dict — the structure the process designer and the dossier clock read.
  Cases (trường hợp) hold dossier components (thành phần hồ sơ). Legal bases point at shared
  `LegalDocument` rows (one per document number), so "this law was replaced" is one fact that reaches
  every version citing it (see `eiso.procedures.signals.procedure_changed`).
- `AgencyProcedure` (danh mục TTHC của cơ quan) — agency X settles procedure P over a date range.
  Coverage of the QMS scope = the share of an agency's procedures with an approved internal process in
  force (`eiso.procedures.querysets.coverage_for`).
- `ProcedureImport` — one import job (file, progress, errors), updated by a background task.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eiso.core.text import vi_fold
from eiso.procedures.querysets import (
    AgencyProcedureQuerySet,
    ProcedureImportQuerySet,
    ProcedureQuerySet,
    ProcedureVersionQuerySet,
)


class ProcedureLevel(models.TextChoices):
    MINISTRY = "ministry", _("Cấp bộ")
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")
    OTHER = "other", _("Cơ quan khác")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Trực tuyến toàn trình")
    PARTIAL = "partial", _("Trực tuyến một phần")
    NONE = "none", _("Không trực tuyến")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    PUBLISHED = "published", _("Đang áp dụng")
    SUPERSEDED = "superseded", _("Đã được thay thế")


class Channel(models.TextChoices):
    DIRECT = "direct", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POSTAL = "postal", _("Dịch vụ bưu chính")


class TimeUnit(models.TextChoices):
    """The legal clock's units (`eiso.calendars.clock.UNITS`)."""

    WORKING_DAYS = "working_days", _("ngày làm việc")
    WORKING_HOURS = "working_hours", _("giờ làm việc")
    CALENDAR_DAYS = "calendar_days", _("ngày")
    MONTHS = "months", _("tháng")


class CountingMode(models.TextChoices):
    """The legal clock's modes: whole days, or working hours (8 a day)."""

    DAYS = "days", _("theo ngày")
    HOURS = "hours", _("theo giờ làm việc")


class FeeKind(models.TextChoices):
    FEE = "fee", _("Phí")
    CHARGE = "charge", _("Lệ phí")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ")
    RUNNING = "running", _("Đang nhập")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Không nhập được")


# The components a TTHC must have to be "complete" (Decision 766/QĐ-TTg; domain.md §8), in display order.
MANDATORY_COMPONENTS = {
    "name": _("Tên thủ tục"),
    "steps": _("Trình tự thực hiện"),
    "method": _("Cách thức thực hiện"),
    "dossier": _("Thành phần hồ sơ"),
    "time_limit": _("Thời hạn giải quyết"),
    "subjects": _("Đối tượng thực hiện"),
    "implementing_body": _("Cơ quan thực hiện"),
}


class Sector(models.Model):
    """Lĩnh vực: the field a procedure belongs to (Hộ tịch, Đất đai, Xây dựng…), as coded nationally."""

    code = models.CharField(_("mã lĩnh vực"), max_length=64, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self):
        return self.name


class LegalDocument(models.Model):
    """Văn bản pháp luật làm căn cứ: one row per document number, shared by every version citing it.

    `replaced_by` / `replaced_on` record that a newer document replaces it from a day: the legal-change
    watch then flags every procedure in force that cites it.
    """

    number = models.CharField(_("số, ký hiệu"), max_length=100, unique=True)
    title = models.CharField(_("trích yếu"), max_length=500, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    effective_from = models.DateField(_("ngày có hiệu lực"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("được thay thế bởi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )
    replaced_on = models.DateField(_("ngày bị thay thế"), null=True, blank=True)

    class Meta:
        verbose_name = _("văn bản căn cứ")
        verbose_name_plural = _("văn bản căn cứ")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number} {self.title}".strip()


class Procedure(models.Model):
    """Thủ tục hành chính: the identity (national code) with a copy of its current version."""

    code = models.CharField(_("mã thủ tục"), max_length=50, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=1000)
    levels = models.CharField(
        _("cấp thực hiện"), max_length=64, blank=True, help_text=_("các cấp, cách nhau bởi dấu phẩy")
    )
    online_level = models.CharField(
        _("mức độ trực tuyến"), max_length=16, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    is_complete = models.BooleanField(_("đủ bộ phận cấu thành"), default=False)
    sector_names = models.CharField(_("lĩnh vực"), max_length=500, blank=True, editable=False)
    current_version = models.ForeignKey(
        "ProcedureVersion",
        verbose_name=_("phiên bản hiện hành"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    search_text = models.CharField(max_length=1200, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["online_level", "code"], name="procedure_online_code_idx"),
            models.Index(fields=["is_complete", "code"], name="procedure_complete_code_idx"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def level_list(self) -> list[str]:
        return [level for level in self.levels.split(",") if level]

    @property
    def level_labels(self) -> list[str]:
        return [
            str(ProcedureLevel(level).label) for level in self.level_list if level in ProcedureLevel.values
        ]

    def refresh_search_text(self, sector_names: list[str] | None = None) -> None:
        """Also keeps `sector_names`, the list pages' copy of the sectors (no join per page)."""
        self.sector_names = ", ".join(sector_names or [])[:500]
        self.search_text = vi_fold(" ".join([self.code, self.name, *(sector_names or [])]))[:1200]


@dataclass(frozen=True)
class TimeLimit:
    """Thời hạn giải quyết of one channel, in the legal clock's terms (`eiso.calendars.clock.add`)."""

    value: Decimal | None
    unit: str
    counting_mode: str
    cutoff: datetime.time | None
    description: str = ""

    @property
    def stated(self) -> bool:
        return self.value is not None


class ProcedureVersion(models.Model):
    """Phiên bản thủ tục: the procedure as announced by one decision, valid over [valid_from, valid_to]."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    status = models.CharField(
        _("tình trạng"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    decision_number = models.CharField(_("số quyết định công bố"), max_length=100)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decision_issuer = models.CharField(_("cơ quan công bố"), max_length=255, blank=True)
    valid_from = models.DateField(_("áp dụng từ"), null=True, blank=True)
    valid_to = models.DateField(
        _("áp dụng đến"), null=True, blank=True, help_text=_("ngày cuối cùng áp dụng")
    )

    name = models.CharField(_("tên thủ tục"), max_length=1000)
    levels = models.CharField(_("cấp thực hiện"), max_length=64, blank=True)
    sectors = models.ManyToManyField(Sector, verbose_name=_("lĩnh vực"), blank=True, related_name="versions")
    subjects = models.JSONField(_("đối tượng thực hiện"), default=list, blank=True)
    competent_bodies = models.JSONField(_("cơ quan có thẩm quyền"), default=list, blank=True)
    implementing_bodies = models.JSONField(_("cơ quan thực hiện"), default=list, blank=True)
    coordinating_bodies = models.JSONField(_("cơ quan phối hợp"), default=list, blank=True)
    receiving_places = models.JSONField(_("địa chỉ tiếp nhận hồ sơ"), default=list, blank=True)
    steps = models.JSONField(
        _("trình tự thực hiện"), default=list, blank=True, help_text=_("danh sách {name, description}")
    )
    requirements = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    results = models.JSONField(
        _("kết quả thực hiện"), default=list, blank=True, help_text=_("danh sách {code, name}")
    )
    online_level = models.CharField(
        _("mức độ trực tuyến"), max_length=16, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    legal_documents = models.ManyToManyField(
        LegalDocument, through="VersionLegalBasis", verbose_name=_("căn cứ pháp lý"), related_name="versions"
    )
    related_codes = models.JSONField(_("thủ tục liên quan"), default=list, blank=True)
    external_id = models.CharField(_("mã trên Cổng DVC quốc gia"), max_length=64, blank=True)
    source_updated_at = models.DateTimeField(_("cập nhật trên nguồn"), null=True, blank=True)

    content_hash = models.CharField(max_length=64, editable=False, blank=True)
    is_complete = models.BooleanField(_("đủ bộ phận cấu thành"), default=False)
    missing = models.JSONField(_("bộ phận còn thiếu"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ProcedureVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure_id", "valid_from", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "decision_number"], name="procedure_version_unique_decision"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="procedure_version_range_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_from", "valid_to"], name="procedure_version_force_idx")
        ]

    def __str__(self):
        return f"{self.procedure.code} — {self.decision_number}"

    @property
    def level_list(self) -> list[str]:
        return [level for level in self.levels.split(",") if level]

    @property
    def level_labels(self) -> list[str]:
        return [
            str(ProcedureLevel(level).label) for level in self.level_list if level in ProcedureLevel.values
        ]

    @property
    def time_limits(self) -> dict[str, TimeLimit]:
        """{channel: TimeLimit} — prefetch `channels` for a list."""
        return {
            c.channel: TimeLimit(c.time_value, c.time_unit, c.counting_mode, c.cutoff, c.description)
            for c in self.channels.all()
        }

    def covers(self, day: datetime.date) -> bool:
        return (
            self.status != VersionStatus.DRAFT
            and self.valid_from is not None
            and self.valid_from <= day
            and (self.valid_to is None or self.valid_to >= day)
        )

    @property
    def missing_labels(self) -> list[str]:
        return [str(MANDATORY_COMPONENTS[key]) for key in self.missing if key in MANDATORY_COMPONENTS]


class ProcedureChannel(models.Model):
    """Cách thức thực hiện: one submission channel of a version, with its time limit and fees."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="channels")
    channel = models.CharField(_("cách thức"), max_length=16, choices=Channel.choices)
    time_value = models.DecimalField(
        _("thời hạn"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("trống: không quy định"),
    )
    time_unit = models.CharField(
        _("đơn vị thời hạn"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    counting_mode = models.CharField(
        _("cách tính"), max_length=8, choices=CountingMode.choices, default=CountingMode.DAYS
    )
    cutoff = models.TimeField(
        _("giờ chốt tiếp nhận"),
        null=True,
        blank=True,
        help_text=_("hồ sơ nhận sau giờ này tính từ ngày làm việc tiếp theo; trống: theo lịch của cơ quan"),
    )
    description = models.TextField(_("mô tả thời hạn"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("cách thức thực hiện")
        verbose_name_plural = _("cách thức thực hiện")
        ordering = ["version_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "channel"], name="procedure_channel_unique"),
            models.CheckConstraint(
                condition=Q(time_value__isnull=True) | Q(time_value__gte=0),
                name="procedure_channel_time_positive",
            ),
        ]

    def __str__(self):
        return self.get_channel_display()

    @property
    def time_text(self) -> str:
        """ "15 ngày làm việc" — or "không quy định" when the announcement states no limit."""
        from eiso.procedures.records import format_number

        if self.time_value is None:
            return str(_("không quy định"))
        return f"{format_number(self.time_value)} {TimeUnit(self.time_unit).label}"


class ProcedureFee(models.Model):
    """Phí, lệ phí of one channel."""

    channel = models.ForeignKey(ProcedureChannel, on_delete=models.CASCADE, related_name="fees")
    kind = models.CharField(_("loại"), max_length=8, choices=FeeKind.choices, default=FeeKind.CHARGE)
    amount = models.DecimalField(_("mức thu"), max_digits=16, decimal_places=0, null=True, blank=True)
    currency = models.CharField(_("đơn vị tiền"), max_length=20, default="Đồng", blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["channel_id", "order"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount if self.amount is not None else ''}".strip()


class DossierCase(models.Model):
    """Trường hợp: a case of a version (e.g. "đăng ký đúng hạn", "đăng ký quá hạn") with its components."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="cases")
    name = models.CharField(_("trường hợp"), max_length=1000, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("trường hợp")
        verbose_name_plural = _("trường hợp")
        ordering = ["version_id", "order"]

    def __str__(self):
        return self.name


class DossierComponent(models.Model):
    """Thành phần hồ sơ: one document the applicant gives (originals, copies, form file, required)."""

    case = models.ForeignKey(DossierCase, on_delete=models.CASCADE, related_name="components")
    name = models.TextField(_("tên giấy tờ"))
    originals = models.PositiveSmallIntegerField(_("bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("bản sao"), default=0)
    required = models.BooleanField(_("bắt buộc"), default=True)
    form_name = models.CharField(_("mẫu đơn, tờ khai"), max_length=255, blank=True)
    form_url = models.CharField(_("đường dẫn mẫu"), max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["case_id", "order"]

    def __str__(self):
        return self.name


class VersionLegalBasis(models.Model):
    """Căn cứ pháp lý of a version, in the order announced."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="legal_bases")
    document = models.ForeignKey(LegalDocument, on_delete=models.PROTECT, related_name="citations")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("căn cứ pháp lý")
        verbose_name_plural = _("căn cứ pháp lý")
        ordering = ["version_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "document"], name="version_legal_basis_unique")
        ]

    def __str__(self):
        return f"{self.version_id}: {self.document_id}"


class AgencyProcedure(models.Model):
    """Danh mục TTHC của cơ quan: `agency` settles `procedure` over [valid_from, valid_to]."""

    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="procedure_assignments",
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="assignments"
    )
    valid_from = models.DateField(_("áp dụng từ"))
    valid_to = models.DateField(_("áp dụng đến"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgencyProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("thủ tục của cơ quan")
        verbose_name_plural = _("danh mục thủ tục của cơ quan")
        ordering = ["agency_id", "procedure_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "procedure", "valid_from"], name="agency_procedure_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="agency_procedure_range_valid",
            ),
        ]
        indexes = [models.Index(fields=["procedure", "agency"], name="agency_procedure_proc_idx")]

    def __str__(self):
        return f"{self.agency_id} ⟶ {self.procedure_id}"

    def is_active_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class ProcedureImport(models.Model):
    """Một lần nhập danh mục thủ tục: the uploaded file, the progress and, when it failed, every error."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    file_name = models.CharField(_("tệp"), max_length=255)
    file_format = models.CharField(_("định dạng"), max_length=8)
    payload = models.BinaryField(editable=False, null=True)
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total = models.PositiveIntegerField(_("số bản ghi"), default=0)
    processed = models.PositiveIntegerField(_("đã xử lý"), default=0)
    created_count = models.PositiveIntegerField(_("phiên bản mới"), default=0)
    updated_count = models.PositiveIntegerField(_("phiên bản cập nhật"), default=0)
    unchanged_count = models.PositiveIntegerField(_("không đổi"), default=0)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    message = models.TextField(_("thông báo"), blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ProcedureImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("lần nhập thủ tục")
        verbose_name_plural = _("các lần nhập thủ tục")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status in (ImportStatus.DONE, ImportStatus.FAILED) else 0
        return min(100, round(100 * self.processed / self.total))

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)
