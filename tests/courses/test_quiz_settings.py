"""Every quiz setting, as a learner notices it."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.family import with_family_progress
from courses.models import AttemptChoice, CourseCompletion, Lesson, Question, Quiz, QuizAttempt
from courses.services import AttemptLimitReached, attempt_start, attempt_submit, lesson_complete
from tests.factories import attempt_post_data, make_course, make_question, make_user


@pytest.fixture
def bare_quiz(course):
    """A quiz with no questions yet, in the first module of ``course``."""
    quiz = course.quizzes.order_by("module__order").first()
    quiz.questions.all().delete()
    return quiz


def pool_ids(quiz) -> list[int]:
    return list(quiz.questions.order_by("order", "pk").values_list("pk", flat=True))


def drawn_ids(attempt) -> list[int]:
    return list(attempt.questions.order_by("order").values_list("question_id", flat=True))


def shown_choice_ids(attempt) -> list[list[int]]:
    return [
        list(question.choices.order_by("order").values_list("choice_id", flat=True))
        for question in attempt.questions.order_by("order")
    ]


def answer(attempt, *, right: set[int]) -> dict[int, set[int]]:
    """Service answers: questions at the positions in ``right`` answered right, others wrong."""
    result = {}
    for question in attempt.questions.order_by("order").prefetch_related("choices"):
        choices = list(question.choices.all())
        correct = question.order in right
        result[question.pk] = {c.pk for c in choices if c.is_correct == correct}
        if not correct:
            result[question.pk] = {next(c.pk for c in choices if not c.is_correct)}
    return result


def submit(attempt, *, right: set[int]) -> QuizAttempt:
    return attempt_submit(attempt=attempt, answers=answer(attempt, right=right))


# Pass mark -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("pass_mark", "passed"), [(75, True), (76, False)])
def test_pass_mark_is_inclusive(learner, bare_quiz, pass_mark, passed):
    for _ in range(4):
        make_question(bare_quiz)
    bare_quiz.pass_mark = pass_mark
    bare_quiz.save()
    attempt = submit(attempt_start(user=learner, quiz=bare_quiz), right={1, 2, 3})
    assert attempt.score == 75
    assert attempt.passed is passed


@pytest.mark.django_db
def test_pass_mark_is_kept_from_when_the_attempt_started(learner, bare_quiz):
    for _ in range(4):
        make_question(bare_quiz)
    bare_quiz.pass_mark = 75
    bare_quiz.save()
    attempt = attempt_start(user=learner, quiz=bare_quiz)
    Quiz.objects.filter(pk=bare_quiz.pk).update(pass_mark=100)
    assert submit(attempt, right={1, 2, 3}).passed


# Attempts allowed and best score ---------------------------------------------------------------


@pytest.mark.django_db
def test_attempts_unlimited_when_empty(learner, course):
    quiz = course.quizzes.first()
    assert quiz.attempts_allowed is None
    for _ in range(6):
        submit(attempt_start(user=learner, quiz=quiz), right=set())
    assert QuizAttempt.objects.filter(user=learner, quiz=quiz).count() == 6


@pytest.mark.django_db
def test_attempts_allowed_limits_and_counts_down(learner_client, learner, course):
    quiz = course.quizzes.first()
    quiz.attempts_allowed = 2
    quiz.save()
    html = learner_client.get(quiz.get_absolute_url()).content.decode()
    assert "2 attempts allowed" in html
    assert "2 attempts left." in html
    submit(attempt_start(user=learner, quiz=quiz), right=set())
    assert "1 attempt left." in learner_client.get(quiz.get_absolute_url()).content.decode()
    submit(attempt_start(user=learner, quiz=quiz), right=set())
    html = learner_client.get(quiz.get_absolute_url()).content.decode()
    assert "You have used every attempt this quiz allows." in html
    assert "Try again" not in html
    with pytest.raises(AttemptLimitReached):
        attempt_start(user=learner, quiz=quiz)
    response = learner_client.post(
        reverse("courses:quiz-start", kwargs={"course": course.slug, "quiz": quiz.pk}),
        follow=True,
    )
    assert "You have used every attempt this quiz allows." in response.content.decode()
    assert QuizAttempt.objects.filter(user=learner, quiz=quiz).count() == 2


@pytest.mark.django_db
def test_attempts_limit_is_per_learner(learner, organisation, course):
    quiz = course.quizzes.first()
    quiz.attempts_allowed = 1
    quiz.save()
    submit(attempt_start(user=learner, quiz=quiz), right=set())
    other = make_user(organisation=organisation)
    assert attempt_start(user=other, quiz=quiz).number == 1


@pytest.mark.django_db
def test_best_score_counts_and_past_attempts_are_listed(learner_client, learner, course):
    quiz = course.quizzes.first()
    submit(attempt_start(user=learner, quiz=quiz), right={1})  # 33%
    submit(attempt_start(user=learner, quiz=quiz), right={1, 2, 3})  # 100%
    submit(attempt_start(user=learner, quiz=quiz), right=set())  # 0%, last
    html = learner_client.get(quiz.get_absolute_url()).content.decode()
    assert "You passed this quiz. Best score: 100%." in html
    rows = re.findall(r"<tr>\s*<td><a href=\"[^\"]+\">(\d)</a></td>.*?</tr>", html, re.S)
    assert sorted(rows) == ["1", "2", "3"]
    for score in ("33%", "100%", "0%"):
        assert f"<td>{score}</td>" in html
    progress = with_family_progress(course.__class__.objects.all(), learner).get(pk=course.pk)
    assert progress.quizzes_passed == 1  # the later 0% does not undo the pass


@pytest.mark.django_db
def test_best_score_shown_before_any_pass(learner_client, learner, course):
    quiz = course.quizzes.first()
    submit(attempt_start(user=learner, quiz=quiz), right={1, 2})  # 67%
    submit(attempt_start(user=learner, quiz=quiz), right={1})  # 33%
    html = learner_client.get(quiz.get_absolute_url()).content.decode()
    assert "Best score so far: 67%." in html


# Time limit and the late policy ----------------------------------------------------------------


@pytest.fixture
def timed_quiz(course):
    quiz = course.quizzes.first()
    quiz.time_limit_minutes = 10
    quiz.save()
    return quiz


def expire(attempt, *, seconds_ago: int) -> None:
    attempt.deadline = timezone.now() - timedelta(seconds=seconds_ago)
    QuizAttempt.objects.filter(pk=attempt.pk).update(deadline=attempt.deadline)


@pytest.mark.django_db
def test_time_limit_sets_a_server_deadline_and_shows_a_countdown(
    learner_client, learner, timed_quiz
):
    attempt = attempt_start(user=learner, quiz=timed_quiz)
    assert attempt.deadline - attempt.started_at == timedelta(minutes=10)
    html = learner_client.get(attempt.get_absolute_url()).content.decode()
    seconds = int(re.search(r'data-seconds-left="(\d+)"', html).group(1))
    assert 595 <= seconds <= 600
    assert 'role="timer"' in html
    assert re.search(r"data-timer-output>(9:5\d|10:00)<", html)
    assert "js/quiz" in html


@pytest.mark.django_db
def test_no_time_limit_no_countdown(learner_client, learner, course):
    attempt = attempt_start(user=learner, quiz=course.quizzes.first())
    assert attempt.deadline is None
    assert (
        "data-seconds-left" not in learner_client.get(attempt.get_absolute_url()).content.decode()
    )


@pytest.mark.django_db
def test_late_submission_within_grace_counts_answers_and_may_be_incomplete(
    learner_client, learner, timed_quiz
):
    attempt = attempt_start(user=learner, quiz=timed_quiz)
    expire(attempt, seconds_ago=5)  # the countdown's automatic submission, a little delayed
    data = attempt_post_data(attempt)
    del data[f"q{attempt.questions.order_by('order').last().pk}"]
    learner_client.post(attempt.get_absolute_url(), data)
    attempt.refresh_from_db()
    assert attempt.is_submitted
    assert not attempt.late
    assert attempt.score == Decimal("66.67")


@pytest.mark.django_db
def test_timeout_flag_allows_an_incomplete_submission(learner_client, learner, timed_quiz):
    attempt = attempt_start(user=learner, quiz=timed_quiz)
    data = {"action": "submit", "token": attempt.token, "timeout": "1"}
    learner_client.post(attempt.get_absolute_url(), data)
    attempt.refresh_from_db()
    assert attempt.is_submitted
    assert attempt.score == 0


@pytest.mark.django_db
def test_timeout_flag_without_a_time_limit_still_needs_every_answer(
    learner_client, learner, course
):
    attempt = attempt_start(user=learner, quiz=course.quizzes.first())
    data = {"action": "submit", "token": attempt.token, "timeout": "1"}
    response = learner_client.post(attempt.get_absolute_url(), data)
    assert "Please answer this question." in response.content.decode()
    attempt.refresh_from_db()
    assert not attempt.is_submitted


@pytest.mark.django_db
def test_late_submission_is_marked_late_and_graded_on_saved_answers(
    learner_client, learner, timed_quiz
):
    attempt = attempt_start(user=learner, quiz=timed_quiz)
    first = attempt.questions.order_by("order").first()
    saved = attempt_post_data(attempt)
    learner_client.post(
        attempt.get_absolute_url(),
        {"action": "save", "token": attempt.token, f"q{first.pk}": saved[f"q{first.pk}"]},
    )
    expire(attempt, seconds_ago=QuizAttempt.DEADLINE_GRACE.seconds + 5)
    response = learner_client.post(
        attempt.get_absolute_url(), attempt_post_data(attempt), follow=True
    )
    attempt.refresh_from_db()
    assert attempt.is_submitted
    assert attempt.late
    assert attempt.score == Decimal("33.33")  # only the answer saved in time counts
    html = response.content.decode()
    assert "The time was up: your answers saved by the deadline were graded." in html
    assert "submitted after the time limit" in html


@pytest.mark.django_db
def test_saving_after_the_deadline_is_refused(learner_client, learner, timed_quiz):
    attempt = attempt_start(user=learner, quiz=timed_quiz)
    expire(attempt, seconds_ago=QuizAttempt.DEADLINE_GRACE.seconds + 5)
    response = learner_client.post(
        attempt.get_absolute_url(), attempt_post_data(attempt, action="save"), follow=True
    )
    assert "The time is up, so your last changes were not saved." in response.content.decode()
    assert not AttemptChoice.objects.filter(selected=True).exists()
    attempt.refresh_from_db()
    assert not attempt.is_submitted


@pytest.mark.django_db
def test_expired_attempt_page_is_read_only_with_a_submit_button(
    learner_client, learner, timed_quiz
):
    attempt = attempt_start(user=learner, quiz=timed_quiz)
    expire(attempt, seconds_ago=3600)
    quiz_page = learner_client.get(timed_quiz.get_absolute_url()).content.decode()
    assert "The time is up: submit your attempt" in quiz_page
    html = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert "your answers can no longer be changed" in html
    assert "data-autosave-url" not in html
    assert "data-seconds-left" not in html
    assert html.count(" disabled>") == 9
    assert 'value="save"' not in html
    learner_client.post(attempt.get_absolute_url(), {"action": "submit", "token": attempt.token})
    attempt.refresh_from_db()
    assert attempt.late
    assert attempt.score == 0


# Shuffling and drawing -----------------------------------------------------------------------


@pytest.fixture
def pool_of_six(bare_quiz):
    for _ in range(6):
        make_question(bare_quiz, right=1, wrong=3)
    return bare_quiz


def start_for_many(quiz, organisation, count: int = 20) -> list[QuizAttempt]:
    return [
        attempt_start(user=make_user(organisation=organisation), quiz=quiz) for _ in range(count)
    ]


@pytest.mark.django_db
def test_without_shuffling_questions_and_choices_keep_pool_order(pool_of_six, organisation):
    attempts = start_for_many(pool_of_six, organisation, count=5)
    expected_choices = [
        list(q.choices.order_by("order").values_list("pk", flat=True))
        for q in pool_of_six.questions.order_by("order")
    ]
    for attempt in attempts:
        assert drawn_ids(attempt) == pool_ids(pool_of_six)
        assert shown_choice_ids(attempt) == expected_choices


@pytest.mark.django_db
def test_shuffle_questions_varies_the_order(pool_of_six, organisation):
    pool_of_six.shuffle_questions = True
    pool_of_six.save()
    orders = {tuple(drawn_ids(a)) for a in start_for_many(pool_of_six, organisation)}
    assert len(orders) > 1  # 20 attempts all in one order of 720: practically impossible
    assert all(sorted(order) == sorted(pool_ids(pool_of_six)) for order in orders)


@pytest.mark.django_db
def test_shuffle_choices_varies_the_order(pool_of_six, organisation):
    pool_of_six.shuffle_choices = True
    pool_of_six.save()
    attempts = start_for_many(pool_of_six, organisation)
    orders = {tuple(map(tuple, shown_choice_ids(a))) for a in attempts}
    assert len(orders) > 1
    assert all(drawn_ids(a) == pool_ids(pool_of_six) for a in attempts)  # questions unshuffled


@pytest.mark.django_db
def test_draw_count_draws_that_many_in_pool_order(pool_of_six, learner):
    pool_of_six.draw_count = 4
    pool_of_six.save()
    attempt = attempt_start(user=learner, quiz=pool_of_six)
    drawn = drawn_ids(attempt)
    assert len(drawn) == 4
    assert drawn == [pk for pk in pool_ids(pool_of_six) if pk in drawn]


@pytest.mark.django_db
def test_draw_is_fixed_once_started(learner_client, pool_of_six, learner):
    pool_of_six.draw_count = 3
    pool_of_six.shuffle_questions = True
    pool_of_six.shuffle_choices = True
    pool_of_six.save()
    attempt = attempt_start(user=learner, quiz=pool_of_six)
    first_html = learner_client.get(attempt.get_absolute_url()).content.decode()
    labels = re.findall(r"<label[^>]*>([^<]+)</label>", first_html)
    for _ in range(3):
        assert attempt_start(user=learner, quiz=pool_of_six) == attempt  # resumes
        html = learner_client.get(attempt.get_absolute_url()).content.decode()
        assert re.findall(r"<label[^>]*>([^<]+)</label>", html) == labels


@pytest.mark.django_db
def test_draw_avoids_the_previous_attempts_questions(pool_of_six, learner):
    pool_of_six.draw_count = 3
    pool_of_six.shuffle_questions = True
    pool_of_six.save()
    previous = None
    for _ in range(6):
        attempt = attempt_start(user=learner, quiz=pool_of_six)
        drawn = set(drawn_ids(attempt))
        assert len(drawn) == 3
        if previous is not None:
            assert drawn.isdisjoint(previous)
        previous = drawn
        submit(attempt, right=set())


@pytest.mark.django_db
def test_draw_tops_up_from_the_previous_questions_when_the_pool_is_small(bare_quiz, learner):
    for _ in range(4):
        make_question(bare_quiz)
    bare_quiz.draw_count = 3
    bare_quiz.save()
    for _ in range(5):
        first = set(drawn_ids(attempt := attempt_start(user=learner, quiz=bare_quiz)))
        submit(attempt, right=set())
        second = set(drawn_ids(attempt := attempt_start(user=learner, quiz=bare_quiz)))
        submit(attempt, right=set())
        assert len(second) == 3
        assert set(pool_ids(bare_quiz)) - first <= second  # the one fresh question is always in
        assert len(second & first) == 2


@pytest.mark.django_db
def test_draw_larger_than_the_pool_uses_the_whole_pool(bare_quiz, learner, learner_client):
    for _ in range(2):
        make_question(bare_quiz)
    Quiz.objects.filter(pk=bare_quiz.pk).update(draw_count=5)  # e.g. questions deleted later
    bare_quiz.refresh_from_db()
    assert len(drawn_ids(attempt_start(user=learner, quiz=bare_quiz))) == 2
    assert "2 questions" in learner_client.get(bare_quiz.get_absolute_url()).content.decode()


# Question types -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_question_types_render_as_radios_and_checkboxes(learner_client, learner, bare_quiz):
    make_question(bare_quiz, kind=Question.Kind.SINGLE, text="Single?", order=1)
    make_question(bare_quiz, kind=Question.Kind.MULTIPLE, right=2, text="Multiple?", order=2)
    make_question(bare_quiz, kind=Question.Kind.TRUE_FALSE, right=1, wrong=1, text="TF?", order=3)
    attempt = attempt_start(user=learner, quiz=bare_quiz)
    html = learner_client.get(attempt.get_absolute_url()).content.decode()
    fieldsets = html.split("<fieldset")[1:]
    assert fieldsets[0].count('type="radio"') == 3
    assert fieldsets[1].count('type="checkbox"') == 4
    assert "Select all that apply." in fieldsets[1]
    assert fieldsets[2].count('type="radio"') == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("scoring", "pick", "score"),
    [
        ("all_or_nothing", {"right 1", "right 2"}, 100),
        ("all_or_nothing", {"right 1"}, 0),
        ("all_or_nothing", {"right 1", "right 2", "wrong 1"}, 0),
        ("partial", {"right 1", "right 2"}, 100),
        ("partial", {"right 1"}, 50),
        ("partial", {"right 1", "right 2", "wrong 1"}, 50),
        ("partial", {"right 1", "wrong 1", "wrong 2"}, 0),
        ("partial", set(), 0),
    ],
)
def test_multiple_answer_scoring(learner, bare_quiz, scoring, pick, score):
    make_question(bare_quiz, kind=Question.Kind.MULTIPLE, right=2, wrong=2, scoring=scoring)
    attempt = attempt_start(user=learner, quiz=bare_quiz)
    question = attempt.questions.get()
    picked = {c.pk for c in question.choices.all() if c.text.split("? ")[1] in pick}
    attempt = attempt_submit(attempt=attempt, answers={question.pk: picked})
    assert attempt.score == score


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "wrong"), [("single", 3), ("true_false", 1)])
def test_single_and_true_false_need_the_one_right_choice(learner, bare_quiz, kind, wrong):
    make_question(bare_quiz, kind=kind, right=1, wrong=wrong)
    attempt = attempt_start(user=learner, quiz=bare_quiz)
    question = attempt.questions.get()
    right = question.choices.get(is_correct=True)
    wrong_choice = question.choices.filter(is_correct=False).first()
    graded = attempt_submit(attempt=attempt, answers={question.pk: {wrong_choice.pk}})
    assert graded.score == 0
    second = attempt_start(user=learner, quiz=bare_quiz)
    question = second.questions.get()
    right = question.choices.get(is_correct=True)
    assert attempt_submit(attempt=second, answers={question.pk: {right.pk}}).score == 100


# Required for completion ----------------------------------------------------------------------


@pytest.mark.django_db
def test_optional_quiz_is_not_needed_to_complete_the_course(learner):
    course = make_course(modules=1, lessons=1, required=False)
    lesson_complete(user=learner, lesson=Lesson.objects.get(module__course=course))
    assert CourseCompletion.objects.filter(user=learner, course=course).exists()


@pytest.mark.django_db
def test_required_quiz_must_be_passed_to_complete_the_course(learner):
    course = make_course(modules=1, lessons=1, required=True)
    lesson_complete(user=learner, lesson=Lesson.objects.get(module__course=course))
    assert not CourseCompletion.objects.filter(user=learner, course=course).exists()
    quiz = course.quizzes.get()
    submit(attempt_start(user=learner, quiz=quiz), right={1})
    assert not CourseCompletion.objects.filter(user=learner, course=course).exists()
    submit(attempt_start(user=learner, quiz=quiz), right={1, 2, 3})
    assert CourseCompletion.objects.filter(user=learner, course=course).exists()


# Review policy -------------------------------------------------------------------------------


def result_html(client, attempt) -> str:
    return client.get(attempt.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_review_after_each_attempt_even_when_failed(learner_client, learner, course):
    quiz = course.quizzes.first()
    attempt = submit(attempt_start(user=learner, quiz=quiz), right=set())
    html = result_html(learner_client, attempt)
    assert "Review" in html
    assert "correct answer" in html
    assert "Because 1" in html and "Feedback 1" in html


@pytest.mark.django_db
def test_review_once_passed_hides_answers_until_a_pass(learner_client, learner, course):
    quiz = course.quizzes.first()
    quiz.review_policy = Quiz.ReviewPolicy.ONCE_PASSED
    quiz.save()
    failed = submit(attempt_start(user=learner, quiz=quiz), right={1})
    html = result_html(learner_client, failed)
    assert "The correct answers are shown once you have passed this quiz." in html
    assert "✓" not in html and "Because" not in html and "Feedback" not in html
    passed = submit(attempt_start(user=learner, quiz=quiz), right={1, 2, 3})
    assert "Because 1" in result_html(learner_client, passed)
    assert "Because 1" in result_html(learner_client, failed)  # earlier attempts open up too


@pytest.mark.django_db
def test_review_never_shows_answers_even_when_passed(learner_client, learner, course):
    quiz = course.quizzes.first()
    quiz.review_policy = Quiz.ReviewPolicy.NEVER
    quiz.save()
    attempt = submit(attempt_start(user=learner, quiz=quiz), right={1, 2, 3})
    html = result_html(learner_client, attempt)
    assert "Your score: 100%" in html
    assert "This quiz does not show the correct answers." in html
    assert "✓" not in html and "Because" not in html and "Feedback" not in html


@pytest.mark.django_db
def test_review_policy_is_kept_from_when_the_attempt_started(learner_client, learner, course):
    quiz = course.quizzes.first()
    attempt = attempt_start(user=learner, quiz=quiz)
    quiz.review_policy = Quiz.ReviewPolicy.NEVER
    quiz.save()
    attempt = submit(attempt, right=set())
    assert "Because 1" in result_html(learner_client, attempt)
