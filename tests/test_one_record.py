"""One learner, one record: progress follows the person across the language versions of a
course, through the real pages (issue 12)."""

import csv
import io
import re

import pytest
from django.urls import reverse

from courses.models import Certificate, CourseCompletion, Lesson, Module, Quiz, Status
from courses.services import lesson_complete
from courses.translations import course_duplicate
from tests.factories import (
    attempt_post_data,
    make_course,
    make_manager,
    make_organisation,
    make_user,
)
from tests.test_query_counts import NO_GRANTS, PERMISSIONS, SIGNED_IN

pytestmark = pytest.mark.django_db


@pytest.fixture
def family():
    """A French course of 4 modules (2 lessons and a quiz each: 12 steps) and its English
    version with English titles."""
    french = make_course(language="fr", modules=4, lessons=2, questions=2)
    Course = type(french)
    Course.objects.filter(pk=french.pk).update(title="Les réseaux sociaux")
    english = course_duplicate(course=french, language="en")
    english.status = Status.PUBLISHED
    english.title = "Social media"
    english.save()
    for module in Module.objects.filter(course=english):
        Lesson.objects.filter(module=module).update(title="English lesson")
    Quiz.objects.filter(course=english).update(title="English quiz")
    french.refresh_from_db()
    return french, english


def complete_lesson(client, course, lesson):
    url = reverse("courses:lesson-complete", kwargs={"course": course.slug, "lesson": lesson.pk})
    assert client.post(url).status_code == 302


def pass_quiz(client, course, quiz, *, right=True):
    start = reverse("courses:quiz-start", kwargs={"course": course.slug, "quiz": quiz.pk})
    response = client.post(start)
    assert response.status_code == 302
    attempt = quiz.attempts.filter(status="in_progress").get()
    response = client.post(response.url, attempt_post_data(attempt, right=right))
    assert response.status_code == 302


def do_module(client, course, key):
    for lesson in Lesson.objects.filter(module__course=course, module__key=key):
        complete_lesson(client, course, lesson)
    pass_quiz(client, course, Quiz.objects.get(course=course, key=f"quiz-{key}"))


def steps_done(html: str) -> str:
    match = re.search(r"(\d+) étapes? terminées? sur (\d+)", html)
    assert match, html
    return f"{match[1]}/{match[2]}"


def report_rows(client, course):
    url = reverse("ambassadors:course-report", kwargs={"course": course.slug}) + "?format=csv"
    response = client.get(url)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_learner_switching_language_keeps_every_step_and_gets_one_certificate(client, family):
    french, english = family
    canada = make_organisation("Dianova Canada", country="CA", language="fr")
    learner = make_user("claire", organisation=canada, language="fr", first_name="Claire")
    manager = make_manager(whole_network=True, language="en")
    client.force_login(learner)

    for key in ("m1", "m2", "m3"):
        do_module(client, french, key)
    french_page = client.get(french.get_absolute_url()).content.decode()
    assert steps_done(french_page) == "9/12"
    assert 'w-75">75%' in french_page

    # Switch to English: "My training" offers the English version, with the same progress.
    client.post(reverse("ambassadors:language"), {"language": "en"})
    dashboard = client.get(reverse("ambassadors:dashboard")).content.decode()
    assert "Social media" in dashboard and "Les réseaux sociaux" not in dashboard
    assert "9 of 12 steps done" in dashboard
    english_page = client.get(english.get_absolute_url()).content.decode()
    assert "9 of 12 steps done" in english_page
    assert 'w-75">75%' in english_page
    # The quiz passed in French counts in English, and says so on its page.
    english_quiz = Quiz.objects.get(course=english, key="quiz-m1")
    quiz_page = client.get(english_quiz.get_absolute_url()).content.decode()
    assert "passed this quiz in another language version" in quiz_page
    # The English lesson pages know the lessons done in French.
    lesson = Lesson.objects.get(module__course=english, key="m1-l1")
    lesson_page = client.get(lesson.get_absolute_url()).content.decode()
    assert "Mark as complete" not in lesson_page

    client.force_login(manager)
    (row,) = report_rows(client, french)
    assert (row["Username"], row["Progress (%)"], row["Status"]) == ("claire", "75", "In progress")

    # Finishing in English completes the course: one completion, one certificate.
    client.force_login(learner)
    do_module(client, english, "m4")
    english_page = client.get(english.get_absolute_url()).content.decode()
    assert "12 of 12 steps done" in english_page
    assert Certificate.objects.filter(user=learner).count() == 1
    certificate = Certificate.objects.get(user=learner)
    assert certificate.get_absolute_url() in english_page
    dashboard = client.get(reverse("ambassadors:dashboard")).content.decode()
    assert certificate.get_absolute_url() in dashboard or certificate.code in dashboard

    # Finishing the French version too issues nothing more.
    client.post(reverse("ambassadors:language"), {"language": "fr"})
    do_module(client, french, "m4")
    assert Certificate.objects.filter(user=learner).count() == 1
    assert CourseCompletion.objects.filter(user=learner).count() == 1
    french_page = client.get(french.get_absolute_url()).content.decode()
    assert certificate.get_absolute_url() in french_page

    client.force_login(manager)
    for course in (french, english):
        (row,) = report_rows(client, course)
        assert (row["Progress (%)"], row["Status"]) == ("100", "Completed")
        assert row["Completed"]


# --- Query counts do not grow with the number of language versions --------------------------


@pytest.fixture(params=[1, 4], ids=["1-translation", "4-translations"])
def versions(request):
    """A French course with 1 or 4 published translations; a learner who worked in each."""
    french = make_course(language="fr", modules=3, lessons=2, questions=2)
    translations = []
    for language in ["en", "es", "pt", "it"][: request.param]:
        version = course_duplicate(course=french, language=language)
        version.status = Status.PUBLISHED
        version.save()
        translations.append(version)
    canada = make_organisation("Dianova Canada", country="CA", language="fr")
    learner = make_user(organisation=canada, language="en")
    for index, version in enumerate([french, *translations]):
        for lesson in Lesson.objects.filter(
            module__course=version, module__key=f"m{index % 3 + 1}"
        ):
            lesson_complete(user=learner, lesson=lesson)
    return {
        "french": french,
        "last": translations[-1],
        "learner": learner,
        "manager": make_manager(whole_network=True),
    }


def test_my_training_and_course_page_queries_ignore_the_number_of_versions(
    client, versions, django_assert_num_queries
):
    client.force_login(versions["learner"])
    # ambassador membership, courses in my language with my progress across the family
    with django_assert_num_queries(SIGNED_IN + NO_GRANTS + 2):
        assert client.get(reverse("ambassadors:dashboard")).status_code == 200
    # the course with my record in its family (one query), the structure of this version
    # (first request only: modules, lessons, quizzes), my certificate in the family
    for course in (versions["french"], versions["last"]):
        with django_assert_num_queries(SIGNED_IN + NO_GRANTS + 2 + 3):
            assert client.get(course.get_absolute_url()).status_code == 200
        with django_assert_num_queries(SIGNED_IN + NO_GRANTS + 2):
            assert client.get(course.get_absolute_url()).status_code == 200


def test_course_report_queries_ignore_the_number_of_versions(
    client, versions, django_assert_num_queries
):
    client.force_login(versions["manager"])
    for course in (versions["french"], versions["last"]):
        url = reverse("ambassadors:course-report", kwargs={"course": course.slug})
        # course, organisations in scope, lesson count, quizzes, counts per status, the rows,
        # course and quiz titles in my language
        with django_assert_num_queries(SIGNED_IN + PERMISSIONS + 7):
            assert client.get(url).status_code == 200
