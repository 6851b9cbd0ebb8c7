"""The referral list's rows are written in one pass (`views._rows_html`) rather than by
a {% for %} of template tags over them. For any rows (pupils' and schools' names
holding markup, quotes and ampersands, every status or one unknown, a meeting date or
none), the markup is what the loop wrote but for the whitespace between tags, every value escaped as it
escaped them."""

import datetime

from django.template import Context, Template
from hypothesis import given, settings
from hypothesis import strategies as st

from apcase.referrals.models import Referral
from apcase.referrals.views import _rows_html
from conftest import without_layout

# The loop as referral_list.html wrote it.
LOOP = Template(
    """{% load govuk links words %}{% for referral in rows %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{% record_url 'referrals:detail' referral.pk %}">{{ referral.pupil }}</a></td>
      <td class="govuk-table__cell">{{ referral.school }}</td>
      <td class="govuk-table__cell">{% govuk_tag referral.status_label referral.status|status_colour %}</td>
      <td class="govuk-table__cell">{% if referral.meeting_date %}{{ referral.meeting_date|govuk_date }}{% else %}Not yet scheduled{% endif %}</td>
    </tr>
    {% endfor %}"""
)
words = st.text(alphabet=st.sampled_from("aZ <>&\"'é-"), max_size=12)
rows = st.lists(
    st.fixed_dictionaries(
        {
            "pk": st.integers(min_value=1, max_value=10**9),
            "pupil": words,
            "school": words,
            "status": st.sampled_from([*Referral.Status.values, "unknown"]),
            "status_label": words,
            "meeting_date": st.none()
            | st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 1, 1)),
        }
    ),
    max_size=4,
)


@settings(deadline=None)
@given(rows=rows)
def test_the_rows_are_what_the_templates_loop_wrote(rows):
    assert without_layout(_rows_html(rows)) == without_layout(LOOP.render(Context({"rows": rows})))
