"""Hooks that modules fill in by dotted path (demo loaders, reminder sources, …)."""

from importlib.util import find_spec

from django.utils.module_loading import import_string


def optional_hooks(paths: list[str]):
    """The callables named in `paths` whose modules exist; a module that fails to import raises."""
    for path in paths:
        module = path.rsplit(".", 1)[0]
        try:
            found = find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if found:
            yield import_string(path)
