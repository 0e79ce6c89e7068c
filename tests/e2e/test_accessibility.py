"""Accessibility in a real browser: axe-core (npm, dev dependency) finds no serious or critical
WCAG 2.1 A/AA or best-practice violation on the pages each role uses, and a learner takes a
quiz with the keyboard alone.

The page table is (name, role, url builder): a new page is one line. The builder gets the
``Site`` built by the ``site`` fixture and returns the path to open as that role.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from ambassadors.models import Action
from ambassadors.people.services import assignment_create
from courses.content import CONTENT_ROOT, load_course, read_course_dir
from courses.models import Certificate, Choice, Course, Lesson, Question, Quiz, QuizAttempt, Status
from courses.services import attempt_start, attempt_submit, course_check_completion, lesson_complete
from tests.e2e.conftest import login
from tests.factories import (
    PASSWORD,
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

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = {"serious", "critical"}


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
]


def _first_lesson(course: Course) -> Lesson:
    return Lesson.objects.filter(module__course=course).order_by("module__order", "order")[0]


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page and return its serious and critical violations.

    Injected with ``evaluate``, which the page's CSP (script-src 'self') does not apply to.
    """
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return [v for v in results["violations"] if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"]:
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(f"    {json.dumps(node['target'])} {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize("checked", PAGES, ids=[p.name for p in PAGES])
def test_page_has_no_serious_accessibility_violation(
    page, site_url, site, csp_violations, checked: Page
):
    if checked.role:
        login(page, site_url, checked.role, PASSWORD)
        expect(page).not_to_have_url(re.compile("/accounts/login/"))
    path = checked.url(site)
    response = page.goto(f"{site_url}{path}")
    assert response.status == checked.status, f"{checked.name}: HTTP {response.status}"
    page.wait_for_load_state("load")
    violations = axe_violations(page)
    assert not violations, f"{checked.name} ({path}):\n{describe(violations)}"
    assert csp_violations == []


def test_learner_takes_the_quiz_with_the_keyboard_only(page, site_url, site, csp_violations):
    """From the attempt page: Tab into each question, arrow keys within a radio group,
    Space on checkboxes, Enter on the submit button; no mouse at all."""
    login(page, site_url, "ana", PASSWORD)
    page.goto(f"{site_url}{site.open_attempt.get_absolute_url()}")
    page.wait_for_load_state("load")
    questions = list(site.open_attempt.questions.prefetch_related("choices"))
    assert len(questions) == 4

    def focused() -> dict:
        return page.evaluate(
            """() => {
                const el = document.activeElement;
                const label = el.labels && el.labels.length ? el.labels[0].innerText.trim() : '';
                return {tag: el.tagName, type: el.type || '', name: el.name || '',
                        value: el.value || '', label: label, text: el.innerText || ''};
            }"""
        )

    def tab_until(predicate, *, key="Tab", limit=60) -> dict:
        for _ in range(limit):
            page.keyboard.press(key)
            current = focused()
            if predicate(current):
                return current
        raise AssertionError(f"{key} never reached the wanted element")

    def submit_with_enter() -> None:
        button = tab_until(lambda el: el["tag"] == "BUTTON" and "Submit my answers" in el["text"])
        assert button["value"] == "submit"
        page.keyboard.press("Enter")
        page.wait_for_load_state("load")

    # Submitting with nothing answered: the page says what is missing, in each question's
    # description (read out when the learner tabs into it), and stays accessible.
    submit_with_enter()
    expect(page.get_by_text("Please correct the errors below; nothing was saved.")).to_be_visible()
    first = page.get_by_role("group", name=re.compile(r"^Question 1\."))
    expect(first).to_have_accessible_description(re.compile("Please answer this question."))
    assert not (violations := axe_violations(page)), describe(violations)

    # Tab from the top of the page into the first question.
    for position, question in enumerate(questions):
        name = f"q{question.pk}"
        current = tab_until(lambda el, name=name: el["name"] == name)
        correct = {c.text for c in question.choices.all() if c.is_correct}
        if question.kind == Question.Kind.MULTIPLE:
            # Every checkbox is a tab stop; Space ticks the right ones.
            seen = 0
            while current["name"] == name:
                if current["label"] in correct:
                    page.keyboard.press("Space")
                seen += 1
                if seen == len(question.choices.all()):
                    break
                current = tab_until(lambda el: True)
        else:
            # A radio group is one tab stop: arrow down through it to the right choice.
            # Arrowing selects as it goes; the group's last arrow lands on the right one.
            for _ in range(len(question.choices.all())):
                if current["label"] in correct:
                    page.keyboard.press("Space")
                    break
                page.keyboard.press("ArrowDown")
                current = focused()
            assert current["label"] in correct
        if position == 1:
            # Shift+Tab goes back to the previous question and Tab returns.
            back = tab_until(lambda el: el["name"] == f"q{questions[0].pk}", key="Shift+Tab")
            assert back["type"] in {"radio", "checkbox"}
            tab_until(lambda el, name=name: el["name"] == name)
    for question in questions:
        checked = page.locator(f"input[name=q{question.pk}]:checked")
        expect(checked).to_have_count(sum(c.is_correct for c in question.choices.all()))

    submit_with_enter()
    expect(page.get_by_text("Your score: 100%")).to_be_visible()
    expect(page.get_by_text("Passed. Well done!")).to_be_visible()
    site.open_attempt.refresh_from_db()
    assert site.open_attempt.is_submitted and site.open_attempt.passed
    assert csp_violations == []


def test_the_real_course_content_has_no_serious_accessibility_violation(
    page, site_url, csp_violations
):
    """The course as written in content/ (English): its page, every lesson (images, tables,
    videos), every quiz page and an attempt at each quiz, as a learner."""
    (english, *_translations) = read_course_dir(CONTENT_ROOT / "social-media")
    course = load_course(english)
    Course.objects.filter(pk=course.pk).update(sequential=False)  # every step reachable
    learner = make_user("ana", first_name="Ana", last_name="Silva")
    paths = [course.get_absolute_url()]
    paths += [lesson.get_absolute_url() for lesson in Lesson.objects.filter(module__course=course)]
    for quiz in Quiz.objects.filter(course=course):
        paths += [
            quiz.get_absolute_url(),
            attempt_start(user=learner, quiz=quiz).get_absolute_url(),
        ]
    assert len(paths) > 20

    login(page, site_url, "ana", PASSWORD)
    found = {}
    for path in paths:
        response = page.goto(f"{site_url}{path}")
        assert response.status == 200, f"{path}: HTTP {response.status}"
        if violations := axe_violations(page):
            found[path] = describe(violations)
    assert not found, "\n".join(f"{path}:\n{text}" for path, text in found.items())
    assert csp_violations == []
