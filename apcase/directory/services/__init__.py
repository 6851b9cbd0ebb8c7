"""Writes to the provider directory. Each function takes the acting user as `by`,
checks the named predicate, validates, writes and records one audit event in the same
transaction. The LA that runs a directory owns its edits (can_edit_provider).

The functions live by subject (providers, evidence, gias_import, alerts); importing
them from here keeps working."""

from .alerts import (
    AlertRun,
    alert_recipients,
    lapse_text,
    send_assurance_alerts,
)
from .evidence import (
    AssuranceDetails,
    add_assurance_record,
    record_inspection,
)
from .gias_import import (
    import_gias,
)
from .providers import (
    ORGANISATION_FIELDS,
    PROFILE_FIELDS,
    add_service,
    add_site,
    create_provider,
    deactivate_site,
    profile_of,
    remove_service,
    update_provider,
)

__all__ = [
    "AssuranceDetails",
    "AlertRun",
    "ORGANISATION_FIELDS",
    "PROFILE_FIELDS",
    "add_assurance_record",
    "add_service",
    "add_site",
    "alert_recipients",
    "create_provider",
    "deactivate_site",
    "import_gias",
    "lapse_text",
    "profile_of",
    "record_inspection",
    "remove_service",
    "send_assurance_alerts",
    "update_provider",
]
