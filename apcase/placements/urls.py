from django.urls import URLPattern

app_name = "placements"

urlpatterns: list[URLPattern] = []
