from django import template

from courses import blocks, markdown
from courses.outline_html import render_outline
from courses.progress import percent
from courses.question_html import question_fields_html

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """Render trainer-written Markdown as sanitised HTML."""
    return markdown.render(text)


@register.simple_tag(takes_context=True)
def lesson_body(context, lesson):
    """A lesson's Markdown as HTML, with its live blocks (courses/blocks.py) filled in."""
    return blocks.render_lesson(lesson, context["request"])


@register.simple_tag
def course_outline(outline, preview=False):
    """The course outline's HTML (rendered once per state: courses/outline_html.py)."""
    return render_outline(outline, preview=preview)


@register.simple_tag
def question_fields(form):
    """The form's questions and options as HTML (courses/question_html.py)."""
    return question_fields_html(form.question_rows())


@register.filter(name="percent")
def percent_filter(done: int, total: int) -> int:
    """Whole percentage of ``done`` out of ``total`` (0 when there is nothing to do)."""
    return percent(done, total)


@register.filter
def clock(seconds: int | None) -> str:
    """Seconds as a countdown clock: ``m:ss`` or ``h:mm:ss`` (what quiz.js shows too)."""
    if seconds is None:
        return ""
    hours, rest = divmod(max(0, int(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
