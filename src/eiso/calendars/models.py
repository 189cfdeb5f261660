"""The working calendar as data (lịch làm việc) and the stored legal clocks (đồng hồ thời hạn).

The arithmetic lives in the pure module `eiso.calendars.clock`; these tables hold what administrators
maintain — special days with their legal reference, which years have an official schedule, each
agency's working hours — and the clocks whose due moments must follow the calendar when it changes.
`eiso.calendars.adapter.calendar_for` turns the rows into a `WorkingCalendar`.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eiso.calendars.clock import DEFAULT_RECEPTION_CUTOFF, WEEKMASK_MON_FRI
from eiso.calendars.querysets import CalendarChangeQuerySet, CalendarEntryQuerySet, ClockRecordQuerySet


class EntryKind(models.TextChoices):
    HOLIDAY = "holiday", _("Ngày lễ, Tết")
    COMPENSATORY_DAY_OFF = "compensatory_day_off", _("Ngày nghỉ bù")
    SWAPPED_DAY_OFF = "swapped_day_off", _("Ngày nghỉ hoán đổi")
    SWAPPED_WORKING_DAY = "swapped_working_day", _("Ngày làm việc bù")


DAY_OFF_KINDS = {EntryKind.HOLIDAY, EntryKind.COMPENSATORY_DAY_OFF, EntryKind.SWAPPED_DAY_OFF}


class EntryScope(models.TextChoices):
    NATIONAL = "national", _("Toàn quốc")
    PROVINCE = "province", _("Tỉnh, thành phố")
    AGENCY = "agency", _("Cơ quan, đơn vị")


class CalendarEntry(models.Model):
    """Ngày đặc biệt: a holiday, a day off or a swapped working day, with its legal reference.

    National entries (no agency) apply everywhere; an entry of an agency (a province, or any body)
    applies to it and to every agency under it, and replaces a national or higher entry of the same
    date — so a province can also cancel a day off by declaring the date a working day.
    """

    date = models.DateField(_("ngày"), db_index=True)
    kind = models.CharField(_("loại ngày"), max_length=32, choices=EntryKind.choices)
    name_vi = models.CharField(_("tên tiếng Việt"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    legal_reference = models.CharField(_("căn cứ pháp lý"), max_length=500, blank=True)
    scope = models.CharField(
        _("phạm vi"), max_length=16, choices=EntryScope.choices, default=EntryScope.NATIONAL
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan, địa phương"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calendar_entries",
    )
    estimated = models.BooleanField(
        _("ước tính"),
        default=False,
        help_text=_("nạp từ thư viện holidays, chưa đối chiếu văn bản chính thức"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CalendarEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ngày đặc biệt")
        verbose_name_plural = _("lịch nghỉ, làm việc bù")
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"], condition=Q(agency__isnull=True), name="calendar_entry_unique_national"
            ),
            models.UniqueConstraint(fields=["date", "agency"], name="calendar_entry_unique_agency"),
            models.CheckConstraint(
                condition=(Q(scope="national") & Q(agency__isnull=True))
                | (Q(scope__in=["province", "agency"]) & Q(agency__isnull=False)),
                name="calendar_entry_scope_agency",
            ),
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.name_vi}"

    @property
    def is_day_off(self) -> bool:
        return self.kind != EntryKind.SWAPPED_WORKING_DAY


class YearStatus(models.TextChoices):
    OFFICIAL = "official", _("Chính thức")
    ESTIMATED = "estimated", _("Ước tính")


class CalendarYear(models.Model):
    """Năm lịch: whether a year's national schedule is official (announced) or still an estimate.

    A year without a row is an estimate, and every deadline that touches it says so.
    """

    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    status = models.CharField(
        _("tình trạng"), max_length=16, choices=YearStatus.choices, default=YearStatus.ESTIMATED
    )
    legal_reference = models.CharField(_("căn cứ pháp lý"), max_length=500, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("năm lịch")
        verbose_name_plural = _("năm lịch")
        ordering = ["year"]

    def __str__(self):
        return f"{self.year} ({self.get_status_display()})"


class WorkSchedule(models.Model):
    """Giờ làm việc của cơ quan: working periods, working week and reception cut-off.

    Applies to the agency and to the agencies under it that have none of their own; without any,
    the national defaults hold (08:00–12:00, 13:00–17:00, Monday–Friday, cut-off 15:00).
    """

    agency = models.OneToOneField(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="work_schedule",
    )
    morning_start = models.TimeField(_("sáng bắt đầu"), default=datetime.time(8))
    morning_end = models.TimeField(_("sáng kết thúc"), default=datetime.time(12))
    afternoon_start = models.TimeField(_("chiều bắt đầu"), null=True, blank=True, default=datetime.time(13))
    afternoon_end = models.TimeField(_("chiều kết thúc"), null=True, blank=True, default=datetime.time(17))
    weekmask = models.CharField(
        _("ngày làm việc trong tuần"),
        max_length=7,
        default=WEEKMASK_MON_FRI,
        help_text=_("7 ký tự 0/1 từ thứ Hai đến Chủ nhật, ví dụ 1111100"),
    )
    reception_cutoff = models.TimeField(
        _("giờ tiếp nhận cuối"),
        null=True,
        blank=True,
        default=DEFAULT_RECEPTION_CUTOFF,
        help_text=_("hồ sơ nhận từ giờ này được tính từ ngày làm việc tiếp theo; để trống nếu không áp dụng"),
    )
    legal_reference = models.CharField(_("căn cứ"), max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("giờ làm việc")
        verbose_name_plural = _("giờ làm việc")

    def __str__(self):
        return f"{self.agency}: {self.describe()}"

    def periods(self) -> tuple[tuple[datetime.time, datetime.time], ...]:
        morning = (self.morning_start, self.morning_end)
        if self.afternoon_start and self.afternoon_end:
            return (morning, (self.afternoon_start, self.afternoon_end))
        return (morning,)

    def describe(self) -> str:
        return ", ".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in self.periods())


class CalendarVersion(models.Model):
    """One row whose token changes with every calendar change, in the same transaction.

    Each process caches the calendars it built and checks this token (see `adapter.calendar_for`);
    a random token rather than a counter, so a rolled-back change never reuses a value.
    """

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("phiên bản lịch")

    def __str__(self):
        return self.token


class ClockState(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa bắt đầu")
    RUNNING = "running", _("Đang tính")
    PAUSED = "paused", _("Tạm dừng")
    STOPPED = "stopped", _("Đã dừng")
    FINISHED = "finished", _("Đã hoàn thành")


OPEN_STATES = {ClockState.RUNNING, ClockState.PAUSED}


class ClockRecord(models.Model):
    """Đồng hồ thời hạn đã lưu: a `LegalClock` (its `to_dict()` in `state`) for one dossier or step.

    `state` is the clock as of its last event: its limit and events are the history; the moments
    that depend on the calendar (counting start, due moment) are computed again on the agency's
    current calendar whenever the clock is loaded (`services.load_clock`). `due_at` is the current
    due moment — kept in step by the services and by the recomputation that follows a calendar
    change — and `status`, `is_open`, `period_opened_at` and the limit are copies for queries.
    `plain` says the due moment is just the limit added to `period_opened_at` (no pause, reset or
    extension, and the calendar's own reception cut-off), which lets many clocks be recomputed at once
    with numpy. `cutoff` is a procedure's own reception cut-off, applied whenever the clock is loaded.
    """

    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clock_records",
        help_text=_("lịch của cơ quan này được dùng; để trống: lịch toàn quốc"),
    )
    subject = models.CharField(_("đối tượng"), max_length=255, help_text=_("ví dụ mã hồ sơ, bước xử lý"))
    state = models.JSONField(_("trạng thái"))
    status = models.CharField(_("tình trạng"), max_length=16, choices=ClockState.choices)
    is_open = models.BooleanField(_("đang mở"), default=True)
    amount = models.FloatField(_("thời hạn"))
    unit = models.CharField(_("đơn vị"), max_length=16)
    mode = models.CharField(_("cách tính"), max_length=8)
    plain = models.BooleanField(default=True)
    period_opened_at = models.DateTimeField(_("bắt đầu kỳ tính"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn"), null=True, blank=True)
    estimated = models.BooleanField(_("ước tính"), default=False)
    cutoff = models.TimeField(
        _("giờ chốt tiếp nhận riêng"),
        null=True,
        blank=True,
        help_text=_("của thủ tục, thay cho giờ chốt của lịch cơ quan; trống: theo lịch"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClockRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("đồng hồ thời hạn")
        verbose_name_plural = _("đồng hồ thời hạn")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(is_open=True), name="clock_open_due_idx"),
            models.Index(
                fields=["agency", "due_at"], condition=Q(is_open=True), name="clock_open_agency_idx"
            ),
        ]

    def __str__(self):
        return self.subject


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ")
    RUNNING = "running", _("Đang tính lại")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


class CalendarChange(models.Model):
    """Thay đổi lịch và kết quả tính lại hạn: what changed, and how many open deadlines moved.

    Written by the service that changed the calendar (status pending); the background task
    `recompute_calendar_change` fills in the counts. `dates` empty means every date (a change of
    working hours); `moved_ids` lists every clock whose due moment moved.
    """

    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thay đổi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("người thay đổi"), max_length=150, blank=True)
    summary = models.CharField(_("nội dung thay đổi"), max_length=500)
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("phạm vi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("để trống: toàn quốc"),
    )
    dates = models.JSONField(_("các ngày thay đổi"), default=list, blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=16, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    checked_count = models.PositiveIntegerField(_("số hạn đã kiểm tra"), default=0)
    moved_count = models.PositiveIntegerField(_("số hạn thay đổi"), default=0)
    moved_ids = models.JSONField(_("đồng hồ có hạn thay đổi"), default=list, blank=True)
    moves_sample = models.JSONField(default=list, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("thay đổi lịch")
        verbose_name_plural = _("thay đổi lịch")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.summary

    @property
    def date_list(self) -> list[datetime.date]:
        return [datetime.date.fromisoformat(d) for d in self.dates]
