"""TOTP enrolment and verification. Every account needs a confirmed TOTP device: all
accounts except the platform's can read pupil data, and the platform's can change who
can. django-otp throttles wrong codes per device (each failure doubles the wait); we
also cap attempts per session so a stolen password cannot grind through codes."""

import base64
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from apcase.chronology.services import record_event

from .audit import AccountAction
from .models import User

DEVICE_NAME = "Authenticator app"
ATTEMPTS_KEY = "apcase_otp_failures"


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
