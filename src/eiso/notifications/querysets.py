"""Read logic of notifications. Visibility rule: a notification is seen by its recipient only — not by
administrators, not by the recipient's superiors (an inbox is personal; what it points at is checked by
the page it links to)."""

from django.db import models
from django.db.models import ExpressionWrapper, Q


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient_id=user.pk)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def inbox_order(self):
        """Unread first, then newest first."""
        unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=models.BooleanField())
        return self.order_by(unread.desc(), "-created_at", "-id")
