"""How an answer is scored. Pure functions: the server grades, the browser never does.

Single choice and true/false: full credit when the one correct choice is picked alone.
Multiple answer, all or nothing: full credit when exactly the correct choices are picked.
Multiple answer, partial credit: (correct picks - wrong picks) / number of correct choices,
never below zero. The score of an attempt is the average credit of its questions, in percent;
an unanswered question scores zero.
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from .models import Question


def question_credit(*, kind: str, scoring: str, correct: set, picked: set) -> Decimal:
    """The credit from 0 to 1 for one question, given the correct and the picked choices."""
    if kind != Question.Kind.MULTIPLE or scoring != Question.Scoring.PARTIAL:
        return Decimal(1) if correct and picked == correct else Decimal(0)
    if not correct:
        return Decimal(0)
    right = len(picked & correct)
    wrong = len(picked - correct)
    credit = Decimal(right - wrong) / Decimal(len(correct))
    return max(Decimal(0), credit).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def score_percent(credits: Iterable[Decimal]) -> Decimal:
    """The average of ``credits`` in percent with two decimals; 0 for no questions."""
    credits = list(credits)
    if not credits:
        return Decimal("0.00")
    total = sum(credits, Decimal(0))
    return (total * 100 / len(credits)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
