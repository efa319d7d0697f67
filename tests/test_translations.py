"""Both catalogues are complete, the compiled files match them, and makemessages sees every text."""

import ast
import functools
import gettext
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
# Folders that are not the project's code (makemessages ignores them too).
NOT_OURS = {".venv", "node_modules", "static", "staticfiles", "media", ".git"}
# The functions of django.utils.translation that mark a text for translation. makemessages finds a text
# only through the names it knows: each function's own name, and `_` (the msgid is the first argument).
TRANSLATION_FUNCTIONS = {"gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy",
                         "pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
UNDERSCORE_FOR = {"gettext", "gettext_lazy"}


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
        if os.environ.get("CI") == "true":
            pytest.fail("msgfmt (gettext) is required in CI")
        pytest.skip("msgfmt (Debian package gettext) is not installed")
    folder = LOCALE / language / "LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check-format", "-o", str(fresh), str(folder / "django.po")], check=True)
    assert fresh.read_bytes() == (folder / "django.mo").read_bytes(), "run `make messages` and commit the .mo files"


@functools.cache
def _project_modules() -> tuple[tuple[Path, ast.Module], ...]:
    """(path, syntax tree) of every .py file of the project."""
    found = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = sorted(name for name in subfolders if name not in NOT_OURS)
        for name in sorted(files):
            if name.endswith(".py"):
                path = Path(folder, name)
                found.append((path.relative_to(ROOT), ast.parse(path.read_text(encoding="utf-8"), filename=str(path))))
    return tuple(found)


def _hidden_aliases(tree) -> list[str]:
    """Names under which a translation function is bound that makemessages would not look for."""
    found, imported = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                if alias.name not in TRANSLATION_FUNCTIONS:
                    continue
                imported.add(alias.asname or alias.name)
                if alias.asname not in (None, alias.name) and not (alias.asname == "_" and alias.name in UNDERSCORE_FOR):
                    found.append(f"line {node.lineno}: {alias.name} as {alias.asname}")
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):  # e.g. `_l = gettext_lazy` or `t = translation.gettext`
            continue
        value, name = node.value, None
        if isinstance(value, ast.Name) and value.id in imported:
            name = value.id
        elif (isinstance(value, ast.Attribute) and value.attr in TRANSLATION_FUNCTIONS
              and isinstance(value.value, ast.Name) and value.value.id == "translation"):
            name = value.attr
        if name:
            found += [f"line {node.lineno}: {target.id} = {name}" for target in node.targets
                      if isinstance(target, ast.Name) and target.id not in (name, "_")]
    return found


def test_the_scan_sees_the_project():
    paths = {str(path) for path, _tree in _project_modules()}
    assert "classification/questionnaire.py" in paths and "tests/test_translations.py" in paths
    assert not any(path.startswith((".venv", "node_modules")) for path in paths)


def test_a_hidden_alias_is_caught():
    tree = ast.parse("from django.utils.translation import gettext_lazy as _l\n"
                     "from django.utils.translation import gettext as _, pgettext as __\n"
                     "from django.utils.translation import gettext_lazy, ngettext\n"
                     "from django.utils.translation import gettext_noop\n"
                     "N_ = gettext_noop\n"
                     "import gettext\nlookup = gettext.translation('x').gettext\n")
    assert _hidden_aliases(tree) == ["line 1: gettext_lazy as _l", "line 2: pgettext as __", "line 5: N_ = gettext_noop"]


def test_translation_functions_go_by_names_makemessages_knows():
    """A text marked with an alias such as `_l` never reaches the catalogues and stays English."""
    offenders = {str(path): aliases for path, tree in _project_modules() if (aliases := _hidden_aliases(tree))}
    assert offenders == {}, "import gettext_lazy (or the others) under its own name or as `_`"


# Deliberate look-ups of a text that is marked elsewhere, by (file, function), each with its reason.
COMPUTED_ON_PURPOSE = {
    # A model field without a verbose name shows its attribute name, translated when it is a msgid anyway.
    ("trail/display.py", "_label"),
}


def _translation_call(node) -> str | None:
    """The translation function a call goes to (`_`, `gettext`, `translation.gettext` …), or None."""
    func = node.func
    if isinstance(func, ast.Name) and (func.id == "_" or func.id in TRANSLATION_FUNCTIONS):
        return func.id
    # translation.gettext(...), but not the standard library's GNUTranslations.gettext of another catalogue.
    if (isinstance(func, ast.Attribute) and func.attr in TRANSLATION_FUNCTIONS
            and isinstance(func.value, ast.Name) and func.value.id == "translation"):
        return func.attr
    return None


def _computed_msgids(tree) -> list[tuple[str, str]]:
    """(function, call) for each call of a translation function whose msgid is not a literal string."""
    found = []

    def visit(node, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        if isinstance(node, ast.Call) and (name := _translation_call(node)):
            context = 1 if name.startswith(("pgettext", "npgettext")) else 0
            texts = node.args[context:context + (2 if name.startswith(("ngettext", "npgettext")) else 1)]
            if not texts or not all(isinstance(t, ast.Constant) and isinstance(t.value, str) for t in texts):
                found.append((function, f"line {node.lineno}: {name}(…)"))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, "")
    return found


def test_a_computed_msgid_is_caught():
    tree = ast.parse('_(key)\n_("ok")\npgettext("ctx", "ok")\npgettext("ctx", label)\n'
                     'translation.gettext("ok")\ntranslation.gettext(f"{x}")\nngettext("a", "b", n)\n'
                     'catalogue.gettext(key)\ndef show(key):\n    return _("a" if key else "b")\n')
    assert _computed_msgids(tree) == [("", "line 1: _(…)"), ("", "line 4: pgettext(…)"),
                                      ("", "line 6: gettext(…)"), ("show", "line 10: _(…)")]


def _is_test(path: Path) -> bool:
    return "tests" in path.parts or path.name.startswith("test_") or path.name == "conftest.py"


def test_every_msgid_is_a_literal():
    """makemessages can only extract literal texts: `_(key)` finds nothing in the catalogue at run time.

    Tests may look up a text that is marked elsewhere, so they are left out.
    """
    offenders = {}
    for path, tree in _project_modules():
        if not _is_test(path):
            calls = [call for function, call in _computed_msgids(tree)
                     if (str(path), function) not in COMPUTED_ON_PURPOSE]
            if calls:
                offenders[str(path)] = calls
    assert offenders == {}, "spell each text out, e.g. a dict of _(\"…\") labels"
