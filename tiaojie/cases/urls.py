from django.urls import path

from tiaojie.cases import views

app_name = "cases"
urlpatterns = [
    path("todo/", views.todo, name="todo"),
]
