"""Drawing a quiz's questions for an attempt, and drawing them ahead of the start.

When a whole group starts one quiz at the trainer's "now", each start used to draw the
questions and write the snapshot (a row per question and per choice) in that very second.
Now the learner's next attempt is drawn while they wait on the quiz page (``attempt_draw``:
a ``QuizAttempt`` in status ``drawn`` with number 0, which nothing but ``attempt_start``
sees), and the start turns it into the attempt with one UPDATE.

A drawn snapshot is used only if nothing it was drawn from has changed: its ``pool_stamp``
(``pool_stamp``: the learner's attempts used, the quiz's drawing settings, and the pool's
questions and choices — how many, the latest question edit, the newest choice) must equal
the stamp at the start, otherwise the start deletes it and draws afresh. Editing, adding or
deleting a choice marks its question as edited (the signal below), so that every change of
the pool changes the stamp.
"""

import random

from django.db import IntegrityError, connections, router, transaction
from django.db.models import Count, Max, Subquery
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .attempt_writes import write_snapshot
from .models import AttemptChoice, AttemptQuestion, Choice, Question, Quiz, QuizAttempt, Status
from .snapshots import snapshot_rows


def pool_stamp(quiz: Quiz, used: int) -> tuple[str, int]:
    """What a snapshot of ``quiz`` drawn now for a learner with ``used`` attempts is drawn
    from, as text, and the number of questions in the pool. One query."""
    pool = Question.objects.filter(quiz=quiz).aggregate(
        question_count=Count("pk", distinct=True),
        edited=Max("updated_at"),
        choice_count=Count("choices__pk"),
        newest_choice=Max("choices__pk"),
    )
    edited = pool["edited"].isoformat() if pool["edited"] else "-"
    stamp = (
        f"{used}|{quiz.draw_count or 0}|{int(quiz.shuffle_questions)}|"
        f"{int(quiz.shuffle_choices)}|{pool['question_count']}|{edited}|{pool['choice_count']}|"
        f"{pool['newest_choice'] or 0}"
    )
    return stamp, pool["question_count"]


def previous_question_ids(user, quiz: Quiz) -> set[int]:
    """The pool questions of the learner's latest attempt at ``quiz`` (one query)."""
    latest = QuizAttempt.objects.filter(user=user, quiz=quiz).order_by("-number").values("pk")[:1]
    return set(
        AttemptQuestion.objects.filter(
            attempt__in=Subquery(latest), question__isnull=False
        ).values_list("question_id", flat=True)
    )


def draw_questions(quiz: Quiz, pool: list[Question], *, avoid: set[int]) -> list[Question]:
    """The questions of a new attempt, in the order they will be shown.

    All of them, or ``quiz.draw_count`` at random preferring questions not in ``avoid`` (the
    previous attempt's) and topping up from those when the pool is too small. Shuffled when
    the quiz says so, otherwise in pool order.
    """
    if quiz.draw_count and quiz.draw_count < len(pool):
        fresh = [q for q in pool if q.pk not in avoid]
        stale = [q for q in pool if q.pk in avoid]
        random.shuffle(fresh)
        random.shuffle(stale)
        chosen = (fresh + stale)[: quiz.draw_count]
    else:
        chosen = list(pool)
    if quiz.shuffle_questions:
        random.shuffle(chosen)
    else:
        chosen.sort(key=lambda q: (q.order, q.pk))
    return chosen


def questions_to_draw(quiz: Quiz, user, used: int) -> list[Question]:
    """The questions of the learner's attempt number ``used + 1``, drawn now, each with its
    choices loaded (two or three queries); empty when the pool is."""
    pool = list(quiz.questions.prefetch_related("choices"))
    avoid = previous_question_ids(user, quiz) if pool and used and quiz.draw_count else set()
    return draw_questions(quiz, pool, avoid=avoid)


def write_drawn_snapshot(attempt: QuizAttempt, questions: list[Question], quiz: Quiz) -> None:
    """Save ``questions`` (from ``questions_to_draw``) as ``attempt``'s snapshot: two INSERTs
    whatever the number of questions."""
    if connections[router.db_for_write(AttemptQuestion)].features.can_return_rows_from_bulk_insert:
        write_snapshot(attempt, questions, shuffle_choices=quiz.shuffle_choices)
        return
    rows = snapshot_rows(questions, shuffle_choices=quiz.shuffle_choices, attempt=attempt)
    saved = AttemptQuestion.objects.bulk_create(rows)
    choices = []
    for attempt_question, row in zip(saved, rows, strict=True):
        for choice in row.shown_choices:
            choice.attempt_question = attempt_question
            choices.append(choice)
    AttemptChoice.objects.bulk_create(choices)


def create_attempt(*, user, quiz: Quiz, questions: list[Question], **fields) -> QuizAttempt:
    """A new attempt row of ``user`` at ``quiz`` with the quiz's current rules and ``fields``
    (number, status, times…), and ``questions`` as its snapshot. The unique constraints (one
    open attempt, unique numbers) back the callers' checks up: should they fire, the
    transaction fails rather than a second attempt being created."""
    attempt = QuizAttempt.with_drawn.create(
        user=user,
        quiz=quiz,
        pass_mark=quiz.pass_mark,
        review_policy=quiz.review_policy,
        **fields,
    )
    write_drawn_snapshot(attempt, questions, quiz)
    return attempt


def attempt_draw(*, user, quiz: Quiz, attempts: list[QuizAttempt]) -> int:
    """Have the learner's next attempt at ``quiz`` drawn ahead of its start, if it may start
    and no valid drawn one is waiting; return the number of questions in the pool.

    ``attempts`` are the learner's rows at this quiz, the drawn one included
    (``QuizAttempt.with_drawn``). The quiz page calls it; it never fails the page: a parallel
    draw by another tab simply wins. No draw for a learner who passed already (a retake is
    drawn at its start, as before) or has an attempt open.
    """
    drawn = next((a for a in attempts if a.status == QuizAttempt.Status.DRAWN), None)
    taken = [a for a in attempts if a is not drawn]
    used = len(taken)
    stamp, questions = pool_stamp(quiz, used)
    if (
        not questions
        or quiz.status != Status.PUBLISHED  # a trainer's preview of a draft
        or (drawn is not None and drawn.pool_stamp == stamp)
        or any(not a.is_submitted or a.passed for a in taken)
        or (quiz.attempts_allowed is not None and used >= quiz.attempts_allowed)
    ):
        return questions
    try:
        with transaction.atomic():
            if drawn is not None:
                QuizAttempt.with_drawn.filter(pk=drawn.pk, status=drawn.status).delete()
            create_attempt(
                user=user,
                quiz=quiz,
                questions=questions_to_draw(quiz, user, used),
                number=0,
                status=QuizAttempt.Status.DRAWN,
                pool_stamp=stamp,
            )
    except IntegrityError:
        pass  # drawn by a parallel request (the unique number 0 refused this one)
    return questions


def take_drawn(drawn: QuizAttempt | None, quiz: Quiz, used: int) -> QuizAttempt | None:
    """``drawn`` made the learner's attempt number ``used + 1``, started now, if it is still
    valid; else it is deleted and None returned. The caller holds the learner's lock."""
    if drawn is None:
        return None
    stamp, _questions = pool_stamp(quiz, used)
    waiting = QuizAttempt.with_drawn.filter(pk=drawn.pk, status=QuizAttempt.Status.DRAWN)
    if drawn.pool_stamp != stamp:
        waiting.delete()
        return None
    now = timezone.now()
    values = {
        "status": QuizAttempt.Status.IN_PROGRESS,
        "number": used + 1,
        "started_at": now,
        "deadline": quiz.deadline_from(now),
        # The quiz's rules as they are at the start, not as they were when it was drawn.
        "pass_mark": quiz.pass_mark,
        "review_policy": quiz.review_policy,
    }
    if not waiting.update(**values):
        return None  # replaced by the quiz page in another tab meanwhile: draw now
    for name, value in values.items():
        setattr(drawn, name, value)
    return drawn


@receiver(post_save, sender=Choice)
@receiver(post_delete, sender=Choice)
def _question_edited(sender, instance, raw=False, **kwargs):
    """A choice added, edited or deleted is an edit of its question (see ``pool_stamp``)."""
    if not raw:
        Question.objects.filter(pk=instance.question_id).update(updated_at=timezone.now())
