"""A trainer writes a whole quiz on one admin page and publishes it; a learner takes it.

The journey of README's "Writing a quiz": five single-choice questions of four choices each,
on one page, in at most three form submissions (log in, save), under the app's CSP; the
number of clicks is printed. Then the questions are reordered by drag and drop.
"""

import pytest
from playwright.sync_api import expect

from courses.models import Choice, Lesson, Question, Quiz, Status
from tests.e2e.conftest import login
from tests.factories import PASSWORD, make_course, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

QUESTIONS = 5
CHOICES = ["Right", "Wrong one", "Wrong two", "Wrong three"]


class Counted:
    """Clicks (a tick, a choice in a list) and form submissions, as a person makes them."""

    def __init__(self, page):
        self.page, self.clicks, self.submissions = page, 0, 0
        page.on("request", self._request)

    def _request(self, request) -> None:
        if request.method == "POST" and request.resource_type == "document":
            self.submissions += 1

    def click(self, locator) -> None:
        locator.click()
        self.clicks += 1

    def check(self, locator) -> None:
        locator.check()
        self.clicks += 1

    def select(self, locator, value: str) -> None:
        locator.select_option(value)
        self.clicks += 1


@pytest.fixture
def course(db):
    course = make_course(modules=1, lessons=1, questions=0)
    Quiz.objects.filter(course=course).delete()
    make_user("trainer", groups=("Trainers",), is_staff=True)
    make_user("learner", first_name="Ana", last_name="Silva")
    return course


def test_a_trainer_writes_a_quiz_on_one_page_and_a_learner_takes_it(
    page, site_url, course, csp_violations
):
    trainer = Counted(page)
    login(page, site_url, "trainer", PASSWORD)
    trainer.clicks += 1  # "Log in"
    page.goto(f"{site_url}/admin/")
    trainer.click(page.get_by_role("link", name="Modules", exact=True))
    trainer.click(page.get_by_role("link", name="Module 1", exact=True))
    trainer.click(page.get_by_role("link", name="Add a quiz to this module"))

    page.get_by_label("Title:").fill("What social media are")
    for q in range(QUESTIONS):
        trainer.click(page.get_by_role("link", name="Add another Question"))
        page.locator(f"#id_questions-{q}-text").fill(f"Question {q + 1}?")
        for c, text in enumerate(CHOICES):
            page.locator(f"#id_questions-{q}-choices-{c}-text").fill(f"{text} {q + 1}")
        trainer.check(page.locator(f"#id_questions-{q}-choices-0-is_correct"))
    trainer.select(page.get_by_label("Status:"), "published")
    trainer.click(page.get_by_role("button", name="Save", exact=True))
    expect(page.get_by_text("was added successfully")).to_be_visible()

    quiz = Quiz.objects.get(title="What social media are")
    assert (quiz.status, quiz.required, quiz.module.course_id) == (
        Status.PUBLISHED,
        True,
        course.pk,
    )
    assert quiz.questions.count() == QUESTIONS
    assert Choice.objects.filter(question__quiz=quiz).count() == QUESTIONS * len(CHOICES)
    assert trainer.submissions <= 3
    print(
        f"\nTrainer: {trainer.clicks} clicks, {trainer.submissions} form submissions, "
        f"one admin page for the quiz"
    )

    page.context.clear_cookies()
    learner = Counted(page)
    login(page, site_url, "learner", PASSWORD)
    learner.clicks += 1
    learner.click(page.get_by_role("link", name=course.title).first)
    learner.click(page.get_by_role("link", name="What social media are").first)
    learner.click(page.get_by_role("button", name="Start the quiz"))
    for q in range(QUESTIONS):
        learner.check(page.get_by_label(f"Right {q + 1}", exact=True))
    learner.click(page.get_by_role("button", name="Submit my answers"))
    expect(page.get_by_text("Your score: 100%")).to_be_visible()
    expect(page.get_by_text("Passed. Well done!")).to_be_visible()
    print(f"Learner: {learner.clicks} clicks, {learner.submissions} form submissions")
    assert csp_violations == []


def test_questions_choices_and_lessons_are_reordered_by_drag_and_drop(
    page, site_url, course, csp_violations
):
    quiz = Quiz.objects.create(
        course=course, title="Order quiz", status=Status.DRAFT, required=False
    )
    for q in range(3):
        question = Question.objects.create(quiz=quiz, text=f"Question {q + 1}?", order=q)
        Choice.objects.bulk_create(
            Choice(question=question, text=f"{text} {q + 1}", is_correct=c == 0, order=c)
            for c, text in enumerate(CHOICES[:3])
        )
    login(page, site_url, "trainer", PASSWORD)
    page.goto(f"{site_url}/admin/courses/quiz/{quiz.pk}/change/")
    handles = page.locator("#questions-group h3.djn-drag-handler:visible")
    expect(handles).to_have_count(3)
    handles.nth(2).drag_to(handles.nth(0), target_position={"x": 20, "y": 2})
    rows = page.locator("#questions-2-choices-group .djn-drag-handler:visible")
    rows.nth(2).drag_to(rows.nth(0), target_position={"x": 5, "y": 2})
    # A row added by mistake is removed again (the links run no inline script).
    page.get_by_role("link", name="Add another Question").click()
    expect(handles).to_have_count(4)
    page.locator("#questions-group h3 .djn-remove-handler:visible").last.click()
    expect(handles).to_have_count(3)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    assert [q.text for q in quiz.questions.order_by("order")] == [
        "Question 3?",
        "Question 1?",
        "Question 2?",
    ]
    moved = Question.objects.get(text="Question 3?")
    assert moved.choices.order_by("order").first().text == "Wrong two 3"

    # Lessons on their module's page, likewise (and modules on the course's page).
    module = course.modules.get()
    Lesson.objects.create(module=module, title="Second lesson", body="B", order=2)
    page.goto(f"{site_url}/admin/courses/module/{module.pk}/change/")
    lessons = page.locator("#lessons-group h3.djn-drag-handler:visible")
    expect(lessons).to_have_count(2)
    lessons.nth(1).drag_to(lessons.nth(0), target_position={"x": 20, "y": 2})
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    assert [x.title for x in module.lessons.order_by("order")] == ["Second lesson", "Lesson 1.1"]
    page.goto(f"{site_url}/admin/courses/course/{course.pk}/change/")
    expect(page.locator("#modules-group .djn-drag-handler:visible")).to_have_count(1)
    assert csp_violations == []
