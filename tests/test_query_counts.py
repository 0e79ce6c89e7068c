"""Every list and report page uses a fixed number of queries, whatever the data size.

Each page is measured at two sizes (size 1 and size 4: 4× the courses, modules, lessons,
questions, staff, assignments and certificates) and pinned to the same number.
"""

import json
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from ambassadors.people.services import assignment_create
from courses.models import Certificate, Enrolment, Lesson, QuizAttempt
from courses.services import attempt_start, attempt_submit, lesson_complete
from tests.factories import (
    attempt_post_data,
    make_course,
    make_manager,
    make_organisation,
    make_user,
)

# Every signed-in page starts with the session (unless it comes from the shared cache, with
# CACHE_URL) and the user joined with its staff profile (dianova_training/auth.py).
SIGNED_IN = 1 + (settings.SESSION_ENGINE == "dianova_training.sessions.db")
# Pages that check a permission load the user's and the groups' permissions once (one query).
PERMISSIONS = 1
# ...unless the session's query found that no permission reaches the user (a learner).
NO_GRANTS = 0


@pytest.fixture(params=[1, 4], ids=["size1", "size4"])
def world(request, db):
    size = request.param
    organisations = [make_organisation() for _ in range(size)]
    learner = make_user(organisation=organisations[0])
    manager = make_manager(whole_network=True)
    staff = [make_user(organisation=organisations[i % size]) for i in range(size * 10)]
    due = timezone.localdate() + timedelta(days=10)
    for index in range(size):
        course = make_course(modules=size + 1, lessons=size + 1, questions=size + 2)
        # assigned to every organisation, and to chosen people, with due dates
        assignment_create(
            course=course,
            organisations=organisations,
            users=staff[:size],
            due_date=due + timedelta(days=index),
            assigned_by=manager,
        )
    for _ in range(size):  # completed courses with certificates on the dashboard
        done = make_course(modules=1, lessons=1, questions=1)
        done.quizzes.all().delete()
        lesson_complete(user=learner, lesson=Lesson.objects.get(module__course=done))
    assert Certificate.objects.filter(user=learner).count() == size
    lessons = list(Lesson.objects.filter(module__course=course))
    for lesson in lessons[: size + 1]:
        lesson_complete(user=learner, lesson=lesson)
    quiz = course.quizzes.first()
    for _ in range(size):  # past attempts listed on the quiz page
        attempt_submit(attempt=attempt_start(user=learner, quiz=quiz), answers={})
    attempt = attempt_start(user=learner, quiz=quiz)
    # one assigned person is late: the reports show an overdue row
    Enrolment.objects.filter(user=staff[0], assigned=True).update(due_date=date(2020, 1, 1))
    return {
        "size": size,
        "organisations": organisations,
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
    with django_assert_num_queries(SIGNED_IN + NO_GRANTS + 2):
        get(client, reverse("ambassadors:dashboard"))


def test_course_page_queries(client, world, django_assert_num_queries):
    client.force_login(world["learner"])
    url = world["course"].get_absolute_url()
    # the course with my record in its family (one query), the structure of this course
    # version (first request only: modules, lessons, quizzes), my certificate
    with django_assert_num_queries(SIGNED_IN + NO_GRANTS + 2 + 3):
        get(client, url)
    with django_assert_num_queries(SIGNED_IN + NO_GRANTS + 2):
        get(client, url)


def test_lesson_page_queries(client, world, django_assert_num_queries):
    client.force_login(world["learner"])
    url = reverse(
        "courses:lesson", kwargs={"course": world["course"].slug, "lesson": world["lesson"].pk}
    )
    # the lesson with its course and my record (one query), the structure (first request
    # only: 3)
    with django_assert_num_queries(SIGNED_IN + NO_GRANTS + 1 + 3):
        get(client, url)
    with django_assert_num_queries(SIGNED_IN + NO_GRANTS + 1):
        get(client, url)


def test_quiz_page_queries(client, world, django_assert_num_queries):
    client.force_login(world["learner"])
    # the quiz with its course (one query), my attempts, passed in another language
    # version?, question count
    with django_assert_num_queries(SIGNED_IN + NO_GRANTS + 4):
        get(client, world["quiz"].get_absolute_url())


def test_attempt_page_queries(client, world, django_assert_num_queries):
    client.force_login(world["learner"])
    # the quiz with its course (one query), attempt, its questions with their choices
    with django_assert_num_queries(SIGNED_IN + NO_GRANTS + 3):
        get(client, world["attempt"].get_absolute_url())


def test_reports_overview_queries(client, world, django_assert_num_queries):
    client.force_login(world["manager"])
    # organisations in scope, staff per organisation, courses in use, their published
    # translations, completions per (organisation, course), enrolment facts per (organisation,
    # course); the programme: staff count, levels, members per level, active members,
    # verified actions with their delays, backlog; course titles in my language
    with django_assert_num_queries(SIGNED_IN + PERMISSIONS + 6 + 6 + 1):
        get(client, reverse("ambassadors:reports"))


@pytest.mark.parametrize("export", ["?format=csv", "?format=xlsx"])
def test_reports_overview_export_queries(client, world, django_assert_num_queries, export):
    client.force_login(world["manager"])
    # the page's queries, plus the audit record of the export
    with django_assert_num_queries(SIGNED_IN + PERMISSIONS + 6 + 6 + 1 + 1):
        get(client, reverse("ambassadors:reports") + export)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?status=overdue&sort=-progress&per_page=25",
        "?page=2&per_page=25&sort=due_date",
        "?assigned=yes&sort=status",
    ],
)
def test_course_report_queries(client, world, django_assert_num_queries, query):
    client.force_login(world["manager"])
    url = reverse("ambassadors:course-report", kwargs={"course": world["course"].slug}) + query
    # course, organisations in scope (filter choices), lesson count, quizzes, counts per
    # status, the page of annotated staff rows, course and quiz titles in my language
    with django_assert_num_queries(SIGNED_IN + PERMISSIONS + 7):
        get(client, url)


@pytest.mark.parametrize("export", ["?format=csv", "?format=xlsx&status=not_started"])
def test_course_report_export_queries(client, world, django_assert_num_queries, export):
    client.force_login(world["manager"])
    url = reverse("ambassadors:course-report", kwargs={"course": world["course"].slug}) + export
    # course, organisations in scope, lesson count, quizzes, the audit record of the export,
    # every annotated staff row, course and quiz titles in my language
    with django_assert_num_queries(SIGNED_IN + PERMISSIONS + 6 + 1):
        get(client, url)


@pytest.mark.parametrize("export", ["", "?format=xlsx"])
def test_person_report_queries(client, world, django_assert_num_queries, export):
    client.force_login(world["manager"])
    url = reverse("ambassadors:person-report", kwargs={"person": world["learner"].pk}) + export
    # the person (with profile and organisation), their courses with progress, their
    # attempts, their ambassador actions, course and quiz titles in my language (and the
    # audit record of an export)
    with django_assert_num_queries(SIGNED_IN + PERMISSIONS + 5 + (1 if export else 0)):
        get(client, url)


def test_staff_import_preview_queries(client, world, django_assert_num_queries):
    from ambassadors.people import imports, staff_files

    client.force_login(world["manager"])
    size = world["size"]
    rows = [
        staff_files.ImportRow(
            line=n + 2,
            name=f"Person {n}",
            email=f"person{n}@example.org",
            organisation=world["organisations"][n % size].name,
            language="pt",
        )
        for n in range(size * 10)
    ]
    session = client.session
    imports.session_store(session, rows=rows, filename="staff.csv", importer_id=world["manager"].pk)
    session.save()
    # all organisations, those in scope, accounts with these e-mails, usernames taken
    with django_assert_num_queries(SIGNED_IN + PERMISSIONS + 4):
        get(client, reverse("ambassadors:staff-import-preview"))


# Taking a quiz: starting, autosaving and submitting cost the same for 10 or 20 questions
# (timed, shuffled, drawing all but one from the pool and avoiding the previous attempt's).


@pytest.fixture(params=[10, 20], ids=["10questions", "20questions"])
def quiz_world(request, db, client):
    size = request.param
    learner = make_user(organisation=make_organisation())
    course = make_course(
        modules=1,
        lessons=1,
        questions=size + 1,
        choices=4,
        draw_count=size,
        shuffle_questions=True,
        shuffle_choices=True,
        time_limit_minutes=30,
    )
    quiz = course.quizzes.get()
    attempt_submit(attempt=attempt_start(user=learner, quiz=quiz), answers={})
    client.force_login(learner)
    return {"learner": learner, "course": course, "quiz": quiz, "size": size, "client": client}


def _open_attempt(world):
    return QuizAttempt.objects.get(user=world["learner"], status=QuizAttempt.Status.IN_PROGRESS)


def _start_in(world, queries: int, django_assert_num_queries) -> None:
    """Start the quiz through its button in ``queries`` queries; it holds every question."""
    quiz = world["quiz"]
    url = reverse("courses:quiz-start", kwargs={"course": world["course"].slug, "quiz": quiz.pk})
    with django_assert_num_queries(queries):
        response = world["client"].post(url)
    assert response.status_code == 302
    assert _open_attempt(world).questions.count() == world["size"]


def test_quiz_start_queries(quiz_world, django_assert_num_queries):
    # Not drawn ahead (the quiz page not seen). No permission is loaded for a learner. The quiz
    # with its course (one query); in a savepoint: lock the learner, the learner's attempts
    # (open one? how many used?), pool questions, their choices, the previous attempt's
    # questions, INSERT attempt, INSERT its questions, INSERT their choices, UPDATE enrolment
    _start_in(quiz_world, SIGNED_IN + 1 + 2 + 9, django_assert_num_queries)


def test_quiz_page_draws_the_next_attempt_in_constant_queries(
    client, quiz_world, django_assert_num_queries
):
    quiz = quiz_world["quiz"]
    # The quiz with its course (one query), my attempts, the pool's stamp; in a savepoint: the
    # pool questions, their choices, the previous attempt's questions, INSERT the drawn
    # attempt, its questions, their choices; passed in another language version?
    with django_assert_num_queries(SIGNED_IN + NO_GRANTS + 3 + 2 + 6 + 1):
        get(client, quiz.get_absolute_url())
    drawn = QuizAttempt.with_drawn.get(user=quiz_world["learner"], status="drawn")
    assert drawn.questions.count() == quiz_world["size"]
    # Seen again: the drawn attempt is still valid, nothing is written.
    with django_assert_num_queries(SIGNED_IN + NO_GRANTS + 4):
        get(client, quiz.get_absolute_url())


def test_quiz_start_of_a_drawn_attempt_queries(client, quiz_world, django_assert_num_queries):
    get(client, quiz_world["quiz"].get_absolute_url())
    # The quiz with its course (one query); in a savepoint: lock the learner, the learner's
    # attempts, the pool's stamp, UPDATE the drawn attempt, UPDATE enrolment
    _start_in(quiz_world, SIGNED_IN + 1 + 2 + 5, django_assert_num_queries)


def test_quiz_autosave_queries(client, quiz_world, django_assert_num_queries):
    attempt_start(user=quiz_world["learner"], quiz=quiz_world["quiz"])
    attempt = _open_attempt(quiz_world)
    answers = {
        question.pk: [choice.pk for choice in question.choices.all()[:2]]
        for question in attempt.questions.prefetch_related("choices")
    }
    url = reverse(
        "courses:attempt-autosave",
        kwargs={
            "course": quiz_world["course"].slug,
            "quiz": attempt.quiz_id,
            "attempt": attempt.pk,
        },
    )
    quiz_world["quiz"].questions.update(kind="multiple")
    attempt.questions.update(kind="multiple")
    body = json.dumps({"token": attempt.token, "answers": answers})
    # the quiz with its course (one query), the attempt's row, its snapshot's question and
    # choice ids (one query); in a savepoint: lock the attempt, one UPDATE of the picks
    with django_assert_num_queries(SIGNED_IN + 3 + 2 + 2):
        response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200
    assert len(response.json()["saved"]) == quiz_world["size"]


def test_quiz_submit_queries(client, quiz_world, django_assert_num_queries):
    attempt = attempt_start(user=quiz_world["learner"], quiz=quiz_world["quiz"])
    data = attempt_post_data(attempt)
    url = attempt.get_absolute_url()
    # the quiz with its course (one query), attempt, its questions, their choices; in a
    # savepoint: lock the attempt,
    # one UPDATE of the picks, graded on the snapshot already loaded: UPDATE credits (one
    # statement), UPDATE attempt, UPDATE enrolment, then the course completion check (the
    # quiz is passed): completion?, progress (one annotated query)
    with django_assert_num_queries(SIGNED_IN + 4 + 2 + 7):
        response = client.post(url, data)
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == 100


def test_quiz_statistics_queries(client, world, django_assert_num_queries):
    quiz = world["quiz"]
    trainer = make_user(groups=("Trainers",), is_staff=True)
    client.force_login(trainer)
    url = reverse("admin:courses_quiz_statistics", args=[quiz.pk])
    # the quiz (admin get_object); summary, per question, per choice, questions, their choices
    with django_assert_num_queries(SIGNED_IN + PERMISSIONS + 1 + 5):
        get(client, url)


@pytest.mark.parametrize("size", [1, 4])
def test_dashboard_queries_with_translations(client, db, size, django_assert_num_queries):
    """Many courses, each in several languages: still one query for the courses, and one card
    per course (the learner's language where it exists, else the original)."""
    from courses.translations import course_duplicate

    learner = make_user(organisation=make_organisation(), language="pt")
    translated = []
    for index in range(size * 2):
        original = make_course(language="fr", modules=size, lessons=size)
        for language in ["en", "es", "pt", "it"][: size if index % 2 else 0]:
            version = course_duplicate(course=original, language=language)
            version.status = "published"
            version.save()
            if language == "pt":
                translated.append(version)
        lesson_complete(
            user=learner,
            lesson=Lesson.objects.filter(module__course__translation_of=original).first()
            or Lesson.objects.filter(module__course=original).first(),
        )
    client.force_login(learner)
    # ambassador membership (none here), courses in my language with progress
    with django_assert_num_queries(SIGNED_IN + NO_GRANTS + 2):
        response = get(client, reverse("ambassadors:dashboard"))
    assert len(response.context["courses"]) == size * 2
    assert {c.pk for c in response.context["courses"] if c.language == "pt"} == {
        c.pk for c in translated
    }
