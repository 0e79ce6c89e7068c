"""The audit trail: who exported, imported, assigned or decided what, and when."""

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from ambassadors.models import AuditEvent
from ambassadors.people.services import assignment_create, assignment_delete
from tests.factories import (
    log_action,
    make_course,
    make_manager,
    make_member,
    make_organisation,
    make_trainer,
    make_user,
    verify,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def portugal():
    return make_organisation("Dianova Portugal", country="PT")


def test_an_export_is_recorded_with_who_and_what(client, portugal):
    course = make_course()
    manager = make_manager(manages=[portugal], username="manager-pt")
    client.force_login(manager)
    url = reverse("ambassadors:course-report", kwargs={"course": course.slug})
    client.get(url)  # looking at the page is not an export
    assert not AuditEvent.objects.exists()
    response = client.get(url + "?format=csv")
    b"".join(response.streaming_content)
    event = AuditEvent.objects.get()
    assert (event.actor, event.verb) == (manager, AuditEvent.Verb.REPORT_EXPORTED)
    assert event.details["format"] == "csv"
    assert event.created_at is not None


def test_assignments_and_their_removal_are_recorded(portugal):
    manager = make_manager(manages=[portugal])
    (assignment,) = assignment_create(
        course=make_course(), organisations=[portugal], assigned_by=manager
    )
    assignment_delete(assignment=assignment, actor=manager)
    assert list(AuditEvent.objects.order_by("pk").values_list("verb", "actor")) == [
        (AuditEvent.Verb.ASSIGNMENT_CREATED, manager.pk),
        (AuditEvent.Verb.ASSIGNMENT_REMOVED, manager.pk),
    ]


def test_a_verification_is_recorded(portugal):
    trainer = make_trainer("trainer", organisation=portugal)
    member = make_member(organisation=portugal)
    verify(log_action(member, "share"), trainer)
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.ACTION_DECIDED)
    assert event.actor == trainer
    assert event.details["decision"] == "verified"


def test_only_admins_see_the_trail_and_the_admin_log(client, portugal):
    admin = make_user("boss", is_staff=True, is_superuser=True)
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(portugal),
        object_id=str(portugal.pk),
        object_repr=str(portugal),
        action_flag=ADDITION,
    )
    client.force_login(admin)
    assert client.get("/admin/ambassadors/auditevent/").status_code == 200
    page = client.get("/admin/admin/logentry/")
    assert page.status_code == 200
    assert "Dianova Portugal" in page.content.decode()
    trainer = make_trainer("trainer", organisation=portugal, is_staff=True)
    client.force_login(trainer)
    assert client.get("/admin/ambassadors/auditevent/").status_code == 403
    assert client.get("/admin/admin/logentry/").status_code == 403
