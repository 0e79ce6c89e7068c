"""The site every browser check of the page kinds uses: a network of two organisations, a
course part-way through for one learner, a certificate, a manager, a trainer, an action to
review, and the table of pages each role opens (tests/e2e/test_accessibility.py,
tests/e2e/test_screens.py)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

import pytest
from django.utils import timezone

from ambassadors.models import Action
from ambassadors.people.services import assignment_create
from courses.models import Certificate, Choice, Course, Lesson, Question, Quiz, QuizAttempt, Status
from courses.services import attempt_start, attempt_submit, course_check_completion, lesson_complete
from tests.factories import (
    attempt_post_data,
    log_action,
    make_charter,
    make_course,
    make_manager,
    make_member,
    make_organisation,
    make_question,
    make_user,
)
from tests.share_factories import make_share_post


@dataclass
class Site:
    course: Course
    draft: Course
    lesson: Lesson
    quiz: Quiz
    open_attempt: QuizAttempt
    submitted_attempt: QuizAttempt
    certificate: Certificate
    learner_id: int
    action: Action


@pytest.fixture
def site(db) -> Site:
    """A network of two organisations, a course with modules, lessons and quizzes of every
    question kind, a learner part-way through it (one quiz submitted, one open), a learner
    with a certificate, a network manager and a trainer."""
    today = timezone.localdate()
    portugal = make_organisation("Dianova Portugal", country="PT")
    spain = make_organisation("Dianova Spain", country="ES")
    course = make_course(modules=2, lessons=2, questions=2, time_limit_minutes=20)
    draft = make_course(modules=1, lessons=1, questions=2, status=Status.DRAFT)
    Course.objects.filter(pk=course.pk).update(
        description="### What you will learn\n\nTo *tell stories*.\n\n#### In short\n\n- one\n- two"
    )
    first_quiz, second_quiz = Quiz.objects.filter(course=course).order_by("module__order")
    make_question(second_quiz, kind=Question.Kind.MULTIPLE, right=2, wrong=1, text="Pick two?")
    make_question(second_quiz, kind=Question.Kind.TRUE_FALSE, right=1, wrong=1, text="True?")
    # The right choice last in two questions, so the keyboard test must arrow through them.
    for question in Question.objects.filter(quiz=second_quiz, text__in=["Question 2?", "True?"]):
        for choice in question.choices.all():
            Choice.objects.filter(pk=choice.pk).update(order=100 - choice.order)

    ana = make_user("ana", organisation=portugal, first_name="Ana", last_name="Silva")
    make_user("luis", organisation=spain, first_name="Luis", last_name="Pérez")
    manager = make_manager(username="manager", whole_network=True, organisation=spain)
    make_user(
        "trainer",
        organisation=portugal,
        groups=("Staff", "Trainers"),
        is_staff=True,
        first_name="Teresa",
        last_name="Trainer",
    )
    assignment_create(
        course=course,
        organisations=[portugal, spain],
        due_date=today + timedelta(days=14),
        assigned_by=manager,
    )
    for lesson in Lesson.objects.filter(module__course=course, module__order=1):
        lesson_complete(user=ana, lesson=lesson)
    attempt = attempt_start(user=ana, quiz=first_quiz)
    submitted = attempt_submit(attempt=attempt, answers=_answers(attempt))
    open_attempt = attempt_start(user=ana, quiz=second_quiz)

    short = make_course(modules=1, lessons=1, questions=1)
    rosa = make_user("rosa", organisation=portugal, first_name="Rosa", last_name="Costa")
    lesson_complete(user=rosa, lesson=Lesson.objects.get(module__course=short))
    short_attempt = attempt_start(user=rosa, quiz=Quiz.objects.get(course=short))
    attempt_submit(attempt=short_attempt, answers=_answers(short_attempt))
    course_check_completion(user=rosa, course=short)

    # Ana joins the ambassador programme and logs a share, awaiting the trainer's review.
    make_charter()
    member = make_member(user=ana)
    action = log_action(member, "share")
    # A post in the share kit's feed, in every language.
    make_share_post(
        texts={
            language: (f"Prevention week [{language}]", f"Join us for prevention [{language}].")
            for language in ("fr", "en", "es", "pt", "it")
        }
    )

    return Site(
        course=course,
        draft=draft,
        lesson=Lesson.objects.filter(module__course=course).order_by("module__order", "order")[2],
        quiz=second_quiz,
        open_attempt=open_attempt,
        submitted_attempt=submitted,
        certificate=Certificate.objects.get(user=rosa),
        learner_id=ana.pk,
        action=action,
    )


def _answers(attempt: QuizAttempt) -> dict[int, set[int]]:
    data = attempt_post_data(attempt, right=True)
    return {int(key[1:]): {int(v) for v in values} for key, values in data.items() if key[0] == "q"}


class Page(NamedTuple):
    """A page to check: its name, who opens it (a username, or None for a visitor), a
    function of the ``Site`` giving its path, and the HTTP status it answers with."""

    name: str
    role: str | None
    url: Callable[[Site], str]
    status: int = 200


PAGES = [
    Page("login", None, lambda s: "/accounts/login/"),
    Page("password reset", None, lambda s: "/accounts/password_reset/"),
    Page("certificate verification", None, lambda s: s.certificate.get_absolute_url()),
    Page("certificate not found", None, lambda s: "/certificates/NOPE-NOPE/", 404),
    Page("my training", "ana", lambda s: "/"),
    Page("course", "ana", lambda s: s.course.get_absolute_url()),
    Page("lesson", "ana", lambda s: s.lesson.get_absolute_url()),
    Page("quiz start", "ana", lambda s: s.quiz.get_absolute_url()),
    Page("quiz attempt", "ana", lambda s: s.open_attempt.get_absolute_url()),
    Page("quiz result", "ana", lambda s: s.submitted_attempt.get_absolute_url()),
    Page("preferences", "ana", lambda s: "/preferences/"),
    Page("password change", "ana", lambda s: "/accounts/password_change/"),
    Page("reports overview", "manager", lambda s: "/reports/"),
    Page("course report", "manager", lambda s: f"/reports/courses/{s.course.slug}/"),
    Page("assignments", "manager", lambda s: "/reports/assignments/"),
    Page("person report", "manager", lambda s: f"/reports/people/{s.learner_id}/"),
    Page("staff import", "manager", lambda s: "/reports/staff/import/"),
    Page("draft course preview", "trainer", lambda s: s.draft.get_absolute_url()),
    Page("draft lesson preview", "trainer", lambda s: _first_lesson(s.draft).get_absolute_url()),
    Page("quiz preview", "trainer", lambda s: f"/admin/courses/quiz/{s.quiz.pk}/preview/"),
    Page("my ambassador page", "ana", lambda s: "/ambassador/"),
    Page("programme privacy notice", "ana", lambda s: "/ambassador/privacy/"),
    Page("social-media charter", "ana", lambda s: "/ambassador/charter/"),
    Page("log an action", "ana", lambda s: "/ambassador/actions/new/"),
    Page("my action", "ana", lambda s: s.action.get_absolute_url()),
    Page("leaderboard", "ana", lambda s: "/ambassador/leaderboard/"),
    Page("verification queue", "trainer", lambda s: "/ambassador/review/"),
    Page("profile checklist", "ana", lambda s: "/ambassador/checklist/"),
    Page("share kit", "ana", lambda s: "/ambassador/share/"),
    Page("reach report", "manager", lambda s: "/reports/reach/"),
    Page("join the programme", "luis", lambda s: "/ambassador/"),
    Page("members' tab, not joined", "luis", lambda s: "/ambassador/leaderboard/"),
]


def _first_lesson(course: Course) -> Lesson:
    return Lesson.objects.filter(module__course=course).order_by("module__order", "order")[0]
