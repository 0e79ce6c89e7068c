"""Sign-in with the organisation's account, against a real OpenID Connect provider on loopback
(tests/oidc_provider.py): discovery, the authorization page, the token endpoint with PKCE,
signed ID tokens and key rotation, all over HTTP. First sign-ins and every refusal."""

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from ambassadors.models import AuditEvent, StaffProfile
from ambassadors.people.services import assignment_create
from tests.factories import make_course, make_manager, make_organisation, make_user
from tests.oidc_provider import (
    CLIENT_ID,
    assert_refused,
    back_from_provider,
    page_text,
    sign_in,
    start,
)

User = get_user_model()
pytestmark = pytest.mark.django_db


def test_first_sign_in_creates_the_person_in_the_mapped_organisation_with_assignments(
    client, oidc_provider, ana, mapped_portugal
):
    course = make_course()
    manager = make_manager(
        manages=[mapped_portugal], organisation=mapped_portugal, username="manager-pt"
    )
    due = date.today() + timedelta(days=21)
    assignment_create(
        course=course, assigned_by=manager, organisations=[mapped_portugal], due_date=due
    )

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
    assert (profile.organisation, profile.language) == (mapped_portugal, "it")  # from locale it-IT
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


def test_signing_in_again_uses_the_same_account(client, oidc_provider, ana, mapped_portugal):
    sign_in(client, oidc_provider, ana)
    client.post(reverse("logout"))
    response = sign_in(client, oidc_provider, ana)
    assert response.context["user"].email == "ana.sousa@dianova.pt"
    assert User.objects.filter(email="ana.sousa@dianova.pt").count() == 1
    assert AuditEvent.objects.filter(verb=AuditEvent.Verb.SSO_ACCOUNT_CREATED).count() == 1


def test_an_existing_account_is_linked_by_its_verified_email_and_left_as_it_was(
    client, oidc_provider, mapped_portugal
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


def test_a_rotated_signing_key_is_fetched_and_accepted(client, oidc_provider, ana, mapped_portugal):
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
def test_a_bad_id_token_is_refused(client, oidc_provider, ana, mapped_portugal, mode, detail):
    oidc_provider.misbehave = mode
    response = sign_in(client, oidc_provider, ana)
    assert_refused(response, TOKEN_REFUSED, "token", users_before=0)
    assert detail in AuditEvent.objects.get().details["detail"]


def test_a_replayed_id_token_fails_on_its_nonce(client, oidc_provider, ana, mapped_portugal):
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


def test_a_tampered_state_is_refused(client, oidc_provider, ana, mapped_portugal):
    callback = oidc_provider.authorize(start(client)["Location"], ana)
    query = parse_qs(urlsplit(callback).query)
    forged = f"{urlsplit(callback).path}?code={query['code'][0]}&state=forged-state"
    response = client.get(forged, follow=True)
    assert_refused(response, "has expired or was already used", "state", users_before=0)


def test_a_replayed_callback_is_refused(client, oidc_provider, ana, mapped_portugal):
    callback = oidc_provider.authorize(start(client)["Location"], ana)
    back_from_provider(client, callback)  # signs in and uses up the state
    users = User.objects.count()
    response = back_from_provider(Client(), callback)  # someone replaying the URL
    assert "has expired or was already used" in page_text(response)
    assert User.objects.count() == users
    assert AuditEvent.objects.filter(verb=AuditEvent.Verb.SSO_REFUSED).count() == 1


def test_an_unverified_email_is_refused(client, oidc_provider, mapped_portugal):
    oidc_provider.put_user("eve-sub", email="eve@dianova.pt", email_verified=False)
    response = sign_in(client, oidc_provider, "eve-sub")
    assert_refused(response, "did not confirm your e-mail address", "unverified", users_before=0)


def test_an_unverified_email_never_links_an_existing_account(
    client, oidc_provider, mapped_portugal
):
    victim = make_user("victim", organisation=mapped_portugal)
    victim.email = "boss@dianova.pt"
    victim.save()
    oidc_provider.put_user("eve-sub", email="boss@dianova.pt")  # no email_verified claim
    response = sign_in(client, oidc_provider, "eve-sub")
    assert_refused(response, "did not confirm your e-mail address", "unverified", users_before=1)


def test_an_unmapped_domain_is_refused(client, oidc_provider, mapped_portugal):
    oidc_provider.put_user("max-sub", email="max@example.com", email_verified=True)
    response = sign_in(client, oidc_provider, "max-sub")
    assert_refused(
        response,
        "Accounts of example.com cannot be used to sign in here",
        "unmapped",
        users_before=0,
    )


def test_cancelling_at_the_provider_is_said(client, oidc_provider, mapped_portugal):
    location = start(client)["Location"]
    denied = requests.post(location, data={"action": "deny"}, allow_redirects=False, timeout=5)
    response = back_from_provider(client, denied.headers["Location"])
    assert_refused(
        response, "The sign-in with Dianova ID was cancelled", "cancelled", users_before=0
    )


def test_a_provider_that_is_down_is_said(client, oidc_provider, settings, mapped_portugal):
    apps = settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]
    apps[0]["settings"]["server_url"] = "http://127.0.0.1:9"  # nothing listens there
    response = client.post(reverse("openid_connect_login", args=["mock"]), follow=True)
    assert_refused(
        response, "Dianova ID cannot be reached at the moment", "unreachable", users_before=0
    )


def test_a_disabled_account_is_not_signed_in(client, oidc_provider, ana, mapped_portugal):
    sign_in(client, oidc_provider, ana)
    client.post(reverse("logout"))
    User.objects.filter(email="ana.sousa@dianova.pt").update(is_active=False)
    response = sign_in(client, oidc_provider, ana)
    assert "This account is disabled" in page_text(response)
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.SSO_REFUSED)
    assert event.details["reason"] == "inactive"


@pytest.mark.parametrize(("claims", "signed_in"), [({"xms_edov": True}, True), ({}, False)])
def test_entra_ids_verified_domain_claim_is_the_one_read_when_configured(
    client, oidc_provider, mapped_portugal, settings, claims, signed_in
):
    app = settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]
    app["settings"]["verified_email_claim"] = "xms_edov"
    # email_verified is ignored for this provider: Entra ID does not send it.
    oidc_provider.put_user("lia-sub", email="lia@dianova.pt", email_verified=True, **claims)
    response = sign_in(client, oidc_provider, "lia-sub")
    assert User.objects.filter(email="lia@dianova.pt").exists() is signed_in
    assert ("did not confirm your e-mail address" in page_text(response)) is not signed_in


def test_a_token_endpoint_that_is_down_is_said(
    client, oidc_provider, ana, mapped_portugal, settings
):
    app = settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]
    app["settings"]["openid_configuration_overrides"] = {"token_endpoint": "http://127.0.0.1:9/"}
    response = sign_in(client, oidc_provider, ana)
    assert_refused(
        response, "Dianova ID cannot be reached at the moment", "unreachable", users_before=0
    )
