"""Password log-in, refused to staff whose e-mail domain requires single sign-on."""

from django.contrib.auth.backends import ModelBackend

from .models import EmailDomain


class PasswordBackend(ModelBackend):
    """Django's username-and-password backend, except for people whose organisation requires
    its own account (``EmailDomain.sso_required``): for them a correct password is refused
    too (superusers excepted, so a broken provider set-up can still be repaired). The refusal
    counts as a failed attempt for django-axes, like a wrong password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if (
            user is not None
            and not user.is_superuser
            and EmailDomain.objects.sso_required_for(user.email)
        ):
            if request is not None:
                request.sso_required = True  # lets the log-in form say why
            return None
        return user
