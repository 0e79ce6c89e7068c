"""The JSON autosave endpoint used by static/js/quiz.js: saves exactly what is valid, or nothing."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import AttemptChoice, QuizAttempt
from courses.services import attempt_start, attempt_submit
from tests.factories import make_user


@pytest.fixture
def quiz(course):
    quiz = course.quizzes.order_by("module__order").first()
    quiz.questions.update(kind="multiple")
    return quiz


@pytest.fixture
def attempt(learner, quiz):
    return attempt_start(user=learner, quiz=quiz)


def autosave_url(attempt) -> str:
    return reverse(
        "courses:attempt-autosave",
        kwargs={"course": attempt.quiz.course.slug, "quiz": attempt.quiz_id, "attempt": attempt.pk},
    )


def post(client, attempt, body, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(autosave_url(attempt), data, content_type="application/json", **extra)


def questions(attempt):
    return list(attempt.questions.order_by("order").prefetch_related("choices"))


def selected(attempt) -> set[int]:
    return set(
        AttemptChoice.objects.filter(attempt_question__attempt=attempt, selected=True).values_list(
            "pk", flat=True
        )
    )


@pytest.mark.django_db
def test_autosave_saves_one_question_and_keeps_the_others(learner_client, attempt):
    first, second, _third = questions(attempt)
    a, b, _c = first.choices.all()
    post(learner_client, attempt, {"token": attempt.token, "answers": {first.pk: [a.pk]}})
    response = post(
        learner_client,
        attempt,
        {"token": attempt.token, "answers": {str(second.pk): [str(second.choices.first().pk)]}},
    )
    assert response.status_code == 200
    assert response.json() == {"saved": [second.pk]}
    assert selected(attempt) == {a.pk, second.choices.first().pk}
    # Changing the first answer replaces its picks; an empty list clears them.
    post(learner_client, attempt, {"token": attempt.token, "answers": {first.pk: [a.pk, b.pk]}})
    assert selected(attempt) == {a.pk, b.pk, second.choices.first().pk}
    post(learner_client, attempt, {"token": attempt.token, "answers": {first.pk: []}})
    assert selected(attempt) == {second.choices.first().pk}


@pytest.mark.django_db
def test_autosave_survives_a_reload(learner_client, attempt):
    first = questions(attempt)[0]
    choice = first.choices.last()
    post(learner_client, attempt, {"token": attempt.token, "answers": {first.pk: [choice.pk]}})
    html = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert f'value="{choice.pk}" checked' in html
    assert html.count(" checked") == 1


@pytest.mark.django_db
def test_autosave_needs_csrf(learner, attempt):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    first = questions(attempt)[0]
    body = {"token": attempt.token, "answers": {first.pk: [first.choices.first().pk]}}
    assert post(client, attempt, body).status_code == 403
    assert selected(attempt) == set()
    page = client.get(attempt.get_absolute_url())
    token = page.context["csrf_token"]
    assert post(client, attempt, body, headers={"X-CSRFToken": str(token)}).status_code == 200
    assert len(selected(attempt)) == 1


@pytest.mark.django_db
def test_autosave_is_post_only(learner_client, attempt):
    assert learner_client.get(autosave_url(attempt)).status_code == 405


@pytest.mark.django_db
def test_autosave_needs_login(client, attempt):
    first = questions(attempt)[0]
    body = {"token": attempt.token, "answers": {first.pk: [first.choices.first().pk]}}
    assert post(client, attempt, body).status_code == 302
    assert selected(attempt) == set()


def bad_bodies(attempt, other_attempt) -> dict[str, object]:
    first, second, _third = questions(attempt)
    good = [first.choices.first().pk]
    foreign_question = questions(other_attempt)[0]
    return {
        "not json": "{answers: nope",
        "not utf-8": b"\xff\xfe\x00",
        "a list": [1, 2],
        "no answers": {"token": attempt.token},
        "empty answers": {"token": attempt.token, "answers": {}},
        "answers not a mapping": {"token": attempt.token, "answers": [[first.pk, good]]},
        "unknown question": {"token": attempt.token, "answers": {"999999999": good}},
        "absurd question": {"token": attempt.token, "answers": {"9" * 40: good}},
        "negative question": {"token": attempt.token, "answers": {"-1": good}},
        "question of another quiz": {
            "token": attempt.token,
            "answers": {first.pk: good, foreign_question.pk: [foreign_question.choices.first().pk]},
        },
        "choice of another question": {
            "token": attempt.token,
            "answers": {first.pk: good, second.pk: good},
        },
        "choice of another quiz": {
            "token": attempt.token,
            "answers": {first.pk: [foreign_question.choices.first().pk]},
        },
        "absurd choice": {"token": attempt.token, "answers": {first.pk: [10**30]}},
        "choice as float": {"token": attempt.token, "answers": {first.pk: [1.0]}},
        "choice as bool": {"token": attempt.token, "answers": {first.pk: [True]}},
        "choice as null": {"token": attempt.token, "answers": {first.pk: [None]}},
        "choices not a list": {"token": attempt.token, "answers": {first.pk: good[0]}},
        "no token": {"answers": {first.pk: good}},
        "wrong token": {"token": "guess", "answers": {first.pk: good}},
        "token of another attempt": {"token": other_attempt.token, "answers": {first.pk: good}},
        "token not a string": {"token": 12, "answers": {first.pk: good}},
    }


@pytest.mark.django_db
def test_autosave_bad_input_is_a_400_with_a_message_and_saves_nothing(
    learner_client, learner, course, attempt
):
    other_attempt = attempt_start(
        user=learner, quiz=course.quizzes.exclude(pk=attempt.quiz_id).first()
    )
    for name, body in bad_bodies(attempt, other_attempt).items():
        response = post(learner_client, attempt, body)
        assert response.status_code == 400, name
        assert response.json()["error"], name
        assert selected(attempt) == set(), name
        assert selected(other_attempt) == set(), name


@pytest.mark.django_db
def test_autosave_two_choices_for_a_single_choice_question_is_refused(learner_client, learner):
    from tests.factories import make_course

    quiz = make_course(modules=1).quizzes.get()
    attempt = attempt_start(user=learner, quiz=quiz)
    first = questions(attempt)[0]
    a, b, _c = first.choices.all()
    response = post(
        learner_client, attempt, {"token": attempt.token, "answers": {first.pk: [a.pk, b.pk]}}
    )
    assert response.status_code == 400
    assert "Only one choice" in response.json()["error"]
    assert selected(attempt) == set()


@pytest.mark.django_db
def test_autosave_someone_elses_attempt_is_404(client, organisation, attempt):
    client.force_login(make_user("intruder", organisation=organisation))
    first = questions(attempt)[0]
    body = {"token": attempt.token, "answers": {first.pk: [first.choices.first().pk]}}
    assert post(client, attempt, body).status_code == 404
    assert selected(attempt) == set()


@pytest.mark.django_db
def test_autosave_absurd_attempt_ids_are_404(learner_client, attempt):
    base = f"/courses/{attempt.quiz.course.slug}/quizzes/"
    for url in (
        f"{base}{attempt.quiz_id}/attempts/00000000-0000-0000-0000-000000000000/answers/",
        f"{base}99999999999999999999/attempts/{attempt.pk}/answers/",
        f"{base}{attempt.quiz_id}/attempts/123/answers/",
    ):
        response = learner_client.post(url, "{}", content_type="application/json")
        assert response.status_code == 404, url


@pytest.mark.django_db
def test_autosave_to_a_submitted_attempt_is_a_409(learner_client, attempt):
    attempt_submit(attempt=attempt, answers={})
    first = questions(attempt)[0]
    body = {"token": attempt.token, "answers": {first.pk: [first.choices.first().pk]}}
    response = post(learner_client, attempt, body)
    assert response.status_code == 409
    assert response.json() == {"error": "This attempt was already submitted.", "closed": True}
    assert selected(attempt) == set()


@pytest.mark.django_db
def test_autosave_after_the_deadline_is_a_409(learner_client, attempt):
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - QuizAttempt.DEADLINE_GRACE - timedelta(seconds=1)
    )
    first = questions(attempt)[0]
    body = {"token": attempt.token, "answers": {first.pk: [first.choices.first().pk]}}
    response = post(learner_client, attempt, body)
    assert response.status_code == 409
    assert "The time is up" in response.json()["error"]
    assert selected(attempt) == set()


@pytest.mark.django_db
def test_autosave_within_the_grace_period_is_saved(learner_client, attempt):
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - QuizAttempt.DEADLINE_GRACE + timedelta(seconds=10)
    )
    first = questions(attempt)[0]
    body = {"token": attempt.token, "answers": {first.pk: [first.choices.first().pk]}}
    assert post(learner_client, attempt, body).status_code == 200
    assert len(selected(attempt)) == 1
