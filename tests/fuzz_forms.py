"""Helpers of the bad-input fuzz test (tests/test_bad_input_fuzz.py): read the forms of
a rendered page, and build what a browser would send from them, with nasty values put
in place of what a user would type."""

import datetime
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

MARKER = "<script>fuzz()</script>"

# One value of each kind that has given an error page somewhere: overlong numbers,
# digits that are not ASCII, control characters, huge text, markup, direction marks.
CORPUS: tuple[str, ...] = (
    "99999999999999999999",
    "²",
    "١٢٣",
    "a\x00b",
    "x" * (128 * 1024),
    MARKER,
    "\u202eevil\u202c \u200f",
    "😀👨‍👩‍👧",
    "9999",
    "-1",
    "0",
    " \t ",
)

# Put in choice fields (selects, radios, checkboxes) in the first rounds, alongside the
# text values: an unknown or overlong id must be refused, never crash.
CHOICE_CORPUS: tuple[str, ...] = ("99999999999999999999", "-1", "a\x00b²", MARKER, "")

# (day, month, year) put in every GOV.UK date input at once, everything else valid, so
# that a date the form accepts reaches the service.
DATE_CORPUS: tuple[tuple[str, str, str], ...] = (
    ("31", "12", "9999"),
    ("1", "1", "99999999999999999999"),
    ("²", "١", "٢٠٢٧"),
)

PLAUSIBLE_BY_TYPE = {
    "email": "fuzz@example.com",
    "url": "https://example.com/fuzz",
    "number": "1",
    "tel": "01632 960000",
    "date": "2027-01-04",
    "time": "09:30",
    "password": "a long passphrase for fuzzing 42",
}
TEXT_TYPES = {"", "text", "email", "url", "number", "tel", "search", "password", "date", "time"}


@dataclass
class Input:
    name: str
    kind: str  # text, hidden, textarea, select, checkbox, radio, file
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    method: str
    action: str | None
    inputs: list[Input] = field(default_factory=list)

    def by_name(self) -> dict[str, Input]:
        found: dict[str, Input] = {}
        for one in self.inputs:
            if one.name in found and one.kind in ("radio", "checkbox", "select"):
                found[one.name].options.extend(one.options)
            else:
                found.setdefault(one.name, one)
        return found


class FormReader(HTMLParser):
    """Every <form> of a page with its named inputs, selects and textareas."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Input | None = None
        self._textarea: Input | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = Form(method=a.get("method", "get").lower(), action=a.get("action"))
            self.forms.append(self._form)
            return
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._select.options.append(a.get("value", ""))
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            kind = kind if kind in ("hidden", "checkbox", "radio", "file") else "text"
            one = Input(name, kind, a.get("value", ""))
            if kind in ("checkbox", "radio"):
                one.options = [a.get("value", "on")]
            self._form.inputs.append(one)
            if kind == "text":
                one.value = one.value or PLAUSIBLE_BY_TYPE.get(a.get("type", ""), "")
        elif tag == "select":
            self._select = Input(name, "select")
            self._form.inputs.append(self._select)
        elif tag == "textarea":
            self._textarea = Input(name, "textarea")
            self._form.inputs.append(self._textarea)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data


def read_forms(html: str) -> list[Form]:
    reader = FormReader()
    reader.feed(html)
    return reader.forms


def _is_date_part(name: str) -> bool:
    return name[-2:] in ("_0", "_1", "_2")


def _plausible(one: Input) -> Any:
    if one.kind in ("select", "radio", "checkbox"):
        real = [o for o in one.options if o]
        return real[0] if real else ""
    if one.kind == "file":
        return SimpleUploadedFile("fuzz.csv", b"UPN,Surname\n", content_type="text/csv")
    if _is_date_part(one.name):
        soon = datetime.date.today() + datetime.timedelta(days=30)
        return one.value or str((soon.day, soon.month, soon.year)[int(one.name[-1])])
    return one.value or "Fuzz"


def _upload(value: str) -> SimpleUploadedFile:
    """A small CSV holding the value; text that is not ASCII goes as UTF-16 (as Excel's
    "Unicode text" saves it), with a byte-order mark for emoji and without for the
    direction marks."""
    text = f"UPN,Surname\r\n{value},{value}\r\n"
    encoding = "utf-8"
    if not value.isascii():
        encoding = "utf-16" if "😀" in value else "utf-16-le" if "\u202e" in value else "utf-8"
    return SimpleUploadedFile("fuzz.csv", text.encode(encoding, "surrogatepass"))


def rounds(form: Form) -> list[tuple[str, dict[str, Any]]]:
    """(label, data) pairs, one submission each: every typed box (and date part) holding
    one value of the corpus, with the choices holding a bad id in the first rounds and
    a real one after; then each bad date with everything else valid."""
    fields = form.by_name()
    plausible = {name: _plausible(one) for name, one in fields.items()}
    typed = [n for n, one in fields.items() if one.kind in ("text", "textarea", "hidden")]
    choices = [n for n, one in fields.items() if one.kind in ("select", "radio", "checkbox")]
    files = [n for n, one in fields.items() if one.kind == "file"]
    dates = sorted({n[:-2] for n in typed if _is_date_part(n)})
    found = []
    for i, value in enumerate(CORPUS):
        data = {**plausible, **dict.fromkeys(typed, value), **{n: _upload(value) for n in files}}
        label = f"text={value[:30]!r}"
        if i < len(CHOICE_CORPUS) and choices:
            data.update(dict.fromkeys(choices, CHOICE_CORPUS[i]))
            label += f" choice={CHOICE_CORPUS[i][:30]!r}"
        found.append((label, data))
    for parts in DATE_CORPUS if dates else ():
        data = {**plausible, **{f"{d}_{i}": parts[i] for d in dates for i in range(3)}}
        found.append((f"date={'/'.join(parts)}", data))
    return found


def with_value(form: Form, value: str) -> dict[str, Any]:
    """Every typed box holding `value`, choices real: for generated values."""
    fields = form.by_name()
    data = {name: _plausible(one) for name, one in fields.items()}
    for name, one in fields.items():
        if one.kind in ("text", "textarea", "hidden"):
            data[name] = value
        elif one.kind == "file":
            data[name] = _upload(value)
    return data


def fresh(data: dict[str, Any]) -> dict[str, Any]:
    """Uploaded files are read once: give each submission its own."""
    copied: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, SimpleUploadedFile):
            value.seek(0)
            value = SimpleUploadedFile(value.name, value.read(), value.content_type)
        copied[key] = value
    return copied
