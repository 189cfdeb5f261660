from django.urls import include, path

from eiso.dossiers.views.lookup import dossier_lookup

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("eiso.api.urls")),
    path("tai-khoan/", include("eiso.accounts.urls")),
    path("co-quan/", include("eiso.organizations.urls")),
    path("lich/", include("eiso.calendars.urls")),
    path("thu-tuc/", include("eiso.procedures.urls")),
    path("quy-trinh/", include("eiso.processes.urls")),
    path("tai-lieu/", include("eiso.documents.urls")),
    path("ho-so/", include("eiso.dossiers.urls")),
    path("tra-cuu-ho-so/", dossier_lookup, name="dossier-lookup"),
    path("thong-bao/", include("eiso.notifications.urls")),
    path("", include("eiso.web.urls")),
]
