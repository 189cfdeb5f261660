"""URL patterns of the dossier pages: work (included by eiso.dossiers.urls)."""

from django.urls import path

from eiso.dossiers.views import work

urlpatterns = [
    path("", work.dossier_list, name="list"),
    path("tiep-nhan/", work.receive, name="receive"),
    path("tiep-nhan/thanh-phan/", work.receive_checklist, name="receive_checklist"),
    path("viec-cua-toi/", work.inbox, name="inbox"),
    path("hen-lai-do-doi-lich/", work.moved, name="moved"),
    path("<int:pk>/", work.detail, name="detail"),
    path("<int:pk>/tiep-nhan-du/", work.receive_completed, name="receive_completed"),
    path("<int:pk>/yeu-cau-bo-sung/", work.request_supplement, name="request_supplement"),
    path("<int:pk>/nhan-bo-sung/", work.supplement_received, name="supplement_received"),
    path("<int:pk>/hen-lai/", work.extend, name="extend"),
    path("<int:pk>/hen-lai/xem-truoc/", work.extend_preview, name="extend_preview"),
    path("<int:pk>/tu-choi/", work.refuse, name="refuse"),
    path("<int:pk>/dung/", work.stop, name="stop"),
    path("<int:pk>/rut/", work.withdraw, name="withdraw"),
    path("<int:pk>/tra-ket-qua/", work.return_result, name="return_result"),
    path("<int:pk>/ket-thuc/", work.finish, name="finish"),
    path("viec/<int:item_pk>/nhan/", work.claim, name="claim"),
    path("viec/<int:item_pk>/hoan-thanh/", work.complete, name="complete"),
    path("viec/<int:item_pk>/tra-lai/", work.return_step, name="return_step"),
    path("viec/<int:item_pk>/chuyen/", work.forward, name="forward"),
    path("viec/<int:item_pk>/lay-y-kien/", work.consult, name="consult"),
    path("viec/<int:item_pk>/tra-loi/", work.answer, name="answer"),
]
