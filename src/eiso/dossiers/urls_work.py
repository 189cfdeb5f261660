"""URL patterns of the dossier pages: work (included by eiso.dossiers.urls)."""

urlpatterns: list = []
