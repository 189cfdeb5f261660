"""Core tables that belong to no domain: the append-only audit trail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("AuditEvent is append-only")

    def delete(self):
        raise TypeError("AuditEvent is append-only")

    def visible_to(self, user):
        from eiso.core.querysets import audit_events_visible_to

        return audit_events_visible_to(self, user)

    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """Nhật ký kiểm tra (audit event): one row per change, hash-chained, never updated or deleted.

    Written by `eiso.core.audit.record_event` inside the service's transaction. `hash` covers
    every other column plus `prev_hash` (`chain` is checked by the links instead), so altering,
    deleting or inserting a row out of band breaks the chain that `eiso audit verify` walks. There are
    several chains (`chain`), each linked on its own, so that writers on different database sessions
    do not queue on one lock (docs/decisions/0021).
    """

    occurred_at = models.DateTimeField(_("thời điểm"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("tên người thực hiện"), max_length=150, blank=True)
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # covered by audit_agency_time_idx
        related_name="+",
    )
    verb = models.CharField(_("hành động"), max_length=64)
    object_type = models.CharField(_("loại đối tượng"), max_length=100)
    object_id = models.CharField(_("mã đối tượng"), max_length=64)
    object_repr = models.CharField(_("đối tượng"), max_length=255, blank=True)
    before = models.JSONField(_("trước"), null=True, blank=True)
    after = models.JSONField(_("sau"), null=True, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    request_id = models.CharField(_("mã yêu cầu"), max_length=64, blank=True)
    ip_address = models.CharField(_("địa chỉ IP"), max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # Which chain the event links into; the database default keeps rows written out of band in chain 0.
    chain = models.PositiveSmallIntegerField(_("chuỗi"), default=0, db_default=0)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("nhật ký hệ thống")
        ordering = ["-id"]
        # Constraints and indexes declared here (not unique=/db_index= on the fields) so PostgreSQL
        # gets no extra varchar_pattern_ops "LIKE" indexes, which nothing uses (docs/benchmarks.md).
        constraints = [models.UniqueConstraint(fields=["hash"], name="audit_hash_unique")]
        indexes = [
            models.Index(fields=["verb"], name="audit_verb_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["agency", "-occurred_at"], name="audit_agency_time_idx"),
            models.Index(fields=["chain", "-id"], name="audit_chain_head_idx"),  # a chain's head
        ]

    def __str__(self):
        return f"{self.occurred_at:%d/%m/%Y %H:%M} {self.verb} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("AuditEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("AuditEvent is append-only")
