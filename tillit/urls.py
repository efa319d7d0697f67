from django.contrib import admin
from django.urls import include, path, re_path

from accounts.views import admin_login
from core.api import api_not_found
from tillit.api import api

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("allauth.urls")),
    path("profile/", include("accounts.urls")),
    path("organisation/", include("organisations.urls")),
    path("systems/", include("inventory.urls")),
    path("suppliers/", include("suppliers.urls")),
    path("trail/", include("trail.urls")),
    path("classification/", include("classification.urls")),
    path("requirements/", include("requirements.urls")),
    path("risks/", include("risk.urls")),
    path("actions/", include("actions.urls")),
    path("placement/", include("placement.urls")),
    path("kpis/", include("kpis.urls")),
    path("meetings/", include("meetings.urls")),
    path("changes/", include("changes.urls")),
    path("policies/", include("policies.urls")),
    path("privacy/", include("privacy.urls")),
    path("incidents/", include("incidents.urls")),
    path("audits/", include("audits.urls")),
    path("reviews/", include("reviews.urls")),
    path("jobs/", include("jobs.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    # API clients get JSON errors also for paths no endpoint matches (e.g. /api/systems/-1).
    re_path(r"^api/", api_not_found),
    # Before the admin's own URLs: staff sign in through allauth (two-factor step, rate limits).
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
]
