"""The effective-dated agency tree (cây cơ quan, đơn vị).

`Agency` is the stable identity of a body or internal unit: memberships, audit events and every
domain record point at it, so a rename does not break them. Each `AgencyVersion` holds the
names, type, parent and codes valid over a date range; a rename or a move creates a new version
and closes the previous one, so history is never rewritten. `Agency` also keeps a copy of its
current version (and a materialized `path` of identities) so that lists and scope filters are
one indexed query; `eiso.organizations.services` keeps the copy in step.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eiso.core.text import vi_fold
from eiso.organizations.querysets import AgencyQuerySet, AgencyVersionQuerySet, OversightScopeQuerySet

PATH_STEP = 8  # digits per level of `path`: "00000012/00000345/"
DISTRICT_ABOLISHED = datetime.date(2025, 7, 1)


class AgencyKind(models.TextChoices):
    MINISTRY = "ministry", _("Bộ")
    MINISTRY_LEVEL = "ministry_level", _("Cơ quan ngang bộ")
    MINISTRY_DEPARTMENT = "ministry_department", _("Cục, vụ, tổng cục thuộc bộ")
    PROVINCE = "province", _("Tỉnh, thành phố trực thuộc trung ương")
    PROVINCIAL_DEPARTMENT = "provincial_department", _("Sở, ngành cấp tỉnh")
    PROVINCIAL_OFFICE = "provincial_office", _("Văn phòng UBND tỉnh")
    PROVINCIAL_SERVICE_CENTRE = "provincial_service_centre", _("Trung tâm phục vụ hành chính công tỉnh")
    COMMUNE = "commune", _("Xã")
    WARD = "ward", _("Phường")
    SPECIAL_ZONE = "special_zone", _("Đặc khu")
    COMMUNE_OFFICE = "commune_office", _("Phòng, văn phòng thuộc UBND xã")
    COMMUNE_SERVICE_CENTRE = "commune_service_centre", _("Trung tâm phục vụ hành chính công xã")
    INTERNAL_UNIT = "internal_unit", _("Phòng, đơn vị nội bộ")
    DISTRICT = "district", _("Huyện (chỉ dữ liệu lịch sử)")
    OTHER = "other", _("Khác")


PROVINCE_KINDS = {AgencyKind.PROVINCE}
COMMUNE_KINDS = {AgencyKind.COMMUNE, AgencyKind.WARD, AgencyKind.SPECIAL_ZONE}


class AgencyFields(models.Model):
    """The attributes an agency has at a point in time (shared by identity copy and versions)."""

    name = models.CharField(_("tên cơ quan"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    kind = models.CharField(_("loại"), max_length=32, choices=AgencyKind.choices)
    admin_code = models.CharField(_("mã đơn vị hành chính"), max_length=5, blank=True, db_index=True)
    electronic_id = models.CharField(_("mã định danh điện tử"), max_length=35, blank=True, db_index=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=50, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    website = models.URLField(_("trang thông tin"), blank=True)

    class Meta:
        abstract = True


class Agency(AgencyFields):
    """Cơ quan, đơn vị: the stable identity, with a copy of its current version for fast reads."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # COLLATE "C" on PostgreSQL (migration 0002): re-apply it if this field is ever altered.
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    search_text = models.CharField(max_length=400, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["path"]
        indexes = [models.Index(fields=["kind", "path"], name="agency_kind_path_idx")]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        today = datetime.date.today()
        return self.valid_from <= today and (self.valid_to is None or self.valid_to >= today)

    def refresh_search_text(self) -> None:
        self.search_text = vi_fold(
            " ".join(filter(None, [self.name, self.short_name, self.admin_code, self.electronic_id]))
        )[:400]


class AgencyVersion(AgencyFields):
    """Phiên bản của cơ quan: what the agency was called, where it sat and its codes over [valid_from, valid_to]."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="versions")
    parent = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(
        _("hiệu lực đến"), null=True, blank=True, help_text=_("ngày cuối cùng còn hiệu lực")
    )
    change_reason = models.CharField(_("lý do thay đổi"), max_length=255, blank=True)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgencyVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("phiên bản cơ quan")
        verbose_name_plural = _("lịch sử cơ quan")
        ordering = ["agency_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "valid_from"], name="agency_version_unique_start"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="agency_version_range_valid",
            ),
        ]
        indexes = [models.Index(fields=["valid_from", "valid_to"], name="agency_version_range_idx")]

    def __str__(self):
        end = self.valid_to.strftime("%d/%m/%Y") if self.valid_to else "…"
        return f"{self.name} ({self.valid_from:%d/%m/%Y}–{end})"

    def covers(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class SuccessionKind(models.TextChoices):
    MERGER = "merger", _("Hợp nhất, sáp nhập")
    SPLIT = "split", _("Chia, tách")
    TRANSFER = "transfer", _("Chuyển giao chức năng")


class AgencySuccession(models.Model):
    """Kế thừa: agency `predecessor` ended and `successor` took over its duties on `effective_date`."""

    predecessor = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="successions_out")
    successor = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="successions_in")
    kind = models.CharField(_("hình thức"), max_length=16, choices=SuccessionKind.choices)
    effective_date = models.DateField(_("ngày hiệu lực"))
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("kế thừa cơ quan")
        verbose_name_plural = _("kế thừa cơ quan")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="agency_succession_unique"),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="agency_succession_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor} ({self.effective_date:%d/%m/%Y})"


class OversightScope(models.Model):
    """Phạm vi theo dõi: `overseer` (e.g. a provincial Department of S&T) oversees the subtree under `root`."""

    overseer = models.ForeignKey(
        Agency, verbose_name=_("cơ quan theo dõi"), on_delete=models.PROTECT, related_name="oversight_scopes"
    )
    root = models.ForeignKey(
        Agency, verbose_name=_("phạm vi (cây con)"), on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    objects = OversightScopeQuerySet.as_manager()

    class Meta:
        verbose_name = _("phạm vi theo dõi")
        verbose_name_plural = _("phạm vi theo dõi")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="oversight_scope_range_valid",
            )
        ]

    def __str__(self):
        return f"{self.overseer} ⟶ {self.root}"
