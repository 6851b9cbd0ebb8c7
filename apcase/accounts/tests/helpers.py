"""Helpers for driving the sign-in pages as a person would."""

import re

from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apcase.accounts.tests.factories import PASSWORD
from apcase.notifications.models import OutboxMessage


def code_for(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    """The code an authenticator app shows now (or `offset_steps` steps away)."""
    device.refresh_from_db()
    code = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset_steps
    )
    return str(code).zfill(device.digits)


def wrong_code_for(device: TOTPDevice) -> str:
    right = {code_for(device, offset_steps=n) for n in (-2, -1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def submit_password(client: Client, email: str, password: str = PASSWORD, *, ip: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip
    )


def submit_code(client: Client, code: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:two_factor"), {"token": code})


def link_in_latest_email(to: str) -> str:
    message = OutboxMessage.objects.filter(to=to).latest("created_at")
    match = re.search(r"https?://\S+", message.body)
    assert match, message.body
    return match.group(0)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)
