from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError


def apply_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, next to the fields it names."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@dataclass(frozen=True)
class Saved:
    result: Any


def save_form(request, form, save: Callable[[dict], Any], *, success: str) -> Saved | None:
    """The write half of a form page: for a valid POST, `save(cleaned_data)` through a service.

    Returns Saved(what save returned) after flashing `success`, or None when there was nothing to
    save or the service refused: its ValidationError is then shown on the form, which keeps what
    the user typed.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save(form.cleaned_data)
    except ValidationError as exc:
        apply_errors(form, exc)
        return None
    messages.success(request, success)
    return Saved(result)
