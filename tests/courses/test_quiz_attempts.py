"""Taking a quiz through the HTML form: start, save, submit, and every kind of bad input."""

import uuid

import pytest
from django.urls import reverse

from courses.models import AttemptChoice, CourseCompletion, Lesson, Quiz, QuizAttempt
from courses.services import attempt_start
from tests.factories import attempt_post_data, make_course, make_user


def start_url(quiz):
    return reverse("courses:quiz-start", kwargs={"course": quiz.course.slug, "quiz": quiz.pk})


def selected_count(attempt) -> int:
    return AttemptChoice.objects.filter(attempt_question__attempt=attempt, selected=True).count()


@pytest.fixture
def quiz(course):
    return course.quizzes.order_by("module__order").first()


@pytest.fixture
def attempt(learner, quiz):
    return attempt_start(user=learner, quiz=quiz)


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
def test_quiz_start_is_post_only(learner_client, learner, quiz):
    assert learner_client.get(start_url(quiz)).status_code == 405
    assert not QuizAttempt.objects.exists()


@pytest.mark.django_db
def test_quiz_start_without_questions_explains(learner_client, learner, quiz):
    quiz.questions.all().delete()
    response = learner_client.post(start_url(quiz), follow=True)
    assert "This quiz has no questions yet" in response.content.decode()
    assert not QuizAttempt.objects.exists()


@pytest.mark.django_db
def test_attempt_submit_right_answers_passes_and_shows_review(learner_client, attempt):
    response = learner_client.post(
        attempt.get_absolute_url(), attempt_post_data(attempt), follow=True
    )
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.SUBMITTED
    assert attempt.score == 100
    assert attempt.passed
    html = response.content.decode()
    assert "Passed" in html
    assert "Because 1" in html  # explanations are shown after submission
    assert "Feedback 1" in html


@pytest.mark.django_db
def test_attempt_submit_wrong_answers_fails(learner_client, attempt):
    learner_client.post(attempt.get_absolute_url(), attempt_post_data(attempt, right=False))
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.SUBMITTED
    assert attempt.score == 0
    assert not attempt.passed


@pytest.mark.django_db
def test_attempt_missing_answer_is_a_form_error_and_saves_nothing(learner_client, attempt):
    data = attempt_post_data(attempt)
    first_question = attempt.questions.order_by("order").first()
    del data[f"q{first_question.pk}"]
    response = learner_client.post(attempt.get_absolute_url(), data)
    assert response.status_code == 200
    assert "Please answer this question." in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.IN_PROGRESS
    assert selected_count(attempt) == 0


@pytest.mark.django_db
def test_attempt_choice_from_another_question_is_refused(learner_client, attempt):
    data = attempt_post_data(attempt)
    questions = list(attempt.questions.order_by("order"))
    foreign = questions[1].choices.first()
    data[f"q{questions[0].pk}"] = str(foreign.pk)
    response = learner_client.post(attempt.get_absolute_url(), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.IN_PROGRESS
    assert selected_count(attempt) == 0


@pytest.mark.django_db
def test_attempt_choice_from_another_quiz_is_refused(learner_client, learner, course, attempt):
    other_quiz = course.quizzes.exclude(pk=attempt.quiz_id).first()
    other_attempt = attempt_start(user=learner, quiz=other_quiz)
    foreign = other_attempt.questions.first().choices.first()
    data = attempt_post_data(attempt)
    data[f"q{attempt.questions.first().pk}"] = str(foreign.pk)
    response = learner_client.post(attempt.get_absolute_url(), data)
    assert "Select a valid choice" in response.content.decode()
    assert selected_count(attempt) == 0
    assert selected_count(other_attempt) == 0


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999999", "1.5", "", "0x10"])
def test_attempt_absurd_choice_values_are_form_errors(learner_client, attempt, value):
    data = attempt_post_data(attempt)
    data[f"q{attempt.questions.first().pk}"] = value
    response = learner_client.post(attempt.get_absolute_url(), data)
    assert response.status_code == 200
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.IN_PROGRESS
    assert selected_count(attempt) == 0


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["q999999999", "q99999999999999999999999999", "q0"])
def test_attempt_unknown_question_ids_are_refused(learner_client, attempt, field):
    data = attempt_post_data(attempt)
    data[field] = "1"
    response = learner_client.post(attempt.get_absolute_url(), data)
    assert response.status_code == 200
    assert "questions that are not in this attempt" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.IN_PROGRESS
    assert selected_count(attempt) == 0


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "forged", "x" * 5000])
@pytest.mark.parametrize("action", ["submit", "save"])
def test_attempt_tampered_token_is_refused(learner_client, attempt, token, action):
    data = attempt_post_data(attempt, action=action)
    data["token"] = token
    response = learner_client.post(attempt.get_absolute_url(), data)
    assert response.status_code == 200
    assert "This page is out of date or was altered" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.IN_PROGRESS
    assert selected_count(attempt) == 0


@pytest.mark.django_db
def test_attempt_missing_token_is_refused(learner_client, attempt):
    data = attempt_post_data(attempt)
    del data["token"]
    learner_client.post(attempt.get_absolute_url(), data)
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.IN_PROGRESS


@pytest.mark.django_db
def test_attempt_token_of_another_attempt_is_refused(learner_client, learner, course, attempt):
    other = attempt_start(user=learner, quiz=course.quizzes.exclude(pk=attempt.quiz_id).first())
    data = attempt_post_data(attempt)
    data["token"] = other.token
    learner_client.post(attempt.get_absolute_url(), data)
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.IN_PROGRESS


@pytest.mark.django_db
def test_attempt_tampered_score_field_is_ignored(learner_client, attempt):
    data = attempt_post_data(attempt, right=False)
    data.update({"score": "100", "passed": "true", "status": "submitted", "late": "false"})
    learner_client.post(attempt.get_absolute_url(), data)
    attempt.refresh_from_db()
    assert attempt.score == 0
    assert not attempt.passed


@pytest.mark.django_db
def test_attempt_unknown_action_is_404_and_saves_nothing(learner_client, attempt):
    data = attempt_post_data(attempt, action="grade-me-100")
    assert learner_client.post(attempt.get_absolute_url(), data).status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.IN_PROGRESS
    assert selected_count(attempt) == 0


@pytest.mark.django_db
def test_attempt_double_submit_grades_once(learner_client, learner, quiz, attempt):
    learner_client.post(attempt.get_absolute_url(), attempt_post_data(attempt))
    response = learner_client.post(
        attempt.get_absolute_url(), attempt_post_data(attempt, right=False), follow=True
    )
    assert "This attempt was already submitted." in response.content.decode()
    assert "Your score: 100%" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.score == 100
    assert QuizAttempt.objects.filter(user=learner, quiz=quiz).count() == 1


@pytest.mark.django_db
def test_attempt_closed_attempt_ignores_new_answers_and_saves(learner_client, attempt):
    learner_client.post(attempt.get_absolute_url(), attempt_post_data(attempt, right=False))
    before = list(
        AttemptChoice.objects.filter(attempt_question__attempt=attempt, selected=True).values_list(
            "pk", flat=True
        )
    )
    learner_client.post(attempt.get_absolute_url(), attempt_post_data(attempt, action="save"))
    after = list(
        AttemptChoice.objects.filter(attempt_question__attempt=attempt, selected=True).values_list(
            "pk", flat=True
        )
    )
    assert before == after
    attempt.refresh_from_db()
    assert attempt.score == 0


@pytest.mark.django_db
def test_attempt_someone_elses_is_404_to_read_save_and_submit(client, attempt, organisation):
    intruder = make_user("intruder", organisation=organisation)
    client.force_login(intruder)
    assert client.get(attempt.get_absolute_url()).status_code == 404
    assert client.post(attempt.get_absolute_url(), attempt_post_data(attempt)).status_code == 404
    save = attempt_post_data(attempt, action="save")
    assert client.post(attempt.get_absolute_url(), save).status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.IN_PROGRESS
    assert selected_count(attempt) == 0


@pytest.mark.django_db
def test_attempt_under_another_quiz_url_is_404(learner_client, course, attempt):
    other_quiz = course.quizzes.exclude(pk=attempt.quiz_id).first()
    url = reverse(
        "courses:attempt",
        kwargs={"course": course.slug, "quiz": other_quiz.pk, "attempt": attempt.pk},
    )
    assert learner_client.get(url).status_code == 404
    assert learner_client.post(url, attempt_post_data(attempt)).status_code == 404


@pytest.mark.django_db
def test_attempt_unknown_and_absurd_ids_are_404(learner_client, quiz):
    base = f"/courses/{quiz.course.slug}/quizzes/"
    assert learner_client.get(f"{base}{quiz.pk}/attempts/{uuid.uuid4()}/").status_code == 404
    assert learner_client.post(f"{base}{quiz.pk}/attempts/{uuid.uuid4()}/").status_code == 404
    assert learner_client.get(f"{base}999999/").status_code == 404
    assert learner_client.get(f"{base}99999999999999999999999/").status_code == 404
    assert learner_client.post(f"{base}999999/start/").status_code == 404
    assert learner_client.post(f"{base}99999999999999999999999/start/").status_code == 404
    assert learner_client.get(f"{base}{quiz.pk}/attempts/not-a-uuid/").status_code == 404
    assert learner_client.get(f"{base}-1/").status_code == 404
    assert not QuizAttempt.objects.exists()


@pytest.mark.django_db
def test_attempt_pages_need_login(client, attempt):
    response = client.get(attempt.get_absolute_url())
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    client.post(attempt.get_absolute_url(), attempt_post_data(attempt))
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.IN_PROGRESS


@pytest.mark.django_db
def test_attempt_save_keeps_answers_without_submitting(learner_client, attempt):
    first = attempt.questions.order_by("order").first()
    full = attempt_post_data(attempt)
    data = {"action": "save", "token": attempt.token, f"q{first.pk}": full[f"q{first.pk}"]}
    response = learner_client.post(attempt.get_absolute_url(), data, follow=True)
    assert "Your answers are saved." in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.IN_PROGRESS
    assert selected_count(attempt) == 1
    html = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert f'value="{full[f"q{first.pk}"][0]}" checked' in html


@pytest.mark.django_db
def test_attempt_save_can_clear_an_answer(learner_client, learner, course):
    quiz = course.quizzes.first()
    quiz.questions.update(kind="multiple")
    attempt = attempt_start(user=learner, quiz=quiz)
    learner_client.post(attempt.get_absolute_url(), attempt_post_data(attempt, action="save"))
    assert selected_count(attempt) == 3
    # Unticking every box of a multiple-answer question sends nothing for it: cleared.
    learner_client.post(attempt.get_absolute_url(), {"action": "save", "token": attempt.token})
    assert selected_count(attempt) == 0


@pytest.mark.django_db
def test_attempt_two_choices_for_a_single_choice_question_keep_one(learner_client, attempt):
    question = attempt.questions.order_by("order").first()
    a, b = list(question.choices.all())[:2]
    data = {"action": "save", "token": attempt.token, f"q{question.pk}": [str(a.pk), str(b.pk)]}
    learner_client.post(attempt.get_absolute_url(), data)
    assert selected_count(attempt) == 1


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
    learner_client.post(attempt.get_absolute_url(), attempt_post_data(attempt))
    assert CourseCompletion.objects.filter(user=learner, course=course).count() == 1
