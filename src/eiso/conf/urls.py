from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("eiso.api.urls")),
    path("tai-khoan/", include("eiso.accounts.urls")),
    path("co-quan/", include("eiso.organizations.urls")),
    path("", include("eiso.web.urls")),
]
