"""Weekly reminder e-mails: staff with an assignment due soon or overdue, and a digest of
overdue staff for each manager.

``reminders_send`` is run by ``manage.py send_reminders`` (from cron, weekly) or by the task
``ambassadors.people.tasks.send_reminders`` (enqueued by ``send_reminders --enqueue`` and run by a
tasks worker). Each reminder is written to ReminderLog before it is sent; the log's unique
constraint (recipient, kind, week) means a second run in the same week, or two workers at
once, never send it twice. Assignments are the Enrolment facts written by the assignment
service (``assigned`` and ``due_date``).
"""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from ambassadors.models import Organisation, ReminderLog
from courses.models import CourseCompletion, Enrolment, Status
from courses.titles import Titles

logger = logging.getLogger(__name__)


def week_start(day: date) -> date:
    """The Monday of ``day``'s week: the period a reminder belongs to."""
    return day - timedelta(days=day.weekday())


@dataclass
class ReminderRun:
    period: date
    sent: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ReminderLog.Kind, 0))
    already_sent: int = 0
    opted_out: int = 0
    failed: int = 0

    def as_dict(self) -> dict:
        return {
            "period": self.period.isoformat(),
            "staff_sent": self.sent[ReminderLog.Kind.STAFF_DUE],
            "managers_sent": self.sent[ReminderLog.Kind.MANAGER_DIGEST],
            "already_sent": self.already_sent,
            "opted_out": self.opted_out,
            "failed": self.failed,
        }


def open_assignments(*, today: date):
    """Assigned, published, not completed enrolments of active people due by the horizon.

    One query; ordered by person then due date; each row has its user, profile, organisation
    and course loaded.
    """
    horizon = today + timedelta(days=settings.REMINDER_DUE_SOON_DAYS)
    completed = CourseCompletion.objects.filter(user=OuterRef("user"), course=OuterRef("course"))
    return (
        Enrolment.objects.filter(
            assigned=True,
            due_date__isnull=False,
            due_date__lte=horizon,
            course__status=Status.PUBLISHED,
            user__is_active=True,
        )
        .filter(~Exists(completed))
        .select_related("user__profile__organisation", "course")
        .order_by("user_id", "due_date", "course__title")
    )


def _language(user) -> str:
    profile = getattr(user, "profile", None)
    return profile.language if profile else settings.LANGUAGE_CODE


def _wants_optional_email(user) -> bool:
    profile = getattr(user, "profile", None)
    return bool(user.email) and (profile is None or profile.optional_email)


def _send_once(run: ReminderRun, *, recipient, kind: str, build) -> None:
    """Log, then send; a log already there means it was sent this period. A failed send
    removes the log so that the next run tries again."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(recipient=recipient, kind=kind, period=run.period)
    except IntegrityError:
        run.already_sent += 1
        return
    try:
        build().send()
    except Exception:
        logger.exception("Reminder %s to user %s failed", kind, recipient.pk)
        ReminderLog.objects.filter(recipient=recipient, kind=kind, period=run.period).delete()
        run.failed += 1
        return
    run.sent[kind] += 1


def _message(*, user, subject: str, template: str, context: dict) -> EmailMessage:
    """Rendered in the recipient's language (the caller has activated it)."""
    context = {
        **context,
        "user": user,
        "site_url": settings.SITE_URL,
        "preferences_url": settings.SITE_URL + reverse("ambassadors:preferences"),
    }
    return EmailMessage(
        subject=subject,
        body=render_to_string(template, context),
        to=[user.email],
        headers={"Content-Language": translation.get_language()},
    )


def _staff_message(user, enrolments: list[Enrolment], today: date):
    def build() -> EmailMessage:
        with translation.override(_language(user)):
            titles = Titles.load()
            overdue = [e for e in enrolments if e.due_date < today]
            subject = ngettext(
                "Your training: %(count)s course is due soon or overdue",
                "Your training: %(count)s courses are due soon or overdue",
                len(enrolments),
            ) % {"count": len(enrolments)}
            items = [
                {
                    "course": e.course,
                    "title": titles.course(e.course),
                    "due_date": e.due_date,
                    "overdue": e.due_date < today,
                    "url": settings.SITE_URL + e.course.get_absolute_url(),
                }
                for e in enrolments
            ]
            return _message(
                user=user,
                subject=subject,
                template="ambassadors/email/reminder_staff.txt",
                context={"items": items, "overdue_count": len(overdue)},
            )

    return build


def _digest_message(manager, enrolments: list[Enrolment], today: date):
    def build() -> EmailMessage:
        with translation.override(_language(manager)):
            titles = Titles.load()
            subject = ngettext(
                "Training digest: %(count)s overdue assignment in your organisations",
                "Training digest: %(count)s overdue assignments in your organisations",
                len(enrolments),
            ) % {"count": len(enrolments)}
            items = [
                {
                    "name": e.user.get_full_name() or e.user.username,
                    "organisation": e.user.profile.organisation,
                    "course": e.course,
                    "title": titles.course(e.course),
                    "due_date": e.due_date,
                    "days": (today - e.due_date).days,
                }
                for e in enrolments
            ]
            # One link per course family: its report covers every language version.
            courses = {titles.course(e.course): e.course for e in enrolments}
            links = [
                {
                    "title": title,
                    "url": settings.SITE_URL
                    + reverse("ambassadors:course-report", kwargs={"course": course.slug})
                    + "?status=overdue",
                }
                for title, course in sorted(courses.items())
            ]
            return _message(
                user=manager,
                subject=subject,
                template="ambassadors/email/reminder_digest.txt",
                context={"items": items, "links": links},
            )

    return build


def managers():
    """Active people with a manager's scope on their profile (permission checked per person)."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(profile__manages_whole_network=True) | Q(profile__managed_organisations__isnull=False)
        )
        .select_related("profile")
        .distinct()
        .order_by("pk")
    )


def reminders_send(*, today: date | None = None) -> ReminderRun:
    """Send this week's reminders and digests that have not been sent yet."""
    today = today or timezone.localdate()
    run = ReminderRun(period=week_start(today))
    assignments = list(open_assignments(today=today))

    for _user_id, group in groupby(assignments, key=lambda e: e.user_id):
        enrolments = list(group)
        user = enrolments[0].user
        if not _wants_optional_email(user):
            run.opted_out += 1
            continue
        _send_once(
            run,
            recipient=user,
            kind=ReminderLog.Kind.STAFF_DUE,
            build=_staff_message(user, enrolments, today),
        )

    overdue = [
        e
        for e in assignments
        if e.due_date < today and getattr(e.user, "profile", None) and e.user.profile.organisation
    ]
    if not overdue:
        return run
    for manager in managers():
        if not manager.has_perm("ambassadors.view_reports"):
            continue
        scope = set(Organisation.objects.visible_to(manager).values_list("pk", flat=True))
        theirs = [e for e in overdue if e.user.profile.organisation_id in scope]
        if not theirs:
            continue
        if not _wants_optional_email(manager):
            run.opted_out += 1
            continue
        theirs.sort(key=lambda e: (e.user.profile.organisation.name, e.due_date, e.user.last_name))
        _send_once(
            run,
            recipient=manager,
            kind=ReminderLog.Kind.MANAGER_DIGEST,
            build=_digest_message(manager, theirs, today),
        )
    return run
