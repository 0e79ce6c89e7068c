"""Sign-in with the organisation's account: the log-in page and its policy (SSO required,
throttling), signing out, and where providers are configured (environment, admin)."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import authenticate, get_user_model
from django.test import RequestFactory
from django.urls import reverse

from ambassadors.models import EmailDomain
from tests.factories import PASSWORD, make_user
from tests.oidc_provider import CLIENT_ID, back_from_provider, page_text, sign_in

User = get_user_model()
pytestmark = pytest.mark.django_db


def test_login_page_shows_a_button_per_provider_and_allows_the_redirect_in_its_csp(
    client, oidc_provider
):
    response = client.get(reverse("login"))
    assert "Sign in with Dianova ID" in page_text(response)
    assert f"form-action 'self' {oidc_provider.url}" in response["Content-Security-Policy"]
    # Other pages keep the strict policy.
    other = client.get(reverse("password_reset"))
    assert "form-action 'self';" in other["Content-Security-Policy"] + ";"


def test_an_unknown_provider_is_not_found(client, oidc_provider):
    assert client.post(reverse("openid_connect_login", args=["nobody"])).status_code == 404
    assert client.get(reverse("openid_connect_callback", args=["nobody"])).status_code == 404
    assert client.get(reverse("openid_connect_login", args=["mock"])).status_code == 405


def test_sso_required_turns_password_log_in_off_for_that_domain_only(client, mapped_portugal):
    EmailDomain.objects.filter(domain="dianova.pt").update(sso_required=True)
    ana = make_user("ana", organisation=mapped_portugal)
    ana.email = "ana@dianova.pt"
    ana.save()
    make_user("carla")  # carla@example.org keeps her password

    for login in ("ana", "ana@dianova.pt"):
        response = client.post(reverse("login"), {"username": login, "password": PASSWORD})
        assert "use the “Sign in with …” button" in page_text(response)
        assert "_auth_user_id" not in client.session
    # The backend refuses too, whatever form is used.
    request = RequestFactory().post("/")
    assert authenticate(request, username="ana", password=PASSWORD) is None
    assert authenticate(request, username="carla", password=PASSWORD).username == "carla"

    response = client.post(reverse("login"), {"username": "carla", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(username="carla").pk)


def test_password_attempts_are_still_throttled_for_sso_staff(client, mapped_portugal):
    EmailDomain.objects.filter(domain="dianova.pt").update(sso_required=True)
    ana = make_user("ana", organisation=mapped_portugal)
    ana.email = "ana@dianova.pt"
    ana.save()
    for _ in range(5):
        client.post(reverse("login"), {"username": "ana", "password": PASSWORD})
    assert client.post(reverse("login"), {"username": "ana", "password": "x"}).status_code == 429


def test_signing_out_offers_the_providers_sign_out(client, oidc_provider, ana, mapped_portugal):
    sign_in(client, oidc_provider, ana)
    response = client.post(reverse("logout"), follow=True)
    assert "_auth_user_id" not in client.session
    assert "Sign out of Dianova ID too" in page_text(response)

    redirect = client.get(reverse("sso-provider-logout"))
    target = urlsplit(redirect["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == (
        f"{oidc_provider.url}/oauth2/end_session"
    )
    params = parse_qs(target.query)
    assert params["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]
    assert params["id_token_hint"][0].count(".") == 2
    assert requests.get(redirect["Location"], timeout=5).status_code == 200
    # Offered once: the log-in page no longer shows it.
    assert "Sign out of Dianova ID too" not in page_text(client.get(reverse("login")))


def test_login_page_queries(client, oidc_provider, django_assert_num_queries):
    # 1. the OpenID Connect apps configured in the admin (those from settings need none)
    with django_assert_num_queries(1):
        assert client.get(reverse("login")).status_code == 200


def admin_app(settings, provider_id: str, name: str, server_url: str):
    """The only provider: one added in the admin (none from the environment)."""
    from allauth.socialaccount.models import SocialApp

    settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"] = []
    return SocialApp.objects.create(
        provider="openid_connect",
        provider_id=provider_id,
        name=name,
        client_id=CLIENT_ID,
        secret="another-secret",
        settings={"server_url": server_url},
    )


def test_a_provider_added_in_the_admin_gets_a_button_and_signs_in(
    client, oidc_provider, ana, mapped_portugal, settings
):
    admin_app(settings, "dianova-it", "Dianova Italia", oidc_provider.url)
    assert "Sign in with Dianova Italia" in page_text(client.get(reverse("login")))
    response = client.post(reverse("openid_connect_login", args=["dianova-it"]))
    callback = oidc_provider.authorize(response["Location"], ana)
    assert urlsplit(callback).path == "/accounts/oidc/dianova-it/login/callback/"
    assert back_from_provider(client, callback).context["user"].email == "ana.sousa@dianova.pt"


def test_providers_come_from_the_environment(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from dianova_training.environment import oidc_apps_from_env

    monkeypatch.setenv("OIDC_PROVIDERS", "microsoft")
    with pytest.raises(ImproperlyConfigured, match="OIDC_MICROSOFT_CLIENT_ID"):
        oidc_apps_from_env()
    monkeypatch.setenv("OIDC_MICROSOFT_SERVER_URL", "https://login.microsoftonline.com/t/v2.0/")
    monkeypatch.setenv("OIDC_MICROSOFT_CLIENT_ID", "client")
    monkeypatch.setenv("OIDC_MICROSOFT_CLIENT_SECRET", "secret")
    monkeypatch.setenv("OIDC_MICROSOFT_LABEL", "Microsoft 365")
    monkeypatch.setenv("OIDC_MICROSOFT_VERIFIED_EMAIL_CLAIM", "xms_edov")
    [app] = oidc_apps_from_env()
    assert app["provider_id"] == "microsoft" and app["name"] == "Microsoft 365"
    assert app["settings"]["server_url"] == "https://login.microsoftonline.com/t/v2.0"
    assert app["settings"]["verified_email_claim"] == "xms_edov"


def test_a_mistyped_provider_address_leaves_the_login_page_working(client, settings):
    """An address Python cannot parse ("https://[::1") raised ValueError: a 500 for everyone."""
    admin_app(settings, "typo", "Typo ID", "https://[::1")
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Sign in with Typo ID" in page_text(response)
