"""The next attempt drawn while the learner waits on the quiz page (courses/drawing.py): the
start takes it, as drawn, unless anything it was drawn from has changed; before the start it
is nobody's attempt — not counted, not listed, not reported."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import AttemptQuestion, Choice, QuizAttempt
from courses.services import attempt_start, attempt_submit
from tests.admin_forms import change_form_data
from tests.factories import attempt_post_data, make_manager, make_question, make_user

DRAWN = QuizAttempt.Status.DRAWN


def start_url(quiz) -> str:
    return reverse("courses:quiz-start", kwargs={"course": quiz.course.slug, "quiz": quiz.pk})


def drawn_row(user, quiz) -> QuizAttempt | None:
    return QuizAttempt.with_drawn.filter(user=user, quiz=quiz, status=DRAWN).first()


def snapshot(attempt) -> list[tuple]:
    """The attempt's questions and choices as the learner sees them, in order."""
    return [
        (q.question_id, q.text, [(c.choice_id, c.text) for c in q.choices.order_by("order")])
        for q in attempt.questions.order_by("order")
    ]


def start(client, quiz) -> QuizAttempt:
    """Start through the quiz page's button; the attempt page the learner lands on."""
    response = client.post(start_url(quiz))
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    return QuizAttempt.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[1])


@pytest.fixture
def quiz(course):
    quiz = course.quizzes.order_by("module__order").first()
    quiz.shuffle_questions = quiz.shuffle_choices = True
    quiz.save()
    return quiz


@pytest.mark.django_db
def test_the_start_takes_the_questions_drawn_on_the_quiz_page(learner_client, learner, quiz):
    learner_client.get(quiz.get_absolute_url())
    drawn = drawn_row(learner, quiz)
    assert drawn is not None
    drawn_snapshot = snapshot(drawn)
    learner_client.get(quiz.get_absolute_url())  # a reload draws nothing new
    assert drawn_row(learner, quiz).pk == drawn.pk
    before = timezone.now()
    attempt = start(learner_client, quiz)
    assert attempt.pk == drawn.pk
    assert (attempt.number, attempt.status) == (1, QuizAttempt.Status.IN_PROGRESS)
    assert attempt.started_at >= before
    assert snapshot(attempt) == drawn_snapshot
    assert QuizAttempt.with_drawn.filter(user=learner, quiz=quiz).count() == 1
    # The learner answers on that snapshot and is graded on it.
    response = learner_client.post(attempt.get_absolute_url(), attempt_post_data(attempt))
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.score == 100


@pytest.mark.django_db
def test_a_drawn_attempt_is_nobodys_attempt_yet(learner_client, learner, quiz):
    quiz.attempts_allowed = 1
    quiz.save()
    html = learner_client.get(quiz.get_absolute_url()).content.decode()
    assert drawn_row(learner, quiz) is not None
    html = learner_client.get(quiz.get_absolute_url()).content.decode()
    assert "1 attempt left." in html
    assert "Start the quiz" in html  # not "Resume your attempt" or "Try again"
    assert "Your attempts" not in html
    assert not QuizAttempt.objects.filter(user=learner).exists()
    assert not learner.quiz_attempts.exists() and not quiz.attempts.exists()
    # Managers' person report and the quiz statistics see no attempt either.
    client = Client()
    client.force_login(make_manager(whole_network=True))
    report = client.get(reverse("ambassadors:person-report", args=[learner.pk]))
    assert "No quiz attempt yet." in report.content.decode()
    # The one allowed attempt is still there to take, then it is used.
    attempt = start(learner_client, quiz)
    learner_client.post(attempt.get_absolute_url(), attempt_post_data(attempt, right=False))
    report = client.get(reverse("ambassadors:person-report", args=[learner.pk]))
    assert "No quiz attempt yet." not in report.content.decode()  # the attempt taken is listed
    response = learner_client.post(start_url(quiz), follow=True)
    assert "You have used every attempt this quiz allows." in response.content.decode()
    assert QuizAttempt.with_drawn.filter(user=learner, quiz=quiz).count() == 1


@pytest.mark.django_db
def test_each_learner_starts_their_own_draw(learner_client, learner, quiz, organisation):
    other = make_user(organisation=organisation)
    client = Client()
    client.force_login(other)
    learner_client.get(quiz.get_absolute_url())
    client.get(quiz.get_absolute_url())
    mine, theirs = drawn_row(learner, quiz), drawn_row(other, quiz)
    assert mine.pk != theirs.pk
    assert start(client, quiz).pk == theirs.pk
    assert start(learner_client, quiz).pk == mine.pk


def edit_question_text(quiz):
    question = quiz.questions.order_by("order").first()
    question.text = "Which channel reaches supporters best, after the edit?"
    question.save()


def edit_choice_text(quiz):
    choice = Choice.objects.filter(question__quiz=quiz).order_by("pk").first()
    choice.text = "A choice reworded after the draw"
    choice.save()


def add_a_question(quiz):
    make_question(quiz, text="A question added after the draw?")


def delete_a_question(quiz):
    quiz.questions.order_by("order").last().delete()


def draw_fewer(quiz):
    quiz.draw_count = 2
    quiz.save()


def stop_shuffling(quiz):
    quiz.shuffle_choices = False
    quiz.save()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        edit_question_text,
        edit_choice_text,
        add_a_question,
        delete_a_question,
        draw_fewer,
        stop_shuffling,
    ],
)
def test_a_change_to_the_pool_after_the_draw_is_in_the_attempt(
    learner_client, learner, quiz, change
):
    learner_client.get(quiz.get_absolute_url())
    drawn = drawn_row(learner, quiz)
    change(quiz)
    quiz.refresh_from_db()
    attempt = start(learner_client, quiz)
    assert attempt.pk != drawn.pk  # drawn afresh
    assert not QuizAttempt.with_drawn.filter(pk=drawn.pk).exists()
    assert not AttemptQuestion.objects.filter(attempt_id=drawn.pk).exists()
    pool = {q.pk: q for q in quiz.questions.prefetch_related("choices")}
    expected = min(len(pool), quiz.draw_count or len(pool))
    shown = snapshot(attempt)
    assert len(shown) == expected
    for question_id, text, choices in shown:
        assert text == pool[question_id].text
        assert sorted(choices) == sorted((c.pk, c.text) for c in pool[question_id].choices.all())
    if not quiz.shuffle_choices:
        for question_id, _text, choices in shown:
            in_order = pool[question_id].choices.order_by("order", "pk")
            assert [c for c, _t in choices] == [c.pk for c in in_order]


@pytest.mark.django_db
def test_a_choice_deleted_after_the_draw_is_not_shown(learner_client, learner, quiz):
    question = make_question(quiz, right=1, wrong=3)
    learner_client.get(quiz.get_absolute_url())
    wrong = question.choices.filter(is_correct=False).first()
    wrong.delete()
    attempt = start(learner_client, quiz)
    shown = {c for _q, _t, choices in snapshot(attempt) for c, _text in choices}
    assert wrong.pk not in shown
    assert set(question.choices.values_list("pk", flat=True)) <= shown


@pytest.mark.django_db
def test_a_choice_edited_in_the_quiz_admin_after_the_draw_is_in_the_attempt(
    learner_client, learner, quiz, trainer
):
    trainer_client = Client()
    trainer_client.force_login(trainer)
    learner_client.get(quiz.get_absolute_url())
    drawn = drawn_row(learner, quiz)
    url = reverse("admin:courses_quiz_change", args=[quiz.pk])
    data = change_form_data(trainer_client.get(url))
    field = next(k for k, v in data.items() if k.endswith("-text") and "-choices-" in k)
    data[field] = "Rewritten in the admin"
    assert trainer_client.post(url, data).status_code == 302
    assert Choice.objects.filter(text="Rewritten in the admin").exists()
    attempt = start(learner_client, quiz)
    assert attempt.pk != drawn.pk
    texts = {text for _q, _t, choices in snapshot(attempt) for _c, text in choices}
    assert "Rewritten in the admin" in texts


@pytest.mark.django_db
def test_the_quiz_rules_and_clock_are_those_of_the_start(learner_client, learner, quiz):
    learner_client.get(quiz.get_absolute_url())
    drawn = drawn_row(learner, quiz)
    # Drawn long ago; the trainer then sets a time limit and a higher pass mark.
    QuizAttempt.with_drawn.filter(pk=drawn.pk).update(
        started_at=timezone.now() - timedelta(hours=3)
    )
    type(quiz).objects.filter(pk=quiz.pk).update(time_limit_minutes=20, pass_mark=90)
    quiz.refresh_from_db()
    before = timezone.now()
    attempt = start(learner_client, quiz)
    assert attempt.pk == drawn.pk  # the settings are not what the questions were drawn from
    assert attempt.started_at >= before
    assert attempt.pass_mark == 90
    assert (
        before + timedelta(minutes=20) <= attempt.deadline <= timezone.now() + timedelta(minutes=20)
    )
    page = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert "Time left" in page


@pytest.mark.django_db
def test_a_retake_avoids_the_previous_questions_when_drawn_ahead(learner_client, learner, quiz):
    for _ in range(3):
        make_question(quiz)
    quiz.draw_count = 3  # six questions in the pool
    quiz.save()
    previous = None
    for _ in range(4):
        learner_client.get(quiz.get_absolute_url())
        drawn = drawn_row(learner, quiz)
        attempt = start(learner_client, quiz)
        assert attempt.pk == drawn.pk
        shown = {q for q, _t, _c in snapshot(attempt)}
        assert len(shown) == 3
        if previous is not None:
            assert shown.isdisjoint(previous)
        previous = shown
        learner_client.post(attempt.get_absolute_url(), attempt_post_data(attempt, right=False))


@pytest.mark.django_db
def test_a_start_without_the_page_draws_then(learner_client, learner, quiz):
    quiz.draw_count = 2
    quiz.save()
    learner_client.get(quiz.get_absolute_url())
    drawn = drawn_row(learner, quiz)
    first = attempt_start(user=learner, quiz=quiz)
    assert first.pk == drawn.pk
    attempt_submit(attempt=first, answers={})
    second = attempt_start(user=learner, quiz=quiz)  # no page seen in between: drawn now
    assert second.number == 2
    assert not QuizAttempt.with_drawn.filter(user=learner, status=DRAWN).exists()


@pytest.mark.django_db
def test_nothing_is_drawn_for_who_cannot_or_need_not_start(learner_client, learner, quiz, trainer):
    trainer_client = Client()
    trainer_client.force_login(trainer)
    # An attempt open already: the page offers to resume it.
    open_attempt = attempt_start(user=learner, quiz=quiz)
    learner_client.get(quiz.get_absolute_url())
    assert drawn_row(learner, quiz) is None
    # Passed: a retake is drawn at its start, as before.
    learner_client.post(open_attempt.get_absolute_url(), attempt_post_data(open_attempt))
    learner_client.get(quiz.get_absolute_url())
    assert drawn_row(learner, quiz) is None
    # A trainer previewing a draft quiz.
    quiz.status = "draft"
    quiz.save()
    assert trainer_client.get(quiz.get_absolute_url()).status_code == 200
    assert drawn_row(trainer, quiz) is None
    # A quiz without questions.
    other = quiz.course.quizzes.exclude(pk=quiz.pk).first()
    other.questions.all().delete()
    learner_client.get(other.get_absolute_url())
    assert drawn_row(learner, other) is None


@pytest.mark.django_db
def test_every_attempt_used_draws_nothing(learner_client, learner, quiz):
    quiz.attempts_allowed = 1
    quiz.save()
    attempt_submit(attempt=attempt_start(user=learner, quiz=quiz), answers={})
    html = learner_client.get(quiz.get_absolute_url()).content.decode()
    assert "You have used every attempt this quiz allows." in html
    assert drawn_row(learner, quiz) is None


@pytest.mark.django_db
def test_deleting_the_learner_or_the_quiz_deletes_their_drawn_attempts(
    learner_client, learner, quiz
):
    learner_client.get(quiz.get_absolute_url())
    drawn = drawn_row(learner, quiz)
    quiz.delete()
    assert not QuizAttempt.with_drawn.filter(pk=drawn.pk).exists()
    assert not AttemptQuestion.objects.filter(attempt_id=drawn.pk).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_tabs_opening_the_quiz_page_at_once_draw_once(learner, quiz):
    if connection.vendor != "postgresql":
        pytest.skip("parallel requests need PostgreSQL (SQLite runs one writer at a time)")
    barrier = threading.Barrier(4)
    statuses = []

    def view():
        client = Client()
        client.force_login(learner)
        barrier.wait()
        statuses.append(client.get(quiz.get_absolute_url()).status_code)
        connection.close()

    threads = [threading.Thread(target=view) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 4
    assert QuizAttempt.with_drawn.filter(user=learner, quiz=quiz).count() == 1
    drawn = drawn_row(learner, quiz)
    assert drawn.questions.count() == quiz.questions.count()


@pytest.mark.django_db
def test_a_drawn_attempt_replaced_meanwhile_is_not_started_twice(learner_client, learner, quiz):
    """The start read the drawn row, then it went (another tab's quiz page replaced it): the
    start draws afresh rather than failing, and leaves the replacement waiting."""
    from courses.drawing import take_drawn

    learner_client.get(quiz.get_absolute_url())
    seen = drawn_row(learner, quiz)
    QuizAttempt.with_drawn.filter(pk=seen.pk).delete()
    learner_client.get(quiz.get_absolute_url())  # the other tab draws anew
    replacement = drawn_row(learner, quiz)
    assert replacement.pool_stamp == seen.pool_stamp
    assert take_drawn(seen, quiz, 0) is None
    assert drawn_row(learner, quiz).pk == replacement.pk  # left waiting, untouched


@pytest.mark.django_db
def test_the_attempts_admin_lists_and_filters_attempts_only(learner_client, learner, quiz):
    admin_user = make_user(is_staff=True, is_superuser=True)
    admin_client = Client()
    admin_client.force_login(admin_user)
    learner_client.get(quiz.get_absolute_url())
    drawn = drawn_row(learner, quiz)
    url = reverse("admin:courses_quizattempt_changelist")
    html = admin_client.get(url).content.decode()
    assert "Drawn, not started" not in html and str(drawn.pk) not in html
    assert "In progress" in html  # the filter's choices
    assert admin_client.get(url, {"status": "drawn"}).status_code == 200
    assert admin_client.get(
        reverse("admin:courses_quizattempt_change", args=[drawn.pk])
    ).status_code in {302, 404}
    started = start(learner_client, quiz)
    html = admin_client.get(url, {"status": "in_progress"}).content.decode()
    assert str(started.pk) in html


@pytest.mark.django_db
def test_a_drawn_attempt_cannot_be_opened_answered_or_submitted(learner_client, learner, quiz):
    learner_client.get(quiz.get_absolute_url())
    drawn = drawn_row(learner, quiz)
    drawn.quiz = quiz
    page = drawn.get_absolute_url()
    assert learner_client.get(page).status_code == 404
    question = drawn.questions.prefetch_related("choices").first()
    choice = question.choices.first()
    autosave = learner_client.post(
        page + "answers/",
        {"token": drawn.token, "answers": {str(question.pk): [choice.pk]}},
        content_type="application/json",
    )
    assert autosave.status_code == 404
    submit = learner_client.post(page, {"token": drawn.token, f"q{question.pk}": choice.pk})
    assert submit.status_code == 404
    drawn.refresh_from_db()
    assert drawn.status == DRAWN
    assert not drawn.questions.filter(choices__selected=True).exists()
    assert drawn.submitted_at is None and drawn.score is None
