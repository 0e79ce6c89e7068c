"""A real OpenID Connect provider on loopback for the sign-in tests: oidc-provider-mock (Flask,
Authlib) served by werkzeug in a thread, with a few test-only hooks around it.

- It requires a nonce and enforces PKCE (S256): the authorization request must carry a code
  challenge and the token request the matching verifier, as Entra ID and Google do.
- ``POST /_test/rotate-key`` replaces the signing key (a new ``kid``), as providers rotate keys.
- ``provider.misbehave = "<mode>"`` makes the token endpoint hand out a bad ID token once:
  signed for another audience, by another issuer, expired, unsigned (``alg: none``), signed by a
  key it does not publish, or a replay of the previous sign-in's token (its nonce is stale).
- ``provider.users`` sets the people who can sign in (``sub`` → claims).
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse, urlsplit

import flask
import joserfc.jwk
import joserfc.jwt
import oidc_provider_mock
import pytest
import werkzeug.serving
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from ambassadors.models import AuditEvent

CLIENT_ID = "dianova-training"
MODES = (
    "wrong_audience",
    "wrong_issuer",
    "expired",
    "unsigned",
    "unknown_key",
    "replayed",
)


class _QuietHandler(werkzeug.serving.WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Provider:
    url: str = ""
    misbehave: str = ""
    # What the provider saw, for the tests to check: the last authorization request's
    # parameters and whether the last token request proved possession of the PKCE verifier.
    last_authorization: dict = field(default_factory=dict)
    pkce_checked: bool = False
    last_id_token: str = ""
    _challenges: dict = field(default_factory=dict)
    _server: werkzeug.serving.BaseWSGIServer | None = None
    _thread: threading.Thread | None = None

    def reset(self) -> None:
        self.misbehave = ""
        self.last_authorization = {}
        self.pkce_checked = False

    def put_user(self, sub: str, **claims) -> None:
        import requests

        requests.put(f"{self.url}/users/{sub}", json=claims, timeout=5).raise_for_status()

    def rotate_key(self) -> str:
        import requests

        response = requests.post(f"{self.url}/_test/rotate-key", timeout=5)
        response.raise_for_status()
        return response.json()["kid"]

    def authorize(self, authorize_url: str, sub: str) -> str:
        """Sign in at the provider as ``sub`` (its form's "Authorize" button), return where
        it sends the browser back to (our callback URL with code and state)."""
        import requests

        response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]

    # -- running ------------------------------------------------------------------------------

    def start(self) -> None:
        if self._server is not None:
            return
        app = oidc_provider_mock.app(require_nonce=True)
        self._install_hooks(app)
        server = werkzeug.serving.make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler
        )
        self._server = server
        self.url = f"http://127.0.0.1:{server.server_port}"
        self._thread = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- test-only behaviour ------------------------------------------------------------------

    def _install_hooks(self, app: flask.Flask) -> None:
        provider = self

        @app.post("/_test/rotate-key")
        def rotate_key():
            storage = flask.g.oidc_provider_mock_storage
            storage.jwk = joserfc.jwk.RSAKey.generate_key(private=True)
            return {"kid": storage.jwk.thumbprint()}

        @app.before_request
        def enforce_pkce():
            request = flask.request
            if request.path == "/oauth2/authorize":
                provider.last_authorization = dict(request.args)
                if request.args.get("code_challenge_method") != "S256":
                    return {"error": "invalid_request", "error_description": "PKCE needed"}, 400
            if request.path == "/oauth2/token" and request.form.get("grant_type") == (
                "authorization_code"
            ):
                challenge = provider._challenges.pop(request.form.get("code", ""), None)
                verifier = request.form.get("code_verifier", "")
                computed = _b64(hashlib.sha256(verifier.encode()).digest())
                if challenge is None or computed != challenge:
                    return {"error": "invalid_grant", "error_description": "PKCE mismatch"}, 400
                provider.pkce_checked = True
            return None

        @app.after_request
        def remember_and_misbehave(response: flask.Response):
            request = flask.request
            if request.path == "/oauth2/authorize" and response.status_code == 302:
                query = parse_qs(urlparse(response.headers["Location"]).query)
                if "code" in query:
                    provider._challenges[query["code"][0]] = request.args.get("code_challenge")
            if request.path == "/oauth2/token" and response.status_code == 200:
                body = response.get_json()
                if provider.misbehave:
                    body["id_token"] = provider._bad_token(body["id_token"])
                    provider.misbehave = ""
                else:
                    provider.last_id_token = body["id_token"]
                response.set_data(json.dumps(body))
            return response

    def _bad_token(self, good: str) -> str:
        storage = flask.g.oidc_provider_mock_storage
        key = storage.jwk
        header = {"alg": "RS256", "kid": key.thumbprint()}
        claims = json.loads(base64.urlsafe_b64decode(good.split(".")[1] + "=="))
        mode = self.misbehave
        if mode == "replayed":
            return self.last_id_token
        if mode == "wrong_audience":
            claims["aud"] = "another-application"
        elif mode == "wrong_issuer":
            claims["iss"] = "https://login.example.net"
        elif mode == "expired":
            claims["iat"] = int(time.time()) - 7200
            claims["exp"] = int(time.time()) - 3600
        elif mode == "unsigned":
            return f"{_b64(b'{"alg":"none","typ":"JWT"}')}.{_b64(json.dumps(claims).encode())}."
        elif mode == "unknown_key":
            key = joserfc.jwk.RSAKey.generate_key(private=True)
        else:
            raise ValueError(mode)
        return joserfc.jwt.encode(header, claims, key)


provider = Provider()


@pytest.fixture(scope="session")
def oidc_provider_server():
    """The provider, started once per test session (starting it again is a no-op)."""
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def oidc_provider(oidc_provider_server, settings):
    """The provider, configured in the app as "Dianova ID" (provider id ``mock``), with a
    clean slate: no misbehaviour, nothing cached."""
    from django.core.cache import cache

    provider.reset()
    cache.clear()
    configured = dict(settings.SOCIALACCOUNT_PROVIDERS["openid_connect"])
    configured["APPS"] = [
        {
            "provider_id": "mock",
            "name": "Dianova ID",
            "client_id": CLIENT_ID,
            "secret": "test-client-secret",
            "settings": {"server_url": provider.url},
        }
    ]
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": configured}
    yield provider
    cache.clear()


# -- the flow, as a browser would go through it (Django's test client and requests) ------------


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
    assert get_user_model().objects.count() == users_before
    assert not SocialAccount.objects.exists()
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.SSO_REFUSED)
    assert event.details["reason"] == reason
    assert "_auth_user_id" not in response.client.session
