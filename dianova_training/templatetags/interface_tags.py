"""Tags of the page frame (templates/base.html) that every page renders."""

import re
from functools import lru_cache

from django import template
from django.conf import settings
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.html import escape
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


# Stand-ins for the per-request parts of the navigation. Each starts with "<", which escaping
# turns into "&lt;", so no value shown in the navigation (a person's name) can forge one.
_CSRF_INPUT = "<csrf-input>"
_NEXT_PATH = "<next-path>"
_SLOTS = re.compile(f"({re.escape(_CSRF_INPUT)}|{re.escape(_NEXT_PATH)})")


@lru_cache(maxsize=4096)
def _page_nav(key: tuple) -> tuple[str, ...]:
    """The navigation's HTML for one state, split around its per-request slots."""
    _language, _prefix, signed_in, display_name, show_reports, show_admin = key
    html = render_to_string(
        "includes/page_nav.html",
        {
            "signed_in": signed_in,
            "display_name": display_name,
            "show_reports": show_reports,
            "show_admin": show_admin,
            # Constants of this module, marked safe so that they reach the HTML unescaped.
            "csrf_input": SafeString(_CSRF_INPUT),  # nosec B703
            "next_path": SafeString(_NEXT_PATH),  # nosec B703
        },
    )
    return tuple(_SLOTS.split(html))


@register.simple_tag(takes_context=True)
def page_nav(context) -> SafeString:
    """The page's navigation (templates/includes/page_nav.html). Its HTML depends only on the
    language, whether someone is signed in, their name and which of Reports and Administration
    they may open: it is rendered once per such state in each process, and each request fills
    in its own CSRF token and the path the language switcher returns to."""
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    key = (
        get_language(),
        get_script_prefix(),
        signed_in,
        (user.get_full_name() or user.get_username()) if signed_in else "",
        signed_in and user.has_perm("ambassadors.view_reports"),
        signed_in and user.is_staff,
    )
    request = context.get("request")
    values = {
        _CSRF_INPUT: CsrfTokenNode().render(context),
        _NEXT_PATH: escape(request.get_full_path()) if request is not None else "",
    }
    parts = _page_nav(key)
    # Every part is safe: the template's own rendering (escaped there), Django's CSRF input
    # (format_html) and the escaped path.
    html = "".join(values[part] if i % 2 else part for i, part in enumerate(parts))
    return SafeString(html)  # nosec B703
