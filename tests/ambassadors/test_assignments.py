"""Assignments: a manager assigns a course to organisations or people with a due date; the
learners reached see it first on "My training"; overdue shows to them and in the report."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ambassadors.models import Assignment
from ambassadors.people.services import (
    OutOfScope,
    assignment_create,
    enrolments_sync,
    profile_change,
)
from courses.models import Enrolment, Lesson
from courses.services import lesson_complete
from tests.factories import make_course, make_manager, make_organisation, make_user

ASSIGNMENTS = reverse("ambassadors:assignments")


@pytest.fixture
def scene(db):
    portugal = make_organisation("Dianova Portugal", country="PT")
    spain = make_organisation("Dianova Spain", country="ES")
    other_course = make_course(modules=1, lessons=1)  # "Course n", first by title
    assigned = make_course(modules=1, lessons=1)
    assigned.title = "Zeta assigned course"
    assigned.save()
    ana = make_user("ana", organisation=portugal, first_name="Ana", last_name="Silva")
    lucia = make_user("lucia", organisation=spain, first_name="Lucía", last_name="García")
    manager_pt = make_manager(manages=[portugal], organisation=portugal, username="manager-pt")
    return locals()


def dashboard_courses(client, user):
    client.force_login(user)
    response = client.get(reverse("ambassadors:dashboard"))
    assert response.status_code == 200
    return response, response.context["courses"]


@pytest.mark.django_db
def test_assignment_staff_of_the_organisation_see_it_first_with_due_date(client, scene):
    due = timezone.localdate() + timedelta(days=14)
    client.force_login(scene["manager_pt"])
    response = client.post(
        ASSIGNMENTS,
        {
            "course": scene["assigned"].pk,
            "organisations": [scene["portugal"].pk],
            "due_date": due.isoformat(),
        },
        follow=True,
    )
    assert "assigned to 1 organisation or person" in response.content.decode()
    assignment = Assignment.objects.get()
    assert assignment.assigned_by == scene["manager_pt"]

    response, courses = dashboard_courses(client, scene["ana"])
    assert courses[0] == scene["assigned"]
    assert courses[0].assigned and courses[0].due_date == due and not courses[0].overdue
    assert courses[1] == scene["other_course"]  # self-enrolment in other courses stays open
    html = response.content.decode()
    assert "Assigned · due" in html
    assert html.index("Zeta assigned course") < html.index(scene["other_course"].title)

    _response, courses = dashboard_courses(client, scene["lucia"])
    assert courses[0] == scene["other_course"]  # Spain was not assigned: alphabetical order
    assert not any(c.assigned for c in courses)
    assert not Enrolment.objects.filter(user=scene["lucia"]).exists()


@pytest.mark.django_db
def test_assignment_reaches_a_person_who_joins_later(client, scene):
    due = timezone.localdate() + timedelta(days=7)
    assignment_create(
        course=scene["assigned"],
        organisations=[scene["portugal"]],
        due_date=due,
        assigned_by=scene["manager_pt"],
    )
    newcomer = make_user("rui", organisation=None)
    assert not Enrolment.objects.filter(user=newcomer).exists()
    profile_change(user=newcomer, organisation=scene["portugal"])
    enrolment = Enrolment.objects.get(user=newcomer, course=scene["assigned"])
    assert enrolment.assigned and enrolment.due_date == due
    _response, courses = dashboard_courses(client, newcomer)
    assert courses[0] == scene["assigned"]


@pytest.mark.django_db
def test_assignment_reaches_someone_moved_to_the_organisation_in_the_admin(admin_client, scene):
    assignment_create(
        course=scene["assigned"], organisations=[scene["portugal"]], assigned_by=scene["manager_pt"]
    )
    lucia = scene["lucia"]
    profile = lucia.profile
    url = reverse("admin:ambassadors_staffprofile_change", args=[profile.pk])
    response = admin_client.post(
        url, {"user": lucia.pk, "organisation": scene["portugal"].pk, "language": "en"}
    )
    assert response.status_code == 302
    assert Enrolment.objects.get(user=lucia, course=scene["assigned"]).assigned


@pytest.mark.django_db
def test_assignment_leaving_the_organisation_keeps_progress_but_not_the_assignment(scene):
    assignment_create(
        course=scene["assigned"], organisations=[scene["portugal"]], assigned_by=scene["manager_pt"]
    )
    ana = scene["ana"]
    lesson_complete(user=ana, lesson=Lesson.objects.get(module__course=scene["assigned"]))
    profile_change(user=ana, organisation=scene["spain"])
    enrolment = Enrolment.objects.get(user=ana, course=scene["assigned"])
    assert not enrolment.assigned and enrolment.due_date is None
    assert ana.lesson_completions.count() == 1


@pytest.mark.django_db
def test_assignment_to_chosen_people_by_username_or_email(client, scene):
    make_user("rui", organisation=scene["portugal"])
    client.force_login(scene["manager_pt"])
    client.post(ASSIGNMENTS, {"course": scene["assigned"].pk, "people": "ANA@example.org, rui"})
    assert set(Assignment.objects.values_list("user__username", flat=True)) == {"ana", "rui"}
    assert Enrolment.objects.filter(course=scene["assigned"], assigned=True).count() == 2


@pytest.mark.django_db
def test_assignment_manager_cannot_reach_outside_their_scope(client, scene):
    client.force_login(scene["manager_pt"])
    response = client.post(
        ASSIGNMENTS, {"course": scene["assigned"].pk, "organisations": [scene["spain"].pk]}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    response = client.post(ASSIGNMENTS, {"course": scene["assigned"].pk, "people": "lucia"})
    assert "Not found among the staff you manage: lucia" in response.content.decode()
    assert not Assignment.objects.exists()
    assert not Enrolment.objects.exists()
    with pytest.raises(OutOfScope):
        assignment_create(
            course=scene["assigned"], users=[scene["lucia"]], assigned_by=scene["manager_pt"]
        )
    # the list never shows assignments outside the scope
    assignment_create(
        course=scene["assigned"],
        organisations=[scene["spain"]],
        assigned_by=make_manager(whole_network=True),
    )
    assert "Dianova Spain" not in client.get(ASSIGNMENTS).content.decode()


@pytest.mark.django_db
def test_assignment_form_refuses_bad_input_with_messages(client, scene):
    client.force_login(scene["manager_pt"])
    yesterday = timezone.localdate() - timedelta(days=1)
    for data, message in [
        ({"course": scene["assigned"].pk}, "Choose at least one organisation or person."),
        (
            {
                "course": scene["assigned"].pk,
                "organisations": [scene["portugal"].pk],
                "due_date": yesterday.isoformat(),
            },
            "The due date is in the past.",
        ),
        (
            {
                "course": scene["assigned"].pk,
                "organisations": [scene["portugal"].pk],
                "due_date": "soon",
            },
            "Enter a valid date.",
        ),
        ({"course": "999999", "organisations": [scene["portugal"].pk]}, "Select a valid choice"),
    ]:
        response = client.post(ASSIGNMENTS, data)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Assignment.objects.exists()


@pytest.mark.django_db
def test_assignment_page_is_for_managers(client, scene):
    client.force_login(scene["ana"])
    assert client.get(ASSIGNMENTS).status_code == 403
    assert client.post(ASSIGNMENTS, {"course": scene["assigned"].pk}).status_code == 403


@pytest.mark.django_db
def test_assignment_removal_keeps_progress(client, scene):
    [assignment] = assignment_create(
        course=scene["assigned"], organisations=[scene["portugal"]], assigned_by=scene["manager_pt"]
    )
    client.force_login(scene["manager_pt"])
    delete_url = reverse("ambassadors:assignment-delete", args=[assignment.pk])
    assert client.get(delete_url).status_code == 405
    client.post(delete_url)
    assert not Assignment.objects.exists()
    assert not Enrolment.objects.get(user=scene["ana"]).assigned


@pytest.mark.django_db
def test_assignment_removal_outside_scope_is_404(client, scene):
    [assignment] = assignment_create(
        course=scene["assigned"],
        organisations=[scene["spain"]],
        assigned_by=make_manager(whole_network=True),
    )
    client.force_login(scene["manager_pt"])
    response = client.post(reverse("ambassadors:assignment-delete", args=[assignment.pk]))
    assert response.status_code == 404
    assert Assignment.objects.exists()


@pytest.mark.django_db
def test_assignment_overdue_shows_to_learner_and_in_report(client, scene):
    [assignment] = assignment_create(
        course=scene["assigned"], organisations=[scene["portugal"]], assigned_by=scene["manager_pt"]
    )
    # the due date passes (set in the past directly: the form refuses past dates)
    Assignment.objects.filter(pk=assignment.pk).update(
        due_date=timezone.localdate() - timedelta(days=3)
    )
    enrolments_sync(user_ids=[scene["ana"].pk, scene["manager_pt"].pk])
    response, courses = dashboard_courses(client, scene["ana"])
    assert courses[0].overdue
    assert "Overdue · was due" in response.content.decode()

    client.force_login(scene["manager_pt"])
    report = client.get(reverse("ambassadors:course-report", args=[scene["assigned"].slug]))
    rows = {row.username: row for row in report.context["rows"]}
    assert rows["ana"].status == "overdue"
    assert rows["ana"].status_label == "Overdue"
    assert rows["manager-pt"].status == "overdue"  # a manager is staff of Portugal too
    csv = client.get(
        reverse("ambassadors:course-report", args=[scene["assigned"].slug]) + "?format=csv"
    )
    assert "Overdue" in b"".join(csv.streaming_content).decode("utf-8-sig")


@pytest.mark.django_db
def test_assignment_completed_is_never_overdue(client, scene):
    assignment_create(
        course=scene["assigned"], users=[scene["ana"]], assigned_by=scene["manager_pt"]
    )
    Enrolment.objects.filter(user=scene["ana"]).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    course = scene["assigned"]
    course.quizzes.all().delete()
    lesson_complete(user=scene["ana"], lesson=Lesson.objects.get(module__course=course))
    _response, courses = dashboard_courses(client, scene["ana"])
    assert courses[0] == course and courses[0].completed_at and not courses[0].overdue


@pytest.mark.django_db
def test_assignment_earliest_due_date_wins(scene):
    soon = timezone.localdate() + timedelta(days=3)
    later = timezone.localdate() + timedelta(days=30)
    assignment_create(
        course=scene["assigned"],
        organisations=[scene["portugal"]],
        due_date=later,
        assigned_by=scene["manager_pt"],
    )
    assignment_create(
        course=scene["assigned"],
        users=[scene["ana"]],
        due_date=soon,
        assigned_by=scene["manager_pt"],
    )
    assert Enrolment.objects.get(user=scene["ana"]).due_date == soon
    assert Enrolment.objects.get(user=scene["manager_pt"]).due_date == later


@pytest.mark.django_db
def test_assignment_gives_each_learner_the_version_in_their_language(scene):
    original = make_course(modules=1, lessons=1, language="fr")
    portuguese = make_course(modules=1, lessons=1, language="pt", translation_of=original)
    ana = scene["ana"]
    ana.profile.language = "pt"
    ana.profile.save()
    assignment_create(
        course=original, organisations=[scene["portugal"]], assigned_by=scene["manager_pt"]
    )
    assert Enrolment.objects.get(user=ana, assigned=True).course == portuguese
    assert Enrolment.objects.get(user=scene["manager_pt"], assigned=True).course == original


@pytest.mark.django_db
def test_assignment_made_in_the_admin_reaches_the_organisation(admin_client, scene):
    url = reverse("admin:ambassadors_assignment_add")
    both = admin_client.post(
        url,
        {
            "course": scene["assigned"].pk,
            "organisation": scene["portugal"].pk,
            "user": scene["lucia"].pk,
            "due_date": "",
        },
    )
    assert "Choose either an organisation or a person, not both." in both.content.decode()
    assert not Assignment.objects.exists()
    response = admin_client.post(
        url, {"course": scene["assigned"].pk, "organisation": scene["portugal"].pk, "user": ""}
    )
    assert response.status_code == 302
    assert Enrolment.objects.get(user=scene["ana"], course=scene["assigned"]).assigned
    assignment = Assignment.objects.get()
    delete_url = reverse("admin:ambassadors_assignment_delete", args=[assignment.pk])
    admin_client.post(delete_url, {"post": "yes"})
    assert not Enrolment.objects.get(user=scene["ana"], course=scene["assigned"]).assigned


@pytest.mark.django_db
def test_assignment_unknown_people_are_quoted_by_an_excerpt(client, scene):
    """A pasted 1 MB "name" was echoed whole in the error message."""
    client.force_login(scene["manager_pt"])
    huge = "x" * 1_000_000 + "z"
    response = client.post(ASSIGNMENTS, {"course": scene["assigned"].pk, "people": huge})
    page = response.content.decode()
    assert "Not found among the staff you manage: " + "x" * 40 + "…" in page
    # The field itself shows what was typed; the error quotes no more than the excerpt.
    assert page.count("x" * 999_999 + "z") == 1
