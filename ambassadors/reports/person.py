"""One learner's report (courses, quiz attempts, ambassador actions) and the lists of people
and assignments a manager may see."""

from dataclasses import dataclass
from datetime import date

from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ambassadors.models import Action, Assignment, StaffProfile, staff_in_scope
from ambassadors.reports.course import ProgressStatus, Table, status_expression
from courses.family import with_family_progress
from courses.models import Course, CourseCompletion, Enrolment, QuizAttempt, Status, SubqueryCount
from courses.progress import completion_percent
from courses.titles import Titles


@dataclass
class PersonReport:
    person: object  # a User in the manager's scope, with profile__organisation loaded
    courses: list[Course]  # annotated: steps, completed_at, due_date, assigned, status…
    attempts: list[QuizAttempt]
    ambassador_actions: list[Action]  # empty unless a current member (see below)

    def course_headers(self) -> list[str]:
        return [
            _("Course"),
            _("Language"),
            _("Status"),
            _("Progress (%)"),
            _("Assigned"),
            _("Due date"),
            _("Last activity"),
            _("Completed"),
        ]

    def course_cells(self, course: Course) -> list:
        return [
            course.reader_title,
            course.get_language_display(),
            str(ProgressStatus(course.status_key).label),
            course.progress,
            _("Yes") if course.assigned else _("No"),
            course.due_date,
            course.last_activity_at,
            course.completed_at,
        ]

    def attempt_headers(self) -> list[str]:
        return [
            _("Course"),
            _("Quiz"),
            _("Attempt"),
            _("Started"),
            _("Submitted"),
            _("Score (%)"),
            _("Passed"),
            _("Late"),
        ]

    @property
    def attempt_rows(self) -> list[list]:
        """The attempts table's cells: the page (one include) and the exports show these."""
        return [self.attempt_cells(a) for a in self.attempts]

    def attempt_cells(self, attempt: QuizAttempt) -> list:
        submitted = attempt.is_submitted
        return [
            attempt.quiz.course.reader_title,
            attempt.quiz.reader_title,
            attempt.number,
            attempt.started_at,
            attempt.submitted_at,
            attempt.score,
            (_("Yes") if attempt.passed else _("No")) if submitted else "",
            (_("Yes") if attempt.late else _("No")) if submitted else "",
        ]

    def tables(self) -> list[Table]:
        return [
            Table(
                key="courses",
                name=_("Courses"),
                headers=self.course_headers(),
                rows=[self.course_cells(c) for c in self.courses],
            ),
            Table(
                key="attempts",
                name=_("Quiz attempts"),
                headers=self.attempt_headers(),
                rows=self.attempt_rows,
            ),
        ]


def person_ambassador_actions(person) -> list:
    """The person's ambassador actions, newest first, if they are a current member of the
    programme (someone who left is shown nothing). One query."""
    return list(
        Action.objects.of_members()
        .filter(user=person)
        .select_related("action_type", "platform")
        .order_by("-created_at")
    )


def person_report(*, person, today: date | None = None) -> PersonReport:
    """The learner's courses (offered in their language, or where they have any activity or
    assignment) with progress, and every quiz attempt. Two queries.

    ``person`` must already be checked against the manager's scope (the view does that).
    """
    today = today or timezone.localdate()
    language = getattr(getattr(person, "profile", None), "language", "en")
    enrolled = Enrolment.objects.filter(user=person, course=OuterRef("pk"))
    courses = list(
        with_family_progress(
            Course.objects.published().filter(
                Q(pk__in=Course.objects.for_language(language).values("pk"))
                | Q(Exists(enrolled))
                | Q(Exists(CourseCompletion.objects.filter(user=person, course=OuterRef("pk"))))
            ),
            person,
        )
        .annotate(
            assigned=Coalesce(
                Subquery(enrolled.values("assigned")[:1]),
                Value(False),
                output_field=BooleanField(),
            ),
            status_key=status_expression(today),
        )
        .order_by("title", "language")
    )
    for course in courses:
        course.progress = completion_percent(
            done=course.steps_done, total=course.steps_total, completed=bool(course.completed_at)
        )
    attempts = list(
        QuizAttempt.objects.filter(user=person, quiz__course__status=Status.PUBLISHED)
        .select_related("quiz__course")
        .order_by("-started_at")
    )
    # Courses and quizzes named in the reader's (the manager's) language.
    titles = Titles.load()
    for course in courses:
        course.reader_title = titles.course(course)
    for attempt in attempts:
        attempt.quiz.course.reader_title = titles.course(attempt.quiz.course)
        attempt.quiz.reader_title = titles.quiz(attempt.quiz)
    return PersonReport(
        person=person,
        courses=courses,
        attempts=attempts,
        ambassador_actions=person_ambassador_actions(person),
    )


def people_in_scope(manager) -> QuerySet:
    """The people whose per-person page ``manager`` may open."""
    return staff_in_scope(manager).select_related("profile__organisation")


def assignments(*, manager) -> list:
    """Assignments in ``manager``'s scope, newest first, each with ``staff_count``: how many
    active staff it reaches (one for a person), and the course's ``reader_title`` (in the
    reader's language). Two queries."""
    rows = list(
        Assignment.objects.visible_to(manager)
        .select_related("course", "organisation", "user", "assigned_by")
        .annotate(
            staff_count=SubqueryCount(
                StaffProfile.objects.filter(
                    organisation=OuterRef("organisation"), user__is_active=True
                )
            )
        )
    )
    titles = Titles.load(quizzes=False)
    for assignment in rows:
        assignment.course.reader_title = titles.course(assignment.course)
    return rows
