import importlib

import pytest
from django.urls import reverse


def test_openid_connect_is_configured_from_the_environment(monkeypatch):
    import tillit.settings as settings_module

    monkeypatch.setenv("TILLIT_OIDC_CLIENT_ID", "client-123")
    monkeypatch.setenv("TILLIT_OIDC_CLIENT_SECRET", "s3cret")
    monkeypatch.setenv("TILLIT_OIDC_SERVER_URL", "https://login.microsoftonline.com/tenant/v2.0")
    try:
        reloaded = importlib.reload(settings_module)
        app = reloaded.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]
        assert (app["provider_id"], app["client_id"], app["secret"]) == ("entra", "client-123", "s3cret")
        assert app["settings"]["server_url"] == "https://login.microsoftonline.com/tenant/v2.0"
    finally:
        monkeypatch.delenv("TILLIT_OIDC_CLIENT_ID")
        assert importlib.reload(settings_module).SOCIALACCOUNT_PROVIDERS == {}


@pytest.mark.django_db
def test_the_sign_in_page_offers_sso_only_when_configured(client, settings):
    assert "SSO" not in client.get(reverse("account_login")).content.decode()
    settings.OIDC_CLIENT_ID = "client-123"
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [{
        "provider_id": "entra", "name": "Microsoft Entra ID", "client_id": "client-123", "secret": "x",
        "settings": {"server_url": "https://login.example/v2.0"}}]}}
    body = client.get(reverse("account_login")).content.decode()
    assert "SSO" in body
    assert "/accounts/oidc/entra/login/" in body


@pytest.mark.django_db
def test_open_sign_up_is_closed(client):
    response = client.post(reverse("account_signup"), {"email": "x@y.example", "password1": "Long-Pass-123!", "password2": "Long-Pass-123!"})
    from accounts.models import User

    assert not User.objects.filter(email="x@y.example").exists()
    assert response.status_code in (200, 302, 403)
