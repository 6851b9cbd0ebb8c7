"""GIAS (Get Information about Schools) establishment types, as the service uses them.

Types 14 (pupil referral unit), 38 (free school alternative provision), 42 (academy
alternative provision converter) and 43 (academy alternative provision sponsor led) are
alternative provision: the GIAS import makes them providers, and a pupil placed at one is
dual registered by default (docs/regulations.md, "Dual registration and who
commissions"). The list is a setting, APCASE_GIAS_AP_TYPE_CODES, so a new GIAS type needs
no code change."""

from django.conf import settings

DEFAULT_AP_TYPE_CODES = frozenset({14, 38, 42, 43})


def ap_type_codes() -> set[int]:
    """GIAS establishment types that are alternative provision (become providers)."""
    return set(getattr(settings, "APCASE_GIAS_AP_TYPE_CODES", DEFAULT_AP_TYPE_CODES))
