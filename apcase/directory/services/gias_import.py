"""The GIAS import with its permission check, transaction and audit events: one local
authority's establishments, or the national file (which alone may move an
establishment to another authority). Reading the file is apcase.directory.gias."""

import hashlib

from django.db import transaction

from apcase.access import policies
from apcase.accounts.models import Organisation, User
from apcase.accounts.roles import OrganisationKind
from apcase.chronology.services import added, record_event
from apcase.core.errors import NotPermitted, ValidationFailed

from .. import gias
from ..audit import DirectoryAction


def import_gias(
    *,
    by: User | None,
    data: bytes,
    filename: str,
    skip_invalid: bool,
    authority: Organisation | None = None,
    national: bool = False,
    progress: gias.Progress | None = None,
    apply_progress: gias.Progress | None = None,
) -> gias.ImportResult:
    """Import a GIAS establishment file, either for one local `authority` or, with
    `national`, the file of all England. Every row is checked first; if any is invalid,
    nothing is applied unless `skip_invalid`. `by` is None only for the command line.

    One authority's import applies only the rows with its LA code and refuses (by line)
    a row for an establishment another authority holds: it can neither move nor close
    it. Only the national import (a system admin, or the operator's command) may change
    an establishment's authority; each change is its own audit event
    (`directory.establishment_moved_la`). Raises GiasFileError when the file as a
    whole cannot be read."""
    if national == (authority is not None):
        raise ValueError("Give exactly one of `authority` and `national`.")
    if authority is not None:
        if authority.kind != OrganisationKind.LOCAL_AUTHORITY or not authority.la_code:
            raise ValidationFailed("Choose a local authority with an LA code.")
        if by is not None and not policies.can_import_gias_for(by, authority):
            raise NotPermitted("Only an administrator of this local authority can import for it.")
    elif by is not None and not policies.can_import_gias_nationally(by):
        raise NotPermitted("Only a system administrator can import the national GIAS file.")
    parsed = gias.parse(data, progress=progress)
    result = gias.ImportResult(total_rows=parsed.total_rows)
    rows = parsed.rows
    if authority is not None:
        in_scope = [r for r in rows if r.values["la_code"] == authority.la_code]
        result.outside_scope = len(rows) - len(in_scope)
        rows = in_scope
    with transaction.atomic():
        existing = gias.existing_by_urn(r.urn for r in rows)
        refused = gias.check_against(rows, existing)
        if authority is not None:
            refused += gias.check_scope(
                rows, existing, authority_id=authority.pk, la_code=authority.la_code
            )
        result.errors = sorted(parsed.errors + refused, key=lambda e: e.line)
        bad_lines = {e.line for e in refused}
        rows = [r for r in rows if r.line not in bad_lines]
        result.valid_rows = len(rows)
        if result.errors and not skip_invalid:
            return result
        result.skipped_invalid = len({e.line for e in result.errors})
        gias.apply(
            rows,
            existing,
            result,
            authority_id=authority.pk if authority is not None else None,
            progress=apply_progress,
        )
        result.applied = True
        changed = sorted(result.changed_urns)
        kind = f"LA {authority.la_code}" if authority is not None else "national"
        record_event(
            by=by,
            action=DirectoryAction.GIAS_IMPORTED,
            target=("gias_file", hashlib.sha256(data).hexdigest()),
            organisation=authority,
            changes=added(
                {
                    **result.counts(),
                    "scope": kind,
                    "filename": filename,
                    "changed_urns": changed[:500],
                    "changed_urns_truncated": len(changed) > 500,
                    "skipped_lines": [e.line for e in result.errors][:500],
                }
            ),
            summary=(
                f"GIAS import ({kind}) of {filename}: {result.created} added, "
                f"{result.updated} updated, {result.unchanged} unchanged, "
                f"{result.closed} marked closed, {result.moved} moved to another local "
                f"authority, {result.skipped_invalid} invalid rows skipped"
            ),
        )
        _record_moves(by, result.moves, kind)
    return result


def _record_moves(
    by: User | None, moves: list[tuple[int, int, str, int | None, int | None]], kind: str
) -> None:
    """One audit event per establishment whose local authority changed, under the
    authority it moved to (so both sides can find it), with the old and the new."""
    if not moves:
        return
    ids = {la for move in moves for la in move[3:] if la is not None}
    authorities = Organisation.objects.in_bulk(list(ids))
    for urn, pk, name, old, new in moves:
        before, after = authorities.get(old) if old else None, authorities.get(new) if new else None
        record_event(
            by=by,
            action=DirectoryAction.ESTABLISHMENT_MOVED_LA,
            target=(Organisation._meta.label_lower, pk),
            organisation=after or before,
            changes={
                "urn": [None, urn],
                "local_authority": [old, new],
                "local_authority_name": [str(before or ""), str(after or "")],
                "import": [None, kind],
            },
            summary=(
                f"{name} (URN {urn}) moved from {before or 'no local authority'} "
                f"to {after or 'no local authority'} by a GIAS import ({kind})"
            ),
        )
