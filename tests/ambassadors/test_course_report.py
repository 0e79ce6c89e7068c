import csv
import io
from datetime import datetime, timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrolment, Lesson
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


# --- Status, filters, sorting, pagination ------------------------------------------------


def read_xlsx(response) -> list[list]:
    body = b"".join(response.streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


@pytest.fixture
def assigned_scene(scene):
    """rui: assigned, due last week (overdue); lucia: assigned, due next month; ana:
    assigned and completed although her due date has passed."""
    today = timezone.localdate()
    course = scene["course"]
    Enrolment.objects.create(
        user=scene["rui"], course=course, assigned=True, due_date=today - timedelta(days=7)
    )
    Enrolment.objects.filter(user=scene["lucia"], course=course).update(
        assigned=True, due_date=today + timedelta(days=30)
    )
    Enrolment.objects.filter(user=scene["ana"], course=course).update(
        assigned=True, due_date=today - timedelta(days=1)
    )
    return scene


@pytest.mark.django_db
def test_course_report_shows_overdue_and_counts_per_status(client, assigned_scene):
    client.force_login(assigned_scene["manager"])
    response = client.get(report_url(assigned_scene["course"]))
    rows = {row.username: row for row in response.context["rows"]}
    assert rows["rui"].status == "overdue"
    assert rows["rui"].status_label == "Overdue"
    assert rows["ana"].status == "completed"  # completed wins over a passed due date
    assert rows["lucia"].status == "in_progress"
    assert rows["manager-pt"].status == "not_started"
    assert response.context["counts"] == {
        "overdue": 1,
        "not_started": 1,
        "in_progress": 1,
        "completed": 1,
    }


@pytest.mark.django_db
def test_course_report_filters_by_status_in_the_database(client, assigned_scene):
    client.force_login(assigned_scene["manager"])
    response = client.get(report_url(assigned_scene["course"], status="overdue"))
    assert [r.username for r in response.context["rows"]] == ["rui"]
    assert response.context["page"].paginator.count == 1
    # the counts at the top still show every status, so each is a filter to click
    assert sum(response.context["counts"].values()) == 4
    exported = read_csv(
        client.get(report_url(assigned_scene["course"], status="overdue", format="csv"))
    )
    assert [row[1] for row in exported[1:]] == ["rui"]


@pytest.mark.django_db
def test_course_report_filters_by_country_and_assignment(client, assigned_scene):
    client.force_login(assigned_scene["manager"])
    course = assigned_scene["course"]
    response = client.get(report_url(course, country="ES"))
    assert [r.username for r in response.context["rows"]] == ["lucia"]
    response = client.get(report_url(course, assigned="yes"))
    assert {r.username for r in response.context["rows"]} == {"ana", "rui", "lucia"}
    response = client.get(report_url(course, assigned="no"))
    assert {r.username for r in response.context["rows"]} == {"manager-pt"}
    response = client.get(report_url(course, assigned="yes", country="PT", status="overdue"))
    assert [r.username for r in response.context["rows"]] == ["rui"]


@pytest.mark.django_db
def test_course_report_sorts(client, assigned_scene):
    client.force_login(assigned_scene["manager"])
    course = assigned_scene["course"]

    def order(sort):
        response = client.get(report_url(course, sort=sort))
        return [r.username for r in response.context["rows"]]

    assert order("-progress")[0] == "ana"
    assert order("progress")[-1] == "ana"
    assert order("status")[0] == "rui"  # overdue first
    assert order("due_date")[:3] == ["rui", "ana", "lucia"]  # then no due date
    assert order("-organisation")[0] == "lucia"  # Spain after Portugal
    assert order("country")[0] == "lucia"  # ES before PT
    assert order("name") == ["manager-pt", "rui", "lucia", "ana"]  # (no name), Costa, García…


@pytest.mark.django_db
def test_course_report_paginates_and_survives_odd_pages(client, scene):
    portugal = scene["portugal"]
    for n in range(60):
        make_user(f"extra{n:02}", organisation=portugal, last_name=f"Zz{n:02}")
    client.force_login(scene["manager"])
    course = scene["course"]
    response = client.get(report_url(course, per_page=25))
    assert len(response.context["rows"]) == 25
    assert response.context["page"].paginator.num_pages == 3  # 64 people
    last = client.get(report_url(course, per_page=25, page=3))
    assert len(last.context["rows"]) == 14
    for page, shown in [("-1", 1), ("0", 1), (str(10**9), 3), ("abc", 1), ("9" * 40, 1)]:
        response = client.get(report_url(course, per_page=25, page=page))
        assert response.status_code == 200
        assert response.context["page"].number == shown
        assert "There is no page" in response.content.decode()
    response = client.get(report_url(course, per_page=10**9), follow=True)
    assert response.status_code == 200
    assert "Rows per page must be" in response.content.decode()
    assert len(response.context["rows"]) == 50  # the default


@pytest.mark.django_db
def test_course_report_unknown_filter_values_get_a_message(client, scene):
    client.force_login(scene["manager"])
    course = scene["course"]
    for params, message in [
        ({"status": "finished"}, "Unknown status"),
        ({"country": "FR"}, "Unknown country"),
        ({"assigned": "maybe"}, "Unknown assignment filter"),
        ({"sort": "password"}, "Unknown sort order"),
        ({"format": "pdf"}, "Unknown export format"),
    ]:
        response = client.get(report_url(course, **params), follow=True)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert len(response.context["rows"]) == 4


@pytest.mark.django_db
def test_tampered_country_filter_never_widens_scope(client, scene):
    client.force_login(scene["manager_pt"])
    course = scene["course"]
    response = client.get(report_url(course, country="ES"), follow=True)
    assert "Unknown country" in response.content.decode()
    assert "lucia" not in {r.username for r in response.context["rows"]}
    assert client.get(report_url(course, country="ES", format="xlsx")).status_code == 302
    # the filter choices offered are those of the scope only
    form = client.get(report_url(course)).context["form"]
    assert [value for value, _label in form.fields["country"].choices] == ["", "PT"]
    assert [label for _value, label in form.fields["organisation"].choices][1:] == [
        "Dianova Portugal"
    ]


@pytest.mark.django_db
def test_xlsx_has_exactly_the_numbers_on_screen(client, assigned_scene):
    client.force_login(assigned_scene["manager"])
    course = assigned_scene["course"]
    page = client.get(report_url(course, sort="-progress"))
    response = client.get(report_url(course, sort="-progress", format="xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="' in response["Content-Disposition"]
    header, *rows = read_xlsx(response)
    csv_rows = read_csv(client.get(report_url(course, sort="-progress", format="csv")))[1:]
    assert header[:6] == ["Name", "Username", "Organisation", "Country", "Status", "Progress (%)"]
    assert len(rows) == len(page.context["rows"]) == len(csv_rows) == 4
    for screen, sheet, text in zip(page.context["rows"], rows, csv_rows, strict=True):
        assert sheet[1] == text[1] == screen.username
        assert sheet[4] == text[4] == screen.status_label
        assert sheet[5] == int(text[5]) == screen.progress
        assert sheet[8] == (
            datetime(screen.due_date.year, screen.due_date.month, screen.due_date.day)
            if screen.due_date
            else None
        )
        assert sheet[10:] == [None if s is None else float(s) for s in screen.best_scores]


@pytest.mark.django_db
def test_xlsx_writes_formula_like_text_as_text(client, scene):
    rui = scene["rui"]
    rui.first_name = '=HYPERLINK("http://evil","x")'
    rui.last_name = "+1"
    rui.save()
    client.force_login(scene["manager"])
    body = b"".join(client.get(report_url(scene["course"], format="xlsx")).streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    cells = [row[0] for row in workbook.active.iter_rows(min_row=2)]
    evil = next(c for c in cells if "HYPERLINK" in str(c.value))
    assert evil.data_type == "s"  # a string cell, not a formula
    assert evil.value == '=HYPERLINK("http://evil","x") +1'
    assert all(c.data_type != "f" for row in workbook.active.iter_rows() for c in row)


# --- Per person --------------------------------------------------------------------------


def person_url(user, **params):
    url = reverse("ambassadors:person-report", kwargs={"person": user.pk})
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


@pytest.mark.django_db
def test_person_page_shows_courses_and_attempts(client, assigned_scene):
    client.force_login(assigned_scene["manager_pt"])
    response = client.get(person_url(assigned_scene["ana"]))
    assert response.status_code == 200
    report = response.context["report"]
    [course] = report.courses
    assert course.status_key == "completed"
    assert course.progress == 100
    assert course.assigned
    assert len(report.attempts) == 2
    html = response.content.decode()
    assert "Ana Silva" in html and "Ambassador actions" in html
    rui = client.get(person_url(assigned_scene["rui"])).context["report"]
    assert rui.courses[0].status_key == "overdue"


@pytest.mark.django_db
def test_person_page_is_404_outside_scope(client, scene):
    client.force_login(scene["manager_pt"])
    assert client.get(person_url(scene["lucia"])).status_code == 404
    assert client.get(person_url(scene["lucia"], format="xlsx")).status_code == 404
    assert client.get(person_url(scene["manager"])).status_code == 404  # no organisation
    assert client.get("/reports/people/999999/").status_code == 404
    client.force_login(scene["ana"])
    assert client.get(person_url(scene["rui"])).status_code == 403


@pytest.mark.django_db
def test_person_exports_match_the_page(client, scene):
    client.force_login(scene["manager"])
    page = client.get(person_url(scene["ana"])).context["report"]
    attempts = read_csv(client.get(person_url(scene["ana"], format="csv", table="attempts")))
    assert len(attempts) - 1 == len(page.attempts) == 2
    assert {row[5] for row in attempts[1:]} == {"100.00"}
    body = b"".join(client.get(person_url(scene["ana"], format="xlsx")).streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    assert workbook.sheetnames == ["Courses", "Quiz attempts"]
    courses = list(workbook["Courses"].iter_rows(min_row=2, values_only=True))
    assert [(c[0], c[2], c[3]) for c in courses] == [(page.courses[0].title, "Completed", 100)]
