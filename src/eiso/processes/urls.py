from django.urls import path

from eiso.processes import views

app_name = "processes"
urlpatterns = [
    path("", views.process_list, name="list"),
    path("them/", views.process_create, name="create"),
    path("ra-soat/", views.review_list, name="reviews"),
    path("ra-soat/<int:pk>/da-ra-soat/", views.review_resolve, name="review_resolve"),
    path("<int:pk>/", views.process_detail, name="detail"),
    path("<int:pk>/sua/", views.process_edit, name="edit"),
    path("<int:pk>/xoa/", views.process_delete, name="delete"),
    path("<int:pk>/phien-ban-moi/", views.new_version, name="new_version"),
    path("phien-ban/<int:vid>/bang-buoc/", views.editor, name="editor"),
    path("phien-ban/<int:vid>/thong-tin/", views.header_edit, name="header"),
    path("phien-ban/<int:vid>/buoc/them/", views.step_add, name="step_add"),
    path("phien-ban/<int:vid>/buoc/kiem-tra/", views.step_preview, name="step_preview"),
    path("phien-ban/<int:vid>/buoc/<int:number>/", views.step_edit, name="step_edit"),
    path("phien-ban/<int:vid>/buoc/<int:number>/xoa/", views.step_delete, name="step_delete"),
    path("phien-ban/<int:vid>/trinh/", views.version_submit, name="submit"),
    path("phien-ban/<int:vid>/tra-lai/", views.version_return, name="return"),
    path("phien-ban/<int:vid>/phe-duyet/", views.version_approve, name="approve"),
    path("phien-ban/<int:vid>/ban-hanh/", views.version_enact, name="enact"),
    path("phien-ban/<int:vid>/so-sanh/", views.version_diff, name="diff"),
    path("phien-ban/<int:vid>/tai/<str:file_format>/", views.version_download, name="download"),
]
