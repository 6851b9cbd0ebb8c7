from django import template

register = template.Library()

TAG_COLOURS = {
    "draft": "govuk-tag--grey",
    "submitted": "govuk-tag--blue",
    "scheduled": "govuk-tag--light-blue",
    "approved": "govuk-tag--green",
    "declined": "govuk-tag--red",
    "deferred": "govuk-tag--yellow",
    "more_information": "govuk-tag--orange",
    "closed": "govuk-tag--grey",
    "withdrawn": "govuk-tag--grey",
    "awaiting": "govuk-tag--yellow",
    "ratified": "govuk-tag--green",
    "not_ratified": "govuk-tag--red",
    "ended": "govuk-tag--grey",
    "planned": "govuk-tag--blue",
    "active": "govuk-tag--green",
    "held": "govuk-tag--grey",
    "cancelled": "govuk-tag--grey",
}


@register.filter
def tag_colour(status: str) -> str:
    """The GOV.UK tag colour for a status; the tag's words carry the meaning."""
    return TAG_COLOURS.get(str(status), "")
