"""Who may come in through an organisation's account, and what a first sign-in creates.

allauth calls ``pre_social_login`` once the provider's answer has passed every check of
``provider``/``tokens``. From there:

- an identity already linked to an account signs that account in (if it is active);
- otherwise the e-mail must be verified by the provider and its domain mapped to an
  organisation (``EmailDomain``); then an existing account with exactly that e-mail is linked,
  or a new account is created in the mapped organisation (``services.sso_account_create``).
  allauth's own sign-up and e-mail matching are never used.

Every refusal, here or earlier in allauth's flow (``on_authentication_error``), leaves the
database as it was apart from one audit-trail line, and sends the person back to the log-in
page with a message saying what happened.
"""

import logging

import requests
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base.constants import AuthError
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from ambassadors.models import AuditEvent
from ambassadors.people.audit import audit_record

from .models import EmailDomain, email_domain
from .services import language_from_locale, sso_account_create
from .tokens import InvalidIdToken

logger = logging.getLogger("dianova.sso")

SESSION_KEY = "sso"  # {"provider": id, "id_token": raw} while signed in through a provider

REFUSALS = {
    "state": _(
        "This sign-in link has expired or was already used. Please start again with the button "
        "below."
    ),
    "token": _(
        "The answer from %(provider)s could not be verified, so you were not signed in. Please "
        "try again; if it happens again, tell your administrator."
    ),
    "failed": _("%(provider)s did not complete the sign-in. Please try again."),
    "cancelled": _("The sign-in with %(provider)s was cancelled."),
    "unreachable": _(
        "%(provider)s cannot be reached at the moment. Please try again in a few minutes."
    ),
    "unverified": _(
        "%(provider)s did not confirm your e-mail address, so it cannot be used to sign in "
        "here. Ask your organisation's administrator."
    ),
    "unmapped": _(
        "Accounts of %(domain)s cannot be used to sign in here yet. Ask your manager to have "
        "your organisation added, or log in with your password."
    ),
    "inactive": _("This account is disabled. Ask your manager or an administrator."),
    "conflict": _(
        "Several accounts use %(email)s, so it cannot be linked automatically. Ask an "
        "administrator."
    ),
}


def refuse(request, *, reason: str, provider, email: str = "", detail: str = ""):
    """Record the refusal, say it on the log-in page; raises ``ImmediateHttpResponse``."""
    name = getattr(getattr(provider, "app", None), "name", "") or str(provider or "")
    provider_id = getattr(getattr(provider, "app", None), "provider_id", "") or ""
    audit_record(
        actor=None,
        verb=AuditEvent.Verb.SSO_REFUSED,
        target=email or name,
        details={"provider": provider_id, "reason": reason, "detail": detail[:300]},
    )
    logger.warning("sso refused: %s (%s) %s", reason, provider_id, detail[:300])
    messages.error(
        request,
        REFUSALS[reason] % {"provider": name, "domain": email_domain(email), "email": email},
    )
    raise ImmediateHttpResponse(redirect("login"))


def _claims(sociallogin) -> dict:
    data = sociallogin.account.extra_data or {}
    return data.get("id_token") or data


def _is_true(value) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


class SsoAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False  # accounts are created by pre_social_login only, never by allauth's sign-up

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        if isinstance(exception, InvalidIdToken):
            reason = "token"
        elif isinstance(exception, requests.RequestException):
            reason = "unreachable"
        elif error == AuthError.CANCELLED:
            reason = "cancelled"
        elif exception is None and "state" not in (extra_context or {}):
            reason = "state"
        else:
            reason = "failed"
        refuse(request, reason=reason, provider=provider, detail=str(exception or error or ""))

    def pre_social_login(self, request, sociallogin) -> None:
        provider = sociallogin.account.get_provider(request)
        claims = _claims(sociallogin)
        email = (claims.get("email") or "").strip()
        user = sociallogin.user if sociallogin.is_existing else None
        if user is None:
            user = self._place(request, sociallogin, provider, claims, email)
        elif not user.is_active:
            refuse(request, reason="inactive", provider=provider, email=email)
        request.session[SESSION_KEY] = {
            "provider": provider.app.provider_id,
            "id_token": getattr(sociallogin, "sso_id_token", ""),
        }

    def _place(self, request, sociallogin, provider, claims, email):
        verified_claim = provider.app.settings.get("verified_email_claim", "email_verified")
        if not email or not _is_true(claims.get(verified_claim)):
            refuse(request, reason="unverified", provider=provider, email=email)
        mapping = EmailDomain.objects.for_email(email)
        if mapping is None:
            refuse(request, reason="unmapped", provider=provider, email=email)
        user_model = get_user_model()
        matches = list(user_model.objects.filter(email__iexact=email)[:2])
        if len(matches) > 1 or (
            not matches and user_model.objects.filter(username__iexact=email).exists()
        ):
            refuse(request, reason="conflict", provider=provider, email=email)
        if matches and not matches[0].is_active:
            refuse(request, reason="inactive", provider=provider, email=email)
        with transaction.atomic():
            if matches:
                user, verb = matches[0], AuditEvent.Verb.SSO_ACCOUNT_LINKED
            else:
                organisation = mapping.organisation
                user = sso_account_create(
                    email=email.lower(),
                    first_name=str(claims.get("given_name") or ""),
                    last_name=str(claims.get("family_name") or ""),
                    organisation=organisation,
                    language=language_from_locale(
                        claims.get(provider.app.settings.get("locale_claim", "locale")),
                        default=organisation.language,
                    ),
                )
                verb = AuditEvent.Verb.SSO_ACCOUNT_CREATED
            sociallogin.user = user
            sociallogin.save(request, connect=True)
            audit_record(
                actor=user,
                verb=verb,
                target=email,
                details={
                    "provider": provider.app.provider_id,
                    "organisation": mapping.organisation.name,
                },
            )
        return user


class AccountAdapter(DefaultAccountAdapter):
    def add_message(self, *args, **kwargs) -> None:
        """No "Successfully signed in as …" banner: a password log-in shows none either."""
