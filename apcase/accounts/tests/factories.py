from datetime import timedelta

import factory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from apcase.accounts.models import Invitation, Membership, Organisation, User, hash_token
from apcase.accounts.roles import OrganisationKind, Role

PASSWORD = "correct-horse-battery-staple-42"


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.LOCAL_AUTHORITY
    name = factory.Sequence(lambda n: f"Testshire Council {n}")
    la_code = factory.Sequence(lambda n: f"{900 + n % 99}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.SCHOOL
    name = factory.Sequence(lambda n: f"Oakfield Primary School {n}")
    urn = factory.Sequence(lambda n: 700000 + n)
    local_authority = factory.SubFactory(LocalAuthorityFactory)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.PROVIDER
    name = factory.Sequence(lambda n: f"Riverside Learning Centre {n}")
    urn = factory.Sequence(lambda n: 800000 + n)
    local_authority = factory.SubFactory(LocalAuthorityFactory)


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.PLATFORM
    name = "apcase platform"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(SchoolFactory)
    role = Role.SCHOOL_STAFF


def confirmed_totp(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    class Params:
        token = factory.Sequence(lambda n: f"test-invitation-token-{n}")

    organisation = factory.SubFactory(SchoolFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Invited Person {n}")
    role = Role.SCHOOL_STAFF
    token_hash = factory.LazyAttribute(lambda o: hash_token(o.token))
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=72))


def invitation_with_token(token: str, **fields: object) -> Invitation:
    """A pending invitation whose link carries `token`."""
    return InvitationFactory(token=token, **fields)
