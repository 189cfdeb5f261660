"""`{% notification_bell %}`: the bell in the top bar with the unread count (one indexed COUNT query)."""

from django import template

from eiso.notifications.models import Notification

register = template.Library()


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.visible_to(user).unread().count()


@register.inclusion_tag("notifications/partials/bell.html", takes_context=True)
def notification_bell(context):
    user = context.get("user")
    return {"unread": unread_count(user), "oob": False}
