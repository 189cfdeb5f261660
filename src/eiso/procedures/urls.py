from django.urls import path

from eiso.procedures import views

app_name = "procedures"
urlpatterns = [
    path("", views.procedure_list, name="list"),
    path("bao-phu/", views.coverage, name="coverage"),
    path("co-quan/<int:agency_pk>/", views.agency_catalogue, name="agency"),
    path("giao/<int:pk>/ket-thuc/", views.assignment_end, name="assignment_end"),
    path("nhap/", views.import_page, name="import"),
    path("nhap/<int:pk>/", views.import_job, name="import_job"),
    path("nhap/<int:pk>/tien-do/", views.import_job_progress, name="import_progress"),
    path("xuat/", views.export, name="export"),
    path("phien-ban/<int:pk>/cong-bo/", views.version_publish, name="publish"),
    path("van-ban/<int:pk>/thay-the/", views.document_replace, name="document_replace"),
    path("<str:code>/", views.procedure_detail, name="detail"),
]
