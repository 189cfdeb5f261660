from django.urls import path

from eiso.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.agency_list, name="list"),
    path("<int:pk>/", views.agency_detail, name="detail"),
    path("<int:pk>/con/", views.agency_children, name="children"),
    path("<int:parent_pk>/them/", views.agency_create, name="create"),
    path("<int:pk>/thay-doi/", views.agency_change, name="change"),
    path("<int:pk>/lien-he/", views.agency_contacts, name="contacts"),
    path("<int:pk>/ket-thuc/", views.agency_dissolve, name="dissolve"),
    path("<int:pk>/pham-vi-theo-doi/", views.oversight_grant, name="oversight_grant"),
    path("pham-vi-theo-doi/<int:pk>/ket-thuc/", views.oversight_end, name="oversight_end"),
]
