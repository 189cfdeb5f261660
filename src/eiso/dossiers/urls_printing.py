"""URL patterns of the dossier pages: printing (included by eiso.dossiers.urls).

Form numbers follow the legal set in use (EISO_FORM_SET, or `?set=`): in tt03-2025 01–06 are dossier
forms and 07 the book; in tt01-2018 01–05 and 06.
"""

from django.urls import path, re_path

from eiso.dossiers.views import printing

urlpatterns = [
    re_path(r"^(?P<pk>\d+)/mau/(?P<number>\d{1,2})\.(?P<fmt>docx|pdf)$", printing.form, name="form"),
    path("so-theo-doi/", printing.books, name="books"),
    re_path(r"^so-theo-doi/(?P<pk>\d+)\.(?P<fmt>docx|pdf)$", printing.book, name="book"),
    path("so-theo-doi/<int:pk>/khoa/", printing.book_lock, name="book_lock"),
]
