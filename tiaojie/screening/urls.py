from django.urls import path

from tiaojie.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.home, name="home"),
    path("file/", views.file_round, name="file"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/add/", views.add_finding, name="add_finding"),
    path("hazards/", views.hazard_list, name="hazards"),
    path("hazards/<int:pk>/", views.hazard_detail, name="hazard"),
    path("reminders/", views.reminders, name="reminders"),
    path("board/", views.board, name="board"),
]
