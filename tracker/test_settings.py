"""Test settings: the development settings, made fast and deterministic."""

import tempfile
from pathlib import Path

from tracker.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    # django-import-export opens a new storage handler per request, which would forget an
    # in-memory file between preview and confirmation.
    "import_export": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="tracker-test-imports-")},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Collected files are production's: WhiteNoise reads every file under STATIC_ROOT each time a
# test client starts its middleware, and after `make bench` or a collectstatic (865 files) that
# made the suite a fifth slower. The tests serve static files from the apps, as in development.
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="tracker-test-static-"))
LOGGING = {"version": 1, "disable_existing_loggers": False}
TRACKER_ALLOW_DEMO_DATA = True
# Background tasks run at once, inside the request or test that enqueues them.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
