"""The snapshot of a drawn quiz, defined once: the questions and choices as the learner sees
them, in order (``attempt_start`` saves them; the trainer's preview keeps them unsaved), and how
they are graded (``attempt_submit`` and the preview)."""

import random
from decimal import Decimal

from .grading import question_credit, score_percent
from .models import AttemptChoice, AttemptQuestion, Question


def snapshot_values(questions: list[Question], *, shuffle_choices: bool):
    """The snapshot of ``questions`` as field values, defined once: for each question (numbered
    from 1 in the order given) its row and its choices' rows, in order (shuffled when
    ``shuffle_choices``). ``attempt_start`` writes them as they are; ``snapshot_rows`` makes
    unsaved instances of them."""
    for position, question in enumerate(questions, start=1):
        row = {
            "question_id": question.pk,
            "order": position,
            "kind": question.kind,
            "scoring": question.scoring,
            "text": question.text,
            "feedback": question.feedback,
        }
        choices = list(question.choices.all())
        if shuffle_choices:
            random.shuffle(choices)
        yield (
            row,
            [
                {
                    "choice_id": choice.pk,
                    "order": index,
                    "text": choice.text,
                    "is_correct": choice.is_correct,
                    "explanation": choice.explanation,
                }
                for index, choice in enumerate(choices, start=1)
            ],
        )


def snapshot_rows(
    questions: list[Question], *, shuffle_choices: bool, attempt=None
) -> list[AttemptQuestion]:
    """Unsaved snapshot rows of ``questions`` (see ``snapshot_values``), each with its choices
    in ``shown_choices`` (unsaved)."""
    rows = []
    for values, choices in snapshot_values(questions, shuffle_choices=shuffle_choices):
        row = AttemptQuestion(attempt=attempt, **values)
        row.shown_choices = [AttemptChoice(**choice) for choice in choices]
        rows.append(row)
    return rows


def snapshot_grade(questions: list[AttemptQuestion], picked: dict[int, set[int]]) -> Decimal:
    """Set each snapshot question's ``credit`` for the ``picked`` choice ids (question id →
    choice ids, from ``shown_choices``); return the score in percent."""
    for question in questions:
        question.credit = question_credit(
            kind=question.kind,
            scoring=question.scoring,
            correct={c.pk for c in question.shown_choices if c.is_correct},
            picked=picked.get(question.pk, set()),
        )
    return score_percent(question.credit for question in questions)
