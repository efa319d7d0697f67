import hashlib
import time
from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from core.tenancy import Memberships, Tenant

SESSION_ORG_KEY = "tillit_org"
# Pages reachable while a user still has to set up two-factor authentication.
_MFA_SETUP_EXEMPT = ("/accounts/", "/static/", "/i18n/", "/health/")


def _tenant(request) -> Tenant | None:
    membership = request.memberships.pick(request.session.get(SESSION_ORG_KEY))
    return Tenant(membership) if membership else None


class ActiveOrganisationMiddleware:
    """Resolve the signed-in user's active organisation (chosen in the header) for pages.

    Also enforces an organisation's demand for two-factor authentication.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.memberships = Memberships(request.user)
        request.tenant = SimpleLazyObject(lambda: _tenant(request))
        if self._must_set_up_mfa(request):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _must_set_up_mfa(request) -> bool:
        if request.path.startswith(_MFA_SETUP_EXEMPT) or request.path.startswith("/api/"):
            return False
        if not request.user.is_authenticated:
            return False
        tenant = request.tenant
        if not tenant or not tenant.organisation.require_mfa:
            return False
        from allauth.mfa.models import Authenticator

        return not Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()


class SecurityHeadersMiddleware:
    """Content security policy and related headers (ASVS V14.4).

    No inline scripts or styles anywhere, so the policy can stay strict.
    """

    CSP = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            # Pages of an ISMS must not linger in shared caches or the back button after logout.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class ApiMethodNotAllowedMiddleware:
    """A wrong HTTP method on an API path answers JSON like every other API error.

    django-ninja answers 405 with a plain-text body before any of the API's exception handlers
    run; clients of the API expect `{"detail": ...}` for every 4xx. The Allow header is kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code == 405 and request.path.startswith("/api/")
                and not response.get("Content-Type", "").startswith("application/json")):
            allowed = response.get("Allow", "")
            detail = _("The method %(method)s is not allowed here; allowed: %(allowed)s.") % {
                "method": request.method, "allowed": allowed}
            replacement = JsonResponse({"detail": detail}, status=405)
            replacement["Allow"] = allowed
            return replacement
        return response


SESSION_SEEN_PREFIX = "tillit:seen:"


class SessionIdleTimeoutMiddleware:
    """Sign out a session that made no request for SESSION_IDLE_TIMEOUT seconds (ASVS 3.3.2).

    The time of the last request is kept in the cache (shared by the workers in production),
    keyed by a digest of the session key and refreshed at most once a minute: no session or
    database write per request. A session the cache does not know (a new sign-in, a cleared
    cache) starts counting now.
    """

    REFRESH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def cache_key(session_key: str) -> str:
        return SESSION_SEEN_PREFIX + hashlib.sha256(session_key.encode()).hexdigest()

    def __call__(self, request):
        from django.conf import settings
        from django.contrib.auth import logout
        from django.core.cache import cache

        idle = settings.SESSION_IDLE_TIMEOUT
        session_key = getattr(getattr(request, "session", None), "session_key", None)
        if idle and session_key and request.user.is_authenticated:
            now, key = int(time.time()), self.cache_key(session_key)
            seen = cache.get(key)
            if seen is not None and now - seen > idle:
                cache.delete(key)
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("Your session has expired; sign in again.")}, status=401)
                return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")
            if seen is None or now - seen >= self.REFRESH_SECONDS:
                cache.set(key, now, idle + self.REFRESH_SECONDS)
        return self.get_response(request)
