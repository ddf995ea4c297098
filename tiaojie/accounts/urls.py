from django.urls import path

from tiaojie.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/otp/", views.otp_step, name="otp"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("security/", views.security, name="security"),
    path("security/otp/remove/", views.otp_remove, name="otp_remove"),
    path("audit/", views.audit, name="audit"),
]
