"""Accessibility in a real browser: axe-core (npm, dev dependency) finds no serious or critical
WCAG 2.1 A/AA or best-practice violation on the pages each role uses, and a learner takes a
quiz with the keyboard alone.

The page table is (name, role, url builder): a new page is one line. The builder gets the
``Site`` built by the ``site`` fixture and returns the path to open as that role.
"""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from courses.content import CONTENT_ROOT, load_course, read_course_dir
from courses.models import Course, Lesson, Question, Quiz
from courses.services import attempt_start
from tests.e2e.conftest import login
from tests.e2e.site import PAGES, Page
from tests.factories import (
    PASSWORD,
    make_user,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = {"serious", "critical"}


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
