"""Dossiers under the one-stop mechanism (hồ sơ TTHC, cơ chế một cửa), domain.md §4–5.

- `Dossier` (hồ sơ) — one application of a citizen or business: applicant, procedure, case and channel,
  pinned to the procedure version and the internal-process version in force at reception; its legal
  clock is a `calendars.ClockRecord` (the appointment is `clock.due_at`, kept current by the calendar's
  recompute after a calendar change). `status` follows `eiso.dossiers.machine`.
- `DossierComponent` (thành phần hồ sơ) — the checklist ticked at the counter.
- `DossierFile` — scanned files and the result file (checked from content like every upload).
- `WorkItem` (việc xử lý) — one step of the internal process for this dossier, assigned to a role in a
  unit or to a person; consultation sub-tasks (lấy ý kiến) are work items with a `parent`.
- `HandOver` (bàn giao) — append-only: every hand-over between steps (form 06 rows), with working time
  allotted and used and early / on time / late.
- `TrackingBook` / `BookEntry` (sổ theo dõi hồ sơ, form 07) — per receiving unit and year, continuous
  numbering, locked after the year ends.
- `DailySerial` — the per-agency, per-day counter behind dossier codes (unique under concurrency).
- `IdempotencyKey` — an API client's `Idempotency-Key`, so a retried reception never makes two dossiers.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eiso.dossiers import machine
from eiso.dossiers.querysets import DossierQuerySet, HandOverQuerySet, WorkItemQuerySet


class Status(models.TextChoices):
    COUNTER_SUPPLEMENT = "counter_supplement", _("Yêu cầu bổ sung tại quầy")
    COUNTER_REFUSED = "counter_refused", _("Từ chối tiếp nhận")
    PROCESSING = "processing", _("Đang xử lý")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Chờ bổ sung")
    RESULT_READY = "result_ready", _("Đã có kết quả")
    RETURNED = "returned", _("Đã trả kết quả")
    REFUSED = "refused", _("Từ chối giải quyết")
    STOPPED = "stopped", _("Dừng xử lý")
    WITHDRAWN = "withdrawn", _("Rút hồ sơ")


assert set(Status.values) == set(machine.STATES)


class Channel(models.TextChoices):
    """Submission channels, the same codes as `procedures.Channel` (time limits and fees follow them)."""

    DIRECT = "direct", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POSTAL = "postal", _("Dịch vụ bưu chính")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    ORGANISATION = "organisation", _("Tổ chức, doanh nghiệp")


class Timeliness(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class Risk(models.TextChoices):
    NONE = "", _("Trong hạn")
    AT_RISK = "at_risk", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")


class ReturnMethod(models.TextChoices):
    COUNTER = "counter", _("Tại bộ phận một cửa")
    POSTAL = "postal", _("Qua dịch vụ bưu chính")
    ONLINE = "online", _("Trực tuyến")


class Dossier(models.Model):
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan giải quyết"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    receiving_unit = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("bộ phận tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="received_dossiers",
    )
    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True)
    lookup_secret = models.CharField(_("mã tra cứu"), max_length=12)
    procedure = models.ForeignKey(
        "procedures.Procedure", verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="dossiers"
    )
    procedure_version = models.ForeignKey(
        "procedures.ProcedureVersion",
        verbose_name=_("phiên bản thủ tục"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    process_version = models.ForeignKey(
        "processes.ProcessVersion",
        verbose_name=_("quy trình nội bộ"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    case_name = models.CharField(_("trường hợp"), max_length=1000, blank=True)
    channel = models.CharField(_("cách thức nộp"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("trạng thái"), max_length=24, choices=Status.choices, db_index=True)

    applicant_kind = models.CharField(
        _("loại người nộp"), max_length=16, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    applicant_name = models.CharField(_("người nộp / tổ chức"), max_length=255)
    applicant_id_number = models.CharField(_("số định danh / mã số thuế"), max_length=20, blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    applicant_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)

    sets = models.PositiveSmallIntegerField(_("số bộ hồ sơ"), default=1)
    fee_amount = models.DecimalField(_("phí, lệ phí"), max_digits=14, decimal_places=0, default=0)
    fee_note = models.CharField(_("ghi chú phí, lệ phí"), max_length=255, blank=True)
    missing_note = models.TextField(_("giấy tờ cần bổ sung"), blank=True)
    refusal_reason = models.TextField(_("lý do từ chối"), blank=True)

    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), db_index=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tiếp nhận"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    clock = models.OneToOneField(
        "calendars.ClockRecord",
        verbose_name=_("thời hạn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossier",
    )
    original_appointment_at = models.DateTimeField(_("ngày hẹn ban đầu"), null=True, blank=True)
    current_step = models.CharField(_("bước hiện tại"), max_length=255, blank=True)
    risk = models.CharField(_("cảnh báo"), max_length=8, choices=Risk.choices, default="", blank=True)

    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    supplement_requested_at = models.DateTimeField(null=True, blank=True)
    extended_at = models.DateTimeField(_("thời điểm xin lỗi, hẹn lại"), null=True, blank=True)
    extension_reason = models.TextField(_("lý do chậm"), blank=True)

    settled_at = models.DateTimeField(_("thời điểm có kết quả"), null=True, blank=True, db_index=True)
    timeliness = models.CharField(
        _("kết quả đúng hạn"), max_length=8, choices=Timeliness.choices, blank=True, db_index=True
    )
    # Written when the dossier is settled, so the reports do not add up its hand-overs row by row.
    work_seconds = models.PositiveIntegerField(
        _("thời gian làm việc của các bước (giây)"),
        null=True,
        blank=True,
        help_text=_("Tổng thời gian làm việc các bước xử lý đã dùng, ghi khi hồ sơ có kết quả."),
    )
    # Also written when settled (and when the result is returned): Circular 01/2018's index 2 per dossier.
    worst_hand_over = models.CharField(
        _("bàn giao chậm nhất"),
        max_length=8,
        choices=Timeliness.choices,
        blank=True,
        help_text=_("Quá hạn nếu có lần bàn giao quá hạn, đúng hạn nếu có lần đúng hạn, còn lại trước hạn."),
    )
    result_number = models.CharField(_("số văn bản kết quả"), max_length=100, blank=True)
    result_summary = models.TextField(_("kết quả giải quyết"), blank=True)
    returned_at = models.DateTimeField(_("thời điểm trả kết quả"), null=True, blank=True)
    returned_to = models.CharField(_("người nhận kết quả"), max_length=255, blank=True)
    return_method = models.CharField(
        _("hình thức trả"), max_length=8, choices=ReturnMethod.choices, blank=True
    )
    closed_reason = models.TextField(_("lý do dừng / rút"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    search_text = models.CharField(max_length=600, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["agency", "received_at"], name="dossier_agency_received_idx"),
            models.Index(fields=["agency", "settled_at"], name="dossier_agency_settled_idx"),
            models.Index(
                fields=["agency", "status"],
                condition=Q(status__in=["processing", "supplement_requested"]),
                name="dossier_open_idx",
            ),
        ]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("dossiers:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in machine.OPEN_STATES

    @property
    def appointment_at(self):
        """Ngày hẹn trả kết quả: the clock's current due moment (extended, moved by pauses)."""
        return self.clock.due_at if self.clock_id else None

    @property
    def allowed_actions(self) -> tuple[str, ...]:
        return machine.allowed_actions(self.status)


class DossierComponent(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="components")
    name = models.TextField(_("tên giấy tờ"))
    original = models.BooleanField(_("bản chính"), default=False)
    quantity = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    received = models.BooleanField(_("đã nhận"), default=True)
    required = models.BooleanField(_("bắt buộc"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["dossier_id", "order", "pk"]

    def __str__(self):
        return self.name


class FileRole(models.TextChoices):
    SCAN = "scan", _("Bản chụp hồ sơ")
    SUPPLEMENT = "supplement", _("Hồ sơ bổ sung")
    RESULT = "result", _("Kết quả giải quyết")
    WORK = "work", _("Tài liệu xử lý")


class DossierFile(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="files")
    role = models.CharField(_("loại"), max_length=12, choices=FileRole.choices, default=FileRole.SCAN)
    file = models.FileField(_("tệp"), upload_to="dossiers/%Y/%m/")
    file_name = models.CharField(_("tên tệp"), max_length=255)
    media_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("tệp hồ sơ")
        verbose_name_plural = _("tệp hồ sơ")
        ordering = ["dossier_id", "pk"]

    def __str__(self):
        return self.file_name


class WorkStatus(models.TextChoices):
    OPEN = "open", _("Chờ xử lý")
    DONE = "done", _("Đã xong")
    CANCELLED = "cancelled", _("Đã hủy")


class Outcome(models.TextChoices):
    DONE = "done", _("Hoàn thành")
    AGREED = "agreed", _("Đồng ý")
    NOT_AGREED = "not_agreed", _("Không đồng ý")
    RETURNED = "returned", _("Trả lại bước trước")
    FORWARDED = "forwarded", _("Chuyển người khác")
    SUPPLEMENT = "supplement", _("Yêu cầu bổ sung")
    CANCELLED = "cancelled", _("Hủy")


class StepKind(models.TextChoices):
    TASK = "task", _("Xử lý")
    APPROVAL = "approval", _("Phê duyệt")
    CONSULTATION = "consultation", _("Lấy ý kiến")
    RETURN = "return_to_applicant", _("Trả kết quả")


class WorkItem(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="work_items")
    agency = models.ForeignKey(
        "organizations.Agency", on_delete=models.PROTECT, related_name="+", help_text=_("cơ quan của hồ sơ")
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="consultations"
    )
    step_number = models.PositiveSmallIntegerField(_("bước"))
    step_name = models.CharField(_("tên bước"), max_length=500)
    kind = models.CharField(_("loại bước"), max_length=24, choices=StepKind.choices, default=StepKind.TASK)
    owner_label = models.CharField(_("đơn vị / người thực hiện"), max_length=500, blank=True)
    role_code = models.CharField(_("vai trò xử lý"), max_length=32)
    unit = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("đơn vị xử lý"),
        on_delete=models.PROTECT,
        related_name="work_items",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="work_items",
    )
    consulted_body = models.CharField(_("cơ quan được lấy ý kiến"), max_length=255, blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=WorkStatus.choices, default=WorkStatus.OPEN
    )
    allotted_hours = models.DecimalField(_("thời gian (giờ làm việc)"), max_digits=7, decimal_places=2)
    started_at = models.DateTimeField(_("nhận lúc"))
    due_at = models.DateTimeField(_("hạn xử lý"))
    at_risk_at = models.DateTimeField(_("cảnh báo từ"))
    risk = models.CharField(_("cảnh báo"), max_length=8, choices=Risk.choices, default="", blank=True)
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(_("kết quả"), max_length=12, choices=Outcome.choices, blank=True)
    used_seconds = models.PositiveIntegerField(_("thời gian đã dùng (giây làm việc)"), null=True, blank=True)
    timeliness = models.CharField(_("đúng hạn"), max_length=8, choices=Timeliness.choices, blank=True)
    note = models.TextField(_("ý kiến xử lý"), blank=True)

    objects = WorkItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("việc xử lý")
        verbose_name_plural = _("việc xử lý")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["assignee", "due_at"], condition=Q(status="open"), name="workitem_mine_idx"),
            models.Index(
                fields=["unit", "role_code", "due_at"],
                condition=Q(status="open", assignee__isnull=True),
                name="workitem_pool_idx",
            ),
            models.Index(fields=["dossier", "status"], name="workitem_dossier_idx"),
        ]

    def __str__(self):
        return f"{self.dossier.code} — {self.step_name}"

    @property
    def is_open(self) -> bool:
        return self.status == WorkStatus.OPEN


class HandOverAction(models.TextChoices):
    RECEIVE = "receive", _("Tiếp nhận")
    COMPLETE = "complete", _("Chuyển bước tiếp theo")
    RETURN = "return", _("Trả lại bước trước")
    FORWARD = "forward", _("Chuyển người xử lý")
    CONSULT = "consult", _("Gửi lấy ý kiến")
    ANSWER = "answer", _("Trả lời ý kiến")
    SUPPLEMENT = "supplement", _("Yêu cầu bổ sung")
    RESUME = "resume", _("Nhận hồ sơ bổ sung")
    FINISH = "finish", _("Có kết quả")
    RETURN_RESULT = "return_result", _("Trả kết quả")
    CLOSE = "close", _("Kết thúc")


class HandOver(models.Model):
    """Form 06 row: the dossier passed from one holder to the next. Never changed after it is written."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="hand_overs")
    work_item = models.ForeignKey(
        WorkItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="hand_overs"
    )
    action = models.CharField(_("hành động"), max_length=16, choices=HandOverAction.choices)
    from_label = models.CharField(_("bên giao"), max_length=500)
    to_label = models.CharField(_("bên nhận"), max_length=500, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    given_at = models.DateTimeField(_("thời gian giao"))
    received_at = models.DateTimeField(_("thời gian nhận"))
    allotted_seconds = models.PositiveIntegerField(_("thời gian được giao"), null=True, blank=True)
    used_seconds = models.PositiveIntegerField(_("thời gian đã dùng"), null=True, blank=True)
    timeliness = models.CharField(_("kết quả"), max_length=8, choices=Timeliness.choices, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    objects = HandOverQuerySet.as_manager()

    class Meta:
        verbose_name = _("bàn giao hồ sơ")
        verbose_name_plural = _("bàn giao hồ sơ")
        ordering = ["dossier_id", "given_at", "pk"]

    def __str__(self):
        return f"{self.dossier_id}: {self.from_label} → {self.to_label}"


class TrackingBook(models.Model):
    """Sổ theo dõi hồ sơ (form 07) of one receiving unit for one year; `last_number` is its counter."""

    unit = models.ForeignKey("organizations.Agency", on_delete=models.PROTECT, related_name="tracking_books")
    year = models.PositiveSmallIntegerField(_("năm"))
    last_number = models.PositiveIntegerField(_("số cuối"), default=0)
    locked_at = models.DateTimeField(_("khóa sổ lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("sổ theo dõi hồ sơ")
        verbose_name_plural = _("sổ theo dõi hồ sơ")
        ordering = ["unit_id", "-year"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="tracking_book_unique")]

    def __str__(self):
        return f"{self.unit} — {self.year}"


class BookEntry(models.Model):
    book = models.ForeignKey(TrackingBook, on_delete=models.PROTECT, related_name="entries")
    number = models.PositiveIntegerField(_("số thứ tự"))
    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="book_entry")

    class Meta:
        verbose_name = _("dòng sổ theo dõi")
        verbose_name_plural = _("dòng sổ theo dõi")
        ordering = ["book_id", "number"]
        constraints = [models.UniqueConstraint(fields=["book", "number"], name="book_entry_number_unique")]

    def __str__(self):
        return f"{self.book} #{self.number}"


class DailySerial(models.Model):
    agency = models.ForeignKey("organizations.Agency", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="daily_serial_unique")]

    def __str__(self):
        return f"{self.agency_id} {self.day}: {self.last}"


class IdempotencyKey(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    dossier = models.ForeignKey(Dossier, null=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")]

    def __str__(self):
        return self.key
