"""One writer of a person's organisation and language (``profile_change``): every entry point
(staff import, /preferences/, the language switcher, the admin) brings the assignments along,
in the same transaction, as a manager sees them in the course report."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ambassadors.models import AuditEvent, StaffProfile
from ambassadors.people import imports
from ambassadors.people.services import assignment_create
from courses.models import Enrolment, Status
from courses.translations import course_duplicate
from tests.factories import make_course, make_manager, make_organisation, make_user

pytestmark = pytest.mark.django_db

DUE = timezone.localdate() + timedelta(days=21)


@pytest.fixture
def scene():
    portugal = make_organisation("Dianova Portugal", country="PT", language="pt")
    english = make_course(language="en", modules=1, lessons=1, questions=1)
    portuguese = course_duplicate(course=english, language="pt")
    portuguese.status = Status.PUBLISHED
    portuguese.save()
    manager = make_manager(username="manager-pt", manages=[portugal], organisation=portugal)
    admin = make_user("root", is_superuser=True, is_staff=True)
    assignment_create(course=english, organisations=[portugal], due_date=DUE, assigned_by=manager)
    return {
        "portugal": portugal,
        "english": english,
        "portuguese": portuguese,
        "manager": manager,
        "admin": admin,
    }


def report_row(client, manager, course, username):
    """The person's row in the course report's CSV, as the manager downloads it."""
    client.force_login(manager)
    url = reverse("ambassadors:course-report", kwargs={"course": course.slug}) + "?format=csv"
    response = client.get(url)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = [row for row in csv.DictReader(io.StringIO(text)) if row["Username"] == username]
    assert len(rows) == 1, text
    return rows[0]


def import_file(client, importer, content, django_capture_on_commit_callbacks):
    client.force_login(importer)
    upload = SimpleUploadedFile("staff.csv", content.encode())
    response = client.post(reverse("ambassadors:staff-import"), {"file": upload}, follow=True)
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', response.content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("ambassadors:staff-import-preview"), {"digest": digest.group(1)}, follow=True
        )


def test_imported_person_in_an_assigned_organisation_is_assigned_with_the_due_date(
    client, scene, django_capture_on_commit_callbacks
):
    csv_file = "name,email,organisation,language\nRui Costa,rui@example.org,Dianova Portugal,en\n"
    response = import_file(client, scene["manager"], csv_file, django_capture_on_commit_callbacks)
    assert "Import done: 1 created" in response.content.decode()
    row = report_row(client, scene["manager"], scene["english"], "rui@example.org")
    assert row["Assigned"] == "Yes"
    assert row["Due date"] == DUE.isoformat()
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.STAFF_IMPORTED)
    assert event.target == "staff.csv" and event.details["created"] == 1


def test_import_and_its_audit_record_are_one_transaction(
    client, scene, django_capture_on_commit_callbacks, monkeypatch
):
    def refuse(**kwargs):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(imports, "audit_record", refuse)
    client.raise_request_exception = True
    csv_file = "name,email,organisation,language\nRui Costa,rui@example.org,Dianova Portugal,en\n"
    with pytest.raises(RuntimeError):
        import_file(client, scene["manager"], csv_file, django_capture_on_commit_callbacks)
    assert not StaffProfile.objects.filter(user__email="rui@example.org").exists()


@pytest.mark.parametrize("entry_point", ["preferences", "switcher"])
def test_language_change_moves_the_assignment_and_keeps_the_due_date(client, scene, entry_point):
    ana = make_user("ana", organisation=scene["portugal"], language="en")
    assignment_create(
        course=scene["english"],
        organisations=[scene["portugal"]],
        due_date=DUE,
        assigned_by=scene["manager"],
    )
    client.force_login(ana)
    if entry_point == "preferences":
        response = client.post(
            reverse("ambassadors:preferences"), {"language": "pt", "optional_email": "on"}
        )
    else:
        response = client.post(reverse("ambassadors:language"), {"language": "pt", "next": "/"})
    assert response.status_code == 302
    assert StaffProfile.objects.get(user=ana).language == "pt"
    # "My training" offers the Portuguese version, assigned, due on the same day.
    courses = client.get(reverse("ambassadors:dashboard")).context["courses"]
    assigned = [c for c in courses if c.assigned]
    assert [c.pk for c in assigned] == [scene["portuguese"].pk]
    assert assigned[0].due_date == DUE
    assert not Enrolment.objects.filter(user=ana, course=scene["english"], assigned=True).exists()
    row = report_row(client, scene["manager"], scene["english"], "ana")
    assert (row["Assigned"], row["Due date"]) == ("Yes", DUE.isoformat())


def test_preferences_refuse_an_unknown_language_and_save_nothing(client, scene):
    ana = make_user("ana", organisation=scene["portugal"], language="en")
    client.force_login(ana)
    response = client.post(reverse("ambassadors:preferences"), {"language": "xx"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert StaffProfile.objects.get(user=ana).language == "en"


def test_user_created_in_the_admin_with_an_assigned_organisation_is_assigned(client, scene):
    client.force_login(scene["admin"])
    data = {
        "username": "lia",
        "password1": "a-long-pass-phrase-2026",
        "password2": "a-long-pass-phrase-2026",
        "usable_password": "true",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "0",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-organisation": scene["portugal"].pk,
        "profile-0-language": "pt",
        "profile-0-optional_email": "on",
    }
    response = client.post(reverse("admin:auth_user_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    enrolment = Enrolment.objects.get(user__username="lia", assigned=True)
    assert (enrolment.course, enrolment.due_date) == (scene["portuguese"], DUE)
