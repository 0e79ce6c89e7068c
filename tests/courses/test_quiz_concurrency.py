"""Concurrency with real threads, each with its own database connection.

PostgreSQL: row locks (SELECT … FOR UPDATE). SQLite: write transactions run one at a time
(``transaction_mode=IMMEDIATE``); tests/conftest.py puts the SQLite test database in a file so
that it behaves as in production (an in-memory database shared between threads does not).
"""

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client

from courses import services
from courses.models import AttemptChoice, QuizAttempt
from courses.services import AttemptLimitReached, attempt_start, attempt_submit
from tests.factories import attempt_post_data

THREADS = 8

# serialized_rollback: the flush after each test must not leave the database without the
# groups and permissions the data migrations created (the browser tests rely on them).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_at_once(work: Callable[[int], object], threads: int = THREADS) -> list:
    """Run ``work(i)`` in ``threads`` threads released together; results or exceptions."""
    barrier = threading.Barrier(threads)
    results: list = [None] * threads

    def target(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as error:
            results[index] = error
        finally:
            connection.close()  # this thread's own connection

    workers = [threading.Thread(target=target, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not any(worker.is_alive() for worker in workers), "a thread is stuck"
    return results


def tabs_of(user) -> Callable[[], Client]:
    """A maker of clients that share one signed-in session: tabs of the same browser."""
    session = Client()
    session.force_login(user)

    def tab() -> Client:
        client = Client()
        client.cookies = session.cookies
        return client

    return tab


@pytest.fixture
def count_grades(monkeypatch):
    """How many times an attempt was actually graded, across threads."""
    calls = Counter()
    lock = threading.Lock()
    real_grade = services._grade

    def counting_grade(attempt, *args):
        with lock:
            calls[attempt.pk] += 1
        return real_grade(attempt, *args)

    monkeypatch.setattr(services, "_grade", counting_grade)
    return calls


def test_concurrent_submits_of_one_attempt_grade_it_exactly_once(learner, course, count_grades):
    quiz = course.quizzes.first()
    attempt = attempt_start(user=learner, quiz=quiz)
    right = attempt_post_data(attempt, right=True)
    wrong = attempt_post_data(attempt, right=False)
    tab = tabs_of(learner)

    def submit(index: int):
        client = tab()
        # Half the "tabs" send right answers, half wrong ones: only one may count.
        response = client.post(attempt.get_absolute_url(), right if index % 2 else wrong)
        return response.status_code, response.get("Location")

    results = run_at_once(submit)

    assert results == [(302, attempt.get_absolute_url())] * THREADS, results
    assert count_grades[attempt.pk] == 1
    attempt.refresh_from_db()
    assert attempt.is_submitted
    picked = set(
        AttemptChoice.objects.filter(attempt_question__attempt=attempt, selected=True).values_list(
            "pk", flat=True
        )
    )
    right_picks = {int(v[0]) for k, v in right.items() if k.startswith("q")}
    wrong_picks = {int(v[0]) for k, v in wrong.items() if k.startswith("q")}
    # Exactly one submission's answers were saved and graded, never a mix.
    assert (picked, attempt.score) in [(right_picks, 100), (wrong_picks, 0)]
    assert QuizAttempt.objects.filter(user=learner, quiz=quiz).count() == 1


def test_concurrent_service_submits_return_the_same_graded_attempt(learner, course, count_grades):
    attempt = attempt_start(user=learner, quiz=course.quizzes.first())

    def submit(index: int):
        graded = attempt_submit(attempt=attempt, answers={})
        return graded.score, graded.submitted_at

    results = run_at_once(submit)
    assert count_grades[attempt.pk] == 1
    assert len(set(results)) == 1, results  # everyone got the one graded result


def test_parallel_starts_open_a_single_attempt(learner, course):
    quiz = course.quizzes.first()
    results = run_at_once(lambda index: attempt_start(user=learner, quiz=quiz).pk)
    assert all(not isinstance(result, Exception) for result in results), results
    assert len(set(results)) == 1
    attempt = QuizAttempt.objects.get(user=learner, quiz=quiz)
    assert attempt.questions.count() == 3  # one snapshot, not one per thread


def test_parallel_starts_cannot_exceed_the_attempt_limit(learner, course):
    quiz = course.quizzes.first()
    quiz.attempts_allowed = 3
    quiz.save()

    def start_and_submit_until_refused(index: int) -> int:
        taken = 0
        for _ in range(10):
            try:
                attempt = attempt_start(user=learner, quiz=quiz)
            except AttemptLimitReached:
                return taken
            attempt_submit(attempt=attempt, answers={})
            taken += 1
        return taken

    results = run_at_once(start_and_submit_until_refused)
    assert all(isinstance(result, int) for result in results), results
    numbers = sorted(
        QuizAttempt.objects.filter(user=learner, quiz=quiz).values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3]


def test_parallel_start_requests_over_http_respect_the_limit(learner, course):
    quiz = course.quizzes.first()
    quiz.attempts_allowed = 1
    quiz.save()
    tab = tabs_of(learner)
    url = f"/courses/{course.slug}/quizzes/{quiz.pk}/start/"

    def start(index: int) -> int:
        return tab().post(url).status_code

    assert run_at_once(start) == [302] * THREADS
    assert QuizAttempt.objects.filter(user=learner, quiz=quiz).count() == 1


def test_the_losing_tab_of_a_simultaneous_submit_is_told_already_submitted(learner, course):
    """Two tabs submit at the same moment: one grades, the other sees that result and is told
    so, instead of a result it may take for the grading of its own answers."""
    from django.contrib.messages import get_messages

    attempt = attempt_start(user=learner, quiz=course.quizzes.first())
    data = attempt_post_data(attempt, right=True)
    tab = tabs_of(learner)

    def submit(index: int):
        response = tab().post(attempt.get_absolute_url(), data)
        return response.status_code, [str(m) for m in get_messages(response.wsgi_request)]

    results = run_at_once(submit, threads=2)
    assert [status for status, _messages in results] == [302, 302], results
    told = ["This attempt was already submitted." in messages for _status, messages in results]
    assert sorted(told) == [False, True], results
