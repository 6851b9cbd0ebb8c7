"""The weekly check-ins show as a trend on the pupil's own page, with the numbers in a
table, so the school sees engagement and wellbeing without opening each placement."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.monitoring import services
from apcase.monitoring.tests.test_charts import _by_id, _ticks, _ys, parse
from apcase.placements.tests.factories import START, make_placement
from apcase.referrals.tests.factories import person
from conftest import sign_in

pytestmark = pytest.mark.django_db


def test_the_pupil_page_shows_the_check_in_trend_with_its_numbers(world, user_with_role):
    placement = make_placement(world.school, world.provider)
    staff = person(Role.PROVIDER_STAFF, world.provider)
    for week, (engagement, wellbeing) in enumerate([(4, 4), (3, 2)]):
        services.record_check_in(
            placement,
            by=staff,
            week_of=START + datetime.timedelta(weeks=week + 1),
            engagement=engagement,
            wellbeing=wellbeing,
            behaviour=4,
        )
    client = sign_in(Client(), user_with_role(Role.INCLUSION_LEAD))
    html = client.get(reverse("pupils:detail", args=[placement.pupil.pk])).content.decode()
    section = html[html.index('id="engagement"') :]
    assert "<svg" in section
    assert "Weekly check-ins" in section
    assert section.count('class="govuk-table__cell govuk-table__cell--numeric">2<') == 1
    # Engagement 4 then 3, plotted: the second point sits one score (a quarter of the
    # 1-to-5 axis) below the first.
    root = parse(section[section.index("<svg") : section.index("</svg>") + 6])
    ticks = _ticks(root, "ytick")
    ys = _ys(_by_id(root, "check-in-chart-engagement-line"))
    step = (ticks["1"] - ticks["5"]) / 4
    assert abs(ys[0] - (ticks["1"] - 3 * step)) <= 1
    assert abs(ys[1] - (ticks["1"] - 2 * step)) <= 1


def test_a_pupil_never_placed_has_no_trend_section(world, user_with_role):
    from apcase.referrals.tests.factories import make_pupil

    pupil = make_pupil(world.school)
    client = sign_in(Client(), user_with_role(Role.INCLUSION_LEAD))
    html = client.get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
    assert 'id="engagement"' not in html
