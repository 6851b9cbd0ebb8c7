"""The address of one record's page, for a list of many (issue 16, "Scale").

`reverse()` takes a tenth of a millisecond: it finds the URL pattern, converts and
quotes the argument, then checks the result against the pattern again. A list of 50
rows that links each row to its record's page paid that 50 times over for addresses
that differ only in the record's number. `record_url(name, pk)` reverses each URL name
once, with a marker number in place of the key, and then writes any other key into
that shape; `{% record_url 'pupils:detail' pupil.pk %}` (`{% load links %}`) is the
template's form. The address is the one `reverse(name, args=[pk])` gives: the shape is
kept per URL configuration and script prefix (what reverse reads), and anything but a
key of 0 or more (a whole number) goes through `reverse` itself, as does a URL name
whose shape holds the marker anything but once.

`fixed_url(name)` is `reverse(name)` for a URL that takes no argument (the navigation,
the header and footer links every page draws), reversed once per URL configuration and
script prefix; `{% fixed_url 'home' %}` is the template's form.

`fixed_static(path)` is `static(path)` (the address the static files storage gives,
hashed in production) worked out once per process for each path: the base layout's
stylesheets, icon and script, on every page. The storage's addresses do not change
while the process runs; a test that changes the settings they come from gets new ones.
"""

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse

# A key no table reaches, so its digits in a reversed address are the key's place.
_MARKER = 987654321987654321
_shapes: dict[tuple[str, object, str], tuple[str, str] | None] = {}
_fixed: dict[tuple[str, object, str], str] = {}
_static: dict[tuple[str, str], str] = {}
# The settings a static file's address comes from.
_STATIC_SETTINGS = {"STATIC_URL", "STATIC_ROOT", "STORAGES", "DEBUG"}


def _shape(name: str) -> tuple[str, str] | None:
    key = (name, get_urlconf(), get_script_prefix())
    if key not in _shapes:
        pieces = reverse(name, args=[_MARKER]).split(str(_MARKER))
        _shapes[key] = (pieces[0], pieces[1]) if len(pieces) == 2 else None
    return _shapes[key]


def record_url(name: str, pk: object) -> str:
    """`reverse(name, args=[pk])`, for a URL whose one argument is a record's key."""
    shape = _shape(name) if type(pk) is int and pk >= 0 else None
    if shape is None:
        return reverse(name, args=[pk])
    return f"{shape[0]}{pk}{shape[1]}"


def fixed_url(name: str) -> str:
    """`reverse(name)` for a URL name that takes no argument: URL patterns do not change
    while the process runs, so each is reversed once."""
    key = (name, get_urlconf(), get_script_prefix())
    found = _fixed.get(key)
    if found is None:
        found = _fixed[key] = reverse(name)
    return found


def fixed_static(path: str) -> str:
    """`static(path)`, worked out once per process for each path (and script prefix,
    which a relative STATIC_URL is read with)."""
    key = (path, get_script_prefix())
    found = _static.get(key)
    if found is None:
        found = _static[key] = static(path)
    return found


@receiver(setting_changed)
def _forget_shapes(*, setting: str, **_: object) -> None:
    """A test that changes the URL configuration gets the new shapes, and one that
    changes the static files' settings their new addresses."""
    if setting == "ROOT_URLCONF":
        _shapes.clear()
        _fixed.clear()
    if setting in _STATIC_SETTINGS:
        _static.clear()
