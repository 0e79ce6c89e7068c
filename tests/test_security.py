"""Security headers on every response, session lifetime, and logging out everywhere."""

import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

NEW_PASSWORD = "a-brand-new-passphrase-42"


def log_in(username: str = "learner", password: str = PASSWORD) -> Client:
    """A client logged in through the real login form (as a second browser would be)."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, "login failed"
    return client


def assert_secure_headers(response):
    csp = response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response  # enforced, not reported
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, status",
    [
        ("/", 200),
        ("/accounts/login/", 200),
        ("/courses/no-such-course/", 404),
        ("/reports/", 403),
        ("/healthz", 200),
    ],
)
def test_responses_carry_the_secure_headers(learner_client, url, status):
    response = learner_client.get(url, secure=True)
    assert response.status_code == status
    assert_secure_headers(response)
    hsts = response["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts and "preload" in hsts


@pytest.mark.django_db
def test_anonymous_pages_carry_the_secure_headers(client):
    response = client.get(reverse("login"), secure=True)
    assert_secure_headers(response)


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_when_enabled(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@pytest.mark.django_db
def test_session_cookie_is_secure_httponly_and_expires(learner):
    client = Client()
    response = client.post(reverse("login"), {"username": "learner", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    csrf = client.get(reverse("password_change")).cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["httponly"]


@pytest.mark.django_db
def test_expired_session_is_logged_out(learner):
    client = log_in()
    assert client.get(reverse("ambassadors:dashboard")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get(reverse("ambassadors:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_password_change_logs_out_every_other_session(learner):
    phone, laptop = log_in(), log_in()
    response = laptop.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    # The browser that changed it stays signed in; the other one is signed out.
    assert laptop.get(reverse("ambassadors:dashboard")).status_code == 200
    response = phone.get(reverse("ambassadors:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_password_reset_logs_out_every_session(client, learner):
    phone = log_in()
    client.post(reverse("password_reset"), {"email": learner.email})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert phone.get(reverse("ambassadors:dashboard")).status_code == 302
    log_in(password=NEW_PASSWORD)


@pytest.mark.django_db
def test_weak_passwords_are_refused(learner_client, learner):
    response = learner_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["new_password2"])
    assert "too common" in errors or "entirely numeric" in errors
    learner.refresh_from_db()
    assert learner.check_password(PASSWORD)
