"""Writes of a first sign-in: the account, then the staff profile through ``profile_change``,
the one writer of a person's organisation and language (it also applies the organisation's
assignments)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction

from ambassadors.models import Organisation
from ambassadors.people.services import profile_change
from dianova_training.bidi import without_bidi_controls

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def language_from_locale(locale: object, *, default: str) -> str:
    """'pt-PT', 'pt_BR' or 'PT' → 'pt' when it is one of the interface languages, else
    ``default``."""
    if not isinstance(locale, str):
        return default
    primary = locale.replace("_", "-").split("-")[0].strip().lower()
    return primary if primary in LANGUAGES else default


@transaction.atomic
def sso_account_create(
    *,
    email: str,
    first_name: str,
    last_name: str,
    organisation: Organisation,
    language: str,
) -> AbstractBaseUser:
    """A new account for a person signing in with their organisation's account: the e-mail as
    username, no usable password, in the Staff group, and a staff profile in ``organisation``
    with its assignments."""
    user_model = get_user_model()
    user = user_model(
        username=email,
        email=email,
        # Names from the provider are free text: no bidi controls (dianova_training/bidi.py).
        first_name=without_bidi_controls(first_name)[
            : user_model._meta.get_field("first_name").max_length
        ],
        last_name=without_bidi_controls(last_name)[
            : user_model._meta.get_field("last_name").max_length
        ],
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    user.groups.add(*Group.objects.filter(name="Staff"))  # as staff imports do
    profile_change(user=user, organisation=organisation, language=language)
    return user
