"""/ho-so/: dossier pages. Each area keeps its patterns in its own module (one owner each)."""

from eiso.dossiers import urls_printing, urls_reports, urls_work

app_name = "dossiers"
urlpatterns = [*urls_work.urlpatterns, *urls_printing.urlpatterns, *urls_reports.urlpatterns]
