import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from apcase.accounts.models import Membership, Organisation, User
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
