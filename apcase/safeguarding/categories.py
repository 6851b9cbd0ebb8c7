"""The starting list of concern categories: the categories of abuse and the specific
safeguarding issues of Keeping children safe in education. Rows, not code: a deployment
may add, rename or retire categories in the database (ConcernCategory)."""

from typing import Any

DEFAULT_CATEGORIES = [
    ("physical", "Physical abuse"),
    ("emotional", "Emotional abuse"),
    ("sexual", "Sexual abuse"),
    ("neglect", "Neglect"),
    ("online", "Online safety"),
    ("exploitation", "Child criminal or sexual exploitation"),
    ("self-harm", "Self-harm"),
    ("missing", "Missing or absconding"),
    ("domestic-abuse", "Domestic abuse"),
    ("radicalisation", "Radicalisation"),
    ("other", "Other"),
]


def ensure_default_categories(model: Any) -> None:
    """Create the default categories that are missing (never re-activates a retired
    one or renames an edited one)."""
    for rank, (code, label) in enumerate(DEFAULT_CATEGORIES):
        model._default_manager.get_or_create(code=code, defaults={"label": label, "rank": rank})
