"""Tests: fast hashing, mail kept in memory, plain static storage for live_server."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
DEBUG = False
APCASE_ENV = "development"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Serve static files from the app folders (no collectstatic in tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Uploads made by tests go to a throwaway folder, never the project's data/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="apcase-test-media-"))
