"""Sign-in with the organisation's account, against a real OpenID Connect provider on loopback
(tests/oidc_provider.py): discovery, the authorization page, the token endpoint with PKCE,
signed ID tokens and key rotation, all over HTTP."""

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import authenticate, get_user_model
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import formats, translation

from ambassadors.models import AuditEvent, EmailDomain, StaffProfile
from ambassadors.people.services import assignment_create
from tests.factories import PASSWORD, make_course, make_manager, make_organisation, make_user
from tests.oidc_provider import CLIENT_ID

User = get_user_model()
pytestmark = pytest.mark.django_db


@pytest.fixture
def portugal(db):
    portugal = make_organisation("Dianova Portugal", country="PT", language="pt")
    EmailDomain.objects.create(domain="dianova.pt", organisation=portugal)
    return portugal


@pytest.fixture
def ana(oidc_provider):
    oidc_provider.put_user(
        "ana-sub",
        email="ana.sousa@dianova.pt",
        email_verified=True,
        given_name="Ana",
        family_name="Sousa",
        locale="it-IT",
    )
    return "ana-sub"


def start(client: Client, provider_id: str = "mock"):
    return client.post(reverse("openid_connect_login", args=[provider_id]))


def back_from_provider(client: Client, callback_url: str):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}", follow=True)


def sign_in(client: Client, provider, sub: str):
    """The whole flow: our button, the provider's page, back to our callback (followed)."""
    response = start(client)
    assert response.status_code == 302
    return back_from_provider(client, provider.authorize(response["Location"], sub))


def page_text(response) -> str:
    return response.content.decode()


def assert_refused(response, message: str, reason: str, *, users_before: int):
    assert response.redirect_chain[-1][0] == reverse("login")
    assert message in page_text(response)
    assert User.objects.count() == users_before
    assert not SocialAccount.objects.exists()
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.SSO_REFUSED)
    assert event.details["reason"] == reason
    assert "_auth_user_id" not in response.client.session


def test_login_page_shows_a_button_per_provider_and_allows_the_redirect_in_its_csp(
    client, oidc_provider
):
    response = client.get(reverse("login"))
    assert "Sign in with Dianova ID" in page_text(response)
    assert f"form-action 'self' {oidc_provider.url}" in response["Content-Security-Policy"]
    # Other pages keep the strict policy.
    other = client.get(reverse("password_reset"))
    assert "form-action 'self';" in other["Content-Security-Policy"] + ";"


def test_first_sign_in_creates_the_person_in_the_mapped_organisation_with_assignments(
    client, oidc_provider, ana, portugal
):
    course = make_course()
    manager = make_manager(manages=[portugal], organisation=portugal, username="manager-pt")
    due = date.today() + timedelta(days=21)
    assignment_create(course=course, assigned_by=manager, organisations=[portugal], due_date=due)

    response = sign_in(client, oidc_provider, ana)

    assert response.redirect_chain[-1][0] == reverse("ambassadors:dashboard")
    assert course.title in page_text(response)
    user = User.objects.get(email="ana.sousa@dianova.pt")
    assert response.context["user"] == user
    assert (user.username, user.first_name, user.last_name) == (
        "ana.sousa@dianova.pt",
        "Ana",
        "Sousa",
    )
    assert not user.has_usable_password()
    assert user.groups.filter(name="Staff").exists()
    profile = StaffProfile.objects.get(user=user)
    assert (profile.organisation, profile.language) == (portugal, "it")  # from locale it-IT
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.SSO_ACCOUNT_CREATED)
    assert event.target == "ana.sousa@dianova.pt"
    assert event.details == {"provider": "mock", "organisation": "Dianova Portugal"}
    # The provider was asked with PKCE (S256) and a nonce, and got the matching verifier.
    asked = oidc_provider.last_authorization
    assert asked["code_challenge_method"] == "S256" and asked["nonce"] and asked["state"]
    assert asked["client_id"] == CLIENT_ID
    assert oidc_provider.pkce_checked

    # The manager's course report lists her, with the due date.
    manager_client = Client()
    manager_client.force_login(manager)
    report = manager_client.get(
        reverse("ambassadors:course-report", kwargs={"course": course.slug})
    )
    text = page_text(report)
    assert "Ana Sousa" in text
    with translation.override(manager.profile.language):
        assert formats.date_format(due, "SHORT_DATE_FORMAT") in text


def test_signing_in_again_uses_the_same_account(client, oidc_provider, ana, portugal):
    sign_in(client, oidc_provider, ana)
    client.post(reverse("logout"))
    response = sign_in(client, oidc_provider, ana)
    assert response.context["user"].email == "ana.sousa@dianova.pt"
    assert User.objects.filter(email="ana.sousa@dianova.pt").count() == 1
    assert AuditEvent.objects.filter(verb=AuditEvent.Verb.SSO_ACCOUNT_CREATED).count() == 1


def test_an_existing_account_is_linked_by_its_verified_email_and_left_as_it_was(
    client, oidc_provider, portugal
):
    spain = make_organisation("Dianova Spain", country="ES", language="es")
    rui = make_user("rui", organisation=spain, language="es")
    rui.email = "Rui.Costa@dianova.pt"
    rui.save()
    oidc_provider.put_user("rui-sub", email="rui.costa@dianova.pt", email_verified=True)

    response = sign_in(client, oidc_provider, "rui-sub")

    assert response.context["user"] == rui
    assert SocialAccount.objects.get(uid="rui-sub").user == rui
    rui.profile.refresh_from_db()
    assert (rui.profile.organisation, rui.profile.language) == (spain, "es")
    assert AuditEvent.objects.filter(verb=AuditEvent.Verb.SSO_ACCOUNT_LINKED).count() == 1
    assert User.objects.count() == 1


def test_a_rotated_signing_key_is_fetched_and_accepted(client, oidc_provider, ana, portugal):
    sign_in(client, oidc_provider, ana)  # the provider's keys are now cached
    client.post(reverse("logout"))
    old_kid = requests.get(f"{oidc_provider.url}/jwks", timeout=5).json()["keys"][0]["kid"]
    new_kid = oidc_provider.rotate_key()
    assert new_kid != old_kid
    oidc_provider.put_user("joao-sub", email="joao@dianova.pt", email_verified=True)

    response = sign_in(client, oidc_provider, "joao-sub")

    assert response.context["user"].email == "joao@dianova.pt"


TOKEN_REFUSED = "could not be verified, so you were not signed in"


@pytest.mark.parametrize(
    ("mode", "detail"),
    [
        ("wrong_audience", "wrong audience"),
        ("wrong_issuer", "wrong issuer"),
        ("expired", "expired"),
        ("unsigned", "unsigned (alg none)"),
        ("unknown_key", "bad signature"),
    ],
)
def test_a_bad_id_token_is_refused(client, oidc_provider, ana, portugal, mode, detail):
    oidc_provider.misbehave = mode
    response = sign_in(client, oidc_provider, ana)
    assert_refused(response, TOKEN_REFUSED, "token", users_before=0)
    assert detail in AuditEvent.objects.get().details["detail"]


def test_a_replayed_id_token_fails_on_its_nonce(client, oidc_provider, ana, portugal):
    oidc_provider.put_user("bob-sub", email="bob@dianova.pt", email_verified=True)
    sign_in(Client(), oidc_provider, "bob-sub")  # its ID token is the one replayed below
    users = User.objects.count()
    SocialAccount.objects.all().delete()

    oidc_provider.misbehave = "replayed"
    response = sign_in(client, oidc_provider, ana)

    assert TOKEN_REFUSED in page_text(response)
    assert User.objects.count() == users
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.SSO_REFUSED)
    assert "nonce" in event.details["detail"]
    assert "_auth_user_id" not in client.session


def test_a_tampered_state_is_refused(client, oidc_provider, ana, portugal):
    callback = oidc_provider.authorize(start(client)["Location"], ana)
    query = parse_qs(urlsplit(callback).query)
    forged = f"{urlsplit(callback).path}?code={query['code'][0]}&state=forged-state"
    response = client.get(forged, follow=True)
    assert_refused(response, "has expired or was already used", "state", users_before=0)


def test_a_replayed_callback_is_refused(client, oidc_provider, ana, portugal):
    callback = oidc_provider.authorize(start(client)["Location"], ana)
    back_from_provider(client, callback)  # signs in and uses up the state
    users = User.objects.count()
    response = back_from_provider(Client(), callback)  # someone replaying the URL
    assert "has expired or was already used" in page_text(response)
    assert User.objects.count() == users
    assert AuditEvent.objects.filter(verb=AuditEvent.Verb.SSO_REFUSED).count() == 1


def test_an_unverified_email_is_refused(client, oidc_provider, portugal):
    oidc_provider.put_user("eve-sub", email="eve@dianova.pt", email_verified=False)
    response = sign_in(client, oidc_provider, "eve-sub")
    assert_refused(response, "did not confirm your e-mail address", "unverified", users_before=0)


def test_an_unverified_email_never_links_an_existing_account(client, oidc_provider, portugal):
    victim = make_user("victim", organisation=portugal)
    victim.email = "boss@dianova.pt"
    victim.save()
    oidc_provider.put_user("eve-sub", email="boss@dianova.pt")  # no email_verified claim
    response = sign_in(client, oidc_provider, "eve-sub")
    assert_refused(response, "did not confirm your e-mail address", "unverified", users_before=1)


def test_an_unmapped_domain_is_refused(client, oidc_provider, portugal):
    oidc_provider.put_user("max-sub", email="max@example.com", email_verified=True)
    response = sign_in(client, oidc_provider, "max-sub")
    assert_refused(
        response,
        "Accounts of example.com cannot be used to sign in here",
        "unmapped",
        users_before=0,
    )


def test_cancelling_at_the_provider_is_said(client, oidc_provider, portugal):
    location = start(client)["Location"]
    denied = requests.post(location, data={"action": "deny"}, allow_redirects=False, timeout=5)
    response = back_from_provider(client, denied.headers["Location"])
    assert_refused(
        response, "The sign-in with Dianova ID was cancelled", "cancelled", users_before=0
    )


def test_a_provider_that_is_down_is_said(client, oidc_provider, settings, portugal):
    apps = settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]
    apps[0]["settings"]["server_url"] = "http://127.0.0.1:9"  # nothing listens there
    response = client.post(reverse("openid_connect_login", args=["mock"]), follow=True)
    assert_refused(
        response, "Dianova ID cannot be reached at the moment", "unreachable", users_before=0
    )


def test_an_unknown_provider_is_not_found(client, oidc_provider):
    assert client.post(reverse("openid_connect_login", args=["nobody"])).status_code == 404
    assert client.get(reverse("openid_connect_callback", args=["nobody"])).status_code == 404
    assert client.get(reverse("openid_connect_login", args=["mock"])).status_code == 405


def test_sso_required_turns_password_log_in_off_for_that_domain_only(client, portugal):
    EmailDomain.objects.filter(domain="dianova.pt").update(sso_required=True)
    ana = make_user("ana", organisation=portugal)
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


def test_password_attempts_are_still_throttled_for_sso_staff(client, portugal):
    EmailDomain.objects.filter(domain="dianova.pt").update(sso_required=True)
    ana = make_user("ana", organisation=portugal)
    ana.email = "ana@dianova.pt"
    ana.save()
    for _ in range(5):
        client.post(reverse("login"), {"username": "ana", "password": PASSWORD})
    assert client.post(reverse("login"), {"username": "ana", "password": "x"}).status_code == 429


def test_signing_out_offers_the_providers_sign_out(client, oidc_provider, ana, portugal):
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


def test_a_disabled_account_is_not_signed_in(client, oidc_provider, ana, portugal):
    sign_in(client, oidc_provider, ana)
    client.post(reverse("logout"))
    User.objects.filter(email="ana.sousa@dianova.pt").update(is_active=False)
    response = sign_in(client, oidc_provider, ana)
    assert "This account is disabled" in page_text(response)
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.SSO_REFUSED)
    assert event.details["reason"] == "inactive"


def test_login_page_queries(client, oidc_provider, django_assert_num_queries):
    # 1. the OpenID Connect apps configured in the admin (those from settings need none)
    with django_assert_num_queries(1):
        assert client.get(reverse("login")).status_code == 200


def test_a_provider_added_in_the_admin_gets_a_button_and_signs_in(
    client, oidc_provider, ana, portugal, settings
):
    from allauth.socialaccount.models import SocialApp

    settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"] = []
    SocialApp.objects.create(
        provider="openid_connect",
        provider_id="dianova-it",
        name="Dianova Italia",
        client_id=CLIENT_ID,
        secret="another-secret",
        settings={"server_url": oidc_provider.url},
    )
    assert "Sign in with Dianova Italia" in page_text(client.get(reverse("login")))
    response = client.post(reverse("openid_connect_login", args=["dianova-it"]))
    callback = oidc_provider.authorize(response["Location"], ana)
    assert urlsplit(callback).path == "/accounts/oidc/dianova-it/login/callback/"
    assert back_from_provider(client, callback).context["user"].email == "ana.sousa@dianova.pt"


def test_providers_come_from_the_environment(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from dianova_training.settings import oidc_apps_from_env

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
