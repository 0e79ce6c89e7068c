"""Tags of the page frame (templates/base.html) that every page renders."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language, override

register = template.Library()


@lru_cache(maxsize=len(settings.LANGUAGES) + 1)
def _language_options(current: str) -> SafeString:
    with override(current):
        return render_to_string("includes/language_options.html")


@register.simple_tag
def language_options() -> SafeString:
    """The language switcher's choices, current one selected: rendered once per language and
    process (every page shows them; they change only with a deployment)."""
    return _language_options(get_language())
