"""PanelDecision.letters_may_be_due: true from the start and set true again by triggers,
in the same statement as every write that could make a decision letter due; cleared
only by `panel.letters.settle_letters_due`, which checks the live rule
(docs/adr/0017-letters-due-kept-on-the-safe-side.md). Every decision already made
starts true: the first daily pass clears those with nothing due."""

from django.conf import settings
from django.db import migrations, models

DECISIONS = "panel_paneldecision"
FLAG = "letters_may_be_due"


def _flag_items_of_pupil(pupil: str) -> list[str]:
    """Flag the decisions on the referrals and emergency placements of `pupil`: two
    statements, each a join an index answers (an OR of the two would read every
    decision)."""
    return [
        f"UPDATE {DECISIONS} SET {FLAG} = TRUE WHERE NOT {FLAG} AND referral_id IN "  # nosec B608 - table names are constants
        f"(SELECT id FROM referrals_referral WHERE pupil_id = {pupil})",
        f"UPDATE {DECISIONS} SET {FLAG} = TRUE WHERE NOT {FLAG} AND emergency_id IN "  # nosec B608 - table names are constants
        f"(SELECT id FROM referrals_emergencyplacement WHERE pupil_id = {pupil})",
    ]


def _flag(column: str, value: str) -> str:
    return f"UPDATE {DECISIONS} SET {FLAG} = TRUE WHERE NOT {FLAG} AND {column} = {value}"  # nosec B608 - table names are constants


# (name, event and table, condition or "", statements). A carer added or changed may be
# owed a letter; a letter's record removed or changed leaves its carer owed one again;
# an item whose pupil changes, or a decision whose item changes, owes the new pupil's
# carers; a decision is written flagged whatever its insert says. Removing a carer or
# sending a letter can only leave fewer due: no trigger.
TRIGGERS = [
    ("carer_added", "INSERT ON pupils_carer", "", _flag_items_of_pupil("NEW.pupil_id")),
    ("carer_changed", "UPDATE ON pupils_carer", "", _flag_items_of_pupil("NEW.pupil_id")),
    ("letter_removed", "DELETE ON panel_lettersent", "", [_flag("id", "OLD.decision_id")]),
    (
        "letter_changed",
        "UPDATE ON panel_lettersent",
        "",
        [_flag("id", "OLD.decision_id"), _flag("id", "NEW.decision_id")],
    ),
    (
        "referral_pupil",
        "UPDATE OF pupil_id ON referrals_referral",
        "OLD.pupil_id <> NEW.pupil_id",
        [_flag("referral_id", "NEW.id")],
    ),
    (
        "emergency_pupil",
        "UPDATE OF pupil_id ON referrals_emergencyplacement",
        "OLD.pupil_id <> NEW.pupil_id",
        [_flag("emergency_id", "NEW.id")],
    ),
    (
        "decision_item",
        f"UPDATE OF referral_id, emergency_id ON {DECISIONS}",
        "(OLD.referral_id IS DISTINCT FROM NEW.referral_id "
        "OR OLD.emergency_id IS DISTINCT FROM NEW.emergency_id)",
        [_flag("id", "NEW.id")],
    ),
    ("decision_added", f"INSERT ON {DECISIONS}", f"NOT NEW.{FLAG}", [_flag("id", "NEW.id")]),
]


def _trigger_name(name: str) -> str:
    return f"panel_letters_due_{name}"


def _table(event: str) -> str:
    return event.rsplit(" ON ", 1)[1]


def _postgresql() -> list[str]:
    statements = []
    for name, event, condition, body in TRIGGERS:
        trigger = _trigger_name(name)
        steps = "\n    ".join(f"{s};" for s in body)
        statements.append(
            f"CREATE FUNCTION {trigger}() RETURNS trigger AS $$\nBEGIN\n    {steps}\n"
            "    RETURN NULL;\nEND\n$$ LANGUAGE plpgsql"
        )
        when = f" WHEN ({condition})" if condition else ""
        statements.append(
            f"CREATE TRIGGER {trigger} AFTER {event} FOR EACH ROW{when} "
            f"EXECUTE FUNCTION {trigger}()"
        )
    return statements


def _sqlite() -> list[str]:
    statements = []
    for name, event, condition, body in TRIGGERS:
        # SQLite has no IS DISTINCT FROM: IS NOT is its null-safe inequality.
        when = f" WHEN {condition.replace('IS DISTINCT FROM', 'IS NOT')}" if condition else ""
        steps = " ".join(f"{s};" for s in body)
        statements.append(
            f"CREATE TRIGGER {_trigger_name(name)} AFTER {event} FOR EACH ROW{when} "
            f"BEGIN {steps} END"
        )
    return statements


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for statement in _postgresql() if vendor == "postgresql" else _sqlite():
        schema_editor.execute(statement)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    postgresql = schema_editor.connection.vendor == "postgresql"
    for name, event, _condition, _body in TRIGGERS:
        trigger = _trigger_name(name)
        if postgresql:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {_table(event)}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {trigger}()")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_calendar_feed"),
        ("panel", "0006_letter_sent"),
        ("pupils", "0001_initial"),
        ("referrals", "0006_open_referrals_by_panel"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="paneldecision",
            name="letters_may_be_due",
            field=models.BooleanField(db_default=True, default=True, editable=False),
        ),
        migrations.AddIndex(
            model_name="paneldecision",
            index=models.Index(
                condition=models.Q(("letters_may_be_due", True)),
                fields=["meeting"],
                name="decisions_letters_may_be_due",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
