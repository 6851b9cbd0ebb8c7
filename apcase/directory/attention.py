"""Home-page items from the directory.

- LA officers, LA admins and panel chairs: unregistered providers in their LA's
  directory at the registration threshold, or one full-time pupil short of it.
- LA officers: providers in their LA's directory whose assurance is expiring or has
  expired.
- Inclusion leads: providers where their school's pupils are placed now whose
  assurance is expiring or has expired (shown while the problem lasts, whether or not
  the daily email has gone), or that are "not assured".
"""

from django.urls import reverse
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.accounts.roles import Role
from apcase.core.attention import AttentionItem, Heading, all_listed_at, capped_list
from apcase.core.words import counted

from . import selectors, threshold
from .assurance import Status, annotated_reasons
from .models import AssuranceRecord
from .services import lapse_text

THRESHOLD_WATCHERS = policies.LA_DIRECTORY_EDITOR_ROLES | policies.PANEL_RECORDER_ROLES
SCHOOL = frozenset({Role.INCLUSION_LEAD})
LA = frozenset({Role.LA_OFFICER})
LA_ASSURANCE_SHOWN = 20  # past it, one item says how many and links to them all


def _provider_url(provider_id: int) -> str:
    return reverse("directory:provider_detail", kwargs={"provider_id": provider_id})


def threshold_items(user: User) -> list[AttentionItem]:
    la_ids = policies.organisation_ids_for(user, THRESHOLD_WATCHERS)
    if not la_ids:
        return []
    items = []
    for found in threshold.providers_near_threshold(selectors.providers_of_authorities(la_ids)):
        count = found.count
        items.append(
            AttentionItem(
                title=f"Registration threshold: {found.provider.name}",
                href=_provider_url(found.provider.pk),
                detail=count.message,
                tag="At the threshold" if count.reached else "One pupil short",
                tag_colour="red" if count.reached else "yellow",
                roles=THRESHOLD_WATCHERS,
                heading=Heading.PROVIDERS,
            )
        )
    return items


def assurance_items(user: User) -> list[AttentionItem]:
    school_ids = policies.organisation_ids_for(user, {Role.INCLUSION_LEAD})
    if not school_ids:
        return []
    items = []
    found = selectors.assurance_where_placed(school_ids, today=timezone.localdate())
    for item in found.lapsing:
        pupils = sum(n for school_id, n in item.schools.items() if school_id in school_ids)
        expired = item.state == Status.EXPIRED
        items.append(
            AttentionItem(
                title=f"Assurance {'expired' if expired else 'expiring'}: {item.provider.name}",
                href=_provider_url(item.provider.pk),
                detail=f"{lapse_text(item.record, item.state)} "
                f"{counted(pupils, 'pupil')} from your school "
                f"{'are' if pupils != 1 else 'is'} placed there.",
                tag="Expired" if expired else "Expiring",
                tag_colour="red" if expired else "yellow",
                roles=SCHOOL,
                heading=Heading.PROVIDERS,
            )
        )
    for provider in found.not_assured:
        items.append(
            AttentionItem(
                title=f"Not assured: {provider.name}",
                href=_provider_url(provider.pk),
                detail="Your pupils are placed at a provider that is not assured: "
                + "; ".join(annotated_reasons(provider))
                + ".",
                tag="Not assured",
                tag_colour="red",
                roles=SCHOOL,
                heading=Heading.PROVIDERS,
            )
        )
    return items


def _la_assurance_item(row: tuple[AssuranceRecord, str]) -> list[AttentionItem]:
    record, state = row
    expired = state == Status.EXPIRED
    provider = record.organisation
    return [
        AttentionItem(
            title=f"Assurance {'expired' if expired else 'expiring'}: {provider.name}",
            href=_provider_url(provider.pk),
            detail=lapse_text(record, state),
            tag="Expired" if expired else "Expiring",
            tag_colour="red" if expired else "yellow",
            roles=LA,
            heading=Heading.PROVIDERS,
        )
    ]


def la_assurance_items(user: User) -> list[AttentionItem]:
    """The expiring or expired assurance of the providers in the officer's directory (a
    record a kind: a provider whose insurance and DBS checks both lapse is on twice), the
    LA_ASSURANCE_SHOWN that ran or run out first and, past them, one item with how many
    in all, linking to the page listing every one."""
    la_ids = policies.organisation_ids_for(user, LA)
    if not la_ids:
        return []
    return capped_list(
        selectors.lapsing_assurance_in_authorities(la_ids, today=timezone.localdate()),
        _la_assurance_item,
        shown=LA_ASSURANCE_SHOWN,
        more=all_listed_at(
            "providers' assurance records expiring or expired",
            reverse("directory:lapsing_assurance"),
            shown=f"The {LA_ASSURANCE_SHOWN} that ran or run out first",
            roles=LA,
            heading=Heading.PROVIDERS,
        ),
    )


def items_for(user: User) -> list[AttentionItem]:
    return threshold_items(user) + assurance_items(user) + la_assurance_items(user)
