"""What a worker would otherwise do on its first requests, done once in gunicorn's
master before it forks its workers (`when_ready` in config/gunicorn_conf.py), so every
worker, and every worker started again after `max_requests`, inherits it instead of
making the first request that needs it wait:

- the libraries that are slow to import and that a page imports only when it first needs
  them: matplotlib for charts (apcase/core/svgchart.py), WeasyPrint for PDFs
  (apcase/core/pdf.py), pikepdf and fpdf2 for the panel pack's stamp
  (apcase/panel/pack.py). A management command or a test that draws no chart never pays
  for them (issue 16's benchmark saw the first pupil page a worker served take 1.6 s
  against 45 ms after);
- the URL configuration, which Django imports at a process's first request (every app's
  views, and with them openpyxl, the REST framework and its schema generator), its
  patterns' regular expressions and the lookups `reverse` reads;
- every template, compiled: the template engine keeps each compiled template for the
  life of the process (the cached loader), so a worker's first request for a page read
  and compiled its templates, and its forms' crispy-forms and widget templates, there
  and then.

Issue 16's benchmark saw the provider's register take 1.4 s twice where it takes 28 ms:
the two workers, each started again after its thousand requests, served it first,
importing the URL configuration and compiling templates. None of this reads the
database: the master holds no connection for its workers to share."""

import contextlib
import importlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.template import TemplateDoesNotExist, engines
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.utils import formats, translation
from django.utils.module_loading import import_string

from . import svgchart

logger = logging.getLogger(__name__)

SLOW_LIBRARIES = ("weasyprint", "pikepdf", "fpdf")
UNNAMED = "no-such-page"  # a URL name no pattern has


def import_slow_libraries() -> None:
    svgchart.matplotlib_ready()
    for name in SLOW_LIBRARIES:
        importlib.import_module(name)


def _compile_patterns(resolver: URLResolver) -> None:
    for pattern in resolver.url_patterns:
        pattern.pattern.regex  # noqa: B018 - compiled on first read
        if isinstance(pattern, URLResolver):
            _compile_patterns(pattern)


def _namespaces(resolver: URLResolver, within: str = "") -> Iterator[str]:
    for namespace, (_prefix, inner) in resolver.namespace_dict.items():
        path = f"{within}{namespace}"
        yield path
        yield from _namespaces(inner, f"{path}:")


def load_url_configuration() -> None:
    """Import the URL configuration (every app's URLs and views), compile each pattern's
    regular expression (compiled when a request's path is first matched against it),
    and build the lookups `reverse` reads: the root's, and each namespace's, which
    Django builds (and keeps) at the first `reverse` of a name in it; a name no pattern
    has builds it too."""
    _compile_patterns(get_resolver())
    get_resolver().reverse_dict  # noqa: B018 - built on first read
    for namespace in _namespaces(get_resolver()):
        with contextlib.suppress(NoReverseMatch):
            reverse(f"{namespace}:{UNNAMED}")


def template_names() -> list[tuple[Any, str]]:
    """Every template the pages' template engines can find, with its engine: each file
    under each of their loaders' folders, named as a page names it. And the form
    renderer's (its own engine): its own folder's templates (Django's forms, fields and
    widgets) and those every widget class names (a crispy-forms widget's, say); its
    other folders are the apps', which it reads only for those."""
    found = []
    for engine in engines.all():
        inner = getattr(engine, "engine", None)  # Django's template language only
        if inner is not None:
            found += [(inner, name) for name in _file_names(inner)]
    renderer = getattr(get_default_renderer(), "engine", None)
    if renderer is not None:
        own = {Path(folder) for folder in renderer.engine.dirs}
        names = {*_file_names(renderer.engine, only=own), *_widget_templates(forms.Widget)}
        found += [(renderer.engine, name) for name in sorted(names)]
    return found


def _file_names(engine: Any, only: set[Path] | None = None) -> Iterator[str]:
    for loader in engine.template_loaders:
        for source in getattr(loader, "loaders", [loader]):  # the cached loader's
            for folder in map(Path, source.get_dirs()):
                if only is None or folder in only:
                    for path in sorted(folder.rglob("*")):
                        if path.is_file():
                            yield path.relative_to(folder).as_posix()


def _widget_templates(widget: type[forms.Widget]) -> Iterator[str]:
    for attribute in ("template_name", "option_template_name"):
        name = getattr(widget, attribute, None)
        if isinstance(name, str):
            yield name
    for subclass in widget.__subclasses__():
        yield from _widget_templates(subclass)


def compile_templates() -> int:
    """Compile every template into its engine's cache (the cached loader keeps it for
    the life of the process); returns how many. One that does not compile is logged and
    left for its page to report as it always has; a widget's that does not exist is
    skipped. Whatever a template raises, the server still starts: a tag's compiler may
    raise any exception on a malformed tag (crispy-forms' an IndexError), and this runs
    in gunicorn's master, which stops if it raises."""
    compiled = 0
    for engine, name in template_names():
        try:
            engine.get_template(name)
        except TemplateDoesNotExist:
            continue  # a widget of an app not installed (Django's admin imported, say)
        except Exception:  # any failure is its page's to report, as before
            logger.warning("Template %s does not compile", name, exc_info=True)
        else:
            compiled += 1
    return compiled


def prepare_for_workers() -> None:
    """Everything a worker's first requests would otherwise do, in the master before it
    forks."""
    import_slow_libraries()
    load_url_configuration()
    for engine in engines.all():
        inner = getattr(engine, "engine", None)
        if inner is not None:
            inner.template_context_processors  # noqa: B018 - imported on first read
    compile_templates()
    # The default language's message catalogues and date formats, and the messages'
    # storage: each read or imported on a process's first request that needs it.
    translation.gettext("")
    formats.get_format_modules()
    import_string(settings.MESSAGE_STORAGE)
