"""Audit actions come from one registry (chronology.actions, filled from each app's
audit.py), and `changes` has one shape. These tests fail when code records an action
that no app registered, or records changes of another shape."""

import ast
import re
from pathlib import Path

import pytest
from django.db import transaction

from apcase.chronology.actions import (
    AuditAction,
    UnregisteredAction,
    child_protection_values,
    lookup,
    registered_actions,
)
from apcase.chronology.models import AuditEvent
from apcase.chronology.selectors import pupil_chronology
from apcase.chronology.services import record_event
from apcase.pupils.audit import PupilAction

APCASE = Path(__file__).resolve().parents[2]


def _source_files() -> list[Path]:
    return [
        path
        for path in APCASE.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    ]


def _called(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _functions_taking_an_audit_action(trees: list[ast.Module]) -> dict[str, int]:
    """record_event and every helper whose `action` parameter is typed as an enum of
    audit actions (`_move(..., action: ReferralAction, ...)`), with the parameter's
    position."""
    found = {}
    for tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            params = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
            for index, arg in enumerate(params):
                annotation = ast.unparse(arg.annotation) if arg.annotation else ""
                if arg.arg == "action" and annotation.endswith("Action"):
                    found[node.name] = index
    return found


def test_no_code_records_an_action_spelled_as_a_string():
    """An audit action is a member of a registered enum: a string, or a string built on
    the spot, could name an action nobody registered (and the chronology would not know
    whether to hide it). The access log's read names are another matter."""
    trees = {path: ast.parse(path.read_text()) for path in _source_files()}
    takers = _functions_taking_an_audit_action(list(trees.values()))
    assert {"record_event", "record_case_event", "_move", "record_change"} <= set(takers)
    offenders = []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _called(node) not in takers:
                continue
            position = takers[_called(node)]
            given = [k.value for k in node.keywords if k.arg == "action"]
            if len(node.args) > position:
                given.append(node.args[position])
            if any(isinstance(value, ast.Constant | ast.JoinedStr) for value in given):
                offenders.append(f"{path.relative_to(APCASE)}:{node.lineno}")
    assert offenders == []


def test_every_action_named_in_code_is_registered():
    """`SomethingAction.NAME` in the code names a registered member (mypy checks the
    same, this holds without it)."""
    enums = {type(action).__name__: type(action) for action in registered_actions()}
    missing = []
    for path in _source_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in enums
                and node.attr not in enums[node.value.id].__members__
            ):
                missing.append(
                    f"{path.relative_to(APCASE)}:{node.lineno} {node.value.id}.{node.attr}"
                )
    assert missing == []


def test_every_enum_of_actions_in_the_apps_is_registered():
    """An app's audit.py whose enum lacks @register would leave its actions refused."""
    registered = {type(action) for action in registered_actions()}
    for path in APCASE.glob("*/audit.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef):
                names = [ast.unparse(d) for d in node.decorator_list]
                assert "register" in names, f"{path.relative_to(APCASE)}: {node.name}"
    assert len(registered) >= 8


def test_each_action_has_a_label_and_a_value_in_one_of_the_two_spellings():
    for action in registered_actions():
        assert action.label[:1].isupper(), action
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*(\.[a-z]+(_[a-z]+)*)?", action.value), action
        assert len(action.value) <= AuditEvent._meta.get_field("action").max_length


def test_child_protection_hiding_is_keyed_on_the_registry():
    assert PupilAction.CHILD_PROTECTION_CHANGED.child_protection
    assert "pupil.child_protection_changed" in child_protection_values()
    assert not PupilAction.CHANGED.child_protection
    assert lookup("pupil.child_protection_changed") is PupilAction.CHILD_PROTECTION_CHANGED


@pytest.mark.django_db
def test_record_event_refuses_a_string_even_one_spelled_like_a_registered_action():
    with transaction.atomic(), pytest.raises(UnregisteredAction):
        record_event(by=None, action="pupil.changed", target=("pupils.pupil", 1))
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_record_event_refuses_an_action_of_an_enum_nobody_registered():
    class Stray(AuditAction):
        LOST = "stray.lost", "Lost"

    with transaction.atomic(), pytest.raises(UnregisteredAction):
        record_event(by=None, action=Stray.LOST, target=("pupils.pupil", 1))
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [{"name": "Sam"}, {"name": ["Sam"]}, {"counts": [1, 2, 3]}],
)
def test_record_event_refuses_changes_of_another_shape(changes):
    with transaction.atomic(), pytest.raises(ValueError, match="before, after"):
        record_event(
            by=None, action=PupilAction.CHANGED, target=("pupils.pupil", 1), changes=changes
        )
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_rows_stored_before_the_registry_still_show_in_the_chronology():
    """An action no app declares any more, and changes in the old flat shape."""
    from django.utils import timezone

    AuditEvent.objects.create(
        occurred_at=timezone.now(),
        actor_label="Amara Okafor <amara@example.org>",
        action="pupil.retired_action",
        target_type="pupils.pupil",
        target_id="5",
        pupil_id=5,
        changes={"preferred_name": "Sam", "year_group": 9},
    )
    AuditEvent.objects.create(
        occurred_at=timezone.now(),
        action="pupil.created",
        target_type="pupils.pupil",
        target_id="5",
        pupil_id=5,
    )
    entries = pupil_chronology(5, include_child_protection=False)
    assert [e.title for e in entries] == ["Pupil added", "Pupil retired action"]
    assert entries[1].changed == ["Preferred name recorded", "Year group recorded"]
    assert entries[1].who == "Amara Okafor"
