"""Printing pages: the one-stop forms of a dossier (mẫu 01–06) and the tracking books (mẫu 07), DOCX/PDF.

Thin: find the dossier through `Dossier.objects.visible_to` (a book through the scope of its unit), ask
`eiso.dossiers.printing` for the file. A form that does not apply is a 404 page that says why; an object
outside the user's scope is a plain 404. `?set=tt01-2018` prints the 2018 set instead of EISO_FORM_SET.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eiso.accounts.scope import scope_for
from eiso.core.views import run_action
from eiso.dossiers import printing, rules, services
from eiso.dossiers.models import Dossier, TrackingBook


def _unavailable(request, message: str, back: str = ""):
    return render(request, "dossiers/forms/unavailable.html", {"message": message, "back": back}, status=404)


def _file(content: bytes, file_name: str, media_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def visible_book(user, pk) -> TrackingBook:
    """A tracking book is visible when its receiving unit is in the user's scope."""
    book = get_object_or_404(TrackingBook.objects.select_related("unit", "unit__parent"), pk=pk)
    if not scope_for(user).contains(book.unit):
        raise Http404
    return book


@login_required
def form(request, pk, number, fmt):
    """GET /ho-so/<pk>/mau/<so>.<docx|pdf>: one form of a dossier."""
    dossier = get_object_or_404(
        Dossier.objects.visible_to(request.user).select_related(
            "agency", "receiving_unit", "receiving_unit__parent", "procedure", "clock", "received_by"
        ),
        pk=pk,
    )
    try:
        content, file_name, media_type = printing.render_form(
            dossier, number, fmt, form_set=request.GET.get("set") or None
        )
    except printing.FormUnavailable as exc:
        return _unavailable(request, exc.message, dossier.get_absolute_url())
    return _file(content, file_name, media_type)


@login_required
def book(request, pk, fmt):
    """GET /ho-so/so-theo-doi/<pk>.<docx|pdf>: the tracking book (form 07) of one unit and year."""
    tracking_book = visible_book(request.user, pk)
    try:
        form_set = printing.get_form_set(request.GET.get("set") or None)
        content, file_name, media_type = printing.render_form(
            tracking_book, form_set.numbers["book"], fmt, form_set=form_set.key
        )
    except printing.FormUnavailable as exc:
        return _unavailable(request, exc.message)
    return _file(content, file_name, media_type)


@login_required
def books(request):
    """Sổ theo dõi hồ sơ: the books of the active agency (and the units under it) by year."""
    scope = scope_for(request.user)
    queryset = TrackingBook.objects.filter(scope.agency_q("unit__")).select_related("unit")
    agency = getattr(request, "active_agency", None)
    if agency:
        queryset = queryset.filter(unit__path__startswith=agency.path)
    this_year = timezone.localdate().year
    rows = []
    for tracking_book in queryset.order_by("-year", "unit__path"):
        rows.append(
            {
                "book": tracking_book,
                "lockable": tracking_book.locked_at is None
                and tracking_book.year < this_year
                and (
                    rules.is_head(request.user, tracking_book.unit)
                    or rules.can_receive(request.user, tracking_book.unit)
                ),
            }
        )
    form_set = printing.get_form_set()
    return render(
        request,
        "dossiers/books.html",
        {"rows": rows, "agency": agency, "form_set": form_set, "book_number": form_set.numbers["book"]},
    )


@login_required
@require_POST
def book_lock(request, pk):
    tracking_book = visible_book(request.user, pk)
    run_action(
        request,
        services.lock_book,
        _("Đã khóa sổ theo dõi hồ sơ năm %(year)s của %(unit)s.")
        % {"year": tracking_book.year, "unit": tracking_book.unit.name},
        actor=request.user,
        book=tracking_book,
    )
    return redirect("dossiers:books")
