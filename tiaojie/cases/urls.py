from django.urls import path

from tiaojie.cases import views

app_name = "cases"
urlpatterns = [
    path("todo/", views.todo, name="todo"),
    path("", views.case_list, name="list"),
    path("export.xlsx", views.export, name="export"),
    path("register/", views.register, name="register"),
    path("register/preview/", views.intake_preview, name="intake_preview"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/parties/<int:party_pk>/unmask/", views.unmask, name="unmask"),
    path("<int:pk>/act/<slug:name>/", views.act, name="act"),
    path("<int:pk>/correct/", views.correct, name="correct"),
]
