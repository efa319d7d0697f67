"""Who may hold an API token, and for how long."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import ApiToken


def has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def organisations_requiring_mfa(user) -> list:
    from organisations.models import Organisation

    return list(Organisation.objects.filter(memberships__user=user, require_mfa=True).distinct())


def meets_mfa_requirement(user) -> bool:
    """True unless one of the user's organisations requires two-factor authentication they lack."""
    return has_totp(user) or not organisations_requiring_mfa(user)


def token_create(*, user, name: str, days: int = ApiToken.DEFAULT_DAYS) -> tuple[ApiToken, str]:
    """Issue a token to user: valid for days (1–365), only if the user meets the MFA requirement."""
    errors = {}
    if not isinstance(days, int) or not 1 <= days <= ApiToken.MAX_DAYS:
        errors["days"] = _("A token is valid for 1 to %(max)d days.") % {"max": ApiToken.MAX_DAYS}
    if not (name or "").strip():
        errors["name"] = _("Give the token a name.")
    if not meets_mfa_requirement(user):
        names = ", ".join(o.name for o in organisations_requiring_mfa(user))
        errors["__all__"] = _("%(organisations)s requires two-factor authentication: set it up before you "
                              "create an API token.") % {"organisations": names}
    if errors:
        raise ValidationError(errors)
    return ApiToken.issue(user=user, name=name.strip(), days=days)
