import hashlib
import secrets
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apcase.core.models import TimeStampedModel

from .roles import OrganisationKind, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Email is the login; what they may do comes from memberships."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    # Not a column: apcase.access.policies caches the user's active memberships on the
    # object for the length of one request.
    _apcase_memberships: list["Membership"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Organisation(TimeStampedModel):
    """A school, a local authority (which runs an inclusion panel), an AP provider, or the
    platform operator. Schools and providers belong to a local authority."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    kind = models.CharField(max_length=16, choices=OrganisationKind.choices)
    name = models.CharField(max_length=200)
    urn = models.PositiveIntegerField("URN", null=True, blank=True, unique=True)
    ukprn = models.PositiveIntegerField("UKPRN", null=True, blank=True)
    la_code = models.CharField("LA code", max_length=3, blank=True)
    local_authority = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members_of_la",
        limit_choices_to={"kind": OrganisationKind.LOCAL_AUTHORITY},
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    street = models.CharField(max_length=200, blank=True)
    locality = models.CharField(max_length=200, blank=True)
    address3 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    county = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    website = models.CharField(max_length=200, blank=True)
    phase = models.CharField(max_length=60, blank=True)
    establishment_type_code = models.PositiveSmallIntegerField(null=True, blank=True)
    establishment_type = models.CharField(max_length=100, blank=True)
    open_date = models.DateField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(local_authority__isnull=True)
                | ~Q(kind=OrganisationKind.LOCAL_AUTHORITY),
                name="la_has_no_parent_la",
            ),
        ]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def address_lines(self) -> list[str]:
        parts = [self.street, self.locality, self.address3, self.town, self.county, self.postcode]
        return [p for p in parts if p]


class Membership(TimeStampedModel):
    """A role a user holds in an organisation. A user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="one_membership_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def usable(self) -> "InvitationQuerySet":
        """The invitations still open: neither accepted nor withdrawn, and not expired
        (the rows of which `Invitation.is_usable` is true now)."""
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(TimeStampedModel):
    """A one-time link inviting someone to take a role in an organisation. Only the
    token's hash is stored, so a database reader cannot use a pending invitation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    full_name = models.CharField(max_length=150)
    role = models.CharField(max_length=32, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="invitations_sent")
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # A grant of a safeguarding role (roles.CONFIRMING_ROLE) waits for a second person's
    # confirmation; until then its link does not exist (the stored hash is of a token
    # nobody was sent) and it cannot be accepted.
    needs_confirmation = models.BooleanField(default=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invitations_confirmed",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.organisation}"

    @property
    def awaiting_confirmation(self) -> bool:
        return self.needs_confirmation and self.confirmed_at is None

    def is_usable(self, *, now: datetime | None = None) -> bool:
        moment = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > moment


class PasswordResetRequest(TimeStampedModel):
    """One request for a reset link, written whether or not the address has an account
    (so the request does the same work either way) and counted for the rate limits.
    Only a hash of the address is kept: the table must not become a list of who tried."""

    email_hash = models.CharField(max_length=64, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    over_limit = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"Password reset request {self.pk} at {self.created_at:%Y-%m-%d %H:%M}"


class CalendarFeed(models.Model):
    """A person's calendar feed address (home.views.calendar_feed): only the hash of its
    secret token is kept, as for invitations; one per person, replaced when a new
    address is made and deleted when the feed is turned off."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed of user {self.user_id}"
