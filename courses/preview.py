"""A quiz as a learner would see it, for trainers, without recording anything.

The preview builds unsaved snapshot rows (AttemptQuestion/AttemptChoice) so it is rendered
by the same form and review templates as a real attempt, and graded by the same rules.
"""

import random
from decimal import Decimal

from .grading import question_credit, score_percent
from .models import AttemptChoice, AttemptQuestion, Quiz
from .services import draw_questions


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
    rows = []
    for position, question in enumerate(questions, start=1):
        row = AttemptQuestion(
            pk=question.pk,
            question=question,
            order=position,
            kind=question.kind,
            scoring=question.scoring,
            text=question.text,
            feedback=question.feedback,
        )
        choices = list(question.choices.all())
        if shown is None and quiz.shuffle_choices:
            random.shuffle(choices)
        row.shown_choices = [
            AttemptChoice(
                pk=choice.pk,
                choice=choice,
                order=index,
                text=choice.text,
                is_correct=choice.is_correct,
                explanation=choice.explanation,
            )
            for index, choice in enumerate(choices, start=1)
        ]
        rows.append(row)
    return rows


def preview_grade(questions: list[AttemptQuestion], answers: dict[int, set[int]]) -> Decimal:
    """Mark the picked choices and each question's credit on the unsaved rows; the score."""
    for question in questions:
        picked = answers.get(question.pk, set())
        for choice in question.shown_choices:
            choice.selected = choice.pk in picked
        question.credit = question_credit(
            kind=question.kind,
            scoring=question.scoring,
            correct={c.pk for c in question.shown_choices if c.is_correct},
            picked=picked,
        )
    return score_percent(question.credit for question in questions)
