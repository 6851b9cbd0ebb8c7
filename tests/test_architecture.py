"""Rules of the codebase's shape that a reviewer would otherwise have to remember
(docs/style.md, habits 1 and 3): status changes only in workflow.py, views never write,
and views never fetch a record by id alone."""

import ast
import re
from pathlib import Path

import pytest

APPS = Path(__file__).resolve().parent.parent / "apcase"
SOURCES = sorted(
    path
    for path in APPS.rglob("*.py")
    if "migrations" not in path.parts and "tests" not in path.parts
)
VIEWS = [path for path in SOURCES if path.name == "views.py" or path.name.endswith("_views.py")]


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(APPS.parent)}:{getattr(node, 'lineno', '?')}"


def test_status_is_assigned_only_in_workflow_modules():
    offenders = []
    for path in SOURCES:
        # The outbox's delivery status is plumbing, not a record's workflow state.
        if path.name in {"workflow.py", "demo.py"} or "notifications" in path.parts:
            continue
        for node in ast.walk(_tree(path)):
            targets = node.targets if isinstance(node, ast.Assign) else []
            if isinstance(node, ast.AugAssign | ast.AnnAssign):
                targets = [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "status":
                    offenders.append(_where(path, node))
    assert offenders == [], "Status changes belong in workflow.py"


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: str(p.relative_to(APPS)))
def test_views_never_save_or_delete(path):
    offenders = [
        _where(path, node)
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"save", "delete", "bulk_create", "bulk_update"}
        and not (
            isinstance(node.func.value, ast.Attribute | ast.Name)
            and getattr(node.func.value, "attr", getattr(node.func.value, "id", ""))
            in {"session", "messages", "form", "helper"}
        )
    ]
    assert offenders == [], "Views call a service; they do not write"


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: str(p.relative_to(APPS)))
def test_views_never_fetch_a_record_through_the_model_manager(path):
    offenders = [
        _where(path, node)
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.Attribute)
        and node.attr == "objects"
        and isinstance(node.value, ast.Name)
    ]
    assert offenders == [], "Views read through scoped selectors, never Model.objects"


def test_the_repository_cites_nothing_outside_itself():
    """The code and docs state each rule in their own words with its public source; they
    never point at guidance files that are not in the repository."""
    root = APPS.parent
    # Guidance files kept beside the repository, a path that climbs out of it (two dots
    # and a slash), or the development machines' workspace folder. Built from parts, so
    # this test does not itself name such a path.
    climb = re.escape("." * 2 + "/")
    checkout = re.escape("/" + "wo" + "rk/")
    outside = re.compile(rf"\b(STYLE|REGULATIONS)\.md\b|{climb}[a-z]|{checkout}")
    files = [
        *root.glob("apcase/**/*.py"),
        *root.glob("apcase/**/*.html"),
        *root.glob("docs/**/*.md"),
        *root.glob("config/**/*.py"),
        *root.glob("drills/*.py"),
        root / "README.md",
        root / "pyproject.toml",
        root / "Makefile",
    ]
    citing = sorted(
        str(path.relative_to(root))
        for path in files
        # Tests send climbing paths on purpose, as path-traversal attempts.
        if "tests" not in path.parts and outside.search(path.read_text("utf-8"))
    )
    assert citing == []


def test_every_race_test_holds_a_function_that_exists():
    """The race tests (PostgreSQL only) pause a service at a named function; a refactor
    that moves it must move the name too, or the race test fails only on PostgreSQL.
    This checks the names on every database."""
    import importlib

    for path in sorted((APPS.parent / "tests" / "races").glob("test_*.py")):
        found = re.search(r'^HOLD = "([\w.]+)"', path.read_text(), re.MULTILINE)
        if found is None:
            continue
        module, _, name = found.group(1).rpartition(".")
        assert hasattr(importlib.import_module(module), name), f"{path.name}: {found.group(1)}"
