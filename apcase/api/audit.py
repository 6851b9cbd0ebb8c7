"""Audit actions of the REST API: an organisation's API keys."""

from apcase.chronology.actions import AuditAction, register


@register
class ApiAction(AuditAction):
    KEY_CREATED = "api_key_created", "API key created"
    KEY_REVOKED = "api_key_revoked", "API key revoked"
