"""Home page (the user's scope) and the audit history."""

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from eiso.accounts.models import User
from eiso.accounts.scope import scope_for
from eiso.core.display import VERB_LABELS, decorate
from eiso.core.models import AuditEvent
from eiso.organizations.forms import DATE_WIDGET, _style
from eiso.organizations.models import Agency


@login_required
def home(request):
    user = request.user
    visible = Agency.objects.visible_to(user).active_on()
    context = {
        "roots": Agency.objects.visible_roots(user).active_on().with_counts().order_by("kind", "name"),
        "agency_count": visible.count(),
        "user_count": User.objects.visible_to(user).filter(is_active=True).count(),
        "memberships": user.memberships.active_on().select_related("agency", "role"),
        "everything": scope_for(user).everything,
    }
    return render(request, "web/home.html", context)


class AuditFilterForm(forms.Form):
    verb = forms.ChoiceField(
        label=_("Hành động"),
        required=False,
        choices=[("", _("Tất cả hành động"))] + list(VERB_LABELS.items()),
    )
    q = forms.CharField(label=_("Đối tượng"), required=False)
    since = forms.DateField(label=_("Từ ngày"), required=False, widget=DATE_WIDGET)
    until = forms.DateField(label=_("Đến ngày"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


@login_required
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.visible_to(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["verb"]:
            events = events.filter(verb=data["verb"])
        if data["q"]:
            events = events.filter(object_repr__icontains=data["q"])
        if data["since"]:
            events = events.filter(occurred_at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(occurred_at__date__lte=data["until"] or datetime.date.today())
    page = Paginator(events.order_by("-id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/audit_list.html",
        {"form": form, "page": page, "events": decorate(page.object_list), "query": query.urlencode()},
    )
