"""API authentication and error handling shared by every router.

A request carries `Authorization: Bearer <token>`; the optional header `X-Organisation`
(an organisation slug) picks the active organisation, else the user's first membership.
The resulting `request.tenant` is the same Tenant the pages use (core.tenancy).
"""

from dataclasses import asdict
from typing import Annotated

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation, ValidationError
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from pydantic import field_validator

from accounts.models import ApiToken
from accounts.services import has_totp
from core.tenancy import Memberships, Tenant
from trail.context import _current, actor_for_user


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


class InputSchema(Schema):
    """Base of request bodies and query filters.

    PostgreSQL can neither store nor compare text with NUL characters (psycopg raises a
    DataError, i.e. a 500), so such input is refused here as invalid (422).
    """

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value):
        return _refuse_nul(value)


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

    @api.exception_handler(NinjaValidationError)
    def invalid_shape(request, exc):
        return api.create_response(request, {"detail": _("The data is not valid."), "errors": exc.errors}, status=422)
