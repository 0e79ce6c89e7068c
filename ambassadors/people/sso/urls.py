"""Log-in, log-out and the OpenID Connect sign-in URLs. Included before Django's auth URLs, so
``/accounts/login/`` and ``/accounts/logout/`` are these views. The two OpenID Connect names
are the ones allauth reverses; a provider's redirect URI is
``https://<host>/accounts/oidc/<provider id>/login/callback/``."""

from django.urls import path

from . import views

urlpatterns = [
    path("accounts/login/", views.SsoLoginView.as_view(), name="login"),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("accounts/oidc/signed-out/", views.provider_logout, name="sso-provider-logout"),
    path(
        "accounts/oidc/<str:provider_id>/login/",
        views.sso_login,
        name="openid_connect_login",
    ),
    path(
        "accounts/oidc/<str:provider_id>/login/callback/",
        views.sso_callback,
        name="openid_connect_callback",
    ),
]
