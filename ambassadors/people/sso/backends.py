"""Password log-in, refused to staff whose e-mail domain requires single sign-on."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from .models import EmailDomain


class SsoRequiredBackend:
    """Placed before the password backends: for a person whose organisation requires its own
    account (``EmailDomain.sso_required``) it stops the log-in, even with the right password
    (``PermissionDenied`` ends Django's tour of the backends, and counts as a failed attempt
    for django-axes). Superusers are let through, so a broken provider set-up can be repaired.
    Everyone else goes on to the next backend. It signs no one in and has no ``get_user``, so
    no session is ever tied to it (allauth picks the first backend that has one)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user_model = get_user_model()
        username = username or kwargs.get(user_model.USERNAME_FIELD)
        if not username or password is None:
            return None
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            return None
        if user.is_superuser or not EmailDomain.objects.sso_required_for(user.email):
            return None
        if request is not None and user.check_password(password):
            request.sso_required = True  # the log-in form then says to use the button
        raise PermissionDenied
