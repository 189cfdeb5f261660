"""URL patterns of the dossier pages: reports (included by eiso.dossiers.urls)."""

from django.urls import path

from eiso.dossiers.views import reports

urlpatterns: list = [
    path("bao-cao/", reports.reports, name="reports"),
]
