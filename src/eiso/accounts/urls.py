from django.contrib.auth import views as auth_views
from django.urls import path

from eiso.accounts import views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path("quen-mat-khau/", views.PasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", views.password_reset_done, name="password_reset_done"),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("ho-so/", views.profile, name="profile"),
    path("chuyen-co-quan/", views.switch_agency, name="switch_agency"),
    path("nguoi-dung/", views.user_list, name="users"),
    path("nguoi-dung/them/", views.user_create, name="user_create"),
    path("nguoi-dung/<int:pk>/", views.user_detail, name="user_detail"),
    path("nguoi-dung/<int:pk>/giao-vai-tro/", views.membership_grant, name="membership_grant"),
    path("nguoi-dung/<int:pk>/trang-thai/", views.user_set_active, name="user_set_active"),
    path("vai-tro/<int:pk>/thu-hoi/", views.membership_end, name="membership_end"),
]
