from django import template

from courses import markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """Render trainer-written Markdown as sanitised HTML."""
    return markdown.render(text)


@register.filter
def percent(done: int, total: int) -> int:
    """Whole percentage of ``done`` out of ``total`` (0 when there is nothing to do)."""
    return round(100 * done / total) if total else 0
