from django.urls import path

from tiaojie.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("case/<int:pk>/nominate/", views.nominate, name="nominate"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/return/", views.send_back, name="return"),
]
