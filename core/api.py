"""API authentication and error handling shared by every router.

A request carries `Authorization: Bearer <token>`; the optional header `X-Organisation`
(an organisation slug) picks the active organisation, else the user's first membership.
The resulting `request.tenant` is the same Tenant the pages use (core.tenancy).
"""

import datetime
import logging
import typing
from dataclasses import asdict
from typing import Annotated

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation, ValidationError
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from pydantic import ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from accounts.models import ApiToken
from accounts.services import has_totp
from core.tenancy import Memberships, Tenant
from trail.context import _current, actor_for_user


logger = logging.getLogger("tillit.api")

# A record id the database can hold: a larger one overflows SQLite's INTEGER in `pk__in`
# lookups (a 500 instead of a 422).
RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _refuse_nul(value):
    if isinstance(value, str) and "\x00" in value:
        raise ValueError(_("Text must not contain NUL characters."))
    if isinstance(value, (list, tuple)):
        for item in value:
            _refuse_nul(item)
    return value


def _is_type_field(annotation, types: tuple) -> bool:
    if annotation in types:
        return True
    return any(_is_type_field(arg, types) for arg in typing.get_args(annotation))


class InputSchema(Schema):
    """Base of request bodies and query filters.

    PostgreSQL can neither store nor compare text with NUL characters (psycopg raises a
    DataError, i.e. a 500), so such input is refused here as invalid (422). So is a body that
    is not a JSON object (a bare string, number or array), and a number where a date belongs
    (pydantic would read 0 as 1970-01-01), and a time with a UTC offset no time zone has.
    """

    @model_validator(mode="wrap")
    @classmethod
    def _object_only(cls, value, handler):
        if isinstance(value, (str, bytes, int, float, list, tuple)) or value is None:
            raise PydanticCustomError("model_type", _("Send a JSON object with the fields."))
        return handler(value)

    @field_validator("*", mode="before")
    @classmethod
    def _dates_as_text(cls, value, info: ValidationInfo):
        field = cls.model_fields.get(info.field_name)
        if field is None or isinstance(value, bool) or not isinstance(value, (int, float)):
            return value
        if _is_type_field(field.annotation, (datetime.date, datetime.datetime)):
            raise PydanticCustomError("date_type", _("Write the date as text: YYYY-MM-DD."))
        if _is_type_field(field.annotation, (bool,)) and not _is_type_field(field.annotation, (int, float)):
            # JSON has true and false; 0 and 1 are numbers.
            raise PydanticCustomError("bool_type", _("Write true or false."))
        return value

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value):
        return _refuse_nul(value)

    @field_validator("*")
    @classmethod
    def _real_time_zone(cls, value):
        # Python takes any UTC offset under 24 hours, PostgreSQL only those of real time zones
        # (up to ±15:59; psycopg would raise, i.e. a 500), and none is further than ±14 hours.
        if isinstance(value, datetime.datetime) and value.utcoffset() is not None:
            if abs(value.utcoffset()) > datetime.timedelta(hours=14):
                raise ValueError(_("The time zone offset must be between -14:00 and +14:00."))
        return value


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportErrorsOut(Schema):
    detail: str
    errors: list[RowErrorOut]


# A 422 answer to an import lists at most this many errors; the detail says how many there were.
IMPORT_ERRORS_RETURNED = 1000


def import_refused(errors: list) -> Status:
    """422 for an import with errors in its rows (core.tabular.RowError): nothing was saved."""
    n = len(errors)
    detail = ngettext("The file has %(n)d error; nothing was saved.",
                      "The file has %(n)d errors; nothing was saved.", n) % {"n": n}
    return Status(422, {"detail": detail, "errors": [asdict(e) for e in errors[:IMPORT_ERRORS_RETURNED]]})


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """JSON 404 for /api/ paths no endpoint matches (e.g. a negative or non-numeric id)."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        api_token = ApiToken.lookup(token)
        if api_token is None:
            return None
        if api_token.expired:
            raise HttpError(401, _("The API token expired on %(date)s; create a new one on your profile page.")
                            % {"date": timezone.localdate(api_token.expires_at).isoformat()})
        user = api_token.user
        memberships = Memberships(user)
        wanted = request.headers.get("X-Organisation")
        membership = None
        if wanted:
            membership = next((m for m in memberships.all if m.organisation.slug == wanted), None)
            if membership is None:
                raise HttpError(403, _("You are not a member of the organisation '%(slug)s'.") % {"slug": wanted})
        else:
            membership = memberships.pick(None)
        if membership is None:
            raise HttpError(403, _("Your account is not a member of any organisation."))
        if membership.organisation.require_mfa and not has_totp(user):
            raise HttpError(403, _("%(organisation)s requires two-factor authentication, which your account does "
                                   "not have: set it up to use your API tokens again.")
                            % {"organisation": membership.organisation.name})
        request.user = user
        request.tenant = Tenant(membership)
        # Writes made by this request are attributed to the token's user, via the API.
        _current.set(actor_for_user(user, "api"))
        api_token.touch()
        return user


def install_error_handlers(api) -> None:
    """Every error becomes JSON with a `detail` message; nothing answers 500 for bad input."""

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        # A service may say why (e.g. who may accept a risk above the acceptance level).
        detail = str(exc) or _("Your role does not allow this.")
        return api.create_response(request, {"detail": detail}, status=403)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(request, {"detail": _("A valid API token is required.")}, status=401)

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return api.create_response(request, {"detail": _("The data is not valid."), "errors": errors}, status=422)

    @api.exception_handler(RequestDataTooBig)
    def too_large(request, exc):
        return api.create_response(request, {"detail": _("The request body is too large.")}, status=413)

    @api.exception_handler(SuspiciousOperation)
    def refused(request, exc):
        # Django would answer these with its HTML 400 page.
        return api.create_response(request, {"detail": _("The request was refused.")}, status=400)

    @api.exception_handler(OverflowError)
    def out_of_range(request, exc):
        # A number larger than the database holds (e.g. an id of 30 digits in a query filter).
        return api.create_response(request, {"detail": _("A number in the request is out of range.")}, status=422)

    @api.exception_handler(Exception)
    def unexpected(request, exc):
        # The last resort: an error no handler expects is a bug to fix, but the client still
        # gets JSON like every other answer of the API, and the traceback goes to the log.
        logger.exception("Unexpected error in %s %s", request.method, request.path)
        return api.create_response(request, {"detail": _("Something went wrong on our side; it has been logged.")},
                                   status=500)

    @api.exception_handler(NinjaValidationError)
    def invalid_shape(request, exc):
        return api.create_response(request, {"detail": _("The data is not valid."), "errors": exc.errors}, status=422)


class ErrorOut(Schema):
    """Every error answer of the API: a message, and for invalid data the errors per field."""

    detail: str
    errors: dict | list | None = None


ERROR_RESPONSES = {
    "400": "The request could not be read (e.g. a body that is not JSON).",
    "401": "No valid API token (missing, unknown, revoked or expired).",
    "403": "The token's user may not do this here (role, organisation, two-factor requirement).",
    "404": "No such record in the organisation's scope.",
    "409": "The record changed since it was read, or the request conflicts with its state.",
    "422": "The data is not valid; `errors` says why, per field.",
}


def document_errors(schema: dict) -> dict:
    """Add the error answers every operation may give to an OpenAPI schema (django-ninja's)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}"))
    ref = {"$ref": "#/components/schemas/ErrorOut"}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, description in ERROR_RESPONSES.items():
                if status in ("401", "403") and operation.get("security") == []:
                    continue
                existing = operation["responses"].get(status)
                if existing is None or "content" not in existing:
                    operation["responses"][status] = {
                        "description": (existing or {}).get("description") or description,
                        "content": {"application/json": {"schema": ref}},
                    }
    return schema


class TillitNinjaAPI(NinjaAPI):
    """The API root; its OpenAPI schema documents the error answers (401, 403, 404, 422)."""

    def get_openapi_schema(self, *args, **kwargs):
        return document_errors(super().get_openapi_schema(*args, **kwargs))
