"""Writes that touch more than one row. Views call these; they hold the rules."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from .attempt_writes import lock_attempt, write_answers
from .drawing import create_attempt, questions_to_draw, take_drawn
from .family import family_certificate, family_completion, with_family_progress
from .models import (
    AttemptChoice,
    AttemptQuestion,
    Certificate,
    Course,
    CourseCompletion,
    Enrolment,
    Lesson,
    LessonCompletion,
    Quiz,
    QuizAttempt,
)
from .snapshots import snapshot_grade


class AttemptLimitReached(Exception):
    """The learner has used every attempt the quiz allows."""


class QuizNotReady(Exception):
    """The quiz has no questions to draw (an authoring problem, told to the learner kindly)."""


class AttemptClosed(Exception):
    """The attempt no longer accepts answers."""


class AttemptAlreadySubmitted(AttemptClosed):
    """The attempt has been submitted and graded."""


class AttemptTimeUp(AttemptClosed):
    """The attempt's deadline and grace period have passed."""


def enrolment_touch(*, user: AbstractBaseUser, course: Course) -> None:
    """Enrol ``user`` in ``course`` if needed and record activity now.

    One UPDATE when the learner is enrolled already (the usual case); else the enrolment is
    created (a concurrent creation is caught by get_or_create)."""
    now = timezone.now()
    if Enrolment.objects.filter(user=user, course=course).update(last_activity_at=now):
        return
    enrolment, created = Enrolment.objects.get_or_create(
        user=user, course=course, defaults={"last_activity_at": now}
    )
    if not created:
        Enrolment.objects.filter(pk=enrolment.pk).update(last_activity_at=now)


def course_check_completion(*, user: AbstractBaseUser, course: Course) -> CourseCompletion | None:
    """Record the course as completed the moment its last requirement is met.

    The course family is completed once: when any language version is completed already,
    that completion is returned and nothing new is recorded (no second certificate, and so
    no second set of programme points). Steps done in other versions count (see
    ``courses/family.py``). Returns the completion or None when something is still missing.
    """
    existing = family_completion(user, course)
    if existing:
        return existing
    progress = with_family_progress(Course.objects.all(), user).get(pk=course.pk)
    if progress.steps_total == 0 or progress.steps_done < progress.steps_total:
        return None
    # Two language versions finished at the same moment (two tabs) must still give one
    # completion: serialise on the learner's row, then look again.
    _lock_user_quiz(user)
    existing = family_completion(user, course)
    if existing:
        return existing
    completion, created = CourseCompletion.objects.get_or_create(
        user=user, course=course, defaults={"completed_at": timezone.now()}
    )
    if created:
        certificate_issue(completion=completion)
    return completion


def certificate_issue(*, completion: CourseCompletion) -> Certificate:
    """The certificate of a course completion, created on first call with the learner's name
    and the course title as they are now; later calls return it unchanged.

    One certificate per course family: if the learner holds one from another language
    version, that one is returned."""
    user, course = completion.user, completion.course
    existing = family_certificate(user, course)
    if existing:
        return existing
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


def _lock_user_quiz(user: AbstractBaseUser) -> None:
    """Serialise attempt starts of one learner.

    PostgreSQL: lock the learner's row until the transaction ends, so a parallel start waits
    and then sees the attempt this one created. SQLite runs write transactions one at a time
    (``transaction_mode=IMMEDIATE`` in settings), which is the same guarantee.
    """
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))


@transaction.atomic
def attempt_start(*, user: AbstractBaseUser, quiz: Quiz) -> QuizAttempt:
    """Open an attempt, or return the one already open (a second tab or a double click).

    Raises AttemptLimitReached when every allowed attempt is used, QuizNotReady when the
    quiz has no questions. Parallel starts by the same learner are serialised (see
    ``_lock_user_quiz``), so they can never exceed ``quiz.attempts_allowed``. The questions
    drawn while the learner waited on the quiz page are taken if still valid (one UPDATE,
    see ``courses/drawing.py``); else they are drawn now.
    """
    _lock_user_quiz(user)
    # The learner's rows at this quiz (a handful): the open one, or how many are used.
    rows = list(QuizAttempt.with_drawn.filter(user=user, quiz=quiz))
    drawn = next((a for a in rows if a.status == QuizAttempt.Status.DRAWN), None)
    attempts = [a for a in rows if a is not drawn]
    open_attempt = next((a for a in attempts if not a.is_submitted), None)
    if open_attempt:
        return open_attempt
    used = len(attempts)
    if quiz.attempts_allowed is not None and used >= quiz.attempts_allowed:
        raise AttemptLimitReached
    attempt = take_drawn(drawn, quiz, used)
    if attempt is None:
        questions = questions_to_draw(quiz, user, used)
        if not questions:
            raise QuizNotReady
        now = timezone.now()
        attempt = create_attempt(
            user=user,
            quiz=quiz,
            questions=questions,
            number=used + 1,
            started_at=now,
            deadline=quiz.deadline_from(now),
        )
    enrolment_touch(user=user, course=quiz.course)
    return attempt


def _lock_open_attempt(attempt: QuizAttempt, now) -> QuizAttempt:
    """The attempt's row, locked, if answers are still accepted; else AttemptClosed."""
    locked = lock_attempt(attempt.pk)
    if locked.is_submitted:
        raise AttemptAlreadySubmitted
    if not locked.accepts_answers(now):
        raise AttemptTimeUp
    return locked


@transaction.atomic
def attempt_save_answers(*, attempt: QuizAttempt, answers: dict[int, set[int]]) -> QuizAttempt:
    """Store the learner's current picks on an open attempt (autosave and "save").

    ``answers`` maps AttemptQuestion ids to sets of AttemptChoice ids, already validated
    against the attempt (an empty set clears a question). Questions not in ``answers`` keep
    their saved picks. Raises AttemptAlreadySubmitted or AttemptTimeUp, saving nothing,
    when the attempt no longer accepts answers. Three queries whatever the number of answers.
    """
    locked = _lock_open_attempt(attempt, timezone.now())
    write_answers(locked, answers)
    return locked


def _snapshot_questions(attempt: QuizAttempt) -> list[AttemptQuestion]:
    """The attempt's snapshot questions, each with its choices in ``shown_choices``: those the
    view loaded already (a snapshot never changes), else two queries."""
    cached = getattr(attempt, "_prefetched_objects_cache", {}).get("questions")
    if cached is not None and all(hasattr(q, "shown_choices") for q in cached):
        return list(cached)
    questions = list(attempt.questions.prefetch_related("choices"))
    for question in questions:
        question.shown_choices = list(question.choices.all())
    return questions


def _grade(
    attempt: QuizAttempt,
    now,
    questions: list[AttemptQuestion],
    picked: dict[int, set[int]],
) -> None:
    """Score ``picked`` (question id → choice ids) on the snapshot and close ``attempt``
    (locked by the caller): one UPDATE of the credits, one of the attempt."""
    attempt.score = snapshot_grade(questions, picked)
    AttemptQuestion.objects.bulk_update(questions, ["credit"])
    attempt.passed = attempt.score >= attempt.pass_mark
    attempt.status = QuizAttempt.Status.SUBMITTED
    attempt.submitted_at = now
    attempt.late = attempt.past_grace(now)
    attempt.save(update_fields=["score", "passed", "status", "submitted_at", "late"])


def _saved_picks(attempt: QuizAttempt) -> dict[int, set[int]]:
    """The choices saved on ``attempt``, per question (one query)."""
    picks: dict[int, set[int]] = {}
    for question_id, choice_id in AttemptChoice.objects.filter(
        attempt_question__attempt=attempt, selected=True
    ).values_list("attempt_question_id", "pk"):
        picks.setdefault(question_id, set()).add(choice_id)
    return picks


@transaction.atomic
def attempt_submit(
    *,
    attempt: QuizAttempt,
    answers: dict[int, set[int]] | None = None,
    refuse_if_submitted: bool = False,
) -> QuizAttempt:
    """Save the last answers, grade and close the attempt; return it graded.

    Idempotent: the row is locked first, so of two tabs, a double click or a retry exactly
    one grades it; the others get the already graded attempt back unchanged, or
    ``AttemptAlreadySubmitted`` with ``refuse_if_submitted`` (so the page can say so).

    Late policy: ``answers`` are saved only while the attempt accepts them (until the
    deadline plus ``QuizAttempt.DEADLINE_GRACE``). Past that the submission is still
    recorded, marked late and graded on the answers saved by then.
    """
    locked = lock_attempt(attempt.pk)
    # The caller's copy has the quiz, course and learner loaded already (they never change).
    locked.quiz, locked.user = attempt.quiz, attempt.user
    if locked.is_submitted:
        if refuse_if_submitted:
            raise AttemptAlreadySubmitted
        return locked
    now = timezone.now()
    questions = _snapshot_questions(attempt)
    if answers is not None and locked.accepts_answers(now):
        write_answers(locked, answers)
    if (
        answers is not None
        and locked.accepts_answers(now)
        and answers.keys() >= {q.pk for q in questions}
    ):
        picked = answers  # every question answered in this request: nothing else to read
    else:
        picked = _saved_picks(locked)
    _grade(locked, now, questions, picked)
    enrolment_touch(user=locked.user, course=locked.quiz.course)
    if locked.passed:
        course_check_completion(user=locked.user, course=locked.quiz.course)
    return locked
