from django.urls import path

from apcase.core.spreadsheets import download_paths

from . import views

app_name = "oversight"

urlpatterns = [
    path("board/", views.board, name="board"),
    *download_paths(
        "board", views.board_export, csv_name="board_export", xlsx_name="board_export_xlsx"
    ),
]
