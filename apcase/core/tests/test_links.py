"""`record_url` gives the address `reverse` gives, for every URL name whose one argument
is a record's key, without reversing the name again for each record."""

import pytest
from django.template import engines
from django.templatetags.static import static
from django.test import override_settings
from django.urls import NoReverseMatch, get_resolver, reverse, set_script_prefix
from django.urls.resolvers import URLPattern

from apcase.core import links
from apcase.core.links import record_url


def _url_names(keep) -> list[str]:  # type: ignore[no-untyped-def]
    """Every named URL of the project whose pattern `keep` accepts, found by walking the
    URL configuration."""
    found = []

    def walk(patterns, namespace):  # type: ignore[no-untyped-def]
        for entry in patterns:
            if isinstance(entry, URLPattern):
                if entry.name and keep(entry.pattern):
                    found.append(f"{namespace}{entry.name}")
            else:
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner)

    walk(get_resolver().url_patterns, "")
    return found


def _takes_one_int(pattern) -> bool:  # type: ignore[no-untyped-def]
    converters = list(pattern.converters.values())
    return len(converters) == 1 and type(converters[0]).__name__ == "IntConverter"


def _names_taking_one_key() -> list[str]:
    """Every named URL of the project with one argument, an int."""
    return _url_names(_takes_one_int)


def test_every_url_of_one_key_is_the_address_reverse_gives():
    names = _names_taking_one_key()
    assert "pupils:detail" in names
    assert "referrals:detail" in names
    for name in names:
        for pk in (0, 7, 123456):
            assert record_url(name, pk) == reverse(name, args=[pk]), name


def test_a_key_that_is_not_a_whole_number_goes_through_reverse():
    assert record_url("pupils:detail", "42") == "/pupils/42/"
    with pytest.raises(NoReverseMatch):
        record_url("pupils:detail", -1)
    with pytest.raises(NoReverseMatch):
        record_url("pupils:detail", "x")


def test_the_address_follows_the_script_prefix():
    set_script_prefix("/apcase/")
    try:
        assert record_url("pupils:detail", 5) == "/apcase/pupils/5/"
    finally:
        set_script_prefix("/")
    assert record_url("pupils:detail", 5) == "/pupils/5/"


def test_the_tag_writes_the_same_link_as_the_url_tag():
    links._shapes.clear()
    template = engines["django"].from_string(
        "{% load links %}{% for pk in pks %}{% record_url 'pupils:detail' pk %}"
        "={% url 'pupils:detail' pk %};{% endfor %}"
    )
    pairs = template.render({"pks": [1, 22, 333]}).rstrip(";").split(";")
    assert [tuple(pair.split("=")) for pair in pairs] == [
        ("/pupils/1/", "/pupils/1/"),
        ("/pupils/22/", "/pupils/22/"),
        ("/pupils/333/", "/pupils/333/"),
    ]


def _names_taking_nothing() -> list[str]:
    return _url_names(lambda pattern: not pattern.converters and "(?P" not in str(pattern))


def test_every_url_of_no_argument_is_the_address_reverse_gives():
    names = _names_taking_nothing()
    assert {"home", "accounts:logout", "pupils:list"} <= set(names)
    for name in names:
        assert links.fixed_url(name) == reverse(name), name


def test_a_fixed_address_follows_the_script_prefix():
    assert links.fixed_url("home") == "/"
    set_script_prefix("/apcase/")
    try:
        assert links.fixed_url("home") == "/apcase/"
        assert engines["django"].from_string(
            "{% load links %}{% fixed_url 'pupils:list' %}"
        ).render({}) == reverse("pupils:list")
    finally:
        set_script_prefix("/")
    assert links.fixed_url("home") == "/"


STATIC_PATHS = [
    "apcase/favicon.svg",
    "govuk/govuk-frontend.min.css",
    "apcase/apcase.css",
    "apcase/init.mjs",
]


def test_a_static_files_address_is_the_one_static_gives_and_follows_its_settings():
    for path in STATIC_PATHS:
        assert links.fixed_static(path) == static(path), path
    with override_settings(STATIC_URL="/assets/"):
        assert links.fixed_static("apcase/apcase.css") == "/assets/apcase/apcase.css"
        assert engines["django"].from_string(
            "{% load links %}{% fixed_static 'apcase/init.mjs' %}"
        ).render({}) == static("apcase/init.mjs")
    assert links.fixed_static("apcase/apcase.css") == static("apcase/apcase.css")


@pytest.mark.django_db
def test_every_page_links_the_layouts_stylesheets_icon_and_script(client):
    page = client.get(reverse("accessibility"))

    assert page.status_code == 200
    for path in STATIC_PATHS:
        assert f'="{static(path)}"' in page.content.decode(), path
