"""Trainers in the admin: authoring checks, quiz statistics and the learner preview."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from courses.models import Enrolment, Question, Quiz, QuizAttempt
from courses.services import attempt_start, attempt_submit
from tests.factories import make_question, make_user

# Authoring checks ------------------------------------------------------------------------------


def question_data(quiz, kind: str, choices: list[tuple[str, bool]], **extra) -> dict:
    data = {
        "quiz": quiz.pk,
        "order": 9,
        "kind": kind,
        "scoring": "all_or_nothing",
        "text": "A new question?",
        "feedback": "",
        "key": "",
        "choices-TOTAL_FORMS": len(choices),
        "choices-INITIAL_FORMS": 0,
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
        **extra,
    }
    for index, (text, correct) in enumerate(choices):
        data[f"choices-{index}-order"] = index + 1
        data[f"choices-{index}-text"] = text
        data[f"choices-{index}-explanation"] = ""
        if correct:
            data[f"choices-{index}-is_correct"] = "on"
    return data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "choices", "message"),
    [
        ("single", [("A", True), ("B", True), ("C", False)], "exactly one correct choice"),
        ("single", [("A", False), ("B", False)], "exactly one correct choice"),
        ("true_false", [("True", True), ("False", True)], "exactly one correct choice"),
        ("true_false", [("True", True), ("False", False), ("Maybe", False)], "exactly two"),
        ("multiple", [("A", False), ("B", False), ("C", False)], "at least one correct"),
        ("single", [("A", True)], "at least two choices"),
    ],
)
def test_question_admin_refuses_inconsistent_choices(trainer_client, quiz, kind, choices, message):
    before = Question.objects.count()
    response = trainer_client.post(
        reverse("admin:courses_question_add"), question_data(quiz, kind, choices)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Question.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "choices"),
    [
        ("single", [("A", True), ("B", False), ("C", False)]),
        ("true_false", [("True", False), ("False", True)]),
        ("multiple", [("A", True), ("B", True), ("C", False), ("D", False)]),
        ("multiple", [("A", True), ("B", False)]),
    ],
)
def test_question_admin_accepts_consistent_choices(trainer_client, quiz, kind, choices):
    response = trainer_client.post(
        reverse("admin:courses_question_add"), question_data(quiz, kind, choices)
    )
    assert response.status_code == 302
    question = Question.objects.get(text="A new question?")
    assert question.kind == kind
    assert question.choices.count() == len(choices)


@pytest.mark.django_db
def test_question_admin_changing_the_kind_rechecks_the_choices(trainer_client, quiz):
    question = make_question(quiz, kind=Question.Kind.MULTIPLE, right=2, wrong=1)
    choices = list(question.choices.order_by("order"))
    data = question_data(quiz, "single", [(c.text, c.is_correct) for c in choices])
    data["choices-INITIAL_FORMS"] = len(choices)
    for index, choice in enumerate(choices):
        data[f"choices-{index}-id"] = choice.pk
        data[f"choices-{index}-question"] = question.pk
    url = reverse("admin:courses_question_change", args=[question.pk])
    response = trainer_client.post(url, data)
    assert "exactly one correct choice" in response.content.decode()
    question.refresh_from_db()
    assert question.kind == Question.Kind.MULTIPLE


@pytest.mark.django_db
def test_question_admin_add_another_keeps_the_quiz(trainer_client, quiz):
    data = question_data(quiz, "single", [("A", True), ("B", False)], _addanother="1")
    response = trainer_client.post(reverse("admin:courses_question_add"), data)
    assert response["Location"] == f"{reverse('admin:courses_question_add')}?quiz={quiz.pk}"
    page = trainer_client.get(response["Location"]).content.decode()
    assert f'<option value="{quiz.pk}" selected>' in page
    assert page.count('name="choices-') >= 4 * 4  # four empty choices to fill in


def choices_data(prefix: str, question, new: list[tuple[str, bool]] = ()) -> dict:
    """A question's choices as the quiz page posts them (nested under the question's row):
    its saved choices unchanged, or ``new`` ones (text, correct) for a new question."""
    saved = list(question.choices.order_by("order")) if question and question.pk else []
    rows = [(c.text, c.is_correct, c) for c in saved] or [(t, ok, None) for t, ok in new]
    data = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": len(saved),
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for index, (text, correct, choice) in enumerate(rows):
        data |= {
            f"{prefix}-{index}-text": text,
            f"{prefix}-{index}-order": index + 1,
            f"{prefix}-{index}-explanation": "",
            f"{prefix}-{index}-is_correct": "on" if correct else False,
        }
        if choice is not None:
            data |= {f"{prefix}-{index}-id": choice.pk, f"{prefix}-{index}-question": question.pk}
    return data


def quiz_data(quiz, **changes) -> dict:
    """The quiz change form as posted, questions inline unchanged."""
    questions = list(quiz.questions.order_by("order", "pk"))
    data = {
        "course": quiz.course_id,
        "module": quiz.module_id or "",
        "title": quiz.title,
        "introduction": quiz.introduction,
        "order": quiz.order,
        "status": quiz.status,
        "key": quiz.key,
        "pass_mark": quiz.pass_mark,
        "attempts_allowed": quiz.attempts_allowed or "",
        "time_limit_minutes": quiz.time_limit_minutes or "",
        "draw_count": quiz.draw_count or "",
        "review_policy": quiz.review_policy,
        "required": "on" if quiz.required else "",
        "questions-TOTAL_FORMS": len(questions),
        "questions-INITIAL_FORMS": len(questions),
        "questions-MIN_NUM_FORMS": 0,
        "questions-MAX_NUM_FORMS": 1000,
    }
    for index, question in enumerate(questions):
        data |= {
            f"questions-{index}-id": question.pk,
            f"questions-{index}-quiz": quiz.pk,
            f"questions-{index}-order": question.order,
            f"questions-{index}-scoring": question.scoring,
            f"questions-{index}-text": question.text,
            f"questions-{index}-feedback": question.feedback,
            f"questions-{index}-key": question.key,
            f"questions-{index}-kind": question.kind,
        }
        data |= choices_data(f"questions-{index}-choices", question)
    data.update(changes)
    return {key: value for key, value in data.items() if value is not False}


@pytest.mark.django_db
def test_quiz_admin_refuses_drawing_more_than_the_pool(trainer_client, quiz):
    url = reverse("admin:courses_quiz_change", args=[quiz.pk])
    response = trainer_client.post(url, quiz_data(quiz, draw_count=4))
    assert response.status_code == 200
    assert "draws 4 questions per attempt but its pool has only 3" in response.content.decode()
    quiz.refresh_from_db()
    assert quiz.draw_count is None
    response = trainer_client.post(url, quiz_data(quiz, draw_count=3))
    assert response.status_code == 302
    quiz.refresh_from_db()
    assert quiz.draw_count == 3


@pytest.mark.django_db
def test_quiz_admin_refuses_deleting_questions_below_the_draw(trainer_client, quiz):
    Quiz.objects.filter(pk=quiz.pk).update(draw_count=3)
    quiz.refresh_from_db()
    url = reverse("admin:courses_quiz_change", args=[quiz.pk])
    response = trainer_client.post(url, quiz_data(quiz, **{"questions-0-DELETE": "on"}))
    assert "draws 3 questions per attempt but its pool has only 2" in response.content.decode()
    assert quiz.questions.count() == 3
    response = trainer_client.post(
        url, quiz_data(quiz, draw_count=2, **{"questions-0-DELETE": "on"})
    )
    assert response.status_code == 302
    assert quiz.questions.count() == 2


@pytest.mark.django_db
def test_quiz_admin_new_quiz_cannot_draw_from_an_empty_pool(trainer_client, course):
    data = {
        "course": course.pk,
        "title": "New quiz",
        "order": 1,
        "status": "draft",
        "pass_mark": 80,
        "draw_count": 2,
        "review_policy": "after_each",
        "questions-TOTAL_FORMS": 0,
        "questions-INITIAL_FORMS": 0,
        "questions-MIN_NUM_FORMS": 0,
        "questions-MAX_NUM_FORMS": 1000,
    }
    response = trainer_client.post(reverse("admin:courses_quiz_add"), data)
    assert "pool has only 0" in response.content.decode()
    data["draw_count"] = ""
    assert trainer_client.post(reverse("admin:courses_quiz_add"), data).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("pass_mark", 0), ("pass_mark", 101), ("attempts_allowed", 0), ("time_limit_minutes", 0)],
)
def test_quiz_admin_refuses_absurd_settings(trainer_client, quiz, field, value):
    url = reverse("admin:courses_quiz_change", args=[quiz.pk])
    response = trainer_client.post(url, quiz_data(quiz, **{field: value}))
    assert response.status_code == 200
    assert "errornote" in response.content.decode()


@pytest.mark.django_db
def test_quiz_admin_change_page_links_statistics_preview_import_and_export(trainer_client, quiz):
    html = trainer_client.get(reverse("admin:courses_quiz_change", args=[quiz.pk])).content.decode()
    assert reverse("admin:courses_quiz_statistics", args=[quiz.pk]) in html
    assert reverse("admin:courses_quiz_preview", args=[quiz.pk]) in html
    assert reverse("admin:courses_quiz_import", args=[quiz.pk]) in html
    assert reverse("admin:courses_quiz_export_gift", args=[quiz.pk]) in html


@pytest.mark.django_db
def test_quiz_admin_adds_a_question_with_its_choices_on_the_quiz_page(trainer_client, quiz):
    url = reverse("admin:courses_quiz_change", args=[quiz.pk])
    data = quiz_data(quiz)
    new_row = {
        "questions-TOTAL_FORMS": 4,
        "questions-3-quiz": quiz.pk,
        "questions-3-order": 4,
        "questions-3-kind": "single",
        "questions-3-scoring": "all_or_nothing",
        "questions-3-text": "A new question?",
        "questions-3-feedback": "",
        "questions-3-key": "",
    }
    without_choices = data | new_row | choices_data("questions-3-choices", None)
    response = trainer_client.post(url, without_choices)
    assert response.status_code == 200
    assert "A question needs at least two choices." in response.content.decode()
    assert not Question.objects.filter(text="A new question?").exists()

    with_choices = (
        data | new_row | choices_data("questions-3-choices", None, [("Yes", True), ("No", False)])
    )
    assert trainer_client.post(url, with_choices).status_code == 302
    question = Question.objects.get(text="A new question?")
    assert [(c.text, c.is_correct) for c in question.choices.order_by("order")] == [
        ("Yes", True),
        ("No", False),
    ]


# Statistics ----------------------------------------------------------------------------------


def take(user, quiz, picks: dict[int, list[str]]) -> QuizAttempt:
    """Submit an attempt picking, per question position, the choices with these texts."""
    attempt = attempt_start(user=user, quiz=quiz)
    answers = {}
    for question in attempt.questions.order_by("order").prefetch_related("choices"):
        wanted = picks.get(question.order, [])
        answers[question.pk] = {c.pk for c in question.choices.all() if c.text in wanted}
    return attempt_submit(attempt=attempt, answers=answers)


def stat(html: str, name: str, scope: str = "") -> str:
    match = re.search(rf'{scope}.*?data-stat="{name}">([^<]*)<', html, re.S)
    return match.group(1).strip()


@pytest.mark.django_db
def test_quiz_statistics_counts_attempts_pass_rate_average_and_picks(
    trainer_client, quiz, organisation
):
    ana, ben, cy = (make_user(organisation=organisation) for _ in range(3))
    take(ana, quiz, {1: ["Right 1"], 2: ["Right 2"], 3: ["Right 3"]})  # 100, passed
    take(ben, quiz, {1: ["Right 1"], 2: ["Wrong 2.2"], 3: ["Wrong 3.2"]})  # 33.33
    take(ben, quiz, {1: ["Right 1"], 2: ["Right 2"], 3: ["Wrong 3.3"]})  # 66.67
    take(cy, quiz, {1: ["Wrong 1.2"], 2: ["Right 2"], 3: ["Wrong 3.2"]})  # 33.33
    attempt_start(user=cy, quiz=quiz)  # in progress: not counted
    html = trainer_client.get(
        reverse("admin:courses_quiz_statistics", args=[quiz.pk])
    ).content.decode()
    assert stat(html, "attempts") == "4"
    assert stat(html, "learners") == "3"
    assert stat(html, "pass-rate") == "25%"
    assert stat(html, "average-score") == "58%"
    questions = {q.order: q for q in quiz.questions.all()}
    q1 = f'data-question="{questions[1].pk}"'
    q3 = f'data-question="{questions[3].pk}"'
    assert stat(html, "shown", q1) == "4"
    assert stat(html, "correct", q1) == "75% (3)"
    assert stat(html, "correct", q3) == "25% (1)"
    wrong_3_2 = questions[3].choices.get(text="Wrong 3.2").pk
    assert stat(html, "picked", f'data-choice="{wrong_3_2}"') == "50% (2)"
    # Weakest first, and flagged.
    assert html.index(q3) < html.index(q1)
    sections = {q: html.split(q)[1].split("data-question=")[0] for q in (q1, q3)}
    assert "Weak question" in sections[q3]
    assert "Weak question" not in sections[q1]


@pytest.mark.django_db
def test_quiz_statistics_without_attempts(trainer_client, quiz):
    html = trainer_client.get(
        reverse("admin:courses_quiz_statistics", args=[quiz.pk])
    ).content.decode()
    assert stat(html, "attempts") == "0"
    assert stat(html, "pass-rate") == "—"
    assert "Weak question" not in html


@pytest.mark.django_db
def test_quiz_statistics_keep_history_through_edits(trainer_client, quiz, organisation):
    learner = make_user(organisation=organisation)
    take(learner, quiz, {1: ["Right 1"]})
    question = quiz.questions.get(order=1)
    question.text = "Reworded?"
    question.save()
    quiz.questions.get(order=2).delete()
    html = trainer_client.get(
        reverse("admin:courses_quiz_statistics", args=[quiz.pk])
    ).content.decode()
    assert "Reworded?" in html
    assert stat(html, "correct", f'data-question="{question.pk}"') == "100% (1)"
    assert stat(html, "attempts") == "1"


@pytest.mark.django_db
def test_quiz_statistics_need_the_view_attempts_permission(client, quiz, organisation):
    author = make_user("author", is_staff=True)
    author.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_quiz", "change_quiz"])
    )
    client.force_login(author)
    url = reverse("admin:courses_quiz_statistics", args=[quiz.pk])
    assert client.get(url).status_code == 403
    change = client.get(reverse("admin:courses_quiz_change", args=[quiz.pk])).content.decode()
    assert url not in change
    client.force_login(make_user("learner2", organisation=organisation))
    assert client.get(url).status_code == 302  # to the admin login


@pytest.mark.django_db
@pytest.mark.parametrize("quiz_id", ["999999", "99999999999999999999999", "abc", "-1"])
def test_quiz_statistics_and_preview_unknown_quiz_is_404(trainer_client, quiz_id):
    assert trainer_client.get(f"/admin/courses/quiz/{quiz_id}/statistics/").status_code == 404
    assert trainer_client.get(f"/admin/courses/quiz/{quiz_id}/preview/").status_code == 404


# Preview -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_quiz_preview_shows_the_quiz_and_records_nothing(trainer_client, trainer, quiz):
    url = reverse("admin:courses_quiz_preview", args=[quiz.pk])
    html = trainer_client.get(url).content.decode()
    assert "Nothing is recorded" in html
    assert html.count("<fieldset") == 3
    assert "Right 1" in html
    questions = list(quiz.questions.order_by("order").prefetch_related("choices"))
    data = {"shown": [q.pk for q in questions]}
    for question in questions:
        right = next(c for c in question.choices.all() if c.is_correct)
        data[f"q{question.pk}"] = str(right.pk)
    data[f"q{questions[2].pk}"] = str(questions[2].choices.get(text="Wrong 3.2").pk)
    response = trainer_client.post(url, data)
    html = response.content.decode()
    assert "Your score: 67%" in html
    assert "This would not pass" in html
    assert "✓ correct answer" in html and "Because 1" in html
    assert not QuizAttempt.objects.exists()
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_quiz_preview_follows_the_draw(trainer_client, quiz):
    quiz.draw_count = 2
    quiz.save()
    html = trainer_client.get(reverse("admin:courses_quiz_preview", args=[quiz.pk])).content
    assert html.decode().count("<fieldset") == 2


@pytest.mark.django_db
def test_quiz_preview_bad_input_never_fails(trainer_client, quiz, course):
    url = reverse("admin:courses_quiz_preview", args=[quiz.pk])
    other = course.quizzes.exclude(pk=quiz.pk).first().questions.first()
    response = trainer_client.post(url, {"shown": ["abc", str(other.pk), "9" * 30]}, follow=True)
    assert response.status_code == 200
    assert "The preview was out of date" in response.content.decode()
    first = quiz.questions.first()
    response = trainer_client.post(url, {"shown": [first.pk], f"q{first.pk}": "999999"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not QuizAttempt.objects.exists()


@pytest.mark.django_db
def test_quiz_preview_of_an_empty_quiz(trainer_client, quiz):
    quiz.questions.all().delete()
    html = trainer_client.get(reverse("admin:courses_quiz_preview", args=[quiz.pk])).content
    assert "This quiz has no questions yet." in html.decode()
    assert "Check my answers" not in html.decode()


@pytest.mark.django_db
def test_quiz_preview_is_for_staff_only(learner_client, quiz):
    response = learner_client.get(reverse("admin:courses_quiz_preview", args=[quiz.pk]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_quiz_statistics_say_which_choices_were_correct_when_the_attempts_were_graded(
    trainer_client, quiz, organisation
):
    """The "Correct" column came from today's answer key: after a trainer moved the right
    answer, the old attempts' picks looked wrong and their grades made no sense."""
    ana, ben = make_user(organisation=organisation), make_user(organisation=organisation)
    take(ana, quiz, {1: ["Right 1"]})
    question = quiz.questions.get(order=1)
    old_right = question.choices.get(text="Right 1")
    new_right = question.choices.get(text="Wrong 1.2")
    old_right.is_correct, new_right.is_correct = False, True
    old_right.save()
    new_right.save()
    html = trainer_client.get(
        reverse("admin:courses_quiz_statistics", args=[quiz.pk])
    ).content.decode()
    assert stat(html, "was-correct", f'data-choice="{old_right.pk}"') == "yes"
    assert stat(html, "was-correct", f'data-choice="{new_right.pk}"') == "no"
    take(ben, quiz, {1: ["Wrong 1.2"]})
    html = trainer_client.get(
        reverse("admin:courses_quiz_statistics", args=[quiz.pk])
    ).content.decode()
    assert stat(html, "was-correct", f'data-choice="{old_right.pk}"') == "yes in 1 of 2 attempts"
    assert stat(html, "was-correct", f'data-choice="{new_right.pk}"') == "yes in 1 of 2 attempts"
