"""An organisation's API keys. Only a hash of each key is stored: the key itself is
shown once, to the administrator who created it."""

from django.db import models

from apcase.accounts.models import Organisation, User
from apcase.accounts.roles import Role
from apcase.core.models import TimeStampedModel, user_fk


class ApiKey(TimeStampedModel):
    """A key that acts for its organisation. Each key has its own account
    (`acting_user`, which cannot sign in and holds no membership): the audit trail and
    the access log name the key, and the key acts with `role` in its organisation only
    while it is not revoked (apcase.api.authentication)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="api_keys"
    )
    name = models.CharField(max_length=100)
    # The key's public first part ("apcase_<prefix>_..."), shown in lists to tell keys apart.
    prefix = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    role = models.CharField(max_length=32, choices=Role.choices)
    acting_user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="api_key")
    created_by = user_fk()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = user_fk(optional=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"API key {self.name} ({self.organisation})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
