"""Every list and report page uses a fixed number of queries, whatever the data size.

Each page is measured at two sizes (size 1 and size 4: 4× the courses, modules, lessons,
questions and staff) and pinned to the same number.
"""

import pytest
from django.urls import reverse

from courses.models import Lesson
from courses.services import attempt_start, attempt_submit, lesson_complete
from tests.factories import make_course, make_manager, make_organisation, make_user

# Every signed-in page starts with: session, user, staff profile (language).
SIGNED_IN = 3
# Pages that check a permission load the user's and the groups' permissions once.
PERMISSIONS = 2


@pytest.fixture(params=[1, 4], ids=["size1", "size4"])
def world(request, db):
    size = request.param
    organisations = [make_organisation() for _ in range(size)]
    learner = make_user(organisation=organisations[0])
    for _ in range(size):
        course = make_course(modules=size + 1, lessons=size + 1, questions=size + 2)
    for index in range(size * 10):
        make_user(organisation=organisations[index % size])
    lessons = list(Lesson.objects.filter(module__course=course))
    for lesson in lessons[: size + 1]:
        lesson_complete(user=learner, lesson=lesson)
    quiz = course.quizzes.first()
    for _ in range(size):  # past attempts listed on the quiz page
        attempt_submit(attempt=attempt_start(user=learner, quiz=quiz), answers={})
    attempt = attempt_start(user=learner, quiz=quiz)
    manager = make_manager(whole_network=True)
    return {
        "learner": learner,
        "manager": manager,
        "course": course,
        "lesson": lessons[-1],
        "quiz": quiz,
        "attempt": attempt,
    }


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def test_dashboard_queries(client, world, django_assert_num_queries):
    client.force_login(world["learner"])
    # ambassador membership (none here), courses in my language with progress
    with django_assert_num_queries(SIGNED_IN + PERMISSIONS + 2):
        get(client, reverse("ambassadors:dashboard"))


def test_course_page_queries(client, world, django_assert_num_queries):
    client.force_login(world["learner"])
    # course, modules, lessons, quizzes, final quizzes, my completions, my passed quizzes
    with django_assert_num_queries(SIGNED_IN + PERMISSIONS + 7):
        get(client, world["course"].get_absolute_url())


def test_lesson_page_queries(client, world, django_assert_num_queries):
    client.force_login(world["learner"])
    url = reverse(
        "courses:lesson", kwargs={"course": world["course"].slug, "lesson": world["lesson"].pk}
    )
    # course, lesson, then the outline's 6 for the contents and previous/next
    with django_assert_num_queries(SIGNED_IN + PERMISSIONS + 8):
        get(client, url)


def test_quiz_page_queries(client, world, django_assert_num_queries):
    client.force_login(world["learner"])
    # course, quiz, my attempts, question count
    with django_assert_num_queries(SIGNED_IN + PERMISSIONS + 4):
        get(client, world["quiz"].get_absolute_url())


def test_attempt_page_queries(client, world, django_assert_num_queries):
    client.force_login(world["learner"])
    # course, quiz, attempt, its questions, their choices
    with django_assert_num_queries(SIGNED_IN + PERMISSIONS + 5):
        get(client, world["attempt"].get_absolute_url())


def test_reports_overview_queries(client, world, django_assert_num_queries):
    client.force_login(world["manager"])
    # staff count, courses with counts, organisations in scope
    with django_assert_num_queries(SIGNED_IN + PERMISSIONS + 3):
        get(client, reverse("ambassadors:reports"))


@pytest.mark.parametrize("export", ["", "?format=csv"])
def test_course_report_queries(client, world, django_assert_num_queries, export):
    client.force_login(world["manager"])
    url = reverse("ambassadors:course-report", kwargs={"course": world["course"].slug}) + export
    # course, lesson count, quizzes, the annotated staff rows (+ organisations for the filter)
    expected = SIGNED_IN + PERMISSIONS + 4 + (0 if export else 1)
    with django_assert_num_queries(expected):
        get(client, url)
