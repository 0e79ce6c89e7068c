"""The log-in page with its single sign-on buttons, the sign-in and callback URLs, and
signing out (offering the provider's own sign-out when its discovery document names one)."""

from urllib.parse import urlencode, urlsplit

import requests
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from django.conf import settings
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import MultipleObjectsReturned
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.csp import CSP
from django.views.decorators.http import require_POST

from .adapter import SESSION_KEY, refuse
from .forms import LoginForm
from .provider import SsoCallbackView, SsoOAuth2Adapter
from .tokens import InvalidIdToken, cached_json

SIGNED_OUT_KEY = "sso_signed_out"
# What a provider that is down or misconfigured makes the sign-in raise before allauth's own
# error handling: network errors and bad JSON (requests), a discovery document that is not an
# object (InvalidIdToken) or lacks an endpoint (KeyError).
PROVIDER_FAILURES = (requests.RequestException, InvalidIdToken, KeyError)


def _origin(url: str) -> str:
    try:
        parts = urlsplit(url or "")
    except ValueError:  # "https://[::1": a mistyped provider address is no reason for a 500
        return ""
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in {"http", "https"} else ""


def well_known_url(server_url: str) -> str:
    """The discovery document's address, as allauth derives it from the server URL."""
    if "/.well-known/" in server_url:
        return server_url
    return f"{server_url}/.well-known/openid-configuration"


def sign_in_providers(request: HttpRequest) -> list[dict]:
    """The OpenID Connect apps to show as buttons (environment and admin), with the origin
    their sign-in page is on (from the cached discovery document, else their server URL)."""
    providers = []
    for app in get_adapter().list_apps(request, provider="openid_connect"):
        if app.settings.get("hidden"):
            continue
        server_url = app.settings.get("server_url", "")
        discovery = cached_json("discovery", well_known_url(server_url)) if server_url else None
        discovery = discovery or {}
        origin = _origin(discovery.get("authorization_endpoint", "")) or _origin(server_url)
        providers.append({"id": app.provider_id, "name": app.name, "origin": origin})
    return providers


class SsoLoginView(LoginView):
    form_class = LoginForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_providers"] = self.sso_providers = sign_in_providers(self.request)
        context["sso_signed_out"] = self.request.session.get(SIGNED_OUT_KEY)
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        # The buttons post here, and the answer redirects to the provider's sign-in page: a
        # browser applies form-action to that redirect too, so the page names those origins.
        origins = sorted({p["origin"] for p in self.sso_providers if p["origin"]})
        response._csp_config = {**settings.SECURE_CSP, "form-action": [CSP.SELF, *origins]}
        return response


class SignOutView(LogoutView):
    """Django's log-out; after a sign-in through a provider that publishes a sign-out page,
    the log-in page then offers to sign out there too."""

    def post(self, request, *args, **kwargs):
        signed_in = request.session.get(SESSION_KEY)
        response = super().post(request, *args, **kwargs)
        if signed_in:
            try:
                provider = get_adapter().get_provider(request, signed_in["provider"])
            except (SocialApp.DoesNotExist, MultipleObjectsReturned):
                return response
            endpoint = provider.end_session_endpoint()
            if endpoint:
                request.session[SIGNED_OUT_KEY] = {
                    "name": provider.app.name,
                    "url": endpoint,
                    "client_id": provider.app.client_id,
                    "id_token": signed_in.get("id_token", ""),
                }
        return response


def provider_logout(request: HttpRequest) -> HttpResponse:
    """Send the browser to the provider's sign-out page, back to the log-in page afterwards."""
    signed_out = request.session.pop(SIGNED_OUT_KEY, None)
    if not signed_out:
        return redirect("login")
    params = {
        "client_id": signed_out["client_id"],
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
    }
    if signed_out.get("id_token"):
        params["id_token_hint"] = signed_out["id_token"]
    separator = "&" if "?" in signed_out["url"] else "?"
    return redirect(f"{signed_out['url']}{separator}{urlencode(params)}")


def _provider_or_404(request: HttpRequest, provider_id: str):
    try:
        return get_adapter().get_provider(request, provider_id)
    except (SocialApp.DoesNotExist, MultipleObjectsReturned):
        raise Http404 from None


def _unreachable(request: HttpRequest, provider, error: Exception) -> HttpResponse:
    try:
        refuse(request, reason="unreachable", provider=provider, detail=repr(error))
    except ImmediateHttpResponse as refusal:
        return refusal.response
    raise AssertionError("refuse() always raises")  # pragma: no cover


@require_POST
def sso_login(request: HttpRequest, provider_id: str) -> HttpResponse:
    """The button: a redirect to the provider's sign-in page (with state, nonce and PKCE)."""
    provider = _provider_or_404(request, provider_id)
    try:
        return oidc_views.login(request, provider_id)
    except PROVIDER_FAILURES as error:
        return _unreachable(request, provider, error)


def sso_callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    """Where the provider sends the browser back, with a code and the state."""
    provider = _provider_or_404(request, provider_id)
    try:
        return SsoCallbackView.adapter_view(SsoOAuth2Adapter(request, provider_id))(request)
    except PROVIDER_FAILURES as error:
        return _unreachable(request, provider, error)
