from django.urls import path

from eiso.calendars import views

app_name = "calendars"
urlpatterns = [
    path("", views.calendar_home, name="home"),
    path("<int:year>/", views.year_view, name="year"),
    path("<int:year>/tinh-trang/", views.year_status_form, name="year_status"),
    path("tinh-han/", views.deadline_calculator, name="calculator"),
    path("ngay/them/", views.entry_form, name="entry_add"),
    path("ngay/<int:pk>/sua/", views.entry_form, name="entry_edit"),
    path("ngay/<int:pk>/xoa/", views.entry_delete, name="entry_delete"),
    path("nhap/", views.import_form, name="import"),
    path("gio-lam-viec/<int:agency_pk>/", views.schedule_form, name="schedule"),
    path("nhap/mau/<str:name>", views.sample_file, name="sample"),
    path("tinh-lai/", views.change_list, name="changes"),
    path("tinh-lai/<int:pk>/", views.change_detail, name="change"),
]
