"""Settings for the test suite: the real settings with a fast password hasher."""

import tempfile

from tillit.settings import *  # noqa: F403

# Hashing with PBKDF2's full work factor would dominate the suite's time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# Uploaded files and the trail's checkpoints that tests store go to a folder of the run's own,
# never into the development media/ folder beside a real database.
MEDIA_ROOT = tempfile.mkdtemp(prefix="tillit-test-media-")
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The audit trail's checkpoints are signed with this fixed test key (never a production key):
# production reads TILLIT_AUDIT_KEY or TILLIT_AUDIT_KEY_FILE and refuses to sign without one.
TILLIT_AUDIT_KEY = "dGlsbGl0LXRlc3Qtb25seS1hdWRpdC1rZXktMzJieXQ="
TILLIT_AUDIT_PUBLIC_KEY = ""

# Background tasks run at once inside the request, so page tests see their results; a test
# that wants a job to wait overrides this with the dummy backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

