from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("board/", views.board, name="board"),
]
