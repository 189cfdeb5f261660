from django.urls import path

from eiso.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.register, name="register"),
    path("them/", views.document_create, name="create"),
    path("mo-hinh-khung/", views.start_kit, name="start_kit"),
    path("can-doc/", views.my_documents, name="mine"),
    path("den-han-soat-xet/", views.reviews_due, name="reviews_due"),
    path("danh-so/", views.numbering, name="numbering"),
    path("danh-so/<str:kind>/", views.numbering_edit, name="numbering_edit"),
    path("ben-ngoai/", views.external_list, name="external"),
    path("ben-ngoai/them/", views.external_create, name="external_create"),
    path("ben-ngoai/nhap/", views.external_import, name="external_import"),
    path("ben-ngoai/<int:pk>/thay-the/", views.external_replace, name="external_replace"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/sua/", views.document_edit, name="edit"),
    path("<int:pk>/tai-len/", views.version_upload, name="upload"),
    path("<int:pk>/soan-thao/", views.document_lock, name="lock"),
    path("<int:pk>/thu-hoi/", views.document_withdraw, name="withdraw"),
    path("<int:pk>/phan-phoi/", views.document_distribute, name="distribute"),
    path("<int:pk>/de-nghi-sua-doi/", views.change_request_raise, name="change_request"),
    path("de-nghi/<int:pk>/xu-ly/", views.change_request_decide, name="change_decide"),
    path("phien-ban/<int:pk>/ky/<str:step>/", views.version_sign, name="sign"),
    path("phien-ban/<int:pk>/tra-lai/", views.version_return, name="return"),
    path("phien-ban/<int:pk>/ban-hanh/", views.version_issue, name="issue"),
    path("phien-ban/<int:pk>/da-doc/", views.version_acknowledge, name="acknowledge"),
    path("phien-ban/<int:pk>/tai-ve/", views.version_download, name="download"),
    path("phien-ban/<int:pk>/xem/", views.version_preview, name="preview"),
]
