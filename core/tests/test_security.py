import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import PASSWORD
from core.middleware import SESSION_ORG_KEY
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_pages_carry_a_strict_content_security_policy_and_security_headers(org_a, member, login):
    response = login(member(org_a)).get(reverse("core:home"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_session_and_csrf_cookies_are_http_only_and_same_site(settings):
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


@pytest.mark.parametrize(
    "password, ok_case",
    [("kort", False), ("allalowercaseletters", False), ("NoDigitsOrSymbols", False),
     ("12345678901234", False), ("Lång-Och-Stark-2026", True)],
)
def test_the_password_policy(password, ok_case):
    if ok_case:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(reverse("inventory:system_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_sign_in_with_e_mail_and_password(org_a, member, client):
    user = member(org_a)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_repeated_failed_sign_ins_lock_the_account_out(org_a, member, client):
    user = member(org_a)
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong-Password-1"})
        assert response.status_code == 200
    # Even the right password is refused while the account is locked out.
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_an_organisation_can_require_two_factor_authentication(org_a, member, login):
    org_a.require_mfa = True
    org_a.save()
    user = member(org_a)
    client = login(user)
    response = client.get(reverse("inventory:system_list"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert client.get(reverse("inventory:system_list")).status_code == 200


def test_switching_organisation_only_to_ones_you_belong_to(org_a, org_b, member, login):
    user = member(org_a)
    client = login(user)
    assert client.post(reverse("core:switch_organisation"), {"organisation": org_b.pk}).status_code == 400
    MembershipFactory(user=user, organisation=org_b, role="reader")
    response = client.post(reverse("core:switch_organisation"), {"organisation": org_b.pk, "next": "https://evil.example/"})
    assert (response.status_code, response.url) == (302, "/")
    assert client.session[SESSION_ORG_KEY] == org_b.pk
    assert client.get(reverse("core:home")).context["tenant"].organisation == org_b


def test_a_user_without_membership_gets_a_clear_403(db, client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(reverse("core:home"))
    assert response.status_code == 403
    assert "core/no_membership.html" in [t.name for t in response.templates]
