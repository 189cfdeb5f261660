"""Users, roles and memberships (thành viên): who works where, in which role, for how long."""

import datetime

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from eiso.accounts.querysets import MembershipQuerySet, UserQuerySet
from eiso.core.text import vi_fold


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """Người dùng. Logs in by username or e-mail; `full_name` is the Vietnamese full name."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True, db_index=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    search_text = models.CharField(max_length=400, blank=True, db_index=True, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        ordering = ["username"]

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        # Vietnamese names are kept whole in `full_name` (first/last name order does not fit them).
        return self.full_name or super().get_full_name()

    def save(self, *args, **kwargs):
        self.search_text = vi_fold(f"{self.full_name} {self.username} {self.email}")[:400]
        super().save(*args, **kwargs)


class Role(models.Model):
    """Vai trò. Seeded by a migration from `eiso.accounts.roles.ROLE_DEFINITIONS`."""

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name_vi = models.CharField(_("tên tiếng Việt"), max_length=150)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=150)
    read_only = models.BooleanField(_("chỉ xem"), default=False)

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        ordering = ["id"]

    def __str__(self):
        return self.name_en if translation.get_language() == "en" else self.name_vi


class Membership(models.Model):
    """Thành viên: a user holds a role in an agency or unit (and, optionally, all its sub-units) for a period."""

    user = models.ForeignKey(
        User, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan, đơn vị"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.ForeignKey(
        Role, verbose_name=_("vai trò"), on_delete=models.PROTECT, related_name="memberships"
    )
    include_descendants = models.BooleanField(_("gồm cả đơn vị trực thuộc"), default=True)
    valid_from = models.DateField(_("hiệu lực từ"), default=datetime.date.today)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("thành viên")
        verbose_name_plural = _("thành viên")
        ordering = ["agency__path", "user__username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="membership_range_valid",
            )
        ]
        indexes = [models.Index(fields=["user", "valid_from", "valid_to"], name="membership_user_idx")]

    def __str__(self):
        return f"{self.user} — {self.role} — {self.agency}"

    def is_active_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)
