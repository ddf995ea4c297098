from django.urls import path

from tiaojie.warnings import views

app_name = "warnings"
urlpatterns = [
    path("", views.center, name="center"),
    path("<int:pk>/", views.detail, name="detail"),
    path("case/<int:pk>/risk/", views.case_risk, name="case_risk"),
    path("case/<int:pk>/escalate/", views.escalate, name="escalate"),
    path("case/<int:pk>/prevention/", views.case_prevention, name="case_prevention"),
    path("supervision/", views.supervision, name="supervision"),
    path("supervision/<int:pk>/", views.escalation_detail, name="escalation"),
]
