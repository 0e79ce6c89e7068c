"""Template helpers of the managers' report pages."""

from django import template

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
