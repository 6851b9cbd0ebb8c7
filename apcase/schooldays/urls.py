from django.urls import path

from . import views

app_name = "schooldays"

urlpatterns = [
    path("terms/", views.term_list, name="terms"),
    path("terms/add/", views.term_add, name="term_add"),
    path("terms/<int:term_id>/change/", views.term_edit, name="term_edit"),
    path("terms/<int:term_id>/remove/", views.term_remove, name="term_remove"),
    path("terms/closure-days/add/", views.la_closure_add, name="la_closure_add"),
    path(
        "terms/closure-days/<int:closure_id>/remove/",
        views.la_closure_remove,
        name="la_closure_remove",
    ),
    path("closure-days/", views.closure_list, name="closures"),
    path("closure-days/add/", views.closure_add, name="closure_add"),
    path("closure-days/<int:closure_id>/remove/", views.closure_remove, name="closure_remove"),
]
