"""The service navigation shows each role what it can use, and nothing else."""

import re
from html import unescape as html_unescape

import pytest
from django.test import Client

from apcase.accounts.roles import Role
from conftest import sign_in


def _nav(client: Client) -> set[str]:
    html = client.get("/").content.decode()
    menu = html[html.index('aria-label="Menu"') :]
    menu = menu[: menu.index("</nav>")]
    links = re.findall(r'class="govuk-service-navigation__link"[^>]*>(.*?)</a>', menu, re.S)
    return {html_unescape(re.sub(r"<[^>]+>", "", link)).strip() for link in links}


@pytest.mark.parametrize(
    ("role", "sees", "does_not_see"),
    [
        (
            Role.INCLUSION_LEAD,
            {"Pupils", "Referrals", "Providers", "Follow-ups"},
            {"Panel", "Users", "Today's register"},
        ),
        (Role.PANEL_CHAIR, {"Referrals", "Panel", "Providers"}, {"Users", "Closure days"}),
        (Role.LA_ADMIN, {"Term dates", "Users", "Providers"}, {"Referrals"}),
        (
            Role.PROVIDER_STAFF,
            {"Pupils", "Providers", "Today's register"},
            {"Referrals", "Panel", "Users", "Follow-ups"},
        ),
        (Role.SCHOOL_ADMIN, {"Pupils", "Closure days", "Users"}, {"Panel", "Referrals"}),
        (Role.SYSTEM_ADMIN, {"Users"}, {"Pupils", "Referrals", "Panel", "Providers"}),
    ],
)
def test_each_role_sees_only_what_it_can_use(role, sees, does_not_see, user_with_role):
    items = _nav(sign_in(Client(), user_with_role(role)))
    assert sees <= items
    assert not (does_not_see & items)
