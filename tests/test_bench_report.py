"""The benchmark's committed report says what was measured, and no more: the scales by
their real size (scale 1 is one local authority), how many requests each figure rests
on, a figure with no measurement said to be so, and a saturated load run said to be
saturated. Read from the committed results, so a stale or misleading latest.md fails."""

import json

from bench.scale_pages import RESULTS, markdown


def _result() -> dict:  # type: ignore[type-arg]
    return json.loads((RESULTS / "latest.json").read_text(encoding="utf-8"))


def test_latest_md_is_what_latest_json_holds():
    assert (RESULTS / "latest.md").read_text(encoding="utf-8") == "\n".join(
        markdown(_result())
    ) + "\n"


def test_the_report_names_each_scale_by_its_size_and_says_what_was_not_measured():
    result = _result()
    text = "\n".join(markdown(result))
    machine = result["machine"]
    assert "1x" not in text  # "1x" was a tenth of one LA
    assert "10x" not in text
    assert f"scale {machine['scale_1x']:g} → scale {machine['scale_10x']:g}" in text
    assert "None" not in text
    unmeasured = [p["name"] for p in result["pages"] if p["load_p50_ms"] is None]
    for name in unmeasured:
        row = next(line for line in text.splitlines() if line.startswith(f"| {name} |"))
        assert row.endswith("| not measured | not measured | not measured |"), row


def test_a_saturated_load_run_is_said_to_be_saturated():
    result = _result()
    machine = result["machine"]
    result["machine"] = {**machine, "users": 50, "think_seconds": 5, "load_seconds": 60}
    result["load_total"] = {"requests": 82, "failures": 0}
    assert "the 2 workers were saturated" in "\n".join(markdown(result))
    result["load_total"] = {"requests": 590, "failures": 0}
    assert "saturated" not in "\n".join(markdown(result))


def test_the_bulk_imports_are_reported_against_copy_of_the_same_rows():
    result = _result()
    result["bulk"] = [
        {
            "name": "Attendance import (1,000,000 marks)",
            "rows": 1_000_000,
            "rows_per_s": 25_000.4,
            "copy_rows_per_s": 100_000.0,
            "share_of_copy": 0.25,
        }
    ]
    text = "\n".join(markdown(result))
    assert "against PostgreSQL COPY of the same rows" in text
    assert "| Attendance import (1,000,000 marks) | 1,000,000 | 25,000 | 100,000 | 25% |" in text
    result["bulk"] = []
    assert "COPY" not in "\n".join(markdown(result))


def test_the_committed_bulk_figures_say_how_many_rows_and_what_share_of_copy():
    bulk = _result()["bulk"]
    assert {row["name"].split(" (")[0] for row in bulk} == {"MIS pupil import", "Attendance import"}
    for row in bulk:
        assert row["rows"] > 0
        assert abs(row["share_of_copy"] - row["rows_per_s"] / row["copy_rows_per_s"]) < 0.002
