"""GOV.UK Design System components as template tags: every page writes them one way.

`{% load govuk %}` gives:

- `{% summary_row "Key" value %}`, or with a body for a value that holds markup:
  `{% summary_row "Key" %}{{ a }}<br>{{ b }}{% endsummary_row %}`. Options:
  `value_id="…"`, `key_hint="…"` (a caption under the key), and a row action
  `action_url=url action_text="Change" action_hidden="photo"` (shown only when the URL is
  not empty, so `{% if can_edit %}{% url … as change_url %}{% endif %}` governs it).
- `{% table "Caption" "Heading" "Heading" … caption_size="m" actions="Actions" %}` rows
  `{% endtable %}`: the caption, the head and the `<tbody>`; the body holds the rows.
  `caption_size` is s, m, l or "hidden" (read by screen readers only); a heading that is
  empty is left out (a column shown only to some); `numeric="2,3"` right-aligns headings
  by position; `actions="…"` adds a last heading read by screen readers only;
  `classes="…"` adds classes to the table, `id="…"` gives it an id.
- `{% govuk_tag "Overdue" "red" %}` and `{% govuk_tag obj.get_status_display obj.status|status_colour %}`.
- `{% govuk_back_link "Back to pupils" "pupils:list" %}` (a URL name and its arguments;
  prefixed because crispy_forms_gds has a `back_link` that a later `{% load %}` would put
  in its place).
- `{% capture as name %}…{% endcapture %}` keeps rendered markup in a variable, for a key or
  caption made of more than one value.

Escaping holds everywhere: an argument is rendered as `{{ value }}` would render it
(localised, then escaped unless already safe), and a body or a capture is rendered by the
template itself, so its variables are escaped there and only its literal markup, written
by the template's author, passes as markup. Nothing here marks user data safe.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from crispy_forms_gds.templatetags.crispy_forms_gds import field_errors
from django import template
from django.forms import BoundField
from django.template.base import (
    FilterExpression,
    Node,
    NodeList,
    Parser,
    Token,
    render_value_in_context,
    token_kwargs,
)
from django.template.context import Context
from django.urls import reverse
from django.utils.html import format_html, format_html_join

register = template.Library()

# The colour of the tag for each status value used across the apps. The tag's words carry
# the meaning; the colour only helps the eye (GOV.UK: do not rely on colour alone).
STATUS_COLOURS = {
    "draft": "grey",
    "submitted": "blue",
    "scheduled": "light-blue",
    "approved": "green",
    "declined": "red",
    "deferred": "yellow",
    "more_information": "orange",
    "closed": "grey",
    "withdrawn": "grey",
    "awaiting": "yellow",
    "ratified": "green",
    "not_ratified": "red",
    "ended": "grey",
    "planned": "blue",
    "active": "green",
    "held": "grey",
    "cancelled": "grey",
    "postponed": "yellow",
}


def _rendered(expression: FilterExpression | None, context: Context) -> str:
    """What `{{ expression }}` would output: localised and escaped unless already safe."""
    if expression is None:
        return ""
    value = expression.resolve(context)
    return str(render_value_in_context(value, context))


def _resolve(expression: FilterExpression | None, context: Context) -> Any:
    return None if expression is None else expression.resolve(context)


def _parse_arguments(
    parser: Parser, bits: Sequence[str], allowed: set[str], tag: str
) -> tuple[list[FilterExpression], dict[str, FilterExpression]]:
    args: list[FilterExpression] = []
    kwargs: dict[str, FilterExpression] = {}
    for bit in bits:
        kwarg = token_kwargs([bit], parser)
        if kwarg:
            name, expression = next(iter(kwarg.items()))
            if name not in allowed:
                raise template.TemplateSyntaxError(f"{tag} has no option {name!r}")
            kwargs[name] = expression
        elif kwargs:
            raise template.TemplateSyntaxError(f"{tag}: a value after the options")
        else:
            args.append(parser.compile_filter(bit))
    return args, kwargs


class SummaryRowNode(Node):
    def __init__(
        self,
        key: FilterExpression,
        value: FilterExpression | None,
        body: NodeList | None,
        options: dict[str, FilterExpression],
    ) -> None:
        self.key, self.value, self.body, self.options = key, value, body, options

    def render(self, context: Context) -> str:
        option = self.options.get
        value = (
            self.body.render(context) if self.body is not None else _rendered(self.value, context)
        )
        key = _rendered(self.key, context)
        hint = _rendered(option("key_hint"), context)
        value_id = _rendered(option("value_id"), context)
        action_url = _resolve(option("action_url"), context)
        actions = ""
        if action_url:
            hidden = (
                _rendered(option("action_hidden"), context)
                if "action_hidden" in self.options
                else key.lower()
            )
            actions = format_html(
                '<dd class="govuk-summary-list__actions"><a class="govuk-link" href="{}">{}'
                '<span class="govuk-visually-hidden"> {}</span></a></dd>',
                action_url,
                _rendered(option("action_text"), context)
                if "action_text" in self.options
                else "Change",
                hidden,
            )
        return format_html(
            '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{}{}</dt>'
            '<dd class="govuk-summary-list__value"{}>{}</dd>{}</div>',
            key,
            format_html(' <span class="govuk-caption-s">{}</span>', hint) if hint else "",
            format_html(' id="{}"', value_id) if value_id else "",
            value,
            actions,
        )


@register.tag
def summary_row(parser: Parser, token: Token) -> SummaryRowNode:
    """One row of a GOV.UK summary list: `{% summary_row "Key" value %}` or a body."""
    bits = token.split_contents()
    allowed = {"value_id", "key_hint", "action_url", "action_text", "action_hidden"}
    args, options = _parse_arguments(parser, bits[1:], allowed, bits[0])
    if len(args) == 1:
        body = parser.parse(("endsummary_row",))
        parser.delete_first_token()
        return SummaryRowNode(args[0], None, body, options)
    if len(args) == 2:
        return SummaryRowNode(args[0], args[1], None, options)
    raise template.TemplateSyntaxError("summary_row takes a key, and a value or a body")


class TableNode(Node):
    def __init__(
        self,
        caption: FilterExpression,
        headings: list[FilterExpression],
        body: NodeList,
        options: dict[str, FilterExpression],
    ) -> None:
        self.caption, self.headings, self.body, self.options = caption, headings, body, options

    def render(self, context: Context) -> str:
        option = self.options.get
        size = str(_resolve(option("caption_size"), context) or "m")
        caption_class = (
            "govuk-visually-hidden" if size == "hidden" else f"govuk-table__caption--{size}"
        )
        numeric = {
            int(n) for n in str(_resolve(option("numeric"), context) or "").split(",") if n.strip()
        }
        table_id = _rendered(option("id"), context)
        classes = _rendered(option("classes"), context)
        headings = []
        # `headings=` a list: headings known only when the page renders (a table whose
        # columns are data), after any written in the tag.
        texts = [_rendered(heading, context) for heading in self.headings]
        texts += [str(h) for h in _resolve(option("headings"), context) or ()]
        for position, text in enumerate(texts, start=1):
            if text:
                modifier = " govuk-table__header--numeric" if position in numeric else ""
                headings.append((modifier, text))
        actions = _rendered(option("actions"), context)
        return format_html(
            '<table class="govuk-table{}"{}>'
            '<caption class="govuk-table__caption {}">{}</caption>'
            '<thead class="govuk-table__head"><tr class="govuk-table__row">{}{}</tr></thead>'
            '<tbody class="govuk-table__body">{}</tbody></table>',
            format_html(" {}", classes) if classes else "",
            format_html(' id="{}"', table_id) if table_id else "",
            caption_class,
            _rendered(self.caption, context),
            format_html_join("", '<th scope="col" class="govuk-table__header{}">{}</th>', headings),
            format_html(
                '<th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">{}</span></th>',
                actions,
            )
            if actions
            else "",
            self.body.render(context),
        )


@register.tag
def table(parser: Parser, token: Token) -> TableNode:
    """A GOV.UK table: caption, headings and options in the tag, rows in the body."""
    bits = token.split_contents()
    args, options = _parse_arguments(
        parser,
        bits[1:],
        {"caption_size", "numeric", "actions", "id", "classes", "headings"},
        bits[0],
    )
    if not args:
        raise template.TemplateSyntaxError("table takes a caption and its headings")
    body = parser.parse(("endtable",))
    parser.delete_first_token()
    return TableNode(args[0], args[1:], body, options)


class CaptureNode(Node):
    def __init__(self, name: str, body: NodeList) -> None:
        self.name, self.body = name, body

    def render(self, context: Context) -> str:
        # NodeList.render returns markup already safe: the body's variables were escaped
        # as it rendered, and its literal markup is the template author's.
        context[self.name] = self.body.render(context)
        return ""


@register.tag
def capture(parser: Parser, token: Token) -> CaptureNode:
    """`{% capture as name %}…{% endcapture %}`: the rendered body, kept in `name`."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("capture is written {% capture as name %}")
    body = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(bits[2], body)


@register.filter
def status_colour(status: Any) -> str:
    """The GOV.UK tag colour for a status value ("" where none is set: a grey-blue tag)."""
    return STATUS_COLOURS.get(str(status), "")


@register.simple_tag
def govuk_tag(text: Any, colour: str = "", id: str = "") -> str:  # noqa: A002 - the HTML attribute
    """A GOV.UK tag; colour is a GOV.UK tag colour ("red", or "govuk-tag--red")."""
    colour = str(colour).removeprefix("govuk-tag--")
    return format_html(
        '<strong class="govuk-tag{}"{}>{}</strong>',
        f" govuk-tag--{colour}" if colour else "",
        format_html(' id="{}"', id) if id else "",
        text,
    )


def govuk_link(href: str, text: Any) -> str:
    """A GOV.UK link, the text escaped."""
    return format_html('<a class="govuk-link" href="{}">{}</a>', href, text)


def govuk_table_rows(
    rows: Iterable[Sequence[Any]], *, row_header: bool = False, cell_class: str = ""
) -> str:
    """The body rows of a GOV.UK table (inside `{% table %}`), one cell for each value,
    each escaped unless already markup (a link or tag built with format_html). A long
    list's view builds its rows with this in one pass: a `{% for %}` with a tag or
    filter in each cell cost a list page a sixth of its Python calls (issue 16). With
    `row_header` each row's first value is its header cell (`<th scope="row">`);
    `cell_class` adds a class to every other cell (a smaller font, say)."""
    cell = format_html(
        '<td class="govuk-table__cell{}">{{}}</td>', f" {cell_class}" if cell_class else ""
    )

    def cells(row: Sequence[Any]) -> str:
        header, rest = (row[0], row[1:]) if row_header else (None, row)
        written = format_html_join("", cell, ((value,) for value in rest))
        if header is None:
            return written
        return format_html('<th scope="row" class="govuk-table__header">{}</th>{}', header, written)

    return format_html_join(
        "\n", '<tr class="govuk-table__row">{}</tr>', ((cells(r),) for r in rows)
    )


@register.simple_tag
def govuk_back_link(text: Any, viewname: str, *args: Any) -> str:
    """The GOV.UK back link to a named URL (with its arguments), or to a path the view
    worked out (one that starts with "/")."""
    href = viewname if viewname.startswith("/") else reverse(viewname, args=args)
    return format_html('<a href="{}" class="govuk-back-link">{}</a>', href, text)


@register.simple_tag
def error_summary(errors: Any, anchor: str) -> str:
    """The GOV.UK error summary for errors that are on no form (a form shows its own):
    one message or a list, each linking to `anchor`; nothing when there is none."""
    found = [e for e in ([errors] if isinstance(errors, str) else errors or ()) if e]
    if not found:
        return ""
    return format_html(
        '<div class="govuk-error-summary" data-module="govuk-error-summary"><div role="alert">'
        '<h2 class="govuk-error-summary__title">There is a problem</h2>'
        '<div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list">'
        "{}</ul></div></div></div>",
        format_html_join("", '<li><a href="#{}">{}</a></li>', ((anchor, e) for e in found)),
    )


@register.filter
def summary_errors(field: BoundField) -> list[tuple[str, list[str]]]:
    """crispy-forms-gds' `field_errors` (each message against the box it is about, the
    rest against the field), listing a message once: a date missing its day and month
    styles both boxes, and the summary links its one message to the first."""
    listed: set[str] = set()
    found = []
    for field_id, errors in field_errors(field):
        fresh = [str(e) for e in errors if str(e) not in listed]
        listed.update(fresh)
        if fresh:
            found.append((field_id, fresh))
    return found
