"""The learner's language: a signed-in person's preference wins over the browser's."""

from django.conf import settings
from django.utils import translation

from .models import StaffProfile

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class ProfileLanguageMiddleware:
    """Speak the signed-in user's preferred language, whatever the browser asks for.

    Anonymous visitors keep what LocaleMiddleware chose (cookie, then Accept-Language).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                language = user.profile.language
            except StaffProfile.DoesNotExist:
                language = None
            if language in SUPPORTED:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
