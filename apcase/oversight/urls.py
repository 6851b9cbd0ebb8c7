from django.urls import path

from apcase.core.spreadsheets import download_paths

from . import views

app_name = "oversight"

urlpatterns = [
    path("board/", views.board, name="board"),
    path("outcomes/", views.outcomes_page, name="outcomes"),
    path("outcomes/<slug:figure>.csv", views.outcomes_export, name="outcomes_export"),
    *download_paths(
        "board", views.board_export, csv_name="board_export", xlsx_name="board_export_xlsx"
    ),
]
