"""Tests: fast hashing, mail kept in memory, plain static storage for live_server."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"  # nosec B105 - tests only
DEBUG = False
APCASE_ENV = "development"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A task runs the moment it is enqueued: no test needs a running worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Serve static files from the app folders (no collectstatic in tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Uploads made by tests go to a throwaway folder, never the project's data/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="apcase-test-media-"))

# The audit tables refuse DELETE on SQLite (chronology migration 0003); the flush
# between transactional tests lifts that trigger inside its own transaction only, as
# PostgreSQL's owner-only TRUNCATE does (apcase.chronology.sqlite_flush, installed by
# the chronology app). Production and development leave it off.
APCASE_FLUSH_LIFTS_SQLITE_AUDIT_TRIGGERS = True

# Tasks run the moment they are queued (above), so every change to an agenda in a test
# that commits (the browser tests' demo, every seed_demo) rendered two PDF packs there
# and then: about two thirds of the demo's seeding time. The packs are rendered at their
# first download instead; the tests of the background preparation turn it on.
APCASE_PREPARE_PANEL_PACKS = False
