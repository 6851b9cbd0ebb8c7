"""What gunicorn's master does before it forks (apcase/core/slow_imports.py, issue 16):
a worker's first request for a page would otherwise import the URL configuration and
read and compile every template the page renders, the form's crispy-forms and widget
templates included, and the benchmark saw the provider's register take 1.4 s where it
takes 28 ms. After the preparation, a page reads no template file at all."""

import datetime

import pytest
from django.forms.renderers import get_default_renderer
from django.template import Origin, engines
from django.template.loaders.filesystem import Loader
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.core import slow_imports
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import person
from conftest import sign_in


def _forget_compiled_templates() -> None:
    """As a process that has compiled nothing yet (other tests compiled many)."""
    for engine in [*(e.engine for e in engines.all()), get_default_renderer().engine.engine]:
        for loader in engine.template_loaders:
            loader.reset()


@pytest.fixture(autouse=True)
def compiled_afresh():
    """Each test starts, and leaves the next, with no template compiled."""
    _forget_compiled_templates()
    yield
    _forget_compiled_templates()


def _no_template_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every template file read from now on fails the test (the cached loader reads
    one through its folders' loaders, which all read as `filesystem.Loader` does)."""

    def read(self: Loader, origin: Origin) -> str:
        raise AssertionError(f"{origin.template_name} was read after the preparation")

    monkeypatch.setattr(Loader, "get_contents", read)


def test_after_the_preparation_the_register_page_reads_no_template(world, monkeypatch):
    staff = person(Role.PROVIDER_STAFF, world.provider)
    make_placement(
        world.school, world.provider, start_date=timezone.localdate() - datetime.timedelta(days=30)
    )
    client = sign_in(Client(), staff)
    slow_imports.prepare_for_workers()
    _no_template_read(monkeypatch)
    response = client.get(reverse("monitoring:register"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Submit the register" in page  # the register's rows, and
    assert 'name="date_0"' in page  # its day form, drawn by crispy-forms and its widgets


@pytest.mark.parametrize(
    "source",
    [
        "{% if %}",  # a TemplateSyntaxError of the language itself
        "{% load crispy_forms_tags %}{% crispy %}",  # the tag's compiler: an IndexError
        "{% load no_such_library %}",  # a TemplateSyntaxError
    ],
)
def test_no_template_that_fails_to_compile_stops_the_server_starting(monkeypatch, caplog, source):
    # Logged, not raised: the server still starts, and the page reports it as before.
    # A template tag's compiler may raise any exception on a malformed tag, not only
    # TemplateSyntaxError: in gunicorn's master (when_ready) that would stop the server
    # at start, where before the preparation only that page failed.
    engine = engines["django"].engine
    monkeypatch.setattr(
        slow_imports, "template_names", lambda: [(engine, "base.html"), (engine, "broken.html")]
    )
    monkeypatch.setattr(
        Loader,
        "get_contents",
        lambda self, origin: source if origin.template_name == "broken.html" else "ok",
    )
    assert slow_imports.compile_templates() == 1
    assert "broken.html does not compile" in caplog.text
