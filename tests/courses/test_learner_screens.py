"""What a learner reads on "My training", the course page and a quiz result (issue 13, 18–20)."""

import pytest
from django.urls import reverse

from courses.models import Lesson, QuizAttempt
from courses.services import attempt_start, attempt_submit
from tests.factories import make_course, pass_course


def _answers(attempt, *, right: bool):
    answers = {}
    for question in attempt.questions.prefetch_related("choices"):
        choices = list(question.choices.all())
        answers[question.pk] = {
            next(c.pk for c in choices if c.is_correct == right),
        }
    return answers


@pytest.mark.django_db
def test_my_training_start_opens_the_first_step(learner_client, course):
    page = learner_client.get("/").content.decode()
    continue_url = reverse("courses:continue", kwargs={"course": course.slug})
    assert f'href="{continue_url}"' in page

    response = learner_client.get(continue_url)
    first = Lesson.objects.filter(module__course=course).order_by("module__order", "order")[0]
    assert response.status_code == 302
    assert response["Location"] == first.get_absolute_url()


@pytest.mark.django_db
def test_continue_opens_the_next_open_step(learner_client, learner, course):
    lessons = list(Lesson.objects.filter(module__course=course).order_by("module__order", "order"))
    learner_client.post(
        reverse("courses:lesson-complete", kwargs={"course": course.slug, "lesson": lessons[0].pk})
    )
    response = learner_client.get(reverse("courses:continue", kwargs={"course": course.slug}))
    assert response["Location"] == lessons[1].get_absolute_url()


@pytest.mark.django_db
def test_continue_of_a_completed_course_opens_the_course_page(learner_client, learner, course):
    pass_course(learner, course)
    response = learner_client.get(reverse("courses:continue", kwargs={"course": course.slug}))
    assert response["Location"] == course.get_absolute_url()


@pytest.mark.django_db
def test_continue_of_an_unknown_course_is_404(learner_client):
    assert learner_client.get("/courses/no-such-course/continue/").status_code == 404


@pytest.mark.django_db
def test_my_training_completed_course_shows_completed_not_due(learner_client, learner, course):
    from courses.models import Enrolment

    Enrolment.objects.update_or_create(
        user=learner, course=course, defaults={"assigned": True, "due_date": "2099-01-31"}
    )
    assert "Assigned · due" in learner_client.get("/").content.decode()

    pass_course(learner, course)
    page = learner_client.get("/").content.decode()
    assert "Assigned · due" not in page
    assert "Completed" in page
    assert "Review the course" in page


@pytest.mark.django_db
def test_failed_attempt_after_a_pass_does_not_say_not_passed(learner_client, learner, course):
    quiz = course.quizzes.order_by("module__order").first()
    passed = attempt_start(user=learner, quiz=quiz)
    attempt_submit(attempt=passed, answers=_answers(passed, right=True))
    failed = attempt_start(user=learner, quiz=quiz)
    attempt_submit(attempt=failed, answers=_answers(failed, right=False))
    assert QuizAttempt.objects.get(pk=failed.pk).passed is False

    page = learner_client.get(failed.get_absolute_url()).content.decode()
    assert "Not passed yet" not in page
    assert "you have already passed this quiz" in page


@pytest.mark.django_db
def test_first_failed_attempt_says_not_passed_and_marks_wrong_picks(learner_client, learner):
    course = make_course(modules=1)
    quiz = course.quizzes.get()
    attempt = attempt_start(user=learner, quiz=quiz)
    attempt_submit(attempt=attempt, answers=_answers(attempt, right=False))

    page = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert "Not passed yet" in page
    assert page.count("your answer, not correct") == quiz.questions.count()


@pytest.mark.django_db
def test_course_page_outline_comes_before_the_introduction(learner_client, course):
    course.description = "## Introduction\n\n" + "A long introduction. " * 200
    course.save()
    page = learner_client.get(course.get_absolute_url()).content.decode()
    assert page.index('id="course-contents"') < page.index("A long introduction.")


@pytest.mark.django_db
def test_outline_does_not_double_the_kind_prefix(client, organisation):
    from tests.factories import make_user

    course = make_course(language="fr", modules=1)
    course.quizzes.update(title="Quiz du module 1")
    Lesson.objects.filter(module__course=course).update(
        title="Activité : Mon profil", kind=Lesson.Kind.ACTIVITY
    )
    user = make_user("marie", organisation=organisation, language="fr")
    client.force_login(user)
    page = client.get(course.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Quiz du module 1" in page
    assert "Quiz\u202f: Quiz du module" not in page
    assert "Quiz: Quiz du module" not in page
    assert "Activité\u202f: Activité" not in page
    assert "Activité : Activité" not in page
