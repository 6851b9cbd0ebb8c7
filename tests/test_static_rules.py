"""Project security rules checked on the source, run by `make lint` and `make test`
(issue 9, static checks). Bandit covers the generic ones; these are apcase's own:

1. Views never fetch a record by id through a model: no `Model.objects.get(pk=...)`
   (or `id=`), no `get_object_or_404(Model, ...)`; a scoped selector does it.
2. Nothing marks user data as safe HTML: `mark_safe`/`SafeString` only on a literal,
   no `|safe` or `{% autoescape off %}` in HTML templates but the reviewed ones below.
3. No SQL built from strings: `execute`, `raw`, `extra` and `RawSQL` take a literal
   (parameters go separately); a reviewed exception says `# nosec B608` and why on the
   same line, as bandit's own marker.

Each rule is also run against a small bad example, so a rule that stopped matching
anything would fail here instead of passing quietly."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "apcase"
SOURCES = sorted(
    path
    for path in [*APPS.rglob("*.py"), *(ROOT / "config").rglob("*.py")]
    if "tests" not in path.parts and "migrations" not in path.parts
)
VIEWS = [path for path in SOURCES if path.name == "views.py" or path.name.endswith("_views.py")]
HTML_TEMPLATES = sorted(APPS.rglob("*.html"))

# Reviewed uses of |safe: the value is built by the server, never from user input.
SAFE_FILTER_ALLOWED = {
    # An SVG QR code drawn by the qrcode library from the TOTP provisioning URI.
    ("accounts/two_factor.html", "qr_svg"),
    # SVG charts drawn by matplotlib from numbers and dates, re-serialised (escaped) by
    # ElementTree in core.svgchart; no name or free text goes in.
    ("monitoring/placement.html", "attendance_chart"),
    ("monitoring/_check_in_trend.html", "trend.svg"),
    # The outcome dashboards' charts (oversight.charts): numbers, months, and the names
    # of providers, panels and code-list labels, all escaped by ElementTree.
    ("oversight/outcomes.html", "svg"),
}
SQL_CALLS = {"execute", "executemany", "raw", "extra", "RawSQL"}
ID_KEYWORDS = {"pk", "id"}


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _is_literal_string(node: ast.expr) -> bool:
    """A constant string, or literal strings joined (implicit concatenation is one)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Name):
        return node.id.isupper()  # a module constant, e.g. PG_FUNCTION
    return False


# --- rule 1: no fetch by id through the model in a view -----------------------------


def fetches_by_id(tree: ast.AST) -> list[ast.Call]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        keywords = {k.arg for k in node.keywords}
        if (
            isinstance(func, ast.Attribute)
            and func.attr in {"get", "filter", "get_or_create"}
            and isinstance(func.value, ast.Attribute)
            and func.value.attr in {"objects", "_default_manager", "_base_manager"}
            and keywords & ID_KEYWORDS
        ) or (
            _name(func) in {"get_object_or_404", "get_list_or_404"}
            and node.args
            and isinstance(node.args[0], ast.Name)
        ):
            found.append(node)
    return found


# --- rule 2: nothing marked safe but literals -----------------------------------------


def marks_non_literals_safe(tree: ast.AST) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and _name(node.func) in {"mark_safe", "SafeString", "SafeText"}
        and not (node.args and _is_literal_string(node.args[0]))
    ]


SAFE_FILTER = re.compile(r"\{\{\s*([\w.]+)[^}]*\|\s*safe\b")
AUTOESCAPE_OFF = re.compile(r"\{%\s*autoescape\s+off\s*%\}")


def unsafe_template_lines(relative: str, text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in SAFE_FILTER.finditer(line):
            if (relative, match.group(1)) not in SAFE_FILTER_ALLOWED:
                found.append(f"{relative}:{number} |safe on {match.group(1)}")
        if AUTOESCAPE_OFF.search(line):
            found.append(f"{relative}:{number} autoescape off")
    return found


# --- rule 3: no SQL built from strings ------------------------------------------------


# The shape of a statement, not a word: "Select the school" is not SQL.
SQL_SHAPE = re.compile(
    r"^\s*(SELECT\b.*\bFROM\b|INSERT\s+INTO\b|UPDATE\s+\S+\s+SET\b|DELETE\s+FROM\b"
    r"|(CREATE|DROP|ALTER)\s+(TABLE|TRIGGER|INDEX|VIEW|FUNCTION|SCHEMA|DATABASE)\b"
    r"|TRUNCATE\b|WITH\s+\w+\s+AS\s*\()",
    re.IGNORECASE | re.DOTALL,
)


def _is_built(node: ast.expr) -> bool:
    """A string put together at run time: an f-string with values, +, % or .format()."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.FormattedValue) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return True
    return isinstance(node, ast.Call) and _name(node.func) in {"format", "join"}


def _shape(node: ast.expr) -> str:
    """The text a built string would have, with "x" for every value put in."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_shape(part) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _shape(node.left) + _shape(node.right)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _shape(node.left)
    if isinstance(node, ast.Call) and _name(node.func) == "format":
        return _shape(node.func.value)  # type: ignore[attr-defined]
    return "x"


def _reviewed(node: ast.AST, lines: list[str]) -> bool:
    first, last = getattr(node, "lineno", 1), getattr(node, "end_lineno", None)
    return any("nosec B608" in line for line in lines[first - 1 : last or first])


def sql_from_strings(tree: ast.AST, lines: list[str]) -> list[ast.AST]:
    """SQL calls given a built string, and any built string that starts like SQL
    (wherever it is, so a statement built first and passed by name is caught too)."""
    found: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) in SQL_CALLS:
            if _name(node.func) == "extra":
                found.append(node)  # .extra(where=[...]) and friends: raw SQL always
                continue
            sql = node.args[0] if node.args else None
            if sql is None:
                sql = next((k.value for k in node.keywords if k.arg in {"sql", "raw_query"}), None)
            if sql is not None and _is_built(sql) and not _reviewed(node, lines):
                found.append(node)
        elif (
            isinstance(node, ast.expr)
            and _is_built(node)
            and SQL_SHAPE.match(_shape(node))
            and not _reviewed(node, lines)
        ):
            found.append(node)
    # A built SQL string passed straight to a call is one finding, not two.
    calls = {id(arg) for n in found if isinstance(n, ast.Call) for arg in n.args}
    return [n for n in found if id(n) not in calls]


# --- the rules over the code ----------------------------------------------------------


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: str(p.relative_to(APPS)))
def test_views_never_fetch_a_record_by_id_through_the_model(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    offenders = [_where(path, node) for node in fetches_by_id(tree)]
    assert offenders == [], "Fetch through a scoped selector (get_<thing>_for(user, id))"


def test_nothing_but_literals_is_marked_safe():
    offenders = [
        _where(path, node)
        for path in SOURCES
        for node in marks_non_literals_safe(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert offenders == [], "Build HTML with format_html or a template, which escape"


def test_html_templates_escape_everything_but_the_reviewed_values():
    offenders = []
    for path in HTML_TEMPLATES:
        parts = path.relative_to(APPS).parts
        relative = "/".join(parts[parts.index("templates") + 1 :])
        offenders += unsafe_template_lines(relative, path.read_text(encoding="utf-8"))
    assert offenders == []


def test_no_sql_is_built_from_strings():
    offenders = []
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        offenders += [
            _where(path, node) for node in sql_from_strings(ast.parse(text), text.splitlines())
        ]
    assert offenders == [], "Pass values as parameters; mark a reviewed exception nosec B608"


# --- each rule catches its bad example ------------------------------------------------

BAD_VIEW = """
def view(request, pupil_id):
    pupil = Pupil.objects.get(pk=pupil_id)
    other = get_object_or_404(Pupil, pk=pupil_id)
    third = Pupil.objects.filter(id=pupil_id).first()
    fine = selectors.get_pupil_for(request.user, pupil_id)
"""

BAD_SAFE = """
def render_name(pupil):
    ok = mark_safe("<br>")
    return mark_safe(f"<b>{pupil.name}</b>") + SafeString(pupil.notes)
"""

BAD_SQL = """
def search(cursor, name, table):
    cursor.execute("SELECT 1 FROM t WHERE name = %s", [name])
    cursor.execute(f"SELECT * FROM t WHERE name = '{name}'")
    cursor.execute("SELECT * FROM t WHERE name = '%s'" % name)
    Pupil.objects.raw("SELECT * FROM p WHERE n = " + name)
    Pupil.objects.extra(where=["name = '" + name + "'"])
    cursor.execute(f"SELECT * FROM {table}")  # nosec B608 - a quoted name from the schema
    statement = (
        f"UPDATE {table} SET a = %s "
        "WHERE id = %s"
    )
    cursor.executemany(statement, [])
"""


def test_the_rules_catch_their_bad_examples():
    assert [n.lineno for n in fetches_by_id(ast.parse(BAD_VIEW))] == [3, 4, 5]
    assert sorted(n.lineno for n in marks_non_literals_safe(ast.parse(BAD_SAFE))) == [4, 4]
    found = sql_from_strings(ast.parse(BAD_SQL), BAD_SQL.splitlines())
    assert sorted(n.lineno for n in found) == [4, 5, 6, 7, 10]
    assert unsafe_template_lines("x.html", "<p>{{ pupil.notes|safe }}</p>") == [
        "x.html:1 |safe on pupil.notes"
    ]
    assert unsafe_template_lines("x.html", "{% autoescape off %}{{ a }}") == [
        "x.html:1 autoescape off"
    ]
    assert unsafe_template_lines("accounts/two_factor.html", "{{ qr_svg|safe }}") == []
