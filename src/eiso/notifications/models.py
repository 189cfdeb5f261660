"""Thông báo: in-app notifications (the bell in the top bar, page /thong-bao/), also sent by e-mail.

- `Notification` (thông báo) — one message to one person: what happened (`kind`, `title`, `body`), a
  link to the object (`url`), the agency it concerns, when it was read and when it was e-mailed. `key`
  names the event that caused it; (recipient, key) is unique, so a scheduled job that runs again (or
  twice at once) never notifies anyone twice about the same thing.

Other apps never write rows here directly: they call `eiso.notifications.services.notify`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eiso.notifications.querysets import NotificationQuerySet


class Notification(models.Model):
    """Thông báo gửi tới một người. Only `read_at` and the e-mail's state change after it is written."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # covered by notification_unique_key (recipient first)
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Namespaced like audit verbs: "documents.review_due", "dossiers.overdue".
    kind = models.CharField(_("loại thông báo"), max_length=64)
    title = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    # A path inside eISO (/tai-lieu/12/) or a full address; not a URLField, which refuses paths.
    url = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    key = models.CharField(_("khoá chống trùng"), max_length=200)
    created_at = models.DateTimeField(_("thời điểm tạo"), default=timezone.now)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("đã gửi thư lúc"), null=True, blank=True)
    # Whether it is to go by e-mail (asked for, and the recipient had an address); with `emailed_at`
    # empty it is still owed, and `eiso notifications send` tries again, at most EMAIL_ATTEMPTS times.
    email_wanted = models.BooleanField(_("cần gửi thư"), default=False)
    email_failures = models.PositiveSmallIntegerField(_("số lần gửi thư lỗi"), default=0)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_unique_key")]
        indexes = [
            # The bell's count and the top of the page: one person's unread rows, newest first.
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
            # The e-mails still owed: few rows, read by every `eiso notifications send`.
            models.Index(
                fields=["created_at"],
                condition=Q(email_wanted=True, emailed_at__isnull=True),
                name="notification_email_owed_idx",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
