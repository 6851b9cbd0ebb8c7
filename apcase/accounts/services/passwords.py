"""Password reset requests: the same answer whether or not the address has an account,
and the email queued only."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apcase.chronology.services import added, record_event
from apcase.notifications.models import OutboxMessage

from ..audit import AccountAction
from ..models import PasswordResetRequest, User, hash_token


def request_password_reset(
    *,
    email: str,
    ip: str | None,
    domain: str,
    use_https: bool,
    token_generator: Any = default_token_generator,
    subject_template: str = "accounts/email/password_reset_subject.txt",
    body_template: str = "accounts/email/password_reset.txt",
) -> None:
    """Someone (signed out, so no `by`) asks for a reset link for `email`.

    The same happens whatever the address: one PasswordResetRequest row and one audit
    event are written, and nothing is sent inside the request. For an active account the
    email is only queued; the outbox sender (send_outbox, every minute) delivers it after
    the response, so the answer's timing does not say whether the address has an
    account. Over APCASE_PASSWORD_RESETS_PER_EMAIL_PER_HOUR for the address, or
    APCASE_PASSWORD_RESETS_PER_IP_PER_HOUR for the client address, nothing is queued and
    the page answers as usual."""
    email = User.objects.normalize_email(email).strip().lower()
    email_hash = hash_token(email)
    since = timezone.now() - timedelta(hours=1)
    with transaction.atomic():
        recent = PasswordResetRequest.objects.filter(created_at__gte=since)
        over = recent.filter(email_hash=email_hash).count() >= (
            settings.APCASE_PASSWORD_RESETS_PER_EMAIL_PER_HOUR
        )
        if ip and not over:
            over = recent.filter(ip_address=ip).count() >= (
                settings.APCASE_PASSWORD_RESETS_PER_IP_PER_HOUR
            )
        row = PasswordResetRequest.objects.create(
            email_hash=email_hash, ip_address=ip, over_limit=over
        )
        record_event(
            by=None,
            action=AccountAction.PASSWORD_RESET_REQUESTED,
            target=row,
            changes=added({"over_limit": over}),
            summary="A password reset link was asked for"
            + (" over the rate limit: nothing queued" if over else ""),
        )
        if over:
            return
        users = [
            user
            for user in User.objects.filter(email__iexact=email, is_active=True)
            if user.has_usable_password()
        ]
        # Without an account the same work is done for a stand-in that is never saved
        # or sent, and the request row is written again in place of the outbox row, so
        # the answer takes as long either way (docs/security.md has the figures).
        for user in users or [User(email=email)]:
            context = {
                "email": user.email,
                "domain": domain,
                "site_name": settings.APCASE_SERVICE_NAME,
                "uid": urlsafe_base64_encode(force_bytes(user.pk)),
                "user": user,
                "token": token_generator.make_token(user),
                "protocol": "https" if use_https else "http",
            }
            subject = "".join(render_to_string(subject_template, context).splitlines())
            body = render_to_string(body_template, context)
            if user.pk is None:
                row.save(update_fields=["updated_at"])
                continue
            # Queued only (no delivery when the request commits): see the docstring.
            OutboxMessage.objects.create(to=user.email, subject=subject[:200], body=body)
