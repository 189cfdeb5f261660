"""URL patterns of the dossier pages: reports (included by eiso.dossiers.urls)."""

urlpatterns: list = []
