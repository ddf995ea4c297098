from django.urls import path

from tiaojie.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.org_list, name="list"),
    path("<int:pk>/", views.org_detail, name="detail"),
    path("mediators/", views.mediator_list, name="mediators"),
    path("mediators/export.xlsx", views.mediator_export, name="mediator_export"),
    path("mediators/<int:pk>/", views.mediator_detail, name="mediator_detail"),
    path("import/", views.import_view, name="import"),
    path("import/template/<str:what>.xlsx", views.import_template, name="import_template"),
]
