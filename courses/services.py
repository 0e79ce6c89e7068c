"""Writes that touch more than one row. Views call these; they hold the rules."""

import random
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from .models import (
    AttemptChoice,
    AttemptQuestion,
    Certificate,
    Course,
    CourseCompletion,
    Enrolment,
    Lesson,
    LessonCompletion,
    Question,
    Quiz,
    QuizAttempt,
)


class AttemptLimitReached(Exception):
    """The learner has used every attempt the quiz allows."""


class QuizNotReady(Exception):
    """The quiz has no questions to draw (an authoring problem, told to the learner kindly)."""


def enrolment_touch(*, user: AbstractBaseUser, course: Course) -> Enrolment:
    """Enrol ``user`` in ``course`` if needed and record activity now."""
    now = timezone.now()
    enrolment, created = Enrolment.objects.get_or_create(
        user=user, course=course, defaults={"last_activity_at": now}
    )
    if not created:
        Enrolment.objects.filter(pk=enrolment.pk).update(last_activity_at=now)
        enrolment.last_activity_at = now
    return enrolment


def course_check_completion(*, user: AbstractBaseUser, course: Course) -> CourseCompletion | None:
    """Record the course as completed the moment its last requirement is met.

    Returns the completion (new or existing) or None when something is still missing.
    """
    existing = CourseCompletion.objects.filter(user=user, course=course).first()
    if existing:
        return existing
    progress = Course.objects.with_progress_for(user).get(pk=course.pk)
    if progress.steps_total == 0 or progress.steps_done < progress.steps_total:
        return None
    completion, created = CourseCompletion.objects.get_or_create(
        user=user, course=course, defaults={"completed_at": timezone.now()}
    )
    if created:
        certificate_issue(completion=completion)
    return completion


def certificate_issue(*, completion: CourseCompletion) -> Certificate:
    """The certificate of a course completion, created on first call with the learner's name
    and the course title as they are now; later calls return it unchanged."""
    user, course = completion.user, completion.course
    certificate, _created = Certificate.objects.get_or_create(
        user=user,
        course=course,
        defaults={
            "name": user.get_full_name() or user.get_username(),
            "course_title": course.title,
            "issued_at": completion.completed_at,
        },
    )
    return certificate


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str) -> Certificate:
    """Revoke ``certificate`` now, keeping ``reason`` for the record.

    Revoking an already revoked certificate keeps its first date and reason. Raises
    ValueError when ``reason`` is blank.
    """
    reason = reason.strip()
    if not reason:
        raise ValueError("A reason is required to revoke a certificate.")
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_reason = reason
        locked.full_clean()
        locked.save(update_fields=["revoked_at", "revoked_reason"])
    return locked


@transaction.atomic
def lesson_complete(*, user: AbstractBaseUser, lesson: Lesson) -> LessonCompletion:
    """Mark ``lesson`` done for ``user``. Completing it again changes nothing."""
    course = lesson.module.course
    enrolment_touch(user=user, course=course)
    completion, _created = LessonCompletion.objects.get_or_create(user=user, lesson=lesson)
    course_check_completion(user=user, course=course)
    return completion


def _snapshot(attempt: QuizAttempt, questions: list[Question], *, shuffle_choices: bool) -> None:
    """Copy the drawn questions and their choices into the attempt, in the order shown."""
    attempt_questions = AttemptQuestion.objects.bulk_create(
        AttemptQuestion(
            attempt=attempt,
            question=question,
            order=position,
            kind=question.kind,
            scoring=question.scoring,
            text=question.text,
            feedback=question.feedback,
        )
        for position, question in enumerate(questions, start=1)
    )
    rows = []
    for attempt_question, question in zip(attempt_questions, questions, strict=True):
        choices = list(question.choices.all())
        if shuffle_choices:
            random.shuffle(choices)
        rows.extend(
            AttemptChoice(
                attempt_question=attempt_question,
                choice=choice,
                order=position,
                text=choice.text,
                is_correct=choice.is_correct,
                explanation=choice.explanation,
            )
            for position, choice in enumerate(choices, start=1)
        )
    AttemptChoice.objects.bulk_create(rows)


def _draw(quiz: Quiz, user: AbstractBaseUser, pool: list[Question]) -> list[Question]:
    """The questions of a new attempt: all of them, or N at random avoiding the last attempt's."""
    if not quiz.draw_count or quiz.draw_count >= len(pool):
        chosen = list(pool)
        if quiz.shuffle_questions:
            random.shuffle(chosen)
        return chosen
    previous = (
        AttemptQuestion.objects.filter(attempt__user=user, attempt__quiz=quiz)
        .filter(
            attempt__number=QuizAttempt.objects.filter(user=user, quiz=quiz).aggregate(
                n=Max("number")
            )["n"]
            or 0
        )
        .values_list("question_id", flat=True)
    )
    seen = set(previous)
    fresh = [q for q in pool if q.pk not in seen]
    stale = [q for q in pool if q.pk in seen]
    random.shuffle(fresh)
    random.shuffle(stale)
    chosen = (fresh + stale)[: quiz.draw_count]
    if quiz.shuffle_questions:
        random.shuffle(chosen)
    else:
        chosen.sort(key=lambda q: (q.order, q.pk))
    return chosen


def _lock_user_quiz(user: AbstractBaseUser, quiz: Quiz) -> None:
    """Serialise attempt starts of one learner on one quiz.

    PostgreSQL: lock the learner's row. SQLite runs write transactions one at a time
    (IMMEDIATE mode), which is the same guarantee.
    """
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))


@transaction.atomic
def attempt_start(*, user: AbstractBaseUser, quiz: Quiz) -> QuizAttempt:
    """Open an attempt, or return the one already open (a second tab or a double click).

    Raises AttemptLimitReached when every allowed attempt is used, QuizNotReady when the
    quiz has no questions.
    """
    _lock_user_quiz(user, quiz)
    open_attempt = QuizAttempt.objects.filter(
        user=user, quiz=quiz, status=QuizAttempt.Status.IN_PROGRESS
    ).first()
    if open_attempt:
        return open_attempt
    used = QuizAttempt.objects.filter(user=user, quiz=quiz).count()
    if quiz.attempts_allowed is not None and used >= quiz.attempts_allowed:
        raise AttemptLimitReached
    pool = list(quiz.questions.prefetch_related("choices"))
    if not pool:
        raise QuizNotReady
    now = timezone.now()
    deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    try:
        with transaction.atomic():
            attempt = QuizAttempt.objects.create(
                user=user,
                quiz=quiz,
                number=used + 1,
                deadline=deadline,
                pass_mark=quiz.pass_mark,
                review_policy=quiz.review_policy,
            )
    except IntegrityError:
        # Another request opened it between our check and insert: resume that one.
        return QuizAttempt.objects.get(user=user, quiz=quiz, status=QuizAttempt.Status.IN_PROGRESS)
    _snapshot(attempt, _draw(quiz, user, pool), shuffle_choices=quiz.shuffle_choices)
    enrolment_touch(user=user, course=quiz.course)
    return attempt


def attempt_save_answers(*, attempt: QuizAttempt, answers: dict[int, set[int]]) -> bool:
    """Store the learner's current picks on an open attempt (autosave and "save").

    ``answers`` maps AttemptQuestion ids to sets of AttemptChoice ids, already validated
    against the attempt. Questions not in ``answers`` keep their saved picks. Returns False,
    saving nothing, when the attempt is no longer open.
    """
    with transaction.atomic():
        locked = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.is_submitted:
            return False
        _write_answers(locked, answers)
    return True


def _write_answers(attempt: QuizAttempt, answers: dict[int, set[int]]) -> None:
    if not answers:
        return
    choices = AttemptChoice.objects.filter(
        attempt_question__attempt=attempt, attempt_question_id__in=list(answers)
    )
    picked = set().union(*answers.values())
    choices.exclude(pk__in=picked).update(selected=False)
    choices.filter(pk__in=picked).update(selected=True)


def _credit(kind: str, scoring: str, choices: list[AttemptChoice]) -> Decimal:
    """The credit from 0 to 1 for one answered question.

    Single choice and true/false: 1 when the one correct choice is picked alone.
    Multiple answer, all or nothing: 1 when exactly the correct choices are picked.
    Multiple answer, partial: (correct picked - wrong picked) / correct choices, floored at 0.
    """
    correct = {c.pk for c in choices if c.is_correct}
    picked = {c.pk for c in choices if c.selected}
    if kind != "multiple" or scoring != "partial":
        return Decimal(1) if picked == correct else Decimal(0)
    if not correct:
        return Decimal(0)
    right = len(picked & correct)
    wrong = len(picked - correct)
    return max(Decimal(0), Decimal(right - wrong) / Decimal(len(correct)))


@transaction.atomic
def attempt_submit(
    *, attempt: QuizAttempt, answers: dict[int, set[int]] | None = None
) -> QuizAttempt:
    """Grade and close the attempt. Submitting a closed attempt returns it unchanged.

    The row is locked first, so two tabs or a double click grade it exactly once. A
    submission after the deadline is kept, marked late and graded like any other (the
    learner sees that it was late; managers see it in reports).
    """
    locked = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
    if locked.is_submitted:
        return locked
    if answers is not None:
        _write_answers(locked, answers)
    now = timezone.now()
    questions = list(locked.questions.prefetch_related("choices"))
    total = Decimal(0)
    for question in questions:
        question.credit = _credit(question.kind, question.scoring, list(question.choices.all()))
        total += question.credit
    AttemptQuestion.objects.bulk_update(questions, ["credit"])
    score = (total * 100 / len(questions)) if questions else Decimal(0)
    locked.score = score.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    locked.passed = locked.score >= locked.pass_mark
    locked.status = QuizAttempt.Status.SUBMITTED
    locked.submitted_at = now
    locked.late = bool(locked.deadline and now > locked.deadline)
    locked.save(update_fields=["score", "passed", "status", "submitted_at", "late"])
    quiz = locked.quiz
    enrolment_touch(user=locked.user, course=quiz.course)
    if locked.passed:
        course_check_completion(user=locked.user, course=quiz.course)
    return locked
