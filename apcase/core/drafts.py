"""A safeguarding concern typed into another form (a weekly check-in, a visit log) is
not stored there: that form asks "Is this a safeguarding concern?", and on "Yes" keeps
what was typed in the user's session (`stash_concern_draft`) and sends them to the
concern form, which starts from it (`take_concern_draft`, once). The session is the
user's own, server-side, and the text never goes into a URL."""

from typing import Any

_KEY = "apcase_concern_drafts"


def stash_concern_draft(session: Any, pupil_id: int, text: str) -> None:
    drafts = dict(session.get(_KEY, {}))
    drafts[str(pupil_id)] = text
    session[_KEY] = drafts


def take_concern_draft(session: Any, pupil_id: int) -> str:
    drafts = dict(session.get(_KEY, {}))
    text = drafts.pop(str(pupil_id), "")
    session[_KEY] = drafts
    return str(text)
