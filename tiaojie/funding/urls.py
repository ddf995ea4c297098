from django.urls import path

from tiaojie.funding import views

app_name = "funding"
urlpatterns = [
    path("", views.index, name="index"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/approve/", views.run_approve, name="run_approve"),
    path("runs/<int:pk>/recompute/", views.run_recompute, name="run_recompute"),
    path("runs/<int:pk>/discard/", views.run_discard, name="run_discard"),
    path("runs/<int:pk>/export.xlsx", views.run_export, name="run_export"),
    path("standards/", views.standards, name="standards"),
    path("budgets/", views.budgets, name="budgets"),
    path("budgets/export.xlsx", views.budget_export, name="budget_export"),
]
