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
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/template/<str:what>.xlsx", views.import_template, name="import_template"),
    path("trainings/", views.training_list, name="trainings"),
    path("trainings/new/", views.training_edit, name="training_new"),
    path("trainings/shortfalls/", views.training_shortfalls, name="training_shortfalls"),
    path("trainings/shortfalls/export.xlsx", views.training_shortfall_export, name="training_shortfall_export"),
    path("trainings/<int:pk>/", views.training_detail, name="training"),
    path("trainings/<int:pk>/edit/", views.training_edit, name="training_edit"),
    path("trainings/<int:pk>/void/", views.training_void, name="training_void"),
    path("trainings/<int:pk>/attendance/<int:attendance_pk>/remove/", views.training_remove_attendee,
         name="training_remove_attendee"),
    path("honours/", views.honours, name="honours"),
    path("honours/export.xlsx", views.honours_export, name="honours_export"),
]
