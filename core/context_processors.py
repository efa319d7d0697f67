from django.conf import settings

from core.navigation import navigation_for


def tillit(request):
    tenant = getattr(request, "tenant", None)
    memberships = getattr(request, "memberships", None)
    return {
        "tenant": tenant if tenant else None,
        "memberships": memberships.all if memberships is not None else [],
        "navigation": navigation_for(request, tenant) if tenant else [],
        "oidc_enabled": bool(settings.OIDC_CLIENT_ID),
    }
