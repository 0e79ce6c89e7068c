"""Template helpers of the managers' report pages."""

from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def quiz_results(scores: list, quizzes: list) -> list[tuple]:
    """Each quiz of the report with the person's best score in it (None: not taken), in the
    report's column order, for the page's compact "Quizzes" cell."""
    return list(zip(quizzes, scores, strict=True))


@register.filter
def taken_count(scores: list) -> int:
    """How many of the report's quizzes the person has a score in."""
    return sum(score is not None for score in scores)


@register.filter
def cell(value):
    """One report cell as the page shows it; the exports write the same value (see
    ``reports/exports.py``): dates in the reader's format, two decimals, "—" for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return formats.number_format(value, 2)
    return value
