"""allauth's OpenID Connect provider with the checks it leaves out (see ``tokens``).

Registered through ``SOCIALACCOUNT_PROVIDERS["openid_connect"]["provider_class"]``, so every
OpenID Connect app (from the environment or the admin) uses it. What it adds:

- a fresh nonce in every authorization request, kept in allauth's single-use, ten-minute
  ``state`` record next to the PKCE verifier (PKCE is always on, S256);
- the ID token checked in full (``tokens.id_token_verify``), also when it came straight from
  the token endpoint;
- the user-info answer used only when it is about the same subject as the ID token (signed
  claims win over user-info ones);
- the discovery document cached, so the log-in page can name the provider's sign-in host in
  its Content-Security-Policy and a provider that is down fails fast.
"""

import secrets

import requests
from allauth.socialaccount.providers.oauth2.utils import generate_code_challenge
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter

from .tokens import InvalidIdToken, fetch_json, id_token_verify

NONCE_STATE_KEY = "sso_nonce"


class SsoOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    expected_nonce = ""

    @property
    def openid_config(self) -> dict:
        if not hasattr(self, "_openid_config"):
            provider = self.get_provider()
            config = dict(fetch_json("discovery", provider.server_url))
            config.update(provider.app.settings.get("openid_configuration_overrides", {}))
            self._openid_config = config
        return self._openid_config

    def complete_login(self, request, app, token, **kwargs):
        raw = kwargs["response"].get("id_token")
        if not raw:
            raise InvalidIdToken("missing")
        config = self.openid_config
        claims = id_token_verify(
            token=raw,
            jwks_uri=config["jwks_uri"],
            issuer=config["issuer"],
            client_id=app.client_id,
            nonce=self.expected_nonce,
            algorithms=config.get("id_token_signing_alg_values_supported"),
        )
        if app.settings.get("fetch_userinfo", True) and config.get("userinfo_endpoint"):
            info = self._fetch_user_info(token.token)
            if not isinstance(info, dict) or info.get("sub") != claims["sub"]:
                raise InvalidIdToken("user info about another subject")
            claims = {**info, **claims}
        login = self.get_provider().sociallogin_from_response(request, {"id_token": claims})
        login.sso_id_token = raw  # for the provider's sign-out (id_token_hint)
        return login


class SsoCallbackView(OAuth2CallbackView):
    def _get_state(self, request, provider):
        state, response = super()._get_state(request, provider)
        if state is not None:
            self.adapter.expected_nonce = state.get(NONCE_STATE_KEY, "")
        return state, response


class SsoProvider(OpenIDConnectProvider):
    oauth2_adapter_class = SsoOAuth2Adapter

    def get_pkce_params(self) -> dict:
        return generate_code_challenge()  # always, whatever the app's settings say

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = dict(kwargs.pop("auth_params", None) or self.get_auth_params())
        auth_params["nonce"] = nonce
        return super().redirect(
            request,
            process,
            next_url,
            data,
            auth_params=auth_params,
            **{NONCE_STATE_KEY: nonce},
            **kwargs,
        )

    def end_session_endpoint(self) -> str:
        """The provider's sign-out page, when its discovery document names one ('' if not)."""
        try:
            config = fetch_json("discovery", self.server_url)
        except (requests.RequestException, InvalidIdToken, ValueError):
            return ""
        endpoint = config.get("end_session_endpoint") or ""
        return endpoint if endpoint.startswith(("https://", "http://")) else ""
