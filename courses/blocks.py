"""Lesson blocks: live content placed in a lesson's Markdown and provided by whoever owns the data.

A lesson body may hold, on a line of its own, ``<!-- block: NAME -->``. When a learner reads the
lesson, that line is replaced by the HTML of the provider registered under NAME, rendered in the
language of the lesson. Providers are registered from outside (``register``), typically in an
app's ``AppConfig.ready``: ``courses`` knows no provider of organisation data, so the dependency
stays one-way (``ambassadors`` registers its blocks here; ``courses`` never imports it).

A name with no provider renders as nothing, as does the comment in any other Markdown renderer.
The provider returns trusted HTML (a rendered template, autoescaped); the Markdown around it is
sanitised as usual by ``courses.markdown``.
"""

import re
from collections.abc import Callable

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from . import markdown
from .models import Lesson

Provider = Callable[[HttpRequest, Lesson], str]

BLOCK = re.compile(r"^[ \t]*<!--\s*block:\s*([a-z0-9-]+)\s*-->[ \t]*$", re.MULTILINE)
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Make ``<!-- block: name -->`` render ``provider(request, lesson)``."""
    _providers[name] = provider


def registered() -> set[str]:
    return set(_providers)


def names(text: str) -> list[str]:
    """The block names a Markdown text uses, in order."""
    return BLOCK.findall(text or "")


def _token(index: int) -> str:
    return f"LESSONBLOCK{index}X"


def render_lesson(lesson: Lesson, request: HttpRequest) -> SafeString:
    """The lesson body as sanitised HTML, each block line replaced by its provider's HTML."""
    found: list[str] = []

    def placeholder(match: re.Match) -> str:
        found.append(match.group(1))
        return f"\n\n{_token(len(found) - 1)}\n\n"

    html = markdown.render(BLOCK.sub(placeholder, lesson.body or ""))  # sanitised: safe
    if not found:
        return html
    with translation.override(lesson.module.course.language):
        for index, name in enumerate(found):
            provider = _providers.get(name)
            # A provider's template output is safe; anything else it returns is escaped.
            block = conditional_escape(provider(request, lesson) if provider else "")
            html = html.replace(f"<p>{_token(index)}</p>", block, 1)
    # Sanitised Markdown with escaped-or-template blocks put in place of their tokens.
    return mark_safe(html)  # noqa: S308


def consent_form(request: HttpRequest, lesson: Lesson) -> str:
    """A download link to the model consent form in the lesson's language (static/docs/)."""
    language = lesson.module.course.language
    return render_to_string(
        "courses/blocks/consent_form.html",
        {"url": static(f"docs/consent-form.{language}.html")},
        request=request,
    )


register("consent-form", consent_form)
