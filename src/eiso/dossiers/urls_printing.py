"""URL patterns of the dossier pages: printing (included by eiso.dossiers.urls)."""

urlpatterns: list = []
