import uuid

import pytest
from django.urls import reverse

from courses.models import AttemptChoice, CourseCompletion, Lesson, Quiz, QuizAttempt
from courses.services import attempt_start
from tests.factories import make_course, make_user


def start_url(quiz):
    return reverse("courses:quiz-start", kwargs={"course": quiz.course.slug, "quiz": quiz.pk})


def answers_for(attempt, *, right=True):
    """POST data answering every question of ``attempt`` right (or wrong)."""
    data = {"action": "submit"}
    for question in attempt.questions.all():
        choice = next(c for c in question.choices.all() if c.is_correct == right)
        data[f"q{question.pk}"] = str(choice.pk)
    return data


@pytest.fixture
def quiz(course):
    return course.quizzes.order_by("module__order").first()


@pytest.mark.django_db
def test_quiz_start_creates_one_attempt_with_snapshot(learner_client, learner, quiz):
    response = learner_client.post(start_url(quiz))
    attempt = QuizAttempt.objects.get(user=learner, quiz=quiz)
    assert response["Location"] == attempt.get_absolute_url()
    assert attempt.questions.count() == 3
    assert AttemptChoice.objects.filter(attempt_question__attempt=attempt).count() == 9


@pytest.mark.django_db
def test_quiz_start_twice_resumes_the_open_attempt(learner_client, learner, quiz):
    learner_client.post(start_url(quiz))
    learner_client.post(start_url(quiz))
    assert QuizAttempt.objects.filter(user=learner, quiz=quiz).count() == 1


@pytest.mark.django_db
def test_attempt_page_does_not_reveal_correct_answers(learner_client, learner, quiz):
    attempt = attempt_start(user=learner, quiz=quiz)
    html = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert "Right 1" in html  # the choice text is shown…
    for marker in ("is_correct", "correct answer", "data-correct", "Because"):
        assert marker not in html  # …but nothing says which one is right


@pytest.mark.django_db
def test_submitting_right_answers_passes_and_shows_review(learner_client, learner, quiz):
    attempt = attempt_start(user=learner, quiz=quiz)
    response = learner_client.post(attempt.get_absolute_url(), answers_for(attempt), follow=True)
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.SUBMITTED
    assert attempt.score == 100
    assert attempt.passed
    html = response.content.decode()
    assert "Passed" in html
    assert "Because 1" in html  # explanations are shown after submission


@pytest.mark.django_db
def test_submitting_wrong_answers_fails(learner_client, learner, quiz):
    attempt = attempt_start(user=learner, quiz=quiz)
    learner_client.post(attempt.get_absolute_url(), answers_for(attempt, right=False))
    attempt.refresh_from_db()
    assert attempt.score == 0
    assert not attempt.passed


@pytest.mark.django_db
def test_missing_answer_is_a_form_error_and_saves_nothing(learner_client, learner, quiz):
    attempt = attempt_start(user=learner, quiz=quiz)
    data = answers_for(attempt)
    first_question = attempt.questions.order_by("order").first()
    del data[f"q{first_question.pk}"]
    response = learner_client.post(attempt.get_absolute_url(), data)
    assert response.status_code == 200
    assert "Please answer this question." in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.IN_PROGRESS
    assert not AttemptChoice.objects.filter(
        attempt_question__attempt=attempt, selected=True
    ).exists()


@pytest.mark.django_db
def test_choice_from_another_question_is_refused(learner_client, learner, quiz):
    attempt = attempt_start(user=learner, quiz=quiz)
    data = answers_for(attempt)
    questions = list(attempt.questions.order_by("order"))
    foreign = questions[1].choices.first()
    data[f"q{questions[0].pk}"] = str(foreign.pk)
    response = learner_client.post(attempt.get_absolute_url(), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.IN_PROGRESS
    assert not AttemptChoice.objects.filter(selected=True).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999999", ""])
def test_absurd_choice_values_are_form_errors(learner_client, learner, quiz, value):
    attempt = attempt_start(user=learner, quiz=quiz)
    data = answers_for(attempt)
    data[f"q{attempt.questions.first().pk}"] = value
    response = learner_client.post(attempt.get_absolute_url(), data)
    assert response.status_code == 200
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.IN_PROGRESS


@pytest.mark.django_db
def test_tampered_score_field_is_ignored(learner_client, learner, quiz):
    attempt = attempt_start(user=learner, quiz=quiz)
    data = answers_for(attempt, right=False)
    data.update({"score": "100", "passed": "true", "status": "submitted"})
    learner_client.post(attempt.get_absolute_url(), data)
    attempt.refresh_from_db()
    assert attempt.score == 0
    assert not attempt.passed


@pytest.mark.django_db
def test_double_submit_grades_once(learner_client, learner, quiz):
    attempt = attempt_start(user=learner, quiz=quiz)
    learner_client.post(attempt.get_absolute_url(), answers_for(attempt))
    response = learner_client.post(attempt.get_absolute_url(), answers_for(attempt, right=False))
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == 100
    assert QuizAttempt.objects.filter(user=learner, quiz=quiz).count() == 1


@pytest.mark.django_db
def test_someone_elses_attempt_is_404_to_read_and_submit(client, learner, quiz, organisation):
    attempt = attempt_start(user=learner, quiz=quiz)
    intruder = make_user("intruder", organisation=organisation)
    client.force_login(intruder)
    assert client.get(attempt.get_absolute_url()).status_code == 404
    assert client.post(attempt.get_absolute_url(), answers_for(attempt)).status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.IN_PROGRESS


@pytest.mark.django_db
def test_unknown_attempt_and_quiz_ids_are_404(learner_client, quiz):
    base = f"/courses/{quiz.course.slug}/quizzes/"
    assert learner_client.get(f"{base}{quiz.pk}/attempts/{uuid.uuid4()}/").status_code == 404
    assert learner_client.get(f"{base}999999/").status_code == 404
    assert learner_client.post(f"{base}999999/start/").status_code == 404
    assert learner_client.get(f"{base}{quiz.pk}/attempts/not-a-uuid/").status_code == 404


@pytest.mark.django_db
def test_attempt_limit_is_enforced(learner_client, learner, quiz):
    quiz.attempts_allowed = 1
    quiz.save()
    attempt = attempt_start(user=learner, quiz=quiz)
    learner_client.post(attempt.get_absolute_url(), answers_for(attempt, right=False))
    response = learner_client.post(start_url(quiz), follow=True)
    assert "You have used every attempt" in response.content.decode()
    assert QuizAttempt.objects.filter(user=learner, quiz=quiz).count() == 1


@pytest.mark.django_db
def test_save_keeps_answers_without_submitting(learner_client, learner, quiz):
    attempt = attempt_start(user=learner, quiz=quiz)
    data = answers_for(attempt)
    data["action"] = "save"
    first = attempt.questions.order_by("order").first()
    data = {"action": "save", f"q{first.pk}": data[f"q{first.pk}"]}
    learner_client.post(attempt.get_absolute_url(), data)
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.IN_PROGRESS
    html = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert "checked" in html


@pytest.mark.django_db
def test_course_completes_when_last_quiz_is_passed(learner_client, learner):
    course = make_course(modules=1, lessons=1)
    lesson = Lesson.objects.get(module__course=course)
    learner_client.post(
        reverse("courses:lesson-complete", kwargs={"course": course.slug, "lesson": lesson.pk})
    )
    assert not CourseCompletion.objects.filter(user=learner).exists()
    quiz = Quiz.objects.get(course=course)
    attempt = attempt_start(user=learner, quiz=quiz)
    learner_client.post(attempt.get_absolute_url(), answers_for(attempt))
    assert CourseCompletion.objects.filter(user=learner, course=course).count() == 1
