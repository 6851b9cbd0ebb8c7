"""Settings shared by every environment. Values that differ come from the environment.

Environment variables (see README "Configuration"):
  APCASE_ENV       production | development (manage.py's default; servers need it
                   set explicitly: config/entrypoint.py)
  DATABASE_URL     default: a SQLite file under data/
  SECRET_KEY       required in production
  ALLOWED_HOSTS    comma-separated
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = BASE_DIR / "data"

env = environ.Env()

APCASE_ENV = env.str("APCASE_ENV", default="development")

SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # For the `ordinal` filter: pages say "the 6th school day" from the constant.
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_forms_gds",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "apcase.core",
    "apcase.chronology",
    "apcase.accounts",
    "apcase.access",
    "apcase.notifications",
    "apcase.schooldays",
    "apcase.directory",
    "apcase.pupils",
    "apcase.referrals",
    "apcase.panel",
    "apcase.reviews",
    "apcase.placements",
    "apcase.monitoring",
    "apcase.safeguarding",
    "apcase.reintegration",
    "apcase.census",
    "apcase.oversight",
    "apcase.home",
    "apcase.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads the body: refuses an oversized request with a 413.
    "apcase.core.limits.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Restarts the idle clock of a session in use (SESSION_RENEW_SECONDS).
    "apcase.accounts.middleware.SessionIdleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "apcase.core.middleware.RequestContextMiddleware",
    # No page that may hold pupil data is kept by a browser or proxy cache.
    "apcase.core.middleware.NoStoreMiddleware",
    # A 404 on a record's page (missing or not the user's) is logged as a denied attempt.
    "apcase.chronology.middleware.DeniedAccessLogMiddleware",
    # The account itself on request.user, out of auth's and django-otp's lazy wrappers.
    "apcase.accounts.middleware.ResolvedUserMiddleware",
    "apcase.accounts.middleware.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apcase.access.middleware.AccessRuleMiddleware",
    # Axes last, as its documentation requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "apcase" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "apcase.access.context_processors.navigation",
                "apcase.notifications.context_processors.unread",
            ],
        },
    }
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'apcase.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while one request writes; IMMEDIATE avoids the
    # "database is locked" upgrade deadlock between two writers.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    # A worker keeps its connection between requests: opening one took most of a
    # signed-in page's floor (docs/adr/0014). Django checks a kept connection before a
    # request uses it and opens a new one if the database has gone away, so the
    # workers still recover from an outage by themselves.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("APCASE_DB_CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first so a locked-out username+IP pair never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the unread alerts with the account (docs/adr/0014).
    "apcase.accounts.backends.AccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Password-reset links stop working after an hour.
PASSWORD_RESET_TIMEOUT = 60 * 60

# Sessions: stored server-side so sign-out and deactivation end them; idle expiry by
# re-saving with a new expiry, at most once a minute (SessionIdleMiddleware: writing it
# on every request cost every page a transaction, docs/adr/0014); absolute expiry
# enforced by SessionLifetimeMiddleware.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = env.int("APCASE_SESSION_IDLE_MINUTES", default=30) * 60
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
SESSION_SAVE_EVERY_REQUEST = False
# An idle session may end up to this much before SESSION_IDLE_TIMEOUT, never after.
SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_TIMEOUT = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# django-axes: lock the username + IP pair, so one colleague mistyping behind a
# school's shared IP address does not lock everyone else out.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("APCASE_PROXY_COUNT", default=0)
AXES_VERBOSE = False

# django-otp: TOTP with django-otp's own throttling of wrong codes (the delay doubles
# after each failure) and our own cap on attempts per session (accounts.views).
OTP_TOTP_ISSUER = "apcase"
OTP_TOTP_THROTTLE_FACTOR = 1
APCASE_OTP_MAX_ATTEMPTS = 5
# A bulk export (more than one pupil's records in one file) asks for the code again
# unless it was entered this many seconds ago or less (accounts.two_factor).
APCASE_RECENT_SECOND_FACTOR_SECONDS = 5 * 60

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "apcase" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
# Uploaded evidence is kept outside the web root and served only through
# access-checked views; MEDIA_URL is deliberately not routed.
MEDIA_ROOT = env.path("APCASE_MEDIA_ROOT", default=DATA_DIR / "uploads")
MEDIA_URL = "/no-direct-media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="apcase <no-reply@apcase.invalid>")

# Invitations to join an organisation expire after this many hours.
APCASE_INVITATION_HOURS = 72
APCASE_SERVICE_NAME = "Alternative provision case management"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No calendar feed token in a logged path (config/log_redaction.py): on the logger
    # that logs each 404's path, and on the handler for whatever else passes through.
    "filters": {"redact_secrets": {"()": "config.log_redaction.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"filters": ["redact_secrets"]},
    },
}

# Uploaded documents: content-checked PDF/DOCX/PNG/JPEG, at most this size.
APCASE_UPLOAD_MAX_BYTES = 10 * 1024 * 1024

# Inclusion panel: a referral submitted at least this many days before a meeting joins
# its agenda; a decision needs at least this many members present without an interest.
APCASE_PANEL_CUTOFF_DAYS = 7
APCASE_PANEL_QUORUM = 3

# Placements. The usual taught hours of a morning and an afternoon at a provider, used
# when a timetable session has no hours of its own; "full time" for the independent
# school registration rule means more than this many taught hours a week.
APCASE_SESSION_HOURS = {"am": "3.0", "pm": "2.5"}
APCASE_FULL_TIME_HOURS_ABOVE = 18
# The named staff member and the inclusion lead are told from this many school days
# before a placement's planned end date, and every day after it until it is ended.
APCASE_PLACEMENT_END_WARNING_SCHOOL_DAYS = 10
# Placement reviews (apcase.reviews). The longest gap between reviews, in weeks: the DfE
# guide "Arranging alternative provision: a guide for local authorities and schools"
# (2025) expects reviews between commissioner and provider at least half-termly.
APCASE_REVIEW_INTERVAL_WEEKS = 6
# A parent's written request for a review meeting must be met unless one was held in the
# 10 weeks before the day of the request (The Education (Educational Provision for
# Improving Behaviour) Regulations 2010, reg. 4A(4), inserted by SI 2012/2532).
APCASE_REVIEW_REQUEST_WINDOW_WEEKS = 10
# The service's public address, for the full links in emails.
APCASE_BASE_URL = env.str("APCASE_BASE_URL", default="http://127.0.0.1:8000")

# School days. A school year's term dates count as complete (and holidays as holidays)
# only once the local authority has entered this many terms for it: England's six
# half-terms. Until then every weekday that is not a closure day counts as a school day.
APCASE_TERMS_PER_SCHOOL_YEAR = 6
# From this (month, day) the next school year's term dates are asked for too.
APCASE_NEXT_YEAR_TERMS_DUE_FROM = (6, 1)
# The longest a placement may be planned for, in years (alternative provision is
# time-limited; a date decades away is a typing slip).
APCASE_PLACEMENT_MAX_YEARS = 3

# Races (issue 9): a used form idempotency key replays the first submission's result
# for this long, then is deleted (apcase.core.idempotency).
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)

# Request size (apcase/core/limits.py): a request declaring a larger body is refused
# with a 413 before it is read, so an upload is never written to disk first. The upload
# limit plus 1 MB for the other fields and the multipart framing; the GIAS import takes
# an authority's whole extract (apcase/directory/gias.py, 150 MB by default).
APCASE_REQUEST_MARGIN_BYTES = 1024 * 1024
APCASE_REQUEST_MAX_BYTES = APCASE_UPLOAD_MAX_BYTES + APCASE_REQUEST_MARGIN_BYTES
APCASE_REQUEST_MAX_BYTES_FOR = {
    "directory:gias_import": 150 * 1024 * 1024 + APCASE_REQUEST_MARGIN_BYTES,
}
# A Word document is refused if it unpacks to more than this, compresses any part over
# 1 MB more than this many times (a zip bomb), or has more entries than this
# (apcase/core/uploads.py). Genuine documents of 10 MB unpack to a few times that.
APCASE_DOCX_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
APCASE_DOCX_MAX_RATIO = 100
APCASE_DOCX_MAX_ENTRIES = 1000

# Outgoing mail (issue 9: the SMTP settings are read from the environment, as
# docs/deployment.md says). Production uses Django's SMTP backend with these; the
# development console backend ignores them.
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Where `collectstatic` writes (docs/deployment.md); the deployment test collects into
# a temporary folder.
STATIC_ROOT = env.path("APCASE_STATIC_ROOT", default=STATIC_ROOT)

# Lockout behind a proxy (issue 9): django-axes reads the client address with the
# project's own function, which trusts APCASE_PROXY_COUNT (AXES_IPWARE_PROXY_COUNT)
# proxies' X-Forwarded-For, so the username + IP lockout is keyed on the real client,
# not on the proxy everyone shares. Without it axes used REMOTE_ADDR (django-ipware is
# not installed) and ignored the proxy count.
AXES_CLIENT_IP_CALLABLE = "apcase.core.middleware.client_ip"

# Password reset rate limits (issue 9; apcase/accounts/services.request_password_reset):
# at most this many reset requests per address, and per client address, in an hour.
# Over the limit the page answers as usual and nothing is queued. Per IP is higher:
# a school's staff share one address.
APCASE_PASSWORD_RESETS_PER_EMAIL_PER_HOUR = env.int(
    "APCASE_PASSWORD_RESETS_PER_EMAIL_PER_HOUR", default=5
)
APCASE_PASSWORD_RESETS_PER_IP_PER_HOUR = env.int(
    "APCASE_PASSWORD_RESETS_PER_IP_PER_HOUR", default=20
)
# Retention review (apcase.home.records): child protection and SEND files from the date
# of birth (IRMS toolkit for schools), attendance register entries from their date
# (School Attendance (Pupil Registration) (England) Regulations 2024, reg 7).
APCASE_RETENTION_CHILD_YEARS_FROM_BIRTH = 25
APCASE_RETENTION_REGISTER_YEARS = 6
# A message the mail server will not take is retried after a wait that doubles from the
# first to the longest, and marked failed (and logged) after this many attempts: about
# three days of outage (apcase.notifications.services).
APCASE_OUTBOX_RETRY_FIRST_SECONDS = 60
APCASE_OUTBOX_RETRY_MAX_SECONDS = 3600
APCASE_OUTBOX_MAX_ATTEMPTS = 80
# The daily digest of the email a person chose to receive once a day (local time).
APCASE_DIGEST_AT = (7, 0)

# The task queue (docs/adr/0010-task-queue.md): tasks are rows in the database, run by
# `manage.py run_worker`, which also puts the periodic tasks on the queue as they fall
# due (apcase.core.periodic). The tests run a task the moment it is enqueued.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# The daily tasks (checks and reminders) run from this local time.
APCASE_DAILY_TASKS_AT = (6, 0)
# Render a panel meeting's pack in the background once a change to its agenda commits
# (docs/adr/0013-panel-pack-stored.md); off, a pack is rendered at its first download.
APCASE_PREPARE_PANEL_PACKS = True
# The REST API (apcase.api, docs/api.md, ADR 0011): an organisation's API keys only (no
# session, no password), JSON only, every refusal as application/problem+json.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["apcase.api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["apcase.api.authentication.KeyHasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["apcase.api.authentication.KeyRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "apcase.api.problems.handle",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "apcase API",
    "DESCRIPTION": "Alternative provision case management: registers and check-ins for "
    "providers, placements, attendance and pupils for schools, figures for local "
    "authorities. Each organisation's administrators create its keys (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}
# Requests per key (Django REST framework's "N/period"), counted in the default cache.
APCASE_API_RATE = env.str("APCASE_API_RATE", default="120/minute")
# The cache counts the API's requests per key. In memory, each server process counts its
# own; a deployment with several processes sets a shared one, e.g.
# APCASE_CACHE_URL=dbcache://apcase_cache (then `manage.py createcachetable`).
CACHES = {"default": env.cache_url("APCASE_CACHE_URL", default="locmemcache://")}
