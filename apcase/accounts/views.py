from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import (
    LoginView,
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    PasswordResetDoneView,
    PasswordResetView,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import PASSWORD_ONLY, PUBLIC, SIGNED_IN, access_rule
from apcase.core.viewhelpers import handle_form, posted
from apcase.notifications import centre
from apcase.notifications.services import absolute_url

from . import selectors, services, two_factor
from .forms import (
    AcceptInvitationForm,
    EmailChoiceForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    SignInForm,
    TokenForm,
)
from .middleware import SESSION_ENDED_KEY


@access_rule(PUBLIC)
class SignInView(LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = False

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.session.pop(SESSION_ENDED_KEY, False):
            messages.info(request, "Your session has ended. Sign in again to continue.")
        return super().get(request, *args, **kwargs)

    def get_success_url(self) -> str:
        # Straight on to the second factor, carrying where the person was going.
        after = self.get_redirect_url() or resolve_url(settings.LOGIN_REDIRECT_URL)
        return f"{reverse('accounts:two_factor')}?{urlencode({'next': after})}"


@access_rule(PASSWORD_ONLY)
def two_factor_view(request: SignedInRequest) -> HttpResponse:
    """Enrol (first sign-in: QR code) or verify (every later sign-in)."""
    user = request.user
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect("home")
    confirmed = two_factor.confirmed_device(user)
    enrolling = confirmed is None
    device = confirmed or two_factor.pending_device(user)
    form = TokenForm(posted(request), submit_label="Continue")
    if two_factor.attempts_exhausted(request.session):
        logout(request)
        messages.error(request, "Too many wrong codes. Sign in again to try again.")
        return redirect("accounts:login")
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                two_factor.confirm_device(device, by=user)
            otp_login(request, device)
            two_factor.note_verified(request.session)
            request.session.pop(two_factor.ATTEMPTS_KEY, None)
            return redirect(_safe_next(request) or "home")
        two_factor.note_failure(request.session)
        if two_factor.attempts_exhausted(request.session):
            logout(request)
            messages.error(request, "Too many wrong codes. Sign in again to try again.")
            return redirect("accounts:login")
        form.add_error("token", "The code is not correct, or has expired. Enter the current code.")
    context = {"form": form, "enrolling": enrolling}
    if enrolling:
        context["qr_svg"] = two_factor.qr_svg(device)
        context["secret"] = two_factor.base32_secret(device)
    return render(request, "accounts/two_factor.html", context)


@access_rule(SIGNED_IN)
def confirm_code(request: SignedInRequest) -> HttpResponse:
    """The code asked for again before a bulk export, then on to the download."""
    device = two_factor.confirmed_device(request.user)
    if device is None:  # every signed-in account has one; fail safe if not
        return redirect("accounts:two_factor")
    if two_factor.attempts_exhausted(request.session):
        logout(request)
        messages.error(request, "Too many wrong codes. Sign in again to try again.")
        return redirect("accounts:login")
    form = TokenForm(posted(request), submit_label="Continue")
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            two_factor.note_verified(request.session)
            request.session.pop(two_factor.ATTEMPTS_KEY, None)
            return redirect(_safe_next(request) or "home")
        two_factor.note_failure(request.session)
        form.add_error("token", "The code is not correct, or has expired. Enter the current code.")
    return render(request, "accounts/confirm_code.html", {"form": form})


def _safe_next(request: SignedInRequest) -> str | None:
    wanted = request.GET.get("next")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return None


@access_rule(PUBLIC)
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link from an invitation email. A new person chooses a name and
    password here, then signs in and sets up two-factor authentication."""
    try:
        invitation = selectors.usable_invitation(token)
        selectors.check_confirmed(invitation)
    except selectors.InvitationUnusable as error:
        status = {"unknown": 404, "unconfirmed": 403}.get(error.reason, 410)
        reason = {"reason": error.reason}
        return render(request, "accounts/invitation_unusable.html", reason, status=status)
    new_account = selectors.existing_user_for(invitation) is None
    form = AcceptInvitationForm(posted(request), invitation=invitation, new_account=new_account)
    return handle_form(
        request,
        form,
        lambda: services.accept_invitation(
            token=token,
            full_name=form.cleaned_data.get("full_name", ""),
            password=form.cleaned_data.get("password1", ""),
        ),
        success_message=f"You have joined {invitation.organisation}. Sign in to continue.",
        redirect_to="accounts:login",
        template="accounts/accept_invitation.html",
        context={"invitation": invitation, "new_account": new_account},
    )


@access_rule(PUBLIC)
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("accounts:login")


# Password reset: Django's views (one-hour signed token, the same answer whether or
# not the address has an account). A reset never signs the user in, so the second
# factor is still asked for at the next sign-in.
password_reset = access_rule(PUBLIC)(
    PasswordResetView.as_view(
        template_name="accounts/password_reset.html",
        email_template_name="accounts/email/password_reset.txt",
        subject_template_name="accounts/email/password_reset_subject.txt",
        form_class=PasswordResetRequestForm,
        success_url=reverse_lazy("accounts:password_reset_done"),
    )
)
password_reset_done = access_rule(PUBLIC)(
    PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
)
password_reset_confirm = access_rule(PUBLIC)(
    PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        form_class=NewPasswordForm,
        post_reset_login=False,
        success_url=reverse_lazy("accounts:password_reset_complete"),
    )
)
password_reset_complete = access_rule(PUBLIC)(
    PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
)


@access_rule(policies.can_use_service)
def email_choice(request: SignedInRequest) -> HttpResponse:
    """The person's own choice: emails that are not urgent straight away or daily."""
    form = EmailChoiceForm(
        request.POST or None,
        initial={"daily_digest": centre.daily_digest_chosen(request.user)},
    )
    return handle_form(
        request,
        form,
        lambda: services.set_email_choice(
            by=request.user, daily_digest=form.cleaned_data["daily_digest"]
        ),
        success_message="Your email choice is saved.",
        redirect_to="accounts:email_choice",
        template="accounts/email_choice.html",
    )


@access_rule(policies.can_use_service)
def calendar_feed_settings(request: SignedInRequest) -> HttpResponse:
    """The person's calendar feed: make a secret address (shown once: only its hash is
    kept), make a new one (the old stops working) or turn the feed off."""
    address = ""
    if request.method == "POST":
        choice = request.POST.get("action")
        if choice == "revoke":
            if services.revoke_calendar_feed(by=request.user):
                messages.success(request, "Your calendar feed is turned off.")
            return redirect("accounts:calendar")
        if choice != "make":
            messages.error(request, "Choose to make a new address or to turn the feed off.")
            return redirect("accounts:calendar")
        token = services.make_calendar_feed(by=request.user)
        address = absolute_url(reverse("calendar_feed", args=[token]))
    return render(
        request,
        "accounts/calendar.html",
        {"address": address, "has_feed": selectors.has_calendar_feed(request.user)},
    )
