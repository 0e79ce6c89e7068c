"""Managers' reports: one function per report, used by the page and by every export.

The screen and the file are built from the same rows, so they can never disagree.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import Course, CourseCompletion, Enrolment, Status, SubqueryCount
from courses.progress import CourseShape, annotate_progress, course_shape

from .models import Organisation, staff_in_scope

STATUS_LABELS = {
    "not_started": gettext_lazy("Not started"),
    "in_progress": gettext_lazy("In progress"),
    "completed": gettext_lazy("Completed"),
}


@dataclass
class CourseReportRow:
    user_id: int
    name: str
    username: str
    organisation: str
    country: str
    status: str
    progress: int
    last_activity_at: datetime | None
    completed_at: datetime | None
    due_date: date | None
    best_scores: list[Decimal | None]

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass
class CourseReport:
    course: Course
    shape: CourseShape
    organisations: QuerySet  # the organisations the manager may filter on
    organisation: Organisation | None
    users: QuerySet

    def headers(self) -> list[str]:
        return [
            _("Name"),
            _("Username"),
            _("Organisation"),
            _("Country"),
            _("Status"),
            _("Progress (%)"),
            _("Last activity"),
            _("Completed"),
            _("Due date"),
            *[_("Best score: %(quiz)s") % {"quiz": quiz.title} for quiz in self.shape.quizzes],
        ]

    def rows(self) -> Iterator[CourseReportRow]:
        """Rows in name order; ``.iterator()`` keeps memory flat for network-wide exports."""
        total = self.shape.steps_total
        for user in self.users.iterator(chunk_size=2000):
            done = user.lessons_done + user.quizzes_passed
            if user.completed_at:
                status = "completed"
            elif user.last_activity_at or done:
                status = "in_progress"
            else:
                status = "not_started"
            organisation = user.profile.organisation
            yield CourseReportRow(
                user_id=user.pk,
                name=user.get_full_name() or user.username,
                username=user.username,
                organisation=organisation.name,
                country=organisation.country,
                status=status,
                progress=100 if user.completed_at else (round(100 * done / total) if total else 0),
                last_activity_at=user.last_activity_at,
                completed_at=user.completed_at,
                due_date=user.due_date,
                best_scores=[getattr(user, f"best_{quiz.pk}") for quiz in self.shape.quizzes],
            )

    @staticmethod
    def cells(row: CourseReportRow) -> list:
        return [
            row.name,
            row.username,
            row.organisation,
            row.country,
            row.status_label,
            row.progress,
            row.last_activity_at,
            row.completed_at,
            row.due_date,
            *row.best_scores,
        ]


def course_report(*, manager, course: Course, organisation_id: int | None = None) -> CourseReport:
    """The completion report of ``course`` and its other language versions (one course for
    progress: see courses/progress.py) for the staff ``manager`` may see.

    ``organisation_id`` narrows to one organisation; an id outside the manager's scope
    raises Organisation.DoesNotExist (the view turns it into a message), never widens.
    """
    organisations = Organisation.objects.visible_to(manager)
    organisation = None
    users = staff_in_scope(manager)
    if organisation_id is not None:
        organisation = organisations.get(pk=organisation_id)
        users = users.filter(profile__organisation=organisation)
    shape = course_shape(course)
    users = annotate_progress(
        users.select_related("profile__organisation").order_by(
            "last_name", "first_name", "username"
        ),
        shape,
    )
    return CourseReport(
        course=course,
        shape=shape,
        organisations=organisations,
        organisation=organisation,
        users=users,
    )


def overview(*, manager) -> list[dict]:
    """Per course, all its language versions together: staff in scope, and how many of them
    completed or started any version. One row per original; ``languages`` lists the
    published versions."""
    user_model = get_user_model()
    staff_count = staff_in_scope(manager).count()
    in_scope = user_model.objects.filter(pk__in=staff_in_scope(manager).values("pk"))
    family = Q(course_id=OuterRef("pk")) | Q(course__translation_of_id=OuterRef("pk"))
    courses = (
        Course.objects.in_use()
        .annotate(
            completed=SubqueryCount(
                CourseCompletion.objects.filter(family, user__in=in_scope.values("pk")),
                field="user_id",
            ),
            started=SubqueryCount(
                Enrolment.objects.filter(
                    family, user__in=in_scope.values("pk"), last_activity_at__isnull=False
                ),
                field="user_id",
            ),
        )
        .prefetch_related(
            Prefetch(
                "translations",
                queryset=Course.objects.published().order_by("language"),
                to_attr="published_translations",
            )
        )
    )
    return [
        {
            "course": course,
            "languages": [
                version.get_language_display()
                for version in [course, *course.published_translations]
                if version.status == Status.PUBLISHED
            ],
            "staff": staff_count,
            "completed": course.completed,
            "started": course.started,
            "rate": round(100 * course.completed / staff_count) if staff_count else 0,
        }
        for course in courses
    ]
