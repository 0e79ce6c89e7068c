"""Sequencing: in a course whose steps unlock in order, every URL of a locked step is refused
on the server (not only hidden), and the course page says what is locked and why."""

import pytest
from django.urls import reverse

from courses.models import Lesson, LessonCompletion, Quiz, QuizAttempt
from courses.services import attempt_start, attempt_submit, lesson_complete
from tests.factories import make_course, make_user


@pytest.fixture
def sequential(db):
    course = make_course(modules=2, lessons=2, questions=2, final_quiz=True)
    course.sequential = True
    course.save()
    return course


def lessons_of(course) -> list[Lesson]:
    return list(Lesson.objects.filter(module__course=course).order_by("module__order", "order"))


def lesson_url(course, lesson, name="courses:lesson"):
    return reverse(name, kwargs={"course": course.slug, "lesson": lesson.pk})


def quiz_url(course, quiz, name="courses:quiz"):
    return reverse(name, kwargs={"course": course.slug, "quiz": quiz.pk})


def pass_quiz(user, quiz):
    attempt = attempt_start(user=user, quiz=quiz)
    answers = {
        q.pk: {c.pk for c in q.choices.all() if c.is_correct} for q in attempt.questions.all()
    }
    attempt_submit(attempt=attempt, answers=answers)


@pytest.mark.django_db
def test_sequencing_locked_lesson_page_redirects_with_the_reason(learner_client, sequential):
    first, second = lessons_of(sequential)[:2]
    response = learner_client.get(lesson_url(sequential, second), follow=True)
    assert response.redirect_chain[-1][0] == sequential.get_absolute_url()
    html = response.content.decode()
    assert "is not open yet" in html
    assert f"Complete “{first.title}” first." in html
    assert response.context.get("lesson") is None  # the lesson itself was never rendered


@pytest.mark.django_db
def test_sequencing_locked_lesson_cannot_be_completed_by_post(learner_client, learner, sequential):
    second = lessons_of(sequential)[1]
    response = learner_client.post(lesson_url(sequential, second, "courses:lesson-complete"))
    assert response.status_code == 302
    assert response["Location"] == sequential.get_absolute_url()
    assert not LessonCompletion.objects.filter(user=learner).exists()


@pytest.mark.django_db
def test_sequencing_module_quiz_needs_its_lessons(learner_client, learner, sequential):
    lessons = lessons_of(sequential)
    quiz = Quiz.objects.get(course=sequential, module=lessons[0].module)
    lesson_complete(user=learner, lesson=lessons[0])
    page = learner_client.get(quiz_url(sequential, quiz), follow=True)
    assert "Complete every lesson of this module to open its quiz." in page.content.decode()
    start = learner_client.post(quiz_url(sequential, quiz, "courses:quiz-start"))
    assert start.status_code == 302
    assert start["Location"] == sequential.get_absolute_url()
    assert not QuizAttempt.objects.filter(user=learner).exists()

    lesson_complete(user=learner, lesson=lessons[1])
    assert learner_client.get(quiz_url(sequential, quiz)).status_code == 200
    start = learner_client.post(quiz_url(sequential, quiz, "courses:quiz-start"))
    assert QuizAttempt.objects.filter(user=learner, quiz=quiz).count() == 1
    assert "/attempts/" in start["Location"]


@pytest.mark.django_db
def test_sequencing_attempt_url_is_refused_while_the_quiz_is_locked(learner_client, learner):
    course = make_course(modules=1, lessons=1, questions=2)
    quiz = course.quizzes.get()
    attempt = attempt_start(user=learner, quiz=quiz)  # opened before sequencing was switched on
    course.sequential = True
    course.save()
    response = learner_client.get(attempt.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == course.get_absolute_url()
    response = learner_client.post(attempt.get_absolute_url(), {"action": "submit"})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert not attempt.is_submitted


@pytest.mark.django_db
def test_sequencing_next_module_opens_after_its_quiz_is_passed(learner_client, learner, sequential):
    lessons = lessons_of(sequential)
    for lesson in lessons[:2]:
        lesson_complete(user=learner, lesson=lesson)
    assert learner_client.get(lesson_url(sequential, lessons[2])).status_code == 302
    pass_quiz(learner, Quiz.objects.get(course=sequential, module=lessons[0].module))
    assert learner_client.get(lesson_url(sequential, lessons[2])).status_code == 200


@pytest.mark.django_db
def test_sequencing_course_page_shows_locks_and_reasons(learner_client, learner, sequential):
    lessons = lessons_of(sequential)
    lesson_complete(user=learner, lesson=lessons[0])
    response = learner_client.get(sequential.get_absolute_url())
    outline = response.context["outline"]
    locked = {step.title: step.locked_reason for step in outline.steps if step.locked}
    assert lessons[0].title not in locked and lessons[1].title not in locked
    assert locked[lessons[2].title] == f"Complete “{lessons[1].title}” first."
    assert "Quiz final" in locked
    html = response.content.decode()
    # a locked step is shown with its reason, without a link to it
    assert f"Complete “{lessons[1].title}” first." in html
    assert lesson_url(sequential, lessons[2]) not in html
    assert lesson_url(sequential, lessons[1]) in html
    assert outline.next_step.obj == lessons[1]


@pytest.mark.django_db
def test_sequencing_done_steps_stay_open(learner_client, learner, sequential):
    lessons = lessons_of(sequential)
    lesson_complete(user=learner, lesson=lessons[0])
    assert learner_client.get(lesson_url(sequential, lessons[0])).status_code == 200


@pytest.mark.django_db
def test_sequencing_off_leaves_every_step_open(learner_client, learner):
    course = make_course(modules=2, lessons=2)
    last = lessons_of(course)[-1]
    assert learner_client.get(lesson_url(course, last)).status_code == 200
    assert (
        learner_client.post(lesson_url(course, last, "courses:lesson-complete")).status_code == 302
    )
    assert LessonCompletion.objects.filter(user=learner, lesson=last).exists()
    quiz = course.quizzes.last()
    assert learner_client.get(quiz_url(course, quiz)).status_code == 200


@pytest.mark.django_db
def test_sequencing_trainer_previews_locked_steps(client, organisation, sequential):
    trainer = make_user("trainer", organisation=organisation, groups=("Trainers",), is_staff=True)
    client.force_login(trainer)
    last = lessons_of(sequential)[-1]
    response = client.get(lesson_url(sequential, last))
    assert response.status_code == 200
    assert (
        "Learners cannot open it yet" in client.get(sequential.get_absolute_url()).content.decode()
    )
