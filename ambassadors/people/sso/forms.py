from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import EmailDomain


class LoginForm(AuthenticationForm):
    """Django's log-in form that tells staff of an organisation requiring single sign-on to
    use its button. The rule itself is enforced by ``backends.SsoRequiredBackend``."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "sso_required": _(
            "Your organisation signs in with its own account: use the “Sign in with …” button "
            "on this page instead of a password."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        # A domain that requires SSO is no secret, so saying it reveals no account.
        if "@" in username and EmailDomain.objects.sso_required_for(username):
            raise ValidationError(self.error_messages["sso_required"], code="sso_required")
        try:
            return super().clean()
        except ValidationError:
            # Only set with the right password (see SsoRequiredBackend): no account revealed.
            if getattr(self.request, "sso_required", False):
                raise ValidationError(
                    self.error_messages["sso_required"], code="sso_required"
                ) from None
            raise
