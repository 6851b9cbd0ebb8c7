"""TOTP enrolment and verification. Every account needs a confirmed TOTP device: all
accounts except the platform's can read pupil data, and the platform's can change who
can. django-otp throttles wrong codes per device (each failure doubles the wait); we
also cap attempts per session so a stolen password cannot grind through codes."""

import base64
from collections.abc import Callable
from functools import wraps
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_otp.plugins.otp_totp.models import TOTPDevice

from apcase.chronology.services import record_event

from .audit import AccountAction
from .models import User

DEVICE_NAME = "Authenticator app"
ATTEMPTS_KEY = "apcase_otp_failures"
# When the person last entered a correct code (seconds since the epoch): at sign-in, or
# again before a bulk export.
VERIFIED_AT_KEY = "apcase_otp_verified_at"


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled, created on first visit."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def base32_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


def qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


def attempts_exhausted(session: Any) -> bool:
    return int(session.get(ATTEMPTS_KEY, 0)) >= settings.APCASE_OTP_MAX_ATTEMPTS


def note_failure(session: Any) -> None:
    session[ATTEMPTS_KEY] = int(session.get(ATTEMPTS_KEY, 0)) + 1


def confirm_device(device: TOTPDevice, *, by: User) -> None:
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
        record_event(
            by=by,
            action=AccountAction.TWO_FACTOR_ENROLLED,
            target=device.user,
            summary="Set up two-factor authentication",
        )


def note_verified(session: Any) -> None:
    """A correct code was entered just now."""
    session[VERIFIED_AT_KEY] = timezone.now().timestamp()


def recently_verified(session: Any) -> bool:
    """Whether a correct code was entered within the last few minutes
    (`APCASE_RECENT_SECOND_FACTOR_SECONDS`)."""
    at = session.get(VERIFIED_AT_KEY)
    if not isinstance(at, int | float):
        return False
    age = timezone.now().timestamp() - at
    return 0 <= age <= settings.APCASE_RECENT_SECOND_FACTOR_SECONDS


ViewFunc = Callable[..., HttpResponseBase]


def requires_recent_second_factor(view: ViewFunc) -> ViewFunc:
    """For a bulk export: without a code entered in the last few minutes, the person is
    sent to enter one, and comes back to the download afterwards. Goes inside
    `@access_rule`, which has already checked who may ask."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not recently_verified(request.session):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:confirm_code')}?{query}")
        return view(request, *args, **kwargs)

    return wrapped
