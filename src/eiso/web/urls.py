from django.urls import path

from eiso.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("nhat-ky/", views.audit_list, name="audit"),
]
