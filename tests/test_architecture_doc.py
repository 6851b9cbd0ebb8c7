"""The "Apps" table of docs/architecture.md says what import-linter enforces: the same
apps, in the same layers, in the same order, each allowed to import exactly the apps the
layering allows. Change the layering in pyproject.toml and this fails until the doc says
the same (and the other way round)."""

import re
import tomllib
from pathlib import Path

import apcase

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"


def _contract() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c for c in config["contracts"] if c["type"] == "layers"]
    assert layers["containers"] == ["apcase"]
    return [" ".join(layer.split()) for layer in layers["layers"]]


def _split(layer: str) -> tuple[list[str], str]:
    """The apps of one layer and how they relate: "|" independent, ":" not."""
    for sep in ("|", ":"):
        if sep in layer:
            return [app.strip() for app in layer.split(sep)], sep
    return [layer.strip()], "|"


def _table() -> list[dict[str, str]]:
    text = DOC.read_text()
    section = text.split("\n## Apps\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header == ["app", "holds", "layer", "may import"]
    rows = []
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        assert len(cells) == len(header), line
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


def _names(cell: str) -> list[str]:
    return re.findall(r"`(\w+)`", cell)


def test_the_table_lists_the_contracts_layers_in_order():
    rows = _table()
    levels: dict[int, list[str]] = {}
    for row in rows:
        (app,) = _names(row["app"])
        levels.setdefault(int(row["layer"]), []).append(app)
    assert sorted(levels) == list(range(1, len(levels) + 1)), (
        "layers numbered 1, 2, ... from the top"
    )
    contract = [_split(layer)[0] for layer in _contract()]
    assert [levels[n] for n in sorted(levels)] == contract


def test_each_apps_may_import_is_what_the_layering_allows():
    layers = [_split(layer) for layer in _contract()]
    allowed: dict[str, list[str]] = {}
    for index, (apps, sep) in enumerate(layers):
        below = [app for lower, _ in layers[index + 1 :] for app in lower]
        for app in apps:
            siblings = [a for a in apps if a != app] if sep == ":" else []
            allowed[app] = siblings + below
    for row in _table():
        (app,) = _names(row["app"])
        said = _names(row["may import"]) or ([] if row["may import"] == "nothing" else None)
        assert said == allowed[app], f"{app}: the table says {row['may import']}"


def test_every_package_of_apcase_has_its_place_in_the_layering():
    packages = {path.parent.name for path in Path(apcase.__file__).parent.glob("*/__init__.py")}
    layered = {app for layer in _contract() for app in _split(layer)[0]}
    assert packages == layered
