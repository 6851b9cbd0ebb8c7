"""Demo organisations and one account per role. Every person here is invented; the
organisations are the ones the Heronsgate School policy names."""

from dataclasses import dataclass

from django_otp.plugins.otp_totp.models import TOTPDevice

from apcase.accounts.models import Membership, Organisation, User
from apcase.accounts.roles import OrganisationKind, Role

DEMO_PASSWORD = "Heronsgate-demo-2026"  # noqa: S105 - published demo credential  # nosec B105
# 20 bytes; its base32 form is what people type into an authenticator app.
DEMO_TOTP_KEY_HEX = "6170636173652d64656d6f2d746f74702d6b6579"
DEMO_TOTP_SECRET = "MFYGGYLTMUWWIZLNN4WXI33UOAWWWZLZ"  # noqa: S105 - published demo secret  # nosec B105


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: str
    organisation: str  # key into the organisations made by seed_organisations


DEMO_ACCOUNTS = [
    DemoAccount("inclusion.lead@heronsgate.example", "Amara Okafor", Role.INCLUSION_LEAD, "school"),
    DemoAccount("headteacher@heronsgate.example", "Daniel Whitcombe", Role.HEADTEACHER, "school"),
    DemoAccount("dsl@heronsgate.example", "Priya Raman", Role.SCHOOL_DSL, "school"),
    DemoAccount("staff@heronsgate.example", "Tom Ellery", Role.SCHOOL_STAFF, "school"),
    DemoAccount("admin@heronsgate.example", "Grace Lindqvist", Role.SCHOOL_ADMIN, "school"),
    DemoAccount("panel.member@mk-council.example", "Oliver Banerjee", Role.PANEL_MEMBER, "la"),
    DemoAccount("panel.chair@mk-council.example", "Helen Achebe", Role.PANEL_CHAIR, "la"),
    DemoAccount("la.officer@mk-council.example", "Marcus Feld", Role.LA_OFFICER, "la"),
    DemoAccount("la.admin@mk-council.example", "Sofia Marchetti", Role.LA_ADMIN, "la"),
    DemoAccount("staff@mk-pru.example", "Jade Thornton", Role.PROVIDER_STAFF, "pru"),
    DemoAccount("manager@mk-pru.example", "Kwame Asante", Role.PROVIDER_MANAGER, "pru"),
    DemoAccount("manager@bridge-academy.example", "Ruth Calloway", Role.PROVIDER_MANAGER, "bridge"),
    DemoAccount("sysadmin@apcase.example", "Lee Harrow", Role.SYSTEM_ADMIN, "platform"),
]


# The two providers the policy names, as GIAS records them: URN, then what differs
# between them (both are primary providers in Milton Keynes).
PROVIDERS: dict[str, tuple[int, dict[str, object]]] = {
    "pru": (
        134310,
        {
            "name": "Milton Keynes Primary Referral Unit",
            "street": "Shenley Road",
            "locality": "Romans Field Site",
            "address3": "Bletchley",
            "postcode": "MK3 7AW",
            "website": "https://milton-keynes-pru.eschools.co.uk",
            "establishment_type_code": 14,
            "establishment_type": "Pupil referral unit",
        },
    ),
    "bridge": (
        140252,
        {
            "name": "Bridge Academy",
            "street": "Jonathans",
            "locality": "Coffee Hall",
            "postcode": "MK6 5DE",
            "website": "https://www.bridgeacademy.org.uk",
            "establishment_type_code": 43,
            "establishment_type": "Academy alternative provision sponsor led",
        },
    ),
}


def seed_organisations() -> dict[str, Organisation]:
    la, _ = Organisation.objects.update_or_create(
        kind=OrganisationKind.LOCAL_AUTHORITY,
        name="Milton Keynes",
        defaults={"la_code": "826", "town": "Milton Keynes"},
    )
    school, _ = Organisation.objects.update_or_create(
        kind=OrganisationKind.SCHOOL,
        name="Heronsgate School",
        defaults={
            "local_authority": la,
            "la_code": "826",
            "phase": "Primary",
            "town": "Milton Keynes",
            "establishment_type": "Community school",
        },
    )
    providers = {
        key: Organisation.objects.update_or_create(
            urn=urn,
            defaults={
                "kind": OrganisationKind.PROVIDER,
                "local_authority": la,
                "la_code": "826",
                "town": "Milton Keynes",
                "phase": "Primary",
                **values,
            },
        )[0]
        for key, (urn, values) in PROVIDERS.items()
    }
    platform, _ = Organisation.objects.update_or_create(
        kind=OrganisationKind.PLATFORM, name="apcase platform", defaults={}
    )
    return {"la": la, "school": school, **providers, "platform": platform}


def seed_accounts(organisations: dict[str, Organisation]) -> list[User]:
    users = []
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=account.email, defaults={"full_name": account.full_name}
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.is_active = True
            user.save()
        Membership.objects.update_or_create(
            user=user,
            organisation=organisations[account.organisation],
            role=account.role,
            defaults={"is_active": True},
        )
        TOTPDevice.objects.update_or_create(
            user=user,
            name="Demo authenticator",
            defaults={"key": DEMO_TOTP_KEY_HEX, "confirmed": True, "throttling_failure_count": 0},
        )
        users.append(user)
    return users
