"""Background work, through Django's tasks framework (``django.tasks``).

The backend comes from the TASKS setting: tasks run at once in development and tests; a
deployment uses the database backend (django-tasks-db) and runs ``manage.py db_worker``.
Arguments and results are plain JSON, as the framework requires.
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.tasks import task

from ambassadors.people import reminders
from ambassadors.people.invitations import invitation_send


@task()
def send_reminders(today: str | None = None) -> dict:
    """This week's reminders and managers' digests (see ambassadors.people.reminders)."""
    day = date.fromisoformat(today) if today else None
    return reminders.reminders_send(today=day).as_dict()


@task()
def send_invitations(user_ids: list[int]) -> int:
    """Invitation e-mails with a set-password link for newly imported staff."""
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True)
    sent = 0
    for user in users.select_related("profile__organisation").order_by("pk"):
        if user.email and not user.has_usable_password():
            invitation_send(user)
            sent += 1
    return sent
