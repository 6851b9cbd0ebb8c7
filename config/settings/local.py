"""Development: the demo on 127.0.0.1 with a throwaway key. Never used in production."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="development-only-key-not-for-production-use-0123456789")
APCASE_ENV = "development"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
