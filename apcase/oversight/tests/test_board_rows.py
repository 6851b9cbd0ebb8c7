"""The board's rows are written in Python (`board.rows_html`) rather than by a template
loop with a tag in each cell: they must be the very markup the loop wrote, for every
kind of row (an unregistered provider, who commissioned the placement and whether the
LA was told, a cell with and without a link, a cell shown to the school's DSL only)."""

import re
from html import unescape

import pytest
from django.template import Context, Template
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import MembershipFactory, ProviderFactory
from apcase.directory.models import ProviderProfile, Registration
from apcase.oversight import board as compliance
from apcase.oversight.selectors import board_facts
from apcase.placements.models import Placement
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import make_pupil, person
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db

URL = reverse("oversight:board")

# The template loop the rows replace, as board.html had it.
LOOP = """{% load govuk %}
  {% for row in rows %}
  <tr class="govuk-table__row">
    <th scope="row" class="govuk-table__header">
      <a class="govuk-link" href="{% url 'placements:detail' row.placement.pk %}">{{ row.pupil.display_name }}</a>
      <span class="govuk-hint govuk-!-font-size-16 govuk-!-margin-bottom-0">{{ row.pupil.school.name }}, at {{ row.placement.provider.name }}</span>
      {% if row.unregistered %}{% govuk_tag "Unregistered provider" "orange" %}{% endif %}
      <span class="govuk-visually-hidden">{{ row.reds }} red, {{ row.ambers }} amber</span>
    </th>
    <td class="govuk-table__cell govuk-!-font-size-16">
      {% with commissioning=row.commissioning %}
      {% if commissioning.tag %}{% govuk_tag commissioning.tag commissioning.tag_colour %}<br>{% endif %}{{ commissioning.text }}
      {% endwith %}
    </td>
    {% for cell in row.shown %}
    <td class="govuk-table__cell govuk-!-font-size-16">
      {% if cell %}
      {% govuk_tag cell.label cell.colour.tag %}
      <br>{% if cell.href %}<a class="govuk-link" href="{{ cell.href }}">{{ cell.detail|default:cell.label }}</a>{% else %}{{ cell.detail }}{% endif %}
      {% else %}Shown to the school's DSL only{% endif %}
    </td>
    {% endfor %}
  </tr>
  {% endfor %}
"""


def _elements(html: str) -> str:
    """Markup less the whitespace around its tags and within its text, its characters
    read as the browser reads them (an apostrophe written as itself or as &#x27;)."""
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", " ".join(unescape(html).split()))


def test_the_rows_are_the_markup_the_template_loop_wrote(world, client_for):
    client = client_for(Role.SCHOOL_DSL)
    # The DSL of one school who also plans placements at another sees that school's
    # rows with the concerns column "Shown to the school's DSL only".
    MembershipFactory(user=client.user, organisation=world.other_school, role=Role.INCLUSION_LEAD)
    unregistered = ProviderFactory(name="Back Lane <Studio> & Co")
    ProviderProfile.objects.update_or_create(
        organisation=unregistered, defaults={"registration": Registration.UNREGISTERED}
    )
    make_placement(world.school, world.provider, arranged_by=Placement.ArrangedBy.LA)
    make_placement(world.school, unregistered, sessions=set())
    make_placement(world.other_school, world.other_provider)
    page = assert_page(client.get(URL))

    facts = board_facts(client.user)
    rows = compliance.shown(client.user, facts, compliance.build(client.user, facts).rows)
    looped = Template(LOOP).render(Context({"rows": rows}))
    written = compliance.rows_html(rows)
    # The same elements and words; only how the loop happened to lay them out differs.
    assert _elements(written) == _elements(looped)
    assert _elements(written) in _elements(page)
    for shown in (
        "Unregistered provider",
        "Back Lane &lt;Studio&gt; &amp; Co",
        "LA not told",
        "Local authority",
        "Shown to the school&#x27;s DSL only",
        "Not on a part-time timetable.",  # a cell with no link
    ):
        assert shown in written, shown


def test_names_in_the_rows_are_shown_as_typed_never_read_as_markup(world, client_for):
    """The rows are markup written in Python: a child's, school's, provider's or staff
    member's name holding markup, quotes or an ampersand is shown as typed, through the
    page, and never becomes an element of it."""
    client = client_for(Role.INCLUSION_LEAD)
    world.school.name = "St Mary's & St John's"
    world.school.save()
    provider = ProviderFactory(name='The "Back Lane" <b>Studio</b>')
    make_placement(
        world.school,
        provider,
        pupil=make_pupil(
            world.school,
            preferred_name='<script>alert("name")</script>',
            legal_last_name="O'Neil & Co",
        ),
        named_staff_member=person(
            Role.SCHOOL_STAFF, world.school, full_name='<img src=x onerror="alert(1)">'
        ),
    )
    page = assert_page(client.get(URL), contains="1 placement")
    start = page.index('<tr class="govuk-table__row"><th scope="row"')
    row = page[start : page.index("</tr>", start)]  # the child's row, and nothing else
    for shown in (
        "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt; O&#x27;Neil &amp; Co",
        "St Mary&#x27;s &amp; St John&#x27;s, at The &quot;Back Lane&quot; &lt;b&gt;Studio&lt;/b&gt;",
        "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;",
    ):
        assert shown in row, shown
    for markup in ("<script>", "<b>Studio", "<img", "O'Neil", "Mary's"):
        assert markup not in row, markup
