"""Invitation e-mails for newly imported staff: a set-password link, in their language."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _


def invitation_send(user) -> None:
    """E-mail ``user`` an invitation with a link to choose a password, in their language.

    The link is Django's password-reset link: it works once, until the password is set or
    PASSWORD_RESET_TIMEOUT runs out (after which "Forgotten your password?" sends a new one).
    """
    profile = getattr(user, "profile", None)
    language = profile.language if profile else settings.LANGUAGE_CODE
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    with translation.override(language):
        context = {
            "user": user,
            "organisation": profile.organisation if profile else None,
            "link": f"{settings.SITE_URL}{path}",
            "login_url": f"{settings.SITE_URL}{reverse('login')}",
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        }
        subject = _("You are invited to Dianova Training")
        body = render_to_string("ambassadors/email/invitation.txt", context)
    EmailMessage(
        subject=subject, body=body, to=[user.email], headers={"Content-Language": language}
    ).send()
