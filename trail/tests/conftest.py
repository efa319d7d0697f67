import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _checkpoint_storage(settings, tmp_path):
    """Checkpoints are written to the file storage: a temporary one per test."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TILLIT_AUDIT_CHECKPOINT_RECIPIENTS = []


@pytest.fixture(autouse=True)
def _english():
    # The messages are compared in their English msgids, whatever the default language.
    with translation.override("en"):
        yield
