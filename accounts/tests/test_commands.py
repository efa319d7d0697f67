"""The account commands (tillit_user, tillit_token) and API tokens on the profile page."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import ApiToken, User
from organisations.models import Membership
from organisations.roles import Role
from trail.models import AuditEntry

pytestmark = pytest.mark.django_db

STRONG = "Stark-Lösen-2026!"


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def api_status(client, token: str) -> int:
    return client.get("/api/systems", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def test_tillit_user_creates_a_user_with_a_role(org_a):
    output = run("tillit_user", "--org", "kommun-a", "--role", "coordinator", "--email", " Ny.Person@Kommun-A.example ",
                 "--password", STRONG, "--name", "Ny Person")

    assert output == "ny.person@kommun-a.example: coordinator in kommun-a\n"
    user = User.objects.get(email="ny.person@kommun-a.example")
    assert (user.full_name, user.check_password(STRONG), user.is_active) == ("Ny Person", True, True)
    assert list(Membership.objects.filter(user=user).values_list("organisation__slug", "role")) == [
        ("kommun-a", "coordinator")]
    sources = set(AuditEntry.objects.filter(model__in=["accounts.user", "organisations.membership"])
                  .values_list("source", flat=True))
    assert sources == {"cli"}


def test_tillit_user_without_a_password_makes_an_account_that_cannot_sign_in_with_one(org_a):
    run("tillit_user", "--org", "kommun-a", "--role", "reader", "--email", "sso@kommun-a.example")

    assert User.objects.get(email="sso@kommun-a.example").has_usable_password() is False


def test_tillit_user_changes_the_role_and_keeps_the_password(org_a, org_b, member):
    user = member(org_a, Role.READER, email="befintlig@kommun-a.example")
    user.set_password(STRONG)
    user.save()

    run("tillit_user", "--org", "kommun-a", "--role", "auditor", "--email", "befintlig@kommun-a.example")
    run("tillit_user", "--org", "kommun-b", "--role", "dpo", "--email", "befintlig@kommun-a.example")

    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert sorted(Membership.objects.filter(user=user).values_list("organisation__slug", "role")) == [
        ("kommun-a", "auditor"), ("kommun-b", "dpo")]


@pytest.mark.parametrize("password", ["kort", "lösenordlösenord", "Lösenord-utan-siffra", "12345678901234567",
                                      "Befintlig@kommun-a1"])
def test_tillit_user_rejects_a_weak_password_and_changes_nothing(org_a, password):
    users, entries = User.objects.count(), AuditEntry.objects.count()

    with pytest.raises(CommandError):
        run("tillit_user", "--org", "kommun-a", "--role", "reader", "--email", "befintlig@kommun-a.example",
            "--password", password)

    assert (User.objects.count(), AuditEntry.objects.count()) == (users, entries)


def test_tillit_user_rejects_a_weak_password_for_an_existing_user_and_keeps_the_old_one(org_a, member):
    user = member(org_a, Role.READER, email="befintlig@kommun-a.example")
    user.set_password(STRONG)
    user.save()

    with pytest.raises(CommandError):
        run("tillit_user", "--org", "kommun-a", "--role", "admin", "--email", user.email, "--password", "svagt")

    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert Membership.objects.get(user=user).role == "reader"


def test_tillit_user_rejects_an_unknown_organisation(db):
    with pytest.raises(CommandError, match="finns-inte"):
        run("tillit_user", "--org", "finns-inte", "--role", "reader", "--email", "x@example.org")
    assert not User.objects.filter(email="x@example.org").exists()


def test_tillit_user_rejects_an_unknown_role(org_a):
    with pytest.raises(CommandError, match="invalid choice"):
        run("tillit_user", "--org", "kommun-a", "--role", "superuser", "--email", "x@example.org")
    assert not User.objects.filter(email="x@example.org").exists()


def test_tillit_token_prints_a_token_that_authenticates(client, org_a, member):
    user = member(org_a, Role.READER, email="integration@kommun-a.example")

    raw = run("tillit_token", "--email", "Integration@Kommun-A.example", "--name", "lönesystemet").strip()

    assert raw.startswith(ApiToken.PREFIX)
    token = ApiToken.objects.get(user=user)
    assert (token.name, token.hint, token.revoked_at) == ("lönesystemet", raw[:10], None)
    assert raw not in (token.digest, token.hint)  # only a digest is stored
    assert api_status(client, raw) == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_tillit_token_revoke_all_makes_every_token_stop_working(client, org_a, member):
    user = member(org_a, Role.READER, email="integration@kommun-a.example")
    first = run("tillit_token", "--email", user.email).strip()
    second = run("tillit_token", "--email", user.email).strip()
    other = run("tillit_token", "--email", member(org_a, Role.READER).email).strip()

    output = run("tillit_token", "--email", user.email, "--revoke-all")

    assert output == "Revoked the tokens of integration@kommun-a.example.\n"
    assert (api_status(client, first), api_status(client, second), api_status(client, other)) == (401, 401, 200)
    assert ApiToken.objects.active().filter(user=user).count() == 0
    entries = AuditEntry.objects.filter(model="accounts.apitoken", action="update")
    assert [(e.source, list(e.changes)) for e in entries] == [("cli", ["revoked_at"]), ("cli", ["revoked_at"])]


def test_tillit_token_rejects_an_unknown_or_inactive_user(org_a, member):
    inactive = member(org_a, Role.READER, email="slutat@kommun-a.example")
    inactive.is_active = False
    inactive.save()

    for email in ("ingen@kommun-a.example", "slutat@kommun-a.example"):
        with pytest.raises(CommandError):
            run("tillit_token", "--email", email)
    assert ApiToken.objects.count() == 0


def test_the_profile_page_shows_a_new_token_once(client, org_a, member):
    user = member(org_a, Role.COORDINATOR)
    client.force_login(user)

    response = client.post(reverse("accounts:profile"), {"name": "Rapportverktyg"})

    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    raw = response.context["new_token"]
    assert raw.startswith(token.hint) and raw in response.content.decode()
    assert token.name == "Rapportverktyg"
    assert api_status(client, raw) == 200
    again = client.get(reverse("accounts:profile")).content.decode()
    assert raw not in again and token.hint in again


def test_the_profile_page_revokes_a_token(client, org_a, member):
    user = member(org_a, Role.COORDINATOR)
    token, raw = ApiToken.issue(user=user, name="Gammal")
    client.force_login(user)

    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api_status(client, raw) == 401
    # Revoking again finds no active token.
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404


def test_nobody_revokes_another_users_token(client, org_a, member):
    token, raw = ApiToken.issue(user=member(org_a, Role.READER), name="Någon annans")
    client.force_login(member(org_a, Role.ADMIN))
    entries = AuditEntry.objects.count()

    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405

    token.refresh_from_db()
    assert token.revoked_at is None
    assert AuditEntry.objects.count() == entries
    assert api_status(client, raw) == 200
