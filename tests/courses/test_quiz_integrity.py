"""Integrity: no page reveals a correct answer before submission, and a past attempt's grade and
review never change when a trainer edits or deletes questions afterwards."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import AttemptChoice, Choice, Question, Quiz, QuizAttempt
from courses.services import attempt_start, attempt_submit
from tests.factories import attempt_post_data, make_question, make_user

SECRET = "SECRET-"  # every explanation and feedback below contains it


@pytest.fixture
def mixed_quiz(course):
    """Single, multiple-answer (partial) and true/false questions with secret explanations."""
    quiz = course.quizzes.order_by("module__order").first()
    quiz.questions.all().delete()
    quiz.shuffle_choices = True
    quiz.save()
    make_question(quiz, kind=Question.Kind.SINGLE, text="Single?", order=1)
    make_question(
        quiz,
        kind=Question.Kind.MULTIPLE,
        right=2,
        wrong=2,
        scoring=Question.Scoring.PARTIAL,
        text="Multiple?",
        order=2,
    )
    make_question(quiz, kind=Question.Kind.TRUE_FALSE, right=1, wrong=1, text="TF?", order=3)
    for question in quiz.questions.all():
        question.feedback = f"{SECRET}feedback {question.pk}"
        question.save()
    for choice in Choice.objects.filter(question__quiz=quiz):
        choice.explanation = f"{SECRET}explanation {choice.pk}"
        choice.save()
    return quiz


def normalise(html: str) -> str:
    """Drop what legitimately differs between two renders: CSRF tokens and the clock."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", html)
    html = re.sub(r'data-seconds-left="\d+"', "seconds", html)
    return re.sub(r"data-timer-output>[^<]+<", "clock", html)


def pages_before_submission(client, attempt) -> dict[str, str]:
    """Every page and response a learner gets before submitting, in a fixed sequence."""
    quiz = attempt.quiz
    url = attempt.get_absolute_url()
    first, second, third = attempt.questions.order_by("order").prefetch_related("choices")
    first_choice = first.choices.order_by("pk").first()
    pages = {
        "quiz page": client.get(quiz.get_absolute_url()).content.decode(),
        "attempt page": client.get(url).content.decode(),
    }
    autosave = client.post(
        reverse(
            "courses:attempt-autosave",
            kwargs={"course": quiz.course.slug, "quiz": quiz.pk, "attempt": attempt.pk},
        ),
        json.dumps({"token": attempt.token, "answers": {first.pk: [first_choice.pk]}}),
        content_type="application/json",
    )
    pages["autosave response"] = autosave.content.decode()
    pages["after autosave"] = client.get(url).content.decode()
    save = {
        "action": "save",
        "token": attempt.token,
        f"q{second.pk}": [str(c.pk) for c in second.choices.order_by("pk")[:2]],
    }
    pages["after save"] = client.post(url, save, follow=True).content.decode()
    missing = {"action": "submit", "token": attempt.token, f"q{first.pk}": str(first_choice.pk)}
    pages["after a missing answer"] = client.post(url, missing).content.decode()
    foreign = {**missing, f"q{third.pk}": str(first_choice.pk)}
    pages["after an invalid choice"] = client.post(url, foreign).content.decode()
    pages["after a bad token"] = client.post(url, {**missing, "token": "x"}).content.decode()
    pages["quiz page, attempt open"] = client.get(quiz.get_absolute_url()).content.decode()
    return pages


def flip_correctness(attempt) -> None:
    """Make every right choice wrong and every wrong one right, in the pool and the snapshot."""
    for model, lookup in (
        (AttemptChoice, {"attempt_question__attempt": attempt}),
        (Choice, {"question__quiz": attempt.quiz}),
    ):
        for choice in model.objects.filter(**lookup):
            choice.is_correct = not choice.is_correct
            choice.save()


@pytest.mark.django_db
@pytest.mark.parametrize("time_limit", [None, 10])
def test_pages_before_submission_never_reveal_correct_answers(
    learner_client, learner, mixed_quiz, time_limit
):
    mixed_quiz.time_limit_minutes = time_limit
    mixed_quiz.save()
    attempt = attempt_start(user=learner, quiz=mixed_quiz)
    pages = pages_before_submission(learner_client, attempt)
    assert "Select a valid choice" in pages["after an invalid choice"]
    assert "out of date or was altered" in pages["after a bad token"]
    for name, html in pages.items():
        assert SECRET not in html, name
        for marker in ("is_correct", "correct answer<", "data-correct", "✓", "text-success"):
            assert marker not in html, (name, marker)
    # The strongest check: with every answer's correctness flipped, each page is byte for byte
    # the same (apart from CSRF tokens and the clock), so nothing in it can depend on it.
    flip_correctness(attempt)
    attempt.refresh_from_db()
    AttemptChoice.objects.filter(attempt_question__attempt=attempt).update(selected=False)
    flipped = pages_before_submission(learner_client, attempt)
    for name, html in pages.items():
        assert normalise(flipped[name]) == normalise(html), name


@pytest.mark.django_db
def test_expired_attempt_page_does_not_reveal_correct_answers(learner_client, learner, mixed_quiz):
    mixed_quiz.time_limit_minutes = 1
    mixed_quiz.save()
    attempt = attempt_start(user=learner, quiz=mixed_quiz)
    QuizAttempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(hours=1))
    before = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert "can no longer be changed" in before
    assert SECRET not in before
    flip_correctness(attempt)
    after = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert normalise(after) == normalise(before)


@pytest.mark.django_db
def test_quiz_preview_does_not_reveal_correct_answers_before_checking(client, mixed_quiz):
    trainer = make_user("trainer", groups=("Trainers",), is_staff=True)
    client.force_login(trainer)
    url = reverse("admin:courses_quiz_preview", args=[mixed_quiz.pk])
    html = client.get(url).content.decode()
    assert "Multiple?" in html
    assert SECRET not in html and "✓" not in html


# Snapshot integrity --------------------------------------------------------------------------


def result_page(client, attempt) -> str:
    return normalise(client.get(attempt.get_absolute_url()).content.decode())


def edit_everything(quiz) -> None:
    """What a trainer might do to a quiz after learners took it."""
    for question in quiz.questions.all():
        question.text = f"Rewritten {question.pk}?"
        question.feedback = "New feedback"
        question.kind = Question.Kind.MULTIPLE
        question.scoring = Question.Scoring.PARTIAL
        question.save()
    for choice in Choice.objects.filter(question__quiz=quiz):
        choice.text = f"New text {choice.pk}"
        choice.explanation = "New explanation"
        choice.is_correct = not choice.is_correct
        choice.save()
    Choice.objects.filter(question__quiz=quiz).order_by("pk").first().delete()
    quiz.questions.order_by("order").last().delete()
    make_question(quiz, text="Brand new?")
    Quiz.objects.filter(pk=quiz.pk).update(pass_mark=100, review_policy=Quiz.ReviewPolicy.NEVER)


@pytest.mark.django_db
def test_editing_or_deleting_questions_leaves_past_scores_and_reviews_unchanged(
    learner_client, learner, mixed_quiz
):
    mixed_quiz.pass_mark = 50
    mixed_quiz.save()
    attempt = attempt_start(user=learner, quiz=mixed_quiz)
    first, second, third = attempt.questions.order_by("order").prefetch_related("choices")
    answers = {
        first.pk: {c.pk for c in first.choices.all() if c.is_correct},
        second.pk: {c.pk for c in second.choices.all() if c.is_correct}
        | {next(c.pk for c in second.choices.all() if not c.is_correct)},  # 1/2 credit
        third.pk: {next(c.pk for c in third.choices.all() if not c.is_correct)},
    }
    attempt = attempt_submit(attempt=attempt, answers=answers)
    assert attempt.score == 50
    assert attempt.passed
    before = result_page(learner_client, attempt)
    assert "Single?" in before and f"{SECRET}feedback" in before

    edit_everything(mixed_quiz)

    attempt.refresh_from_db()
    assert attempt.score == 50
    assert attempt.passed
    assert [q.credit for q in attempt.questions.order_by("order")] == [1, 0.5, 0]
    after = result_page(learner_client, attempt)
    assert after == before
    assert "Rewritten" not in after and "New text" not in after


@pytest.mark.django_db
def test_editing_questions_during_an_attempt_grades_what_the_learner_saw(
    learner_client, learner, mixed_quiz
):
    attempt = attempt_start(user=learner, quiz=mixed_quiz)
    data = attempt_post_data(attempt)
    page = learner_client.get(attempt.get_absolute_url()).content.decode()
    edit_everything(mixed_quiz)
    assert normalise(learner_client.get(attempt.get_absolute_url()).content.decode()) == (
        normalise(page)
    )
    learner_client.post(attempt.get_absolute_url(), data)
    attempt.refresh_from_db()
    assert attempt.score == 100
    assert attempt.passed  # the pass mark and review policy were fixed at the start too
    assert "✓ correct answer" in learner_client.get(attempt.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_deleting_the_whole_pool_keeps_past_attempts_reviewable(
    learner_client, learner, mixed_quiz
):
    attempt = attempt_submit(attempt=attempt_start(user=learner, quiz=mixed_quiz), answers={})
    before = result_page(learner_client, attempt)
    mixed_quiz.questions.all().delete()
    assert not Question.objects.filter(quiz=mixed_quiz).exists()
    assert result_page(learner_client, attempt) == before
    assert "Single?" in before


@pytest.mark.django_db
def test_admin_edit_of_a_question_leaves_the_review_unchanged(client, learner, mixed_quiz):
    from django.test import Client

    attempt = attempt_submit(
        attempt=attempt_start(user=learner, quiz=mixed_quiz),
        answers={},
    )
    learner_client = Client()
    learner_client.force_login(learner)
    before = result_page(learner_client, attempt)
    trainer = make_user("trainer", groups=("Trainers",), is_staff=True)
    client.force_login(trainer)
    question = mixed_quiz.questions.get(text="Single?")
    choices = list(question.choices.order_by("order"))
    data = {
        "quiz": mixed_quiz.pk,
        "order": question.order,
        "kind": "single",
        "scoring": "all_or_nothing",
        "text": "Edited in the admin?",
        "feedback": "",
        "key": question.key,
        "choices-TOTAL_FORMS": len(choices),
        "choices-INITIAL_FORMS": len(choices),
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
    }
    for index, choice in enumerate(choices):
        data |= {
            f"choices-{index}-id": choice.pk,
            f"choices-{index}-question": question.pk,
            f"choices-{index}-order": choice.order,
            f"choices-{index}-text": f"Edited {index}",
            f"choices-{index}-explanation": "",
        }
        if index == len(choices) - 1:
            data[f"choices-{index}-is_correct"] = "on"
    response = client.post(reverse("admin:courses_question_change", args=[question.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    question.refresh_from_db()
    assert question.text == "Edited in the admin?"
    assert trainer.has_perm("courses.change_question")
    assert result_page(learner_client, attempt) == before
