import csv
import io

import pytest
from django.urls import reverse

from courses.models import Lesson
from courses.services import attempt_start, attempt_submit, lesson_complete
from tests.factories import make_course, make_manager, make_organisation, make_user


def report_url(course, **params):
    url = reverse("ambassadors:course-report", kwargs={"course": course.slug})
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def pass_course(user, course):
    for lesson in Lesson.objects.filter(module__course=course):
        lesson_complete(user=user, lesson=lesson)
    for quiz in course.quizzes.all():
        attempt = attempt_start(user=user, quiz=quiz)
        answers = {
            q.pk: {c.pk for c in q.choices.all() if c.is_correct} for q in attempt.questions.all()
        }
        attempt_submit(attempt=attempt, answers=answers)


@pytest.fixture
def scene(db):
    portugal = make_organisation("Dianova Portugal", country="PT")
    spain = make_organisation("Dianova Spain", country="ES")
    course = make_course()
    ana = make_user("ana", organisation=portugal, first_name="Ana", last_name="Silva")
    rui = make_user("rui", organisation=portugal, first_name="Rui", last_name="Costa")
    lucia = make_user("lucia", organisation=spain, first_name="Lucía", last_name="García")
    pass_course(ana, course)
    lesson_complete(user=lucia, lesson=Lesson.objects.filter(module__course=course).first())
    manager_pt = make_manager(manages=[portugal], organisation=portugal, username="manager-pt")
    manager = make_manager(whole_network=True, username="manager")
    return locals()


@pytest.mark.django_db
def test_learner_cannot_see_reports_or_admin(client, scene):
    client.force_login(scene["ana"])
    assert client.get(reverse("ambassadors:reports")).status_code == 403
    assert client.get(report_url(scene["course"])).status_code == 403
    assert client.get(report_url(scene["course"], format="csv")).status_code == 403
    assert client.get("/admin/").status_code == 302  # admin login page, not the admin


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, scene):
    response = client.get(report_url(scene["course"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_course_report_rows_show_status_progress_and_best_score(client, scene):
    client.force_login(scene["manager"])
    response = client.get(report_url(scene["course"]))
    rows = {row.username: row for row in response.context["rows"]}
    assert set(rows) == {"ana", "rui", "lucia", "manager-pt"}
    assert rows["ana"].status == "completed"
    assert rows["ana"].progress == 100
    assert rows["ana"].best_scores == [100, 100]
    assert rows["rui"].status == "not_started"
    assert rows["rui"].progress == 0
    assert rows["lucia"].status == "in_progress"
    # 1 lesson of 4 lessons + 2 quizzes
    assert rows["lucia"].progress == round(100 * 1 / 6)
    assert rows["lucia"].best_scores == [None, None]


@pytest.mark.django_db
def test_manager_pt_never_sees_other_organisations(client, scene):
    client.force_login(scene["manager_pt"])
    response = client.get(report_url(scene["course"]))
    html = response.content.decode()
    assert {r.username for r in response.context["rows"]} == {"ana", "rui", "manager-pt"}
    assert "Lucía" not in html
    assert "Dianova Spain" not in html
    exported = read_csv(client.get(report_url(scene["course"], format="csv")))
    assert {row[1] for row in exported[1:]} == {"ana", "rui", "manager-pt"}


@pytest.mark.django_db
def test_tampered_organisation_filter_never_widens_scope(client, scene):
    client.force_login(scene["manager_pt"])
    spain = scene["lucia"].profile.organisation
    response = client.get(report_url(scene["course"], organisation=spain.pk), follow=True)
    assert response.status_code == 200
    assert "Unknown organisation" in response.content.decode()
    assert "lucia" not in {r.username for r in response.context["rows"]}
    csv_response = client.get(report_url(scene["course"], organisation=spain.pk, format="csv"))
    assert csv_response.status_code == 302  # back to the report with a message, no file
    for value in ["abc", "-1", "1e9", "99999999999999999999999"]:
        response = client.get(report_url(scene["course"], organisation=value), follow=True)
        assert response.status_code == 200
        assert "lucia" not in {r.username for r in response.context["rows"]}


@pytest.mark.django_db
def test_filter_by_organisation(client, scene):
    client.force_login(scene["manager"])
    spain = scene["lucia"].profile.organisation
    response = client.get(report_url(scene["course"], organisation=spain.pk))
    assert [r.username for r in response.context["rows"]] == ["lucia"]


@pytest.mark.django_db
def test_csv_has_exactly_the_rows_on_screen(client, scene):
    client.force_login(scene["manager"])
    page = client.get(report_url(scene["course"]))
    exported = read_csv(client.get(report_url(scene["course"], format="csv")))
    header, *rows = exported
    assert header[:6] == ["Name", "Username", "Organisation", "Country", "Status", "Progress (%)"]
    assert len(rows) == len(page.context["rows"])
    for screen_row, file_row in zip(page.context["rows"], rows, strict=True):
        assert file_row[1] == screen_row.username
        assert file_row[4] == screen_row.status_label
        assert int(file_row[5]) == screen_row.progress
        expected_scores = ["" if s is None else f"{s:.2f}" for s in screen_row.best_scores]
        assert file_row[10:] == expected_scores


@pytest.mark.django_db
def test_csv_neutralises_formulas(client, scene):
    rui = scene["rui"]
    rui.first_name = '=HYPERLINK("http://evil")'
    rui.save()
    client.force_login(scene["manager"])
    exported = read_csv(client.get(report_url(scene["course"], format="csv")))
    names = [row[0] for row in exported[1:]]
    assert not any(name.startswith("=") for name in names)
    assert any(name.startswith("'=HYPERLINK") for name in names)


@pytest.mark.django_db
def test_unknown_or_draft_course_report_is_404(client, scene):
    client.force_login(scene["manager"])
    assert client.get("/reports/courses/no-such-course/").status_code == 404
    draft = make_course(status="draft")
    assert client.get(report_url(draft)).status_code == 404


@pytest.mark.django_db
def test_overview_counts_only_staff_in_scope(client, scene):
    client.force_login(scene["manager_pt"])
    response = client.get(reverse("ambassadors:reports"))
    row = next(r for r in response.context["rows"] if r.course == scene["course"])
    assert row.staff == 3  # Portugal: ana, rui and manager-pt herself
    assert row.completed == 1
    assert row.started == 1
