from django.urls import path

from tiaojie.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report/", views.report, name="report"),
    path("report/submit/", views.submit, name="submit"),
    path("refresh/", views.refresh, name="refresh"),
    path("aggregates/", views.aggregates, name="aggregates"),
    path("assessment/", views.assessment_view, name="assessment"),
    path("records/", views.records, name="records"),
    path("screen/", views.screen, name="screen"),
    path("screen/data/", views.screen_data, name="screen_data"),
]
