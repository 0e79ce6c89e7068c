"""A whole quiz on one admin page, and the checks that keep empty quizzes and courses from
going live: drafts by default, publish and "required" refused next to their field, all or
nothing."""

import re

import pytest
from django.urls import reverse

from courses.models import Choice, Course, Lesson, Module, Question, Quiz, Status
from tests.admin_forms import change_form_data
from tests.factories import make_course, make_question


def new_quiz_data(course, questions: list[list[tuple[str, bool]]], **fields) -> dict:
    """The "Add quiz" page as posted: settings, then each question with its choices."""
    data = {
        "course": course.pk,
        "module": "",
        "title": "Checking what we learnt",
        "introduction": "",
        "order": 1,
        "status": "published",
        "key": "",
        "pass_mark": 80,
        "draw_count": "",
        "review_policy": "after_each",
        "required": "on",
        "questions-TOTAL_FORMS": len(questions),
        "questions-INITIAL_FORMS": 0,
        "questions-MIN_NUM_FORMS": 0,
        "questions-MAX_NUM_FORMS": 1000,
    }
    for q, choices in enumerate(questions):
        prefix = f"questions-{q}"
        data |= {
            f"{prefix}-kind": "single",
            f"{prefix}-scoring": "all_or_nothing",
            f"{prefix}-text": f"Question {q + 1}?",
            f"{prefix}-feedback": "",
            f"{prefix}-key": "",
            f"{prefix}-order": q,
            f"{prefix}-choices-TOTAL_FORMS": len(choices),
            f"{prefix}-choices-INITIAL_FORMS": 0,
            f"{prefix}-choices-MIN_NUM_FORMS": 0,
            f"{prefix}-choices-MAX_NUM_FORMS": 1000,
        }
        for c, (text, correct) in enumerate(choices):
            data |= {
                f"{prefix}-choices-{c}-text": text,
                f"{prefix}-choices-{c}-explanation": "",
                f"{prefix}-choices-{c}-order": c,
            }
            if correct:
                data[f"{prefix}-choices-{c}-is_correct"] = "on"
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


FOUR = [("Right", True), ("Wrong 1", False), ("Wrong 2", False), ("Wrong 3", False)]


def field_errors(html: str, field: str) -> str:
    """The errors shown with ``field`` (in its form row, tied to it by aria-describedby)."""
    errors = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    assert not errors or re.search(rf'aria-describedby="[^"]*id_{field}_error', html)
    return re.sub(r"<[^>]+>", " ", errors.group(1)) if errors else ""


@pytest.mark.django_db
def test_a_five_question_quiz_with_its_choices_is_created_and_published_in_one_save(
    trainer_client, course
):
    response = trainer_client.post(
        reverse("admin:courses_quiz_add"), new_quiz_data(course, [FOUR] * 5)
    )
    quiz = Quiz.objects.get(title="Checking what we learnt")
    assert response.status_code == 302
    assert (quiz.status, quiz.required) == (Status.PUBLISHED, True)
    assert quiz.questions.count() == 5
    assert Choice.objects.filter(question__quiz=quiz).count() == 20
    assert Choice.objects.filter(question__quiz=quiz, is_correct=True).count() == 5


@pytest.mark.django_db
def test_one_bad_question_saves_nothing_and_its_error_is_next_to_it(trainer_client, course):
    before = (Quiz.objects.count(), Question.objects.count(), Choice.objects.count())
    no_right = [("A", False), ("B", False), ("C", False), ("D", False)]
    response = trainer_client.post(
        reverse("admin:courses_quiz_add"), new_quiz_data(course, [FOUR, FOUR, no_right, FOUR, FOUR])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert (Quiz.objects.count(), Question.objects.count(), Choice.objects.count()) == before
    group = html[html.index('id="questions-2-choices-group"') :]
    assert "needs exactly one correct choice" in group[: group.index('id="questions-3')]


@pytest.mark.django_db
def test_an_empty_quiz_cannot_be_published_or_required(trainer_client, course):
    response = trainer_client.post(reverse("admin:courses_quiz_add"), new_quiz_data(course, []))
    html = response.content.decode()
    assert "can be published once it has 1 valid question; it has 0" in field_errors(html, "status")
    assert "required for completion once it has 1 valid question" in field_errors(html, "required")
    assert not Quiz.objects.filter(title="Checking what we learnt").exists()

    draft = new_quiz_data(course, [], status="draft", required=None)
    assert trainer_client.post(reverse("admin:courses_quiz_add"), draft).status_code == 302


@pytest.mark.django_db
def test_a_quiz_drawing_more_than_its_valid_questions_is_refused(trainer_client, course):
    response = trainer_client.post(
        reverse("admin:courses_quiz_add"), new_quiz_data(course, [FOUR] * 3, draw_count=4)
    )
    html = response.content.decode()
    assert "draws 4 questions per attempt but its pool has only 3" in field_errors(
        html, "draw_count"
    )
    assert "can be published once it has 4 valid questions; it has 3" in field_errors(
        html, "status"
    )


@pytest.mark.django_db
def test_publishing_an_empty_quiz_from_its_module_page_is_refused(trainer_client, course):
    module = course.modules.first()
    quiz = module.quizzes.get()
    quiz.questions.all().delete()
    Quiz.objects.filter(pk=quiz.pk).update(status=Status.DRAFT, required=False)
    url = reverse("admin:courses_module_change", args=[module.pk])
    data = change_form_data(trainer_client.get(url))
    data["quizzes-0-status"] = "published"
    response = trainer_client.post(url, data)
    assert "can be published once it has 1 valid question" in response.content.decode()
    quiz.refresh_from_db()
    assert quiz.status == Status.DRAFT


@pytest.mark.django_db
def test_publishing_a_course_whose_required_quiz_is_empty_is_refused_naming_it(trainer_client):
    course = make_course(modules=2, status=Status.DRAFT)
    empty = course.quizzes.order_by("module__order").last()
    Quiz.objects.filter(pk=empty.pk).update(title="The empty one")
    empty.questions.all().delete()
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = change_form_data(trainer_client.get(url)) | {"status": "published"}

    html = trainer_client.post(url, data).content.decode()
    assert "its required quiz “The empty one” has 0 valid questions" in field_errors(html, "status")
    assert Course.objects.get(pk=course.pk).status == Status.DRAFT

    Quiz.objects.filter(pk=empty.pk).update(required=False)
    assert trainer_client.post(url, data).status_code == 302
    assert Course.objects.get(pk=course.pk).status == Status.PUBLISHED


@pytest.mark.django_db
def test_new_courses_modules_lessons_and_quizzes_start_as_drafts(trainer_client, course):
    for model in ("course", "module", "lesson", "quiz"):
        html = trainer_client.get(reverse(f"admin:courses_{model}_add")).content.decode()
        assert re.search(r'<option value="draft" selected>', html), model
    module = Module.objects.create(course=course, title="M")
    lesson = Lesson.objects.create(module=module, title="L", body="B")
    quiz = Quiz.objects.create(course=course, title="Q")
    assert {module.status, lesson.status, quiz.status} == {Status.DRAFT}


@pytest.mark.django_db
def test_saving_a_question_returns_to_its_quiz(trainer_client, course):
    question = Question.objects.filter(quiz__course=course).first()
    url = reverse("admin:courses_question_change", args=[question.pk])
    data = change_form_data(trainer_client.get(url)) | {"text": "Reworded?"}
    response = trainer_client.post(url, data)
    assert response["Location"] == reverse("admin:courses_quiz_change", args=[question.quiz_id])
    assert "Reworded?" in trainer_client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_the_quiz_page_queries_do_not_grow_with_its_questions(
    trainer_client, quiz, django_assert_num_queries
):
    url = reverse("admin:courses_quiz_change", args=[quiz.pk])
    trainer_client.get(url)  # the session and permissions are cached from here on
    with django_assert_num_queries(8):
        assert trainer_client.get(url).status_code == 200
    quiz.questions.update(key="")
    for _ in range(4):
        make_question(quiz, right=1, wrong=3)
    with django_assert_num_queries(8):
        assert "Question" in trainer_client.get(url).content.decode()
