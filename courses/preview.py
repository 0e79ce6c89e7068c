"""A quiz as a learner would see it, for trainers, without recording anything.

The preview builds unsaved snapshot rows (AttemptQuestion/AttemptChoice) so it is rendered
by the same form and review templates as a real attempt, and graded by the same rules.
"""

from decimal import Decimal

from .drawing import draw_questions
from .models import AttemptQuestion, Quiz
from .snapshots import snapshot_grade, snapshot_rows


def preview_questions(quiz: Quiz, *, shown: list[int] | None = None) -> list[AttemptQuestion]:
    """A fresh draw as a new attempt would get it, or (``shown``) those pool questions again.

    Unsaved rows whose ids are the pool question and choice ids; choices in
    ``shown_choices``. Two queries.
    """
    pool = list(quiz.questions.prefetch_related("choices"))
    if shown is None:
        questions = draw_questions(quiz, pool, avoid=set())
    else:
        by_id = {question.pk: question for question in pool}
        questions = [by_id[pk] for pk in dict.fromkeys(shown) if pk in by_id]
    rows = snapshot_rows(questions, shuffle_choices=shown is None and quiz.shuffle_choices)
    for row in rows:  # the ids a real attempt's form would post: here the pool's own
        row.pk = row.question.pk
        for choice in row.shown_choices:
            choice.pk = choice.choice.pk
    return rows


def preview_grade(questions: list[AttemptQuestion], answers: dict[int, set[int]]) -> Decimal:
    """Mark the picked choices and each question's credit on the unsaved rows; the score."""
    for question in questions:
        picked = answers.get(question.pk, set())
        for choice in question.shown_choices:
            choice.selected = choice.pk in picked
    return snapshot_grade(questions, answers)
