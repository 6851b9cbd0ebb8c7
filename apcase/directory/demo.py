"""Demo directory: the two providers the Heronsgate policy names, with sites, the PRU's
partner services, an Ofsted grade each and assurance evidence (the PRU assured, Bridge
Academy's insurance expiring within 30 days: Heronsgate's inclusion lead sees it on her
home page, and `check_assurance` emails her), plus:

- an invented unregistered tuition service with no vetting confirmation ("not
  assured"), where the placements demo plans five pupils, one short of the registration
  threshold;
- an invented registered provider whose last GIAS rating was "Special Measures" (an
  Inadequate grade), shown "not assured" with that reason.

People, dates and documents are invented. Dates are relative to today so the statuses
stay true on every run; idempotent (seed_demo runs on every `make run`)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from apcase.accounts.models import Organisation
from apcase.accounts.roles import OrganisationKind
from apcase.core.uploads import storage

from .models import (
    APSettingType,
    AssuranceKind,
    AssuranceRecord,
    Inspection,
    ProviderProfile,
    ProviderService,
    Registration,
    ServiceCategory,
    Site,
)
from .ofsted import LegacyGrade, Scale

PRU_SERVICES = [
    (ServiceCategory.THERAPEUTIC, "Stephenson Trust Therapeutic Service"),
    (ServiceCategory.CAMHS, "CAMHS"),
    (ServiceCategory.SOCIAL_CARE, "Children's Social Care"),
    (ServiceCategory.FAMILY_SUPPORT, "Family Support team"),
    (ServiceCategory.SPEECH_LANGUAGE, "Speech and Language Team"),
]


def tiny_pdf(title: str) -> bytes:
    """A valid one-page PDF saying `title` (ASCII), built here so no binary is committed."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode("ascii", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _document(slug: str, title: str) -> str:
    path = f"assurance/demo-{slug}.pdf"
    if not storage().exists(path):
        path = storage().save(path, ContentFile(tiny_pdf(title)))
    return path


def _profile(provider: Organisation, **values: object) -> None:
    ProviderProfile.objects.update_or_create(organisation=provider, defaults=values)


def _site(provider: Organisation, name: str, **values: object) -> None:
    """The provider's site of that name, matched as the directory matches names (case
    and spaces aside). A demo database made when the name was spelt otherwise keeps one
    site: any twin is merged into it (its placements moved over), not listed twice."""
    key = Site.name_key(name)
    same = [s for s in Site.objects.filter(organisation=provider) if Site.name_key(s.name) == key]
    if not same:
        Site.objects.create(organisation=provider, name=name, is_active=True, **values)
        return
    kept, twins = same[0], same[1:]
    for twin in twins:
        kept.placements.add(*twin.placements.all())
        twin.delete()  # demo data only: the directory itself never deletes a site
    Site.objects.filter(pk=kept.pk).update(name=name, is_active=True, **values)


def _assurance(provider: Organisation, slug: str, kind: str, received: date, expires: date) -> None:
    label = AssuranceKind(kind).label
    AssuranceRecord.objects.update_or_create(
        organisation=provider,
        kind=kind,
        defaults={
            "received_on": received,
            "expires_on": expires,
            "undertakes_to_report_changes": kind == AssuranceKind.VETTING,
            "notes": "Demo record (invented).",
            "document_path": _document(f"{slug}-{kind}", f"DEMO ONLY - {label} - {provider.name}"),
            "document_name": f"{slug}-{kind.replace('_', '-')}.pdf",
            "document_extension": "pdf",
        },
    )


def _legacy_grade(provider: Organisation, grade: str, on: date) -> None:
    Inspection.objects.update_or_create(
        organisation=provider,
        scale=Scale.LEGACY,
        inspected_on=on,
        defaults={"overall_grade": grade, "source": Inspection.Source.MANUAL},
    )


@dataclass(frozen=True)
class DemoProvider:
    """One demo provider's directory entry: its profile, main site (none: no site),
    partner services, Ofsted grade (none: not inspected) and assurance records, received
    `received_days_ago` and expiring `expires_in_days` from today (or the number in
    `expires_early` for that kind)."""

    slug: str
    profile: dict[str, object]
    site: dict[str, object] | None
    received_days_ago: int
    expires_in_days: int
    kinds: tuple[str, ...] = tuple(AssuranceKind.values)
    expires_early: dict[str, int] = field(default_factory=dict)
    grade: tuple[str, date] | None = None
    services: Sequence[tuple[str, str]] = ()


PROVIDERS = {
    "pru": DemoProvider(
        slug="mk-pru",
        profile={
            "registration": Registration.REGISTERED,
            "age_from": 5,
            "age_to": 11,
            "capacity": 48,
            "main_contact_name": "Nadia Pemberton",
            "main_contact_email": "office@mk-pru.example",
            "main_contact_phone": "01908 000101",
            "dsl_name": "Kwame Asante",
            "dsl_email": "dsl@mk-pru.example",
            "dsl_phone": "01908 000102",
        },
        site={
            "name": "Romans Field Site",
            "street": "Shenley Road",
            "locality": "Bletchley",
            "town": "Milton Keynes",
            "postcode": "MK3 7AW",
        },
        services=PRU_SERVICES,
        grade=(LegacyGrade.GOOD, date(2023, 3, 15)),
        received_days_ago=60,
        expires_in_days=305,
    ),
    "bridge": DemoProvider(
        slug="bridge",
        profile={
            "registration": Registration.REGISTERED,
            "age_from": 5,
            "age_to": 11,
            "capacity": 30,
            "main_contact_name": "Ruth Calloway",
            "main_contact_email": "office@bridge-academy.example",
            "main_contact_phone": "01908 000201",
            "dsl_name": "Ruth Calloway",
            "dsl_email": "dsl@bridge-academy.example",
            "dsl_phone": "01908 000202",
        },
        site={
            "name": "Coffee Hall",
            "street": "Jonathans",
            "locality": "Coffee Hall",
            "town": "Milton Keynes",
            "postcode": "MK6 5DE",
        },
        grade=(LegacyGrade.GOOD, date(2022, 11, 9)),
        received_days_ago=100,
        expires_in_days=250,
        # Insurance runs out in 20 days: the demo's "expiring within 30 days".
        expires_early={AssuranceKind.INSURANCE: 20},
    ),
    "tuition": DemoProvider(
        slug="brightpath",
        profile={
            "registration": Registration.UNREGISTERED,
            "ap_setting_type": APSettingType.OOT,
            "age_from": 11,
            "age_to": 16,
            "capacity": 8,
            "main_contact_name": "Leon Farrant",
            "main_contact_email": "hello@brightpath-tuition.example",
            "dsl_name": "Leon Farrant",
            "dsl_email": "hello@brightpath-tuition.example",
        },
        site={
            "name": "Example Business Park",
            "street": "Unit 4, Example Business Park",
            "town": "Milton Keynes",
            "postcode": "MK9 9ZZ",
        },
        # Insurance only: no written confirmation of staff vetting, so "not assured".
        kinds=(AssuranceKind.INSURANCE,),
        received_days_ago=30,
        expires_in_days=335,
    ),
    "harbour-lane": DemoProvider(
        slug="harbour-lane",
        profile={
            "registration": Registration.REGISTERED,
            "age_from": 11,
            "age_to": 16,
            "capacity": 40,
        },
        site=None,
        # As the GIAS import records "Special Measures": an Inadequate legacy grade.
        grade=(LegacyGrade.INADEQUATE, date(2024, 5, 22)),
        received_days_ago=40,
        expires_in_days=320,
    ),
}


def _seed_provider(provider: Organisation, demo: DemoProvider) -> None:
    today = timezone.localdate()
    _profile(provider, **demo.profile)
    if demo.site is not None:
        site = dict(demo.site)
        _site(provider, str(site.pop("name")), **site, is_main=True)
    for category, name in demo.services:
        ProviderService.objects.update_or_create(
            organisation=provider, name=name, defaults={"category": category}
        )
    if demo.grade is not None:
        _legacy_grade(provider, *demo.grade)
    for kind in demo.kinds:
        expires = demo.expires_early.get(kind, demo.expires_in_days)
        _assurance(
            provider,
            demo.slug,
            kind,
            today - timedelta(days=demo.received_days_ago),
            today + timedelta(days=expires),
        )


def seed(organisations: dict[str, Organisation]) -> None:
    la = organisations["la"]
    _seed_provider(organisations["pru"], PROVIDERS["pru"])
    _seed_provider(organisations["bridge"], PROVIDERS["bridge"])
    tuition, _ = Organisation.objects.update_or_create(
        kind=OrganisationKind.PROVIDER,
        name="Brightpath Tuition (demo)",
        urn=None,
        defaults={
            "local_authority": la,
            "la_code": la.la_code,
            "street": "Unit 4, Example Business Park",
            "town": "Milton Keynes",
            "postcode": "MK9 9ZZ",
            "website": "brightpath-tuition.example",
            "phase": "Secondary",
        },
    )
    _seed_provider(tuition, PROVIDERS["tuition"])
    seed_inadequate(la)


def seed_inadequate(la: Organisation) -> None:
    centre, _ = Organisation.objects.update_or_create(
        kind=OrganisationKind.PROVIDER,
        urn=990417,
        defaults={
            "name": "Harbour Lane Learning Centre (demo)",
            "local_authority": la,
            "la_code": la.la_code,
            "street": "2 Harbour Lane",
            "town": "Milton Keynes",
            "postcode": "MK9 9ZY",
            "establishment_type_code": 38,
            "establishment_type": "Free schools alternative provision",
            "phase": "Secondary",
        },
    )
    _seed_provider(centre, PROVIDERS["harbour-lane"])
