"""The pupil list's rows are written in one pass (`views._rows_html`) rather than by a
{% for %} of template tags over them. For any rows (names and schools holding markup,
quotes and ampersands, a temporary UPN or not, any date of birth, year and SEN), the
markup is what the loop wrote but for the whitespace between tags, every value escaped as it escaped them."""

import datetime

from django.template import Context, Template
from hypothesis import given, settings
from hypothesis import strategies as st

from apcase.pupils.views import _rows_html
from conftest import without_layout

# The loop as pupil_list.html wrote it.
LOOP = Template(
    """{% load govuk links words %}{% for pupil in rows %}
  <tr class="govuk-table__row">
    <td class="govuk-table__cell"><a class="govuk-link" href="{% record_url 'pupils:detail' pupil.pk %}">{{ pupil.name }}</a></td>
    <td class="govuk-table__cell">{{ pupil.upn }}{% if pupil.temporary_upn %} {% govuk_tag "Temporary" "yellow" %}{% endif %}</td>
    <td class="govuk-table__cell">{{ pupil.born|govuk_date }}</td>
    <td class="govuk-table__cell">{{ pupil.year }}</td>
    <td class="govuk-table__cell">{{ pupil.sen }}</td>
    <td class="govuk-table__cell">{{ pupil.school }}</td>
  </tr>
  {% endfor %}"""
)
words = st.text(alphabet=st.sampled_from("aZ <>&\"'é-"), max_size=12)
rows = st.lists(
    st.fixed_dictionaries(
        {
            "pk": st.integers(min_value=1, max_value=10**9),
            "name": words,
            "upn": words,
            "temporary_upn": st.booleans(),
            "born": st.dates(datetime.date(1990, 1, 1), datetime.date(2030, 12, 31)),
            "year": words,
            "sen": words,
            "school": words,
        }
    ),
    max_size=4,
)


@settings(deadline=None)
@given(rows=rows)
def test_the_rows_are_what_the_templates_loop_wrote(rows):
    assert without_layout(_rows_html(rows)) == without_layout(LOOP.render(Context({"rows": rows})))
