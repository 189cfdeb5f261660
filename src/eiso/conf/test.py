"""Test settings: the same as production settings, with fast hashing and a throwaway var/."""

import os
import tempfile

os.environ.setdefault("EISO_VAR_DIR", tempfile.mkdtemp(prefix="eiso-test-"))
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")

from eiso.conf.settings import *  # noqa: E402,F403
from eiso.conf.settings import ALLOWED_HOSTS  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
from eiso.conf.settings import STATIC_ROOT  # noqa: E402

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when the directory is missing

# Background tasks run at once, inside the test (after the transaction commits).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Tests roll back between tests: check the calendar version on every call instead of every 2 s.
EISO_CALENDAR_CACHE_SECONDS = 0
# `eiso demo` in tests (core's demo test, the browser journeys): fewer dossiers than the 1,500 of the
# real demo (~72 s), still every state and open items at Phường Phố Hiến (eiso.dossiers.demo).
EISO_DEMO_DOSSIERS = 0  # browser journeys that need a year of dossiers set EISO_DEMO_DOSSIERS themselves
