from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("two-factor/", views.two_factor_view, name="two_factor"),
    path("two-factor/again/", views.confirm_code, name="confirm_code"),
    path("sign-out/", views.sign_out, name="logout"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("emails/", views.email_choice, name="email_choice"),
    path("calendar/", views.calendar_feed_settings, name="calendar"),
    path("password-reset/done/", views.password_reset_complete, name="password_reset_complete"),
]
