"""Trang thông báo: the signed-in person's own notifications. Thin: own rows → service → page or htmx partial.

Another person's notification answers 404, like any object outside the scope.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eiso.notifications import services
from eiso.notifications.models import Notification

PAGE_SIZE = 30


def _own(request, pk) -> Notification:
    return get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)


@login_required
def notification_list(request):
    """Unread first, newest first; `?chua-doc=1` shows only the unread ones."""
    only_unread = request.GET.get("chua-doc") == "1"
    rows = Notification.objects.visible_to(request.user).select_related("agency")
    if only_unread:
        rows = rows.unread()
    page = Paginator(rows.inbox_order(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "only_unread": only_unread, "query": "chua-doc=1&" if only_unread else ""},
    )


@login_required
def notification_open(request, pk):
    """Open the object a notification points at, marking it read on the way."""
    notification = services.mark_read(actor=request.user, notification=_own(request, pk))
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read(request, pk):
    notification = services.mark_read(actor=request.user, notification=_own(request, pk))
    if request.htmx:
        # The row in its read state, and the bell's new count out of band.
        unread = Notification.objects.visible_to(request.user).unread().count()
        return render(request, "notifications/partials/row_read.html", {"n": notification, "unread": unread})
    messages.success(request, _("Đã đánh dấu là đã đọc."))
    return redirect(_back(request))


@login_required
@require_POST
def notification_read_all(request):
    count = services.mark_all_read(actor=request.user)
    if count:
        messages.success(request, _("Đã đánh dấu %(count)s thông báo là đã đọc.") % {"count": count})
    else:
        messages.info(request, _("Không còn thông báo nào chưa đọc."))
    return redirect(_back(request))


def _back(request) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "notifications:list"
