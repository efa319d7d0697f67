from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.concurrency import VersionConflict


def apply_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, next to the fields it names."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@dataclass(frozen=True)
class Outcome:
    """What a form page's save step came to; true only when the record was saved."""

    saved: bool
    result: Any = None
    conflict: Any = None  # after a VersionConflict: the record as someone else saved it

    def __bool__(self) -> bool:
        return self.saved


def save_form(request, form, save: Callable[[dict], Any], *, success: str) -> Outcome:
    """The write half of a form page: for a valid POST, `save(cleaned_data)` through a service.

    Saved: flashes `success` and carries what save returned. Refused by the service: its
    ValidationError is shown on the form, which keeps what the user typed. A version conflict
    is shown too, and the form takes the saved version so that a second submit (after
    comparing) goes through.
    """
    if request.method != "POST" or not form.is_valid():
        return Outcome(False)
    try:
        result = save(form.cleaned_data)
    except VersionConflict as exc:
        form.add_error(None, str(exc) + " " + _("Your changes are kept below; compare and save again."))
        form.data = form.data.copy()
        form.data["version"] = exc.current.version if exc.current is not None else ""
        return Outcome(False, conflict=exc.current)
    except ValidationError as exc:
        apply_errors(form, exc)
        return Outcome(False)
    messages.success(request, success)
    return Outcome(True, result)
