"""A learner takes a timed, shuffled, multiple-answer quiz in a real browser: answers are saved as
they go and survive a reload, the first attempt fails, the second passes, and the review policy
("only once passed") holds. Then the countdown's automatic submission, and the same quiz
without JavaScript."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import AttemptChoice, Question, Quiz, QuizAttempt
from tests.e2e.conftest import login
from tests.factories import PASSWORD, make_course, make_question, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

QUESTIONS = ["Alpha?", "Beta?", "Gamma?"]


@pytest.fixture
def quiz(db):
    course = make_course(modules=1, lessons=1, questions=0)
    quiz = Quiz.objects.get(course=course)
    Quiz.objects.filter(pk=quiz.pk).update(
        time_limit_minutes=10,
        shuffle_questions=True,
        shuffle_choices=True,
        attempts_allowed=3,
        pass_mark=100,
        review_policy=Quiz.ReviewPolicy.ONCE_PASSED,
    )
    make_question(quiz, kind=Question.Kind.MULTIPLE, right=2, wrong=2, text="Alpha?")
    make_question(quiz, kind=Question.Kind.MULTIPLE, right=2, wrong=1, text="Beta?")
    make_question(quiz, kind=Question.Kind.TRUE_FALSE, right=1, wrong=1, text="Gamma?")
    make_user("learner", first_name="Ana", last_name="Silva")
    quiz.refresh_from_db()
    return quiz


def answer(page, question: str, *, right: bool) -> None:
    """Tick exactly the right choices of ``question`` (or one wrong one)."""
    if right:
        for label in page.get_by_label(re.compile(rf"^{re.escape(question)} right \d$")).all():
            label.check()
    else:
        page.get_by_label(f"{question} wrong 1", exact=True).check()


def start(page, button: str = "Start the quiz") -> None:
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("button", name="Submit my answers")).to_be_visible()
    page.wait_for_load_state("load")  # quiz.js is running


def wait_saved(page, timeout: int = 5_000) -> None:
    form = page.locator("#attempt-form")
    expect(form).to_have_attribute("data-autosave-state", "saved", timeout=timeout)
    expect(page.locator("#autosave-status")).to_have_text("All answers saved.")


def clock_seconds(page) -> int:
    minutes, seconds = page.locator("[data-timer-output]").inner_text().split(":")
    return int(minutes) * 60 + int(seconds)


def test_learner_takes_a_timed_shuffled_multiple_answer_quiz(page, site_url, quiz, csp_violations):
    login(page, site_url, "learner", PASSWORD)
    page.goto(f"{site_url}{quiz.get_absolute_url()}")
    expect(page.get_by_text("Time limit: 10 minutes")).to_be_visible()
    expect(page.get_by_text("You see the correct answers once you have passed.")).to_be_visible()
    start(page)

    # A visible countdown, running.
    timer = page.get_by_role("timer")
    expect(timer).to_contain_text(re.compile(r"Time left: (9:5\d|10:00)"))
    first_reading = clock_seconds(page)
    page.wait_for_timeout(1500)
    assert clock_seconds(page) < first_reading

    # Answers are saved as the learner ticks them, and a reload loses nothing.
    answer(page, "Alpha?", right=True)
    answer(page, "Gamma?", right=True)
    wait_saved(page)
    attempt = QuizAttempt.objects.get(quiz=quiz)
    saved = AttemptChoice.objects.filter(attempt_question__attempt=attempt, selected=True)
    assert saved.count() == 3
    page.reload()
    for label in ("Alpha? right 1", "Alpha? right 2", "Gamma? right 1"):
        expect(page.get_by_label(label, exact=True)).to_be_checked()
    expect(page.get_by_label("Alpha? wrong 1", exact=True)).not_to_be_checked()
    # Unticking is saved too.
    page.get_by_label("Alpha? right 2", exact=True).uncheck()
    wait_saved(page)
    page.reload()
    expect(page.get_by_label("Alpha? right 2", exact=True)).not_to_be_checked()

    # First attempt: Beta wrong, Alpha incomplete → fails; the answers stay hidden.
    answer(page, "Beta?", right=False)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("Your score: 33%")).to_be_visible()
    expect(page.get_by_text("Not passed yet")).to_be_visible()
    expect(page.get_by_text("The correct answers are shown once you have passed")).to_be_visible()
    expect(page.get_by_text("✓ correct answer")).to_have_count(0)
    expect(page.get_by_text(re.compile("Why .* is right"))).to_have_count(0)

    # Second attempt: everything right → passes, and the review opens.
    page.get_by_role("link", name="Back to the quiz").click()
    expect(page.get_by_text("2 attempts left.")).to_be_visible()
    start(page, "Try again")
    for question in QUESTIONS:
        answer(page, question, right=True)
    wait_saved(page)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("Your score: 100%")).to_be_visible()
    expect(page.get_by_text("Passed. Well done!")).to_be_visible()
    expect(page.get_by_role("heading", name="Review")).to_be_visible()
    expect(page.get_by_text("Why Alpha? right 1 is right")).to_be_visible()
    expect(page.get_by_text("Feedback for Beta?")).to_be_visible()

    # Once passed, the first attempt's review opens too; the best score counts.
    page.get_by_role("link", name="Back to the quiz").click()
    expect(page.get_by_text("You passed this quiz. Best score: 100%.")).to_be_visible()
    page.get_by_role("link", name="1", exact=True).click()
    expect(page.get_by_text("Your score: 33%")).to_be_visible()
    expect(page.get_by_text("Why Beta? wrong 1 is wrong")).to_be_visible()
    assert QuizAttempt.objects.filter(quiz=quiz).count() == 2
    assert csp_violations == []


def test_countdown_submits_by_itself_when_the_time_is_up(page, site_url, quiz, csp_violations):
    login(page, site_url, "learner", PASSWORD)
    page.goto(f"{site_url}{quiz.get_absolute_url()}")
    start(page)
    answer(page, "Gamma?", right=True)
    wait_saved(page)
    # Jump the clock: three seconds left.
    QuizAttempt.objects.filter(quiz=quiz).update(deadline=timezone.now() + timedelta(seconds=3))
    page.reload()
    expect(page.get_by_role("timer")).to_contain_text(re.compile(r"0:0[0-3]"))
    expect(page.get_by_text("Your score: 33%")).to_be_visible(timeout=15_000)
    attempt = QuizAttempt.objects.get(quiz=quiz)
    assert attempt.is_submitted and not attempt.late  # within the grace period
    assert csp_violations == []


def test_quiz_works_without_javascript(browser, site_url, quiz):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    login(page, site_url, "learner", PASSWORD)
    page.goto(f"{site_url}{quiz.get_absolute_url()}")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("timer")).to_contain_text(re.compile(r"Time left: (9:5\d|10:00)"))
    answer(page, "Alpha?", right=True)
    page.get_by_role("button", name="Save and continue later").click()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    expect(page.get_by_label("Alpha? right 2", exact=True)).to_be_checked()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("Please answer this question.")).to_have_count(2)
    answer(page, "Beta?", right=True)
    answer(page, "Gamma?", right=True)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("Your score: 100%")).to_be_visible()
    context.close()


def test_autosave_retries_after_a_dropped_connection(page, site_url, quiz, csp_violations):
    login(page, site_url, "learner", PASSWORD)
    page.goto(f"{site_url}{quiz.get_absolute_url()}")
    start(page)
    page.context.set_offline(True)
    answer(page, "Beta?", right=True)
    expect(page.locator("#autosave-status")).to_contain_text("the connection was lost")
    page.context.set_offline(False)
    wait_saved(page, timeout=15_000)  # retried by itself a few seconds later
    page.reload()
    expect(page.get_by_label("Beta? right 1", exact=True)).to_be_checked()
    expect(page.get_by_label("Beta? right 2", exact=True)).to_be_checked()
    assert csp_violations == []
