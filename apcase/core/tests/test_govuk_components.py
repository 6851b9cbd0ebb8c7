"""The GOV.UK components (apcase.core.templatetags.govuk): their markup, and escaping that holds
whether a value comes as an argument, as a body or through a capture."""

import pytest
from django.template import Context, Template, TemplateSyntaxError

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def render(source: str, **context) -> str:
    return Template("{% load govuk %}" + source).render(Context(context))


def test_a_summary_row_with_a_value_follows_the_gov_uk_markup():
    html = render('{% summary_row "Legal name" name %}', name="Alex Example")

    assert html == (
        '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Legal name</dt>'
        '<dd class="govuk-summary-list__value">Alex Example</dd></div>'
    )


def test_a_summary_row_escapes_user_data_given_as_the_value_the_key_or_the_action():
    html = render(
        "{% summary_row key value action_url=url action_hidden=key %}",
        key=SCRIPT,
        value=SCRIPT,
        url='/x/"onmouseover="alert(1)',
    )

    assert SCRIPT not in html
    assert html.count(ESCAPED) == 3
    assert 'href="/x/&quot;onmouseover=&quot;alert(1)"' in html


def test_a_summary_row_body_escapes_its_variables_and_keeps_the_templates_markup():
    html = render(
        '{% summary_row "Address" %}{{ line }}<br>{{ notes|linebreaksbr }}{% endsummary_row %}',
        line=SCRIPT,
        notes=f"{SCRIPT}\nsecond",
    )

    assert SCRIPT not in html
    assert f'<dd class="govuk-summary-list__value">{ESCAPED}<br>{ESCAPED}<br>second</dd>' in html


def test_filters_in_a_value_argument_apply_as_in_a_variable():
    html = render(
        '{% summary_row "Notes" notes|default:"None"|linebreaksbr %}', notes=f"{SCRIPT}\nb"
    )

    assert f"{ESCAPED}<br>b" in html


def test_a_summary_row_shows_its_change_link_only_with_a_url():
    with_link = render(
        '{% summary_row "Photo" "No photo" action_url="/photo/" action_hidden="photo" %}'
    )
    without = render('{% summary_row "Photo" "No photo" action_url=missing %}')

    assert (
        '<dd class="govuk-summary-list__actions"><a class="govuk-link" href="/photo/">Change'
        '<span class="govuk-visually-hidden"> photo</span></a></dd>'
    ) in with_link
    assert "govuk-summary-list__actions" not in without


def test_a_summary_row_carries_a_value_id_and_a_key_hint():
    html = render('{% summary_row "Child in need" "No" value_id="cin" key_hint="DSLs only" %}')

    assert (
        '<dt class="govuk-summary-list__key">Child in need <span class="govuk-caption-s">DSLs only'
    ) in html
    assert '<dd class="govuk-summary-list__value" id="cin">No</dd>' in html


def test_a_capture_keeps_rendered_markup_with_its_variables_escaped():
    html = render(
        "{% capture as key %}Objective {{ n }} {{ bad }}{% endcapture %}{% summary_row key 'x' %}",
        n=2,
        bad=SCRIPT,
    )

    assert f'<dt class="govuk-summary-list__key">Objective 2 {ESCAPED}</dt>' in html


def test_a_table_has_its_caption_headings_and_rows():
    html = render(
        '{% table "Terms" "Term" extra "Days" caption_size="m" numeric="3" actions="Actions" %}'
        '<tr class="govuk-table__row"><td class="govuk-table__cell">{{ cell }}</td></tr>{% endtable %}',
        extra="",
        cell=SCRIPT,
    )

    assert html.startswith(
        '<table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--m">'
        "Terms</caption>"
    )
    assert '<th scope="col" class="govuk-table__header">Term</th>' in html
    assert (
        '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Days</th>' in html
    )
    assert html.count("<th ") == 3  # the empty heading is left out
    assert '<span class="govuk-visually-hidden">Actions</span>' in html
    assert (
        f'<tbody class="govuk-table__body"><tr class="govuk-table__row"><td class="govuk-table__cell">{ESCAPED}'
        in html
    )


def test_a_hidden_caption_is_read_by_screen_readers_only():
    html = render('{% table caption "A" caption_size="hidden" %}{% endtable %}', caption=SCRIPT)

    assert (
        f'<caption class="govuk-table__caption govuk-visually-hidden">{ESCAPED}</caption>' in html
    )


def test_a_tag_takes_a_colour_or_a_status():
    assert (
        render('{% govuk_tag "Overdue" "red" %}')
        == '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
    )
    assert (
        render(
            '{% govuk_tag label status|status_colour id="status" %}',
            label="Approved",
            status="approved",
        )
        == '<strong class="govuk-tag govuk-tag--green" id="status">Approved</strong>'
    )
    assert (
        render("{% govuk_tag label %}", label=SCRIPT)
        == f'<strong class="govuk-tag">{ESCAPED}</strong>'
    )


def test_a_back_link_points_at_the_named_url():
    assert render('{% govuk_back_link "Back to referrals" "referrals:list" %}') == (
        '<a href="/referrals/" class="govuk-back-link">Back to referrals</a>'
    )
    assert ESCAPED in render('{% govuk_back_link name "pupils:list" %}', name=SCRIPT)


@pytest.mark.parametrize(
    "source",
    [
        "{% summary_row %}",
        '{% summary_row "a" "b" "c" %}',
        '{% summary_row "a" "b" colour="red" %}',
        "{% table %}{% endtable %}",
        "{% capture name %}{% endcapture %}",
    ],
)
def test_a_mistyped_component_fails_when_the_template_loads(source):
    with pytest.raises(TemplateSyntaxError):
        render(source)


def test_a_table_takes_extra_classes_and_an_id():
    html = render('{% table "A" "B" classes="apcase-chronology" id="history" %}{% endtable %}')

    assert html.startswith('<table class="govuk-table apcase-chronology" id="history">')


def test_an_error_summary_links_each_message_to_its_place_and_escapes_it():
    html = render(
        '{% error_summary errors "register-form" %}', errors=["Mark every pupil.", SCRIPT]
    )

    assert '<h2 class="govuk-error-summary__title">There is a problem</h2>' in html
    assert '<li><a href="#register-form">Mark every pupil.</a></li>' in html
    assert SCRIPT not in html
    assert ESCAPED in html


def test_an_error_summary_takes_one_message_and_shows_nothing_without_one():
    one = render('{% error_summary error "pupil" %}', error="Select the child.")

    assert '<li><a href="#pupil">Select the child.</a></li>' in one
    assert render('{% error_summary error "pupil" %}', error="") == ""
    assert render('{% error_summary errors "pupil" %}', errors=[]) == ""


def test_a_back_link_may_point_at_a_path_the_view_worked_out():
    assert render('{% govuk_back_link "Back" back %}', back="/placements/7/") == (
        '<a href="/placements/7/" class="govuk-back-link">Back</a>'
    )
