"""Writes of the interchange: all or nothing."""

from django.db import transaction
from django.db.models import Max

from ..models import Choice, Question, Quiz
from . import ParsedQuestion


@transaction.atomic
def questions_import(*, quiz: Quiz, questions: list[ParsedQuestion]) -> list[Question]:
    """Add ``questions`` (already parsed and checked) at the end of ``quiz``'s pool.

    A name that is already a key in the quiz gets a suffix (``-2``…); order follows the file.
    """
    Quiz.objects.select_for_update().filter(pk=quiz.pk).order_by("pk").first()
    taken = set(quiz.questions.exclude(key="").values_list("key", flat=True))
    start = quiz.questions.aggregate(last=Max("order"))["last"] or 0
    created = []
    for position, item in enumerate(questions, start=1):
        key = item.key
        if key:
            base, extra = key[:76], 1
            while key in taken:
                extra += 1
                key = f"{base}-{extra}"
            taken.add(key)
        question = Question.objects.create(
            quiz=quiz,
            key=key,
            kind=item.kind,
            text=item.text,
            feedback=item.feedback,
            scoring=item.scoring,
            order=start + position,
        )
        Choice.objects.bulk_create(
            Choice(
                question=question,
                text=choice.text,
                is_correct=choice.correct,
                explanation=choice.explanation,
                order=index,
            )
            for index, choice in enumerate(item.choices, start=1)
        )
        created.append(question)
    return created
