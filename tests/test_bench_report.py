"""The benchmark's committed report says what was measured, and no more: the scales by
their real size (scale 1 is one local authority), how many requests each figure rests
on, a figure with no measurement said to be so, and a saturated load run said to be
saturated. Read from the committed results, so a stale or misleading latest.md fails."""

import json

from bench.explain import REFERRAL_PAGE_IN_ORDER, Check, is_meant, uses_index
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


def test_the_load_runs_p95_over_every_request_is_held_to_its_target():
    result = _result()
    result["load_total"] = {"requests": 590, "failures": 0, "p50_ms": 45.0, "p95_ms": 250.0}
    text = "\n".join(markdown(result))
    assert "of all of them p50 45 ms and p95 250 ms, over the 150 ms" in text
    result["load_total"]["p95_ms"] = 120.0
    assert "p95 120 ms, within the 150 ms" in "\n".join(markdown(result))


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


EXPLAINED = {"name", "page", "table", "table_rows", "index", "uses_index", "seq_scans", "plan"}


def test_the_committed_report_explains_each_query_an_index_is_for():
    result = _result()
    explained = result["explain"]
    names = {row["name"] for row in explained}
    assert names == {
        "open follow-ups by assignee",
        "open follow-ups by placement",
        "referrals by panel, latest change first",
        "open referrals by panel, counted",
        "decisions whose letters may be due",
        "audit events by pupil and time",
    }
    for row in explained:
        assert set(row) >= EXPLAINED, row["name"]
        assert isinstance(row["uses_index"], bool)
        assert row["plan"].strip(), f"{row['name']}: no plan kept"
        # "used" is what the plans say (one per query the page ran) of the queries the
        # index is meant for, not a copy of it. A report written before the checks named
        # those queries judged every query.
        plans = row["plan"].split("\n\n")
        meant = row.get("meant", [True] * len(plans))
        if "meant" in row:
            assert row["uses_index"] == uses_index(row["index"], row["table"], plans, meant)
        else:
            assert row["uses_index"] == all(row["index"] in plan for plan in plans), row["name"]
    text = "\n".join(markdown(result))
    assert "## EXPLAIN of the queries the indexes are for" in text
    assert f"--scale {result['explain_scale']:g}" in text


def test_an_index_not_used_and_a_whole_big_table_read_are_flagged():
    result = _result()
    result["explain"] = [
        {
            "name": "open follow-ups by assignee",
            "page": "home page",
            "table": "monitoring_followuptask",
            "table_rows": 90000,
            "index": "open_follow_ups_by_assignee",
            "uses_index": False,
            "seq_scans": ["monitoring_followuptask"],
            "plan": "Seq Scan on monitoring_followuptask",
        }
    ]
    result["explain_scale"] = 1
    row = next(line for line in markdown(result) if line.startswith("| open follow-ups"))
    assert row.endswith(
        "| open_follow_ups_by_assignee | **no** | no index | **monitoring_followuptask** |"
    )


def test_a_seq_scan_is_flagged_only_on_a_big_table():
    from bench.explain import BIG_ROWS, seq_scans

    plan = "Nested Loop\n  -> Seq Scan on accounts_organisation\n  -> Seq Scan on pupils_pupil"
    rows = {"accounts_organisation": 40, "pupils_pupil": BIG_ROWS * 3}
    assert seq_scans(plan, rows) == ["pupils_pupil"]


def test_only_the_pages_own_reads_of_the_table_are_explained():
    from bench.explain import reads_of

    ran = [
        'SELECT "x" FROM "monitoring_followuptask" WHERE "status" = \'open\'',
        'SELECT "y" FROM "placements_placement" INNER JOIN "monitoring_followuptask" ON 1',
        'INSERT INTO "monitoring_followuptask" ("x") VALUES (1)',
    ]
    assert reads_of("monitoring_followuptask", ran) == [ran[0]]


def test_the_indexes_a_plan_reads_a_table_by_are_named():
    from bench.explain import indexes_read

    plan = """Nested Loop
  ->  Bitmap Heap Scan on chronology_auditevent
        Recheck Cond: (pupil_id = 16)
        ->  Bitmap Index Scan on chronology_auditevent_pupil_id
  ->  Index Scan using pupils_pupil_pkey on pupils_pupil
  ->  Index Scan Backward using audit_events_by_pupil_time on chronology_auditevent"""
    assert indexes_read(plan, "chronology_auditevent") == [
        "audit_events_by_pupil_time",
        "chronology_auditevent_pupil_id",
    ]
    assert indexes_read(plan, "pupils_pupil") == ["pupils_pupil_pkey"]
    assert indexes_read("Seq Scan on pupils_pupil", "pupils_pupil") == []


def test_used_is_judged_on_the_reads_the_index_is_for():
    """The LA's referral list counts every referral and reads its page's rows by key, as
    well as reading the page's keys in the order of referrals_by_panel_updated: the index
    is used when that read goes by it, whatever the other two read."""
    check = Check(
        "referrals by panel, latest change first",
        "referral list (LA)",
        "la_officer",
        "referrals_referral",
        "referrals_by_panel_updated",
        meant_for=REFERRAL_PAGE_IN_ORDER,
    )
    count = 'SELECT COUNT(*) AS "__count" FROM "referrals_referral" WHERE ("panel_id" IN (%s))'
    page = (
        'SELECT "referrals_referral"."id" AS "pk" FROM "referrals_referral" WHERE (x) '
        'ORDER BY "referrals_referral"."updated_at" DESC, 1 DESC LIMIT 50'
    )
    rows = (
        'SELECT "referrals_referral"."id" FROM "referrals_referral" WHERE "id" IN (1, 2) '
        'ORDER BY "referrals_referral"."updated_at" DESC, "referrals_referral"."id" DESC'
    )
    assert [is_meant(check, sql) for sql in (count, page, rows)] == [False, True, False]
    by_index = "Limit\n  ->  Index Scan using referrals_by_panel_updated on referrals_referral"
    by_key = (
        "Bitmap Heap Scan on referrals_referral\n  ->  Bitmap Index Scan on referrals_referral_pkey"
    )
    whole = "Aggregate\n  ->  Seq Scan on referrals_referral"
    table, index = check.table, check.index
    assert uses_index(index, table, [whole, by_index, by_key], [False, True, False])
    assert not uses_index(index, table, [whole, whole, by_key], [False, True, False])
    assert not uses_index(index, table, [whole], [False])  # no read it is for: not used
    # A check with no pattern judges every read of the table.
    assert not uses_index(index, table, [whole, by_index], [True, True])
