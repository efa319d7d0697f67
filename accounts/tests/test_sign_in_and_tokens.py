"""Issue 13, points 2, 3, 4 and 11: the admin's sign-in, lockouts behind the proxy, API tokens."""

import datetime
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import token_create
from conftest import PASSWORD
from organisations.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(settings):
    """This module compares messages in English (the msgids): pages, the API and services
    answer in English here, whatever the default language."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth counts failed sign-ins in the cache; every test starts from zero.
    cache.clear()
    yield
    cache.clear()


def _totp(user):
    return Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})


def _bearer(client, raw, **headers):
    return client.get("/api/systems", HTTP_AUTHORIZATION=f"Bearer {raw}", **headers)


# --- point 2: the admin signs in through allauth ---------------------------------------------


def test_the_admin_login_sends_staff_to_the_sign_in_with_two_factor_step(client, org_a, member):
    user = member(org_a, Role.ADMIN)
    user.is_staff = True
    user.save()
    _totp(user)

    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2F"

    # Django's own admin form no longer signs anyone in with the password alone.
    client.post("/admin/login/?next=/admin/", {"username": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session

    response = client.post(f"{reverse('account_login')}?next=/admin/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_the_admin_login_is_rate_limited_like_the_pages(client, org_a, member):
    user = member(org_a, Role.ADMIN)
    user.is_staff = True
    user.save()
    for _ in range(6):
        client.post(reverse("account_login"), {"login": user.email, "password": "Wrong-Password-1"})
    client.post(f"{reverse('account_login')}?next=/admin/", {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_the_admin_login_refuses_a_signed_in_member_who_is_not_staff(client, org_a, member, login):
    login(member(org_a, Role.ADMIN))
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_the_admin_login_sends_staff_already_signed_in_on_and_ignores_foreign_targets(client, org_a, member, login):
    user = member(org_a, Role.ADMIN)
    user.is_staff = True
    user.save()
    login(user)
    response = client.get("/admin/login/?next=https://evil.example/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")


# --- point 3: lockouts per client address behind the proxy, and per account --------------------

PROXY = "10.0.0.2"


def _fail_from(client, email, address):
    # nginx (docs/deploy.md) appends the address it saw to whatever the client sent.
    return client.post(reverse("account_login"), {"login": email, "password": "Wrong-Password-1"},
                       REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {address}")


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_failures_from_one_client_behind_the_proxy_do_not_lock_out_another(client, org_a, member):
    other = member(org_a, Role.READER)
    for n in range(12):
        _fail_from(client, f"nobody{n}@kommun-a.example", "198.51.100.7")

    response = client.post(reverse("account_login"), {"login": other.email, "password": PASSWORD},
                           REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7, 198.51.100.8")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_the_client_itself_is_locked_out_behind_the_proxy_whatever_it_puts_in_the_header(client, org_a, member):
    user = member(org_a, Role.READER)
    for n in range(12):
        # A spoofed left-most address changes nothing: the right-most one is our proxy's.
        client.post(reverse("account_login"), {"login": f"nobody{n}@kommun-a.example", "password": "x"},
                    REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.7")
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD},
                           REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_an_account_is_locked_after_failures_from_many_addresses(client, org_a, member):
    user = member(org_a, Role.READER)
    for n in range(5):
        _fail_from(client, user.email, f"198.51.100.{n + 10}")
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD},
                REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert "_auth_user_id" not in client.session


# --- point 4: tokens expire and need the organisation's two-factor requirement -----------------


def test_a_token_expires_after_the_chosen_days_and_is_then_refused_with_a_reason(client, org_a, member):
    user = member(org_a)
    token, raw = token_create(user=user, name="Integration", days=30)
    assert abs((token.expires_at - timezone.now()) - datetime.timedelta(days=30)) < datetime.timedelta(minutes=1)
    assert _bearer(client, raw).status_code == 200

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = _bearer(client, raw)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_token_lasts_ninety_days_by_default_and_at_most_a_year(org_a, member):
    user = member(org_a)
    token, _raw = token_create(user=user, name="Standard")
    assert (token.expires_at - timezone.now()).days in (89, 90)
    with pytest.raises(Exception) as exc:
        token_create(user=user, name="För länge", days=366)
    assert "days" in exc.value.message_dict
    assert ApiToken.objects.count() == 1


def test_no_token_for_a_member_whose_organisation_requires_mfa_they_lack(org_a, member):
    org_a.require_mfa = True
    org_a.save()
    user = member(org_a)
    with pytest.raises(Exception) as exc:
        token_create(user=user, name="Utan tvåfaktor")
    assert "two-factor" in " ".join(exc.value.messages)
    assert not ApiToken.objects.exists()
    _totp(user)
    token_create(user=user, name="Med tvåfaktor")
    assert ApiToken.objects.count() == 1


def test_the_profile_page_refuses_a_token_without_mfa_and_keeps_the_name(client, org_a, member, login):
    org_a.require_mfa = True
    org_a.save()
    user = member(org_a)
    _totp(user)
    client = login(user)
    Authenticator.objects.filter(user=user).delete()
    # The middleware sends a member without TOTP to set it up; the page is then unreachable,
    # and a request made anyway creates nothing.
    client.post(reverse("accounts:profile"), {"name": "Rapportverktyg", "days": "90"})
    assert not ApiToken.objects.exists()


def test_the_profile_page_creates_a_token_with_the_chosen_validity(client, org_a, member, login):
    user = member(org_a)
    client = login(user)
    response = client.post(reverse("accounts:profile"), {"name": "Rapportverktyg", "days": "365"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    assert (token.expires_at - timezone.now()).days in (364, 365)
    assert client.post(reverse("accounts:profile"), {"name": "X", "days": "1000"}).status_code == 200
    assert ApiToken.objects.count() == 1


def test_the_token_command_refuses_a_member_without_required_mfa(org_a, member):
    org_a.require_mfa = True
    org_a.save()
    user = member(org_a)
    with pytest.raises(CommandError, match="two-factor"):
        call_command("tillit_token", "--email", user.email, stdout=StringIO())
    assert not ApiToken.objects.exists()
    _totp(user)
    out = StringIO()
    call_command("tillit_token", "--email", user.email, "--days", "7", stdout=out)
    token = ApiToken.objects.get()
    assert out.getvalue().strip().startswith(token.hint)
    assert (token.expires_at - timezone.now()).days in (6, 7)


def test_a_token_stops_working_when_the_organisation_starts_requiring_mfa(client, org_a, member):
    user = member(org_a)
    _token, raw = token_create(user=user, name="Före kravet")
    assert _bearer(client, raw).status_code == 200

    org_a.require_mfa = True
    org_a.save()
    response = _bearer(client, raw)
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]
    assert client.post("/api/actions", {"title": "Ny åtgärd"}, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 403
    _totp(user)
    assert _bearer(client, raw).status_code == 200


def test_the_requirement_is_that_of_the_organisation_picked(client, org_a, org_b, member):
    from tests.factories import MembershipFactory

    user = member(org_a)
    MembershipFactory(user=user, organisation=org_b, role=Role.READER)
    _token, raw = token_create(user=user, name="Två kommuner")
    org_b.require_mfa = True
    org_b.save()
    assert _bearer(client, raw, HTTP_X_ORGANISATION="kommun-a").status_code == 200
    assert _bearer(client, raw, HTTP_X_ORGANISATION="kommun-b").status_code == 403


# --- point 11: the last use is written at most once a minute -----------------------------------


def test_the_last_use_is_written_at_most_once_a_minute(client, org_a, member, django_assert_num_queries):
    user = member(org_a)
    token, raw = token_create(user=user, name="Läsare")
    _bearer(client, raw)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        _bearer(client, raw)
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "api" in q["sql"].lower()]
    token.refresh_from_db()
    assert token.last_used_at == first

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - datetime.timedelta(seconds=61))
    _bearer(client, raw)
    token.refresh_from_db()
    assert token.last_used_at > first
