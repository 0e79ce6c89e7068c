"""The course outline as HTML, rendered once per state and kept in each process.

The outline (``courses/outline.py``) is the largest part of the course and lesson pages: a
line per step, in the reader's language, marked done, locked or current. What it shows is
fully determined by the course's structure version, the language, whether a trainer previews,
and each step's (done, locked, current) state — so the HTML is rendered once for each such
state and reused, in every process, for every learner in that state. It holds nothing of the
learner but those states (no name, no token), so two learners at the same point of a course
share it without seeing anything of each other; an authoring change is a new structure
version, hence a new key, on the very next request in every process.
"""

from collections import OrderedDict
from threading import Lock

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from .outline import CourseOutline

ENTRIES = 1024  # outlines kept per process (a few kB each)

_rendered: OrderedDict[tuple, SafeString] = OrderedDict()
_lock = Lock()


def state_key(outline: CourseOutline, *, preview: bool) -> tuple:
    """Everything the outline's HTML depends on."""
    return (
        outline.structure_key,
        get_language(),
        bool(preview),
        tuple((s.kind, s.obj.pk, s.done, s.locked, s.current) for s in outline.steps),
    )


def render_outline(outline: CourseOutline, *, preview: bool = False) -> SafeString:
    key = state_key(outline, preview=preview)
    html = _rendered.get(key)
    if html is None:
        html = render_to_string(
            "courses/outline.html", {"outline": outline, "preview": bool(preview)}
        )
        with _lock:
            _rendered[key] = html
            while len(_rendered) > ENTRIES:
                _rendered.popitem(last=False)
    return html
