"""Faults: a database outage answers 503 (never a traceback), and every error page is friendly."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError, connections
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import PASSWORD, make_user

OUTAGE_TEXT = "temporarily unavailable"


@pytest.fixture
def database_down(monkeypatch):
    """Make every new database cursor fail the way a stopped server does."""

    def refuse():
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    def take_down():
        monkeypatch.setattr(connections["default"], "ensure_connection", refuse)

    return take_down


def assert_outage_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert OUTAGE_TEXT in body
    assert "Traceback" not in body and "OperationalError" not in body
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_database_outage_shows_503_page_to_signed_in_user(learner_client, database_down):
    database_down()  # the session and the user can no longer be loaded
    response = learner_client.get(reverse("ambassadors:dashboard"))
    assert_outage_page(response)
    assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response


@pytest.mark.django_db
def test_outage_page_speaks_the_browsers_language(client, learner, database_down):
    database_down()
    response = client.post(
        reverse("login"),
        {"username": "learner", "password": PASSWORD},
        headers={"accept-language": "es"},
    )
    assert response.status_code == 503
    assert "Dianova Training no está disponible temporalmente" in response.content.decode()


@pytest.mark.django_db
def test_database_outage_in_a_view_shows_503_page(client, learner, database_down):
    database_down()  # the login form reaches the database only in the view
    response = client.post(reverse("login"), {"username": "learner", "password": PASSWORD})
    assert_outage_page(response)


@pytest.mark.django_db
@pytest.mark.urls("tests.urls_errors")
def test_database_error_reaching_the_500_handler_becomes_503(client):
    client.raise_request_exception = False
    assert_outage_page(client.get("/test-errors/database/"))


@pytest.mark.django_db
def test_database_outage_while_saving_the_session_shows_503_page(client, learner, monkeypatch):
    """A session written on the way out (SessionMiddleware) fails outside any view."""
    uid = urlsafe_base64_encode(force_bytes(learner.pk))
    link = reverse(
        "password_reset_confirm",
        kwargs={"uidb64": uid, "token": default_token_generator.make_token(learner)},
    )

    def refuse(self, must_create=False):
        raise OperationalError("could not write the session")

    monkeypatch.setattr(SessionStore, "save", refuse)
    client.raise_request_exception = False  # what a real browser gets, not the test's re-raise
    assert_outage_page(client.get(link))


@pytest.mark.django_db
def test_healthz_reports_database_outage_as_json(client, learner, database_down):
    database_down()
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
    # Even with a session cookie (whose loading fails first) the answer stays JSON.
    client.cookies["sessionid"] = "an-old-session-key-from-before-the-outage"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
    assert response["Retry-After"] == "30"


@pytest.mark.django_db
def test_liveness_answers_without_database(client, database_down):
    database_down()
    response = client.get(reverse("live"))
    assert response.status_code == 200
    assert response.content == b"ok"


def test_500_and_503_pages_render_without_request_or_database():
    # No django_db mark: pytest-django makes any query here an error.
    with translation.override("en"):
        server_error = render_to_string("500.html")
        unavailable = render_to_string("503.html")
    assert "Something went wrong on our side" in server_error
    assert OUTAGE_TEXT in unavailable
    assert "Log out" not in server_error  # no user, so no personal navigation


@pytest.mark.django_db
@pytest.mark.urls("tests.urls_errors")
def test_unexpected_error_shows_friendly_500_page(learner_client):
    learner_client.raise_request_exception = False
    response = learner_client.get("/test-errors/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert "RuntimeError" not in body and "Traceback" not in body


@pytest.mark.django_db
def test_404_page_is_friendly_and_in_the_users_language(client, organisation):
    client.force_login(make_user("lea", organisation=organisation, language="fr"))
    response = client.get("/courses/no-such-course/")
    assert response.status_code == 404
    body = response.content.decode()
    assert '<html lang="fr">' in body
    assert "Nous n’avons pas trouvé cette page" in body
    assert reverse("ambassadors:dashboard") in body


@pytest.mark.django_db
def test_404_page_for_anonymous_visitor(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


@pytest.mark.django_db
def test_403_page_is_friendly(learner_client):
    response = learner_client.get(reverse("ambassadors:reports"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "You do not have access to this page" in body
    assert "Log out" in body  # rendered with the request: the learner keeps the navigation


@pytest.mark.django_db
def test_csrf_failure_page_is_friendly_and_saves_nothing(learner):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "learner", "password": PASSWORD})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert not client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_400_page_for_an_unknown_host(client):
    response = client.get("/", headers={"host": "evil.example.com"})
    assert response.status_code == 400
    assert "We could not understand that request" in response.content.decode()
