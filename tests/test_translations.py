"""Both catalogues are complete, and the compiled files match them."""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def _msgids(po: Path) -> set[str]:
    """Every msgid of a .po file (the header's empty one excluded)."""
    ids = set()
    for match in re.finditer(r'^msgid "(.*)"\n((?:".*"\n)*)', po.read_text(encoding="utf-8"), re.M):
        full = match.group(1) + "".join(re.findall(r'^"(.*)"$', match.group(2), re.M))
        if full:
            ids.add(full.encode().decode("unicode_escape").encode("latin-1").decode("utf-8"))
    return ids


def _catalogue(language: str) -> dict:
    """The compiled catalogue; msgfmt leaves out untranslated and fuzzy entries."""
    with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as mo:
        return gettext.GNUTranslations(mo)._catalog


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_message_is_translated(language):
    msgids = _msgids(LOCALE / language / "LC_MESSAGES" / "django.po")
    # Keys are "context\x04msgid" for messages with a context, (msgid, n) for plural forms.
    compiled = {(key[0] if isinstance(key, tuple) else key).split("\x04")[-1]
                for key, value in _catalogue(language).items() if value}
    assert len(msgids) > 100
    missing = sorted(msgids - compiled)
    assert missing == [], f"untranslated or fuzzy in {language}: {missing[:10]}"


def test_swedish_is_really_swedish():
    entries = _catalogue("sv")
    assert entries["Systems"] == "System"
    assert entries["Information types"] == "Informationstyper"
    assert entries["Audit trail"] == "Spårbarhetslogg"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_compiled_catalogue_matches_the_source(language, tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        import os

        if os.environ.get("CI") == "true":
            pytest.fail("msgfmt (gettext) is required in CI")
        pytest.skip("msgfmt (Debian package gettext) is not installed")
    folder = LOCALE / language / "LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check-format", "-o", str(fresh), str(folder / "django.po")], check=True)
    assert fresh.read_bytes() == (folder / "django.mo").read_bytes(), "run `make messages` and commit the .mo files"
