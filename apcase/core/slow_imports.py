"""The libraries that are slow to import and that a page imports only when it first
needs them: matplotlib for charts (apcase/core/svgchart.py), WeasyPrint for PDFs
(apcase/core/pdf.py), pikepdf and fpdf2 for the panel pack's stamp
(apcase/panel/pack.py). A management command or a test that draws no chart never pays
for them. gunicorn's master imports them once before it forks its workers
(`when_ready` in config/gunicorn_conf.py), so a worker inherits them instead of making
the first request that needs one wait a second or two (issue 16's benchmark saw the
first pupil page a worker served take 1.6 s against 45 ms after)."""

import importlib

from . import svgchart

SLOW_LIBRARIES = ("weasyprint", "pikepdf", "fpdf")


def import_slow_libraries() -> None:
    svgchart.matplotlib_ready()
    for name in SLOW_LIBRARIES:
        importlib.import_module(name)
