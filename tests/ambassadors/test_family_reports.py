"""Reports count the language versions of one course as one course."""

import pytest
from django.urls import reverse

from ambassadors.reports import course as reports_course
from ambassadors.reports import overview as reports_overview
from courses.models import Lesson, Quiz, Status
from courses.services import attempt_start, attempt_submit, lesson_complete
from courses.translations import course_duplicate
from tests.factories import make_course, make_manager, make_organisation, make_user

pytestmark = pytest.mark.django_db


def pass_course(user, course):
    for item in Lesson.objects.filter(module__course=course):
        lesson_complete(user=user, lesson=item)
    for quiz in Quiz.objects.filter(course=course):
        attempt = attempt_start(user=user, quiz=quiz)
        answers = {
            q.pk: {c.pk for c in q.choices.all() if c.is_correct} for q in attempt.questions.all()
        }
        attempt_submit(attempt=attempt, answers=answers)


@pytest.fixture
def scene():
    portugal = make_organisation("Dianova Portugal", country="PT", language="pt")
    original = make_course(language="fr")
    portuguese = course_duplicate(course=original, language="pt")
    portuguese.status = Status.PUBLISHED
    portuguese.save()
    ana = make_user("ana", organisation=portugal, language="pt", first_name="Ana")
    joao = make_user("joao", organisation=portugal, language="fr", first_name="João")
    rita = make_user("rita", organisation=portugal, language="pt", first_name="Rita")
    pass_course(ana, portuguese)
    pass_course(joao, original)
    lesson_complete(user=rita, lesson=Lesson.objects.filter(module__course=portuguese).first())
    lesson_complete(user=rita, lesson=Lesson.objects.filter(module__course=original).last())
    manager = make_manager(whole_network=True, username="manager")
    return locals()


def test_course_report_of_the_original_covers_every_version(scene):
    report = reports_course.course_report(manager=scene["manager"], course=scene["original"])
    rows = {row.username: row for row in report.rows()}
    assert rows["ana"].status == "completed" and rows["ana"].progress == 100
    assert rows["joao"].status == "completed"
    assert rows["rita"].status == "in_progress"
    assert rows["rita"].progress == round(100 * 2 / 6)
    assert rows["ana"].best_scores == [100, 100]


def test_overview_has_one_row_per_course_with_its_languages(scene):
    overview = reports_overview.overview(manager=scene["manager"])
    assert len(overview.courses) == 1
    summary = overview.courses[0]
    assert summary.course == scene["original"]
    assert (summary.completed, summary.started) == (2, 3)
    assert summary.languages == ["French", "Portuguese"]
    (portugal,) = overview.by_organisation
    assert portugal.completed == [2]


def test_report_pages_for_a_family_whose_original_is_a_draft(client, scene):
    original = scene["original"]
    original.status = Status.DRAFT
    original.save()
    client.force_login(scene["manager"])
    overview = client.get(reverse("ambassadors:reports")).content.decode()
    report_url = reverse("ambassadors:course-report", kwargs={"course": original.slug})
    assert report_url in overview
    assert "Portuguese" in overview and "French" not in overview
    page = client.get(report_url)
    assert page.status_code == 200
    assert "João" in page.content.decode()
