"""The public typical-case library (典型案例库) at /gk/: no login, published cases only."""
from django.urls import path

from tiaojie.portal import public_views

app_name = "gk"
urlpatterns = [
    path("", public_views.index, name="index"),
    path("<int:pk>/", public_views.case, name="case"),
]
