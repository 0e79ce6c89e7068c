from datetime import date, timedelta

import pytest
from asgiref.local import Local
from django.core import mail
from django.core.management import CommandError, call_command
from django.tasks import task_backends
from django.urls import reverse

from ambassadors.models import ReminderLog
from ambassadors.people.reminders import reminders_send, week_start
from courses.models import Enrolment
from tests.ambassadors.test_course_report import pass_course
from tests.factories import make_course, make_manager, make_organisation, make_user

MONDAY = date(2026, 3, 2)
WEDNESDAY = MONDAY + timedelta(days=2)


@pytest.fixture
def late(db):
    """A French-speaking learner overdue, an English one due soon, and people who must not
    hear anything: completed, not assigned, due far away, opted out, inactive."""
    canada = make_organisation("Dianova Canada", country="CA", language="fr")
    usa = make_organisation("Dianova USA", country="US", language="en")
    course = make_course(modules=1, lessons=1)
    camille = make_user("camille", organisation=canada, language="fr", first_name="Camille")
    emily = make_user("emily", organisation=usa, language="en", first_name="Emily")
    done = make_user("done", organisation=usa)
    unassigned = make_user("unassigned", organisation=usa)
    far = make_user("far", organisation=usa)
    quiet = make_user("quiet", organisation=canada, language="fr")
    quiet.profile.optional_email = False
    quiet.profile.save()
    gone = make_user("gone", organisation=usa, is_active=False)
    for user, due in [
        (camille, MONDAY - timedelta(days=10)),  # overdue
        (emily, WEDNESDAY + timedelta(days=5)),  # due soon
        (done, MONDAY - timedelta(days=10)),
        (far, WEDNESDAY + timedelta(days=40)),
        (quiet, MONDAY - timedelta(days=10)),
        (gone, MONDAY - timedelta(days=10)),
    ]:
        Enrolment.objects.create(user=user, course=course, assigned=True, due_date=due)
    Enrolment.objects.create(user=unassigned, course=course, due_date=MONDAY)
    pass_course(done, course)
    manager_ca = make_manager(
        username="manager-ca", manages=[canada], language="fr", first_name="Mathieu"
    )
    manager = make_manager(username="manager", whole_network=True, language="en")
    return locals()


def _to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


@pytest.mark.django_db
def test_reminders_reach_staff_due_soon_or_overdue_once_a_week(late):
    run = reminders_send(today=WEDNESDAY)
    managers = {late["manager_ca"].email, late["manager"].email}
    staff = {m.to[0] for m in mail.outbox} - managers
    assert staff == {"camille@example.org", "emily@example.org"}
    assert run.as_dict()["staff_sent"] == 2
    assert run.opted_out == 1  # quiet
    # Again on Friday of the same week: nothing new.
    mail.outbox.clear()
    again = reminders_send(today=WEDNESDAY + timedelta(days=2))
    assert mail.outbox == []
    assert again.already_sent == 4  # two staff reminders and two digests
    # Next week, they are reminded again.
    reminders_send(today=WEDNESDAY + timedelta(days=7))
    assert len(_to(late["camille"])) == 1


@pytest.mark.django_db
def test_reminders_speak_each_recipients_language(late):
    reminders_send(today=WEDNESDAY)
    [french] = _to(late["camille"])
    [english] = _to(late["emily"])
    assert french.extra_headers["Content-Language"] == "fr"
    assert english.extra_headers["Content-Language"] == "en"
    # Dates are written the recipient's way (Django's own translations of month names).
    assert "20 février 2026" in french.body
    assert "March 9, 2026" in english.body
    assert "overdue since" in french.body or "février" in french.body
    assert reverse("ambassadors:preferences") in english.body
    assert late["course"].get_absolute_url() in english.body


@pytest.mark.django_db
def test_manager_digest_lists_only_overdue_staff_in_scope(late):
    reminders_send(today=WEDNESDAY)
    [digest_ca] = _to(late["manager_ca"])
    [digest_all] = _to(late["manager"])
    assert digest_ca.extra_headers["Content-Language"] == "fr"
    assert "Camille" in digest_ca.body
    assert "emily" not in digest_ca.body.lower()  # due soon, not overdue
    assert "?status=overdue" in digest_ca.body
    assert "Camille" in digest_all.body
    # quiet opted out of e-mail, but managers still see them overdue
    assert "quiet" in digest_all.body
    assert "gone" not in digest_all.body and "done" not in digest_all.body


@pytest.mark.django_db
def test_opted_out_manager_gets_no_digest(client, late):
    client.force_login(late["manager_ca"])
    response = client.post(
        reverse("ambassadors:preferences"), {"language": "fr", "optional_email": ""}
    )
    assert response.status_code == 302
    reminders_send(today=WEDNESDAY)
    assert _to(late["manager_ca"]) == []
    assert len(_to(late["manager"])) == 1


@pytest.mark.django_db
def test_failed_send_is_retried_next_run(late, monkeypatch):
    from django.core.mail import EmailMessage

    original = EmailMessage.send

    def flaky(self, *args, **kwargs):
        if self.to == [late["emily"].email]:
            raise OSError("SMTP down")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", flaky)
    run = reminders_send(today=WEDNESDAY)
    assert run.failed == 1
    assert not ReminderLog.objects.filter(recipient=late["emily"]).exists()
    monkeypatch.setattr(EmailMessage, "send", original)
    reminders_send(today=WEDNESDAY)
    assert len(_to(late["emily"])) == 1
    assert len(_to(late["camille"])) == 1


@pytest.mark.django_db
def test_reminder_log_refuses_a_second_row_for_the_same_week(late):
    ReminderLog.objects.create(
        recipient=late["emily"], kind=ReminderLog.Kind.STAFF_DUE, period=week_start(WEDNESDAY)
    )
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderLog.objects.create(
            recipient=late["emily"], kind=ReminderLog.Kind.STAFF_DUE, period=MONDAY
        )


@pytest.mark.django_db
def test_send_reminders_command(late, capsys):
    call_command("send_reminders", "--date", WEDNESDAY.isoformat())
    assert "2 staff reminders, 2 manager digests sent" in capsys.readouterr().out
    count = len(mail.outbox)
    call_command("send_reminders", "--date", WEDNESDAY.isoformat())
    assert "0 staff reminders, 0 manager digests sent; 4 already sent" in capsys.readouterr().out
    assert len(mail.outbox) == count
    with pytest.raises(CommandError):
        call_command("send_reminders", "--date", "next tuesday")


@pytest.mark.django_db
def test_send_reminders_command_enqueues_the_task(late, capsys):
    # Tests use the immediate backend: the task runs as soon as it is enqueued.
    call_command("send_reminders", "--enqueue", "--date", WEDNESDAY.isoformat())
    assert "Enqueued task" in capsys.readouterr().out
    assert len(_to(late["camille"])) == 1


@pytest.fixture
def database_tasks(settings):
    """Swap in the database task backend (django-tasks-db) for one test."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    task_backends.__dict__.pop("settings", None)
    task_backends._connections = Local()
    yield
    task_backends.__dict__.pop("settings", None)
    task_backends._connections = Local()


# The worker commits its own transactions; serialized_rollback restores the groups and
# permissions that migrations created, which a transactional test's flush would remove.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reminders_task_runs_on_the_database_worker(late, database_tasks, capsys):
    call_command("send_reminders", "--enqueue", "--date", WEDNESDAY.isoformat())
    assert mail.outbox == []  # queued, not sent yet
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert len(_to(late["camille"])) == 1
    assert len(_to(late["manager"])) == 1
