from django.urls import path

from tiaojie.public import views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("guide/", views.guide, name="guide"),
    path("offices/", views.offices, name="offices"),
    path("captcha.png", views.captcha_image, name="captcha"),
    path("apply/", views.apply_phone, name="apply"),
    path("apply/verify/", views.apply_verify, name="apply_verify"),
    path("apply/form/", views.apply_form, name="apply_form"),
    path("apply/help/", views.apply_help, name="apply_help"),
    path("apply/done/", views.apply_done, name="apply_done"),
    path("track/", views.track, name="track"),
    path("track/verify/", views.track_verify, name="track_verify"),
    path("c/<str:code>/", views.case, name="case"),
    path("c/<str:code>/doc/<str:kind>/", views.document, name="document"),
    path("c/<str:code>/sign/", views.sign, name="sign"),
    path("c/<str:code>/rate/", views.rate, name="rate"),
    path("staff/<int:pk>/sign-ready/", views.sign_ready, name="sign_ready"),
    path("staff/<int:pk>/schedule/", views.schedule, name="schedule"),
]
