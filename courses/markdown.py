"""Markdown to safe HTML for lessons, introductions and explanations.

Python-Markdown renders, nh3 (the Ammonia sanitiser) keeps only an allow-list of tags and
attributes, so whatever a trainer pastes cannot run script in a learner's browser.
"""

import re
from functools import lru_cache

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"scope"},
}


HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")


def _shift_headings(html: str, top: int) -> str:
    """Renumber headings so the highest in ``html`` is ``h<top>``, keeping their nesting.

    Pages show trainer-written Markdown under their own h1; authors write "###" for a
    section, which would skip a level (WCAG 1.3.1, axe "heading-order"). Levels past h6 stay h6.
    """
    levels = [int(level) for _slash, level in HEADING_TAG.findall(html)]
    if not levels:
        return html
    shift = top - min(levels)
    return HEADING_TAG.sub(
        lambda m: f"<{m.group(1)}h{min(max(int(m.group(2)) + shift, 1), 6)}", html
    )


def render(text: str, *, top_heading: int = 2) -> SafeString:
    """Return sanitised HTML for Markdown ``text``; links get rel="noopener noreferrer".

    Headings are renumbered to start at ``top_heading`` (the page around it has the h1).
    The HTML depends on nothing but the text, so each process keeps the latest renderings,
    keyed by the text itself (never stale: an edited lesson is another key).
    """
    return mark_safe(_render(text or "", top_heading))  # noqa: S308 - sanitised by _render


@lru_cache(maxsize=1024)
def _render(text: str, top_heading: int) -> str:
    html = md.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    html = _shift_headings(html, top_heading)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return clean
