from datetime import date

from django.core.files.base import ContentFile

from apcase.access.testing import LA_ROLES, PROVIDER_ROLES, SCHOOL_ROLES, Expect
from apcase.accounts.roles import Role
from apcase.core.uploads import storage
from apcase.directory.models import AssuranceKind, AssuranceRecord, ProviderService, Site

READERS = SCHOOL_ROLES | LA_ROLES | PROVIDER_ROLES
EDITORS = frozenset({Role.LA_OFFICER, Role.LA_ADMIN})
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _provider(world, own):  # type: ignore[no-untyped-def]
    return world.provider if own else world.other_provider


def provider_kwargs(world, own):  # type: ignore[no-untyped-def]
    return {"provider_id": _provider(world, own).pk}


def site_kwargs(world, own):  # type: ignore[no-untyped-def]
    provider = _provider(world, own)
    site = Site.objects.create(
        organisation=provider, name="Main site", street="1 High St", town="Town", postcode="MK1 1AA"
    )
    return {"provider_id": provider.pk, "site_id": site.pk}


def service_kwargs(world, own):  # type: ignore[no-untyped-def]
    provider = _provider(world, own)
    service = ProviderService.objects.create(
        organisation=provider, category="camhs", name=f"CAMHS {provider.pk}"
    )
    return {"provider_id": provider.pk, "service_id": service.pk}


def evidence_kwargs(world, own):  # type: ignore[no-untyped-def]
    provider = _provider(world, own)
    path = "assurance/url-walk.pdf"
    if not storage().exists(path):
        path = storage().save(path, ContentFile(TINY_PDF))
    record = AssuranceRecord.objects.create(
        organisation=provider,
        kind=AssuranceKind.INSURANCE,
        received_on=date(2025, 1, 1),
        expires_on=date(2030, 1, 1),
        document_path=path,
        document_name="insurance.pdf",
        document_extension="pdf",
    )
    return {"provider_id": provider.pk, "record_id": record.pk}


EXPECTATIONS = {
    "directory:provider_list": Expect(roles=READERS),
    "directory:lapsing_assurance": Expect(roles={Role.LA_OFFICER}),
    "directory:provider_detail": Expect(roles=READERS, kwargs=provider_kwargs),
    "directory:provider_add": Expect(roles=EDITORS),
    "directory:provider_edit": Expect(roles=EDITORS, kwargs=provider_kwargs),
    "directory:site_add": Expect(roles=EDITORS, kwargs=provider_kwargs),
    "directory:service_add": Expect(roles=EDITORS, kwargs=provider_kwargs),
    "directory:inspection_add": Expect(roles=EDITORS, kwargs=provider_kwargs),
    "directory:assurance_add": Expect(roles=EDITORS, kwargs=provider_kwargs),
    "directory:site_deactivate": Expect(roles=EDITORS, kwargs=site_kwargs, method="POST", ok=302),
    "directory:service_remove": Expect(roles=EDITORS, kwargs=service_kwargs, method="POST", ok=302),
    "directory:assurance_evidence": Expect(roles=READERS, kwargs=evidence_kwargs),
    # An LA admin imports for their own authority; a system admin the national file.
    "directory:gias_import": Expect(roles=frozenset({Role.LA_ADMIN, Role.SYSTEM_ADMIN})),
}
