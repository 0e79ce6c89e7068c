"""Managers' reports: one function per report, used by the page and by every export.
This module: the course report, the progress statuses and ``Table`` (what an export writes);
the overview is in ``overview.py``, one person's report in ``person.py``.

The screen and the file are built from the same rows, so they can never disagree. Every
report starts from ``staff_in_scope(manager)`` / ``Organisation.objects.visible_to(manager)``;
filters only ever narrow that set.

Reports:
- course completion (``course_report``): one row per person in scope for one course;
- overview (``overview``): completion per course and per organisation, overdue counts;
- per person (``person_report``): one learner's courses and quiz attempts;
- ambassador programme (``ambassador_overview``, ``person_ambassador_actions``): members'
  levels, verified actions and the verification backlog, members only (people who left the
  programme count nowhere but in anonymous totals).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Case, CharField, Count, F, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ambassadors.models import Organisation, staff_in_scope
from courses.models import Course
from courses.progress import CourseShape, annotate_progress, completion_percent, course_shape
from courses.titles import Titles


class ProgressStatus(models.TextChoices):
    """A learner's status in one course, as computed by ``status_expression``; declared in
    the order the reports show them (filters, counts, sorting)."""

    OVERDUE = "overdue", gettext_lazy("Overdue")
    NOT_STARTED = "not_started", gettext_lazy("Not started")
    IN_PROGRESS = "in_progress", gettext_lazy("In progress")
    COMPLETED = "completed", gettext_lazy("Completed")


def status_expression(today: date) -> Case:
    """The status as a database expression over the progress annotations ``completed_at``,
    ``due_date`` and ``last_activity_at``.

    Completed wins; then overdue (a due date before ``today``); then in progress (any activity:
    every lesson completion and quiz attempt records it); otherwise not started. Computed in
    the database so that filtering on it keeps pagination and counts right.
    """
    return Case(
        When(completed_at__isnull=False, then=Value(ProgressStatus.COMPLETED)),
        When(due_date__lt=today, then=Value(ProgressStatus.OVERDUE)),
        When(last_activity_at__isnull=False, then=Value(ProgressStatus.IN_PROGRESS)),
        default=Value(ProgressStatus.NOT_STARTED),
        output_field=CharField(),
    )


def _status_rank() -> Case:
    return Case(
        *[When(status=key, then=Value(rank)) for rank, key in enumerate(ProgressStatus.values)],
        output_field=IntegerField(),
    )


@dataclass
class Table:
    """A report as the exports see it: a key (for URLs and file names), a name (the sheet's),
    a header row and rows of cells."""

    key: str
    name: str
    headers: list[str]
    rows: Iterable[list]


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
    assigned: bool
    best_scores: list[Decimal | None]

    @property
    def status_label(self) -> str:
        return str(ProgressStatus(self.status).label)


@dataclass(frozen=True)
class CourseReportFilters:
    """Narrowing choices, already checked against the manager's scope (see forms.py)."""

    organisation: Organisation | None = None
    country: str = ""
    status: str = ""
    assigned: bool | None = None
    sort: str = "name"


# Sort keys offered on the page; "-key" sorts descending. Ties always fall back to the name.
SORTS = {
    "name": ["last_name", "first_name", "username"],
    "organisation": ["profile__organisation__name"],
    "country": ["profile__organisation__country"],
    "status": ["status_rank"],
    "progress": ["progress_steps"],
    "due_date": ["due_date"],
    "last_activity": ["last_activity_at"],
}


NAME_ORDER = ["last_name", "first_name", "username", "pk"]


def _ordering(sort: str) -> list:
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    ordering = []
    for name in SORTS.get(key, SORTS["name"]):
        expression = F(name)
        ordering.append(
            expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
        )
    return ordering + NAME_ORDER


@dataclass
class CourseReport:
    course: Course
    shape: CourseShape
    filters: CourseReportFilters
    base: QuerySet  # staff in scope, narrowed by every filter but status, annotated
    users: QuerySet  # ``base`` narrowed by status and sorted: the rows of the page and files
    titles: Titles  # the course and its quizzes in the reader's language

    @property
    def title(self) -> str:
        return self.titles.course(self.course)

    @cached_property
    def quiz_titles(self) -> list[str]:
        """The report's quizzes, in column order, named in the reader's language."""
        family = self.shape.original_id
        return [self.titles.quiz_by_key(family, q.key, q.title) for q in self.shape.quizzes]

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
            _("Assigned"),
            *[_("Best score: %(quiz)s") % {"quiz": title} for title in self.quiz_titles],
        ]

    def status_counts(self) -> dict[str, int]:
        """People per status among the filtered staff, whatever the status filter (one query)."""
        counts = dict.fromkeys(ProgressStatus.values, 0)
        grouped = self.base.order_by().values("status").annotate(n=Count("pk"))
        for item in grouped:
            counts[item["status"]] = item["n"]
        return counts

    def row(self, user) -> CourseReportRow:
        total = self.shape.steps_total
        done = user.lessons_done + user.quizzes_passed
        organisation = user.profile.organisation
        return CourseReportRow(
            user_id=user.pk,
            name=user.get_full_name() or user.username,
            username=user.username,
            organisation=organisation.label,
            country=organisation.country,
            status=user.status,
            progress=completion_percent(done=done, total=total, completed=bool(user.completed_at)),
            last_activity_at=user.last_activity_at,
            completed_at=user.completed_at,
            due_date=user.due_date,
            assigned=bool(user.assigned),
            best_scores=[getattr(user, f"best_{quiz.pk}") for quiz in self.shape.quizzes],
        )

    def rows(self) -> Iterator[CourseReportRow]:
        """Every row in order; ``.iterator()`` keeps memory flat for network-wide exports."""
        for user in self.users.iterator(chunk_size=2000):
            yield self.row(user)

    def page(self, number: int, per_page: int, total: int) -> Page:
        """One page of rows. ``total`` is the row count the caller already has (from
        ``status_counts``), which spares the paginator a COUNT query; ``number`` must be
        valid (see ``clamp_page``)."""
        paginator = Paginator(self.users, per_page)
        paginator.count = total  # cached_property: set it instead of counting again
        page = paginator.page(number)
        page.object_list = [self.row(user) for user in page.object_list]
        return page

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
            _("Yes") if row.assigned else _("No"),
            *row.best_scores,
        ]

    def tables(self) -> list[Table]:
        return [
            Table(
                key="completion",
                name=_("Completion"),
                headers=self.headers(),
                rows=(self.cells(row) for row in self.rows()),
            )
        ]


def clamp_page(number: int, total: int, per_page: int) -> int:
    """The nearest existing page to ``number`` (page 1 when there are no rows)."""
    last = max(1, -(-total // per_page))
    return min(max(1, number), last)


def course_report(
    *,
    manager,
    course: Course,
    filters: CourseReportFilters | None = None,
    today: date | None = None,
) -> CourseReport:
    """The completion report of ``course`` for the staff ``manager`` may see.

    ``filters`` only narrow the manager's scope; no query fires until rows are read.
    """
    filters = filters or CourseReportFilters()
    today = today or timezone.localdate()
    users = staff_in_scope(manager)
    if filters.organisation is not None:
        users = users.filter(profile__organisation=filters.organisation)
    if filters.country:
        users = users.filter(profile__organisation__country=filters.country)
    shape = course_shape(course)
    base = annotate_progress(users.select_related("profile__organisation"), shape).annotate(
        status=status_expression(today)
    )
    if filters.assigned is not None:
        base = base.filter(assigned=filters.assigned)
    rows = base
    if filters.status:
        rows = rows.filter(status=filters.status)
    key = filters.sort.removeprefix("-")
    if key == "status":
        rows = rows.annotate(status_rank=_status_rank())
    elif key == "progress":
        rows = rows.annotate(
            progress_steps=Case(
                When(completed_at__isnull=False, then=Value(shape.steps_total + 1)),
                default=F("lessons_done") + F("quizzes_passed"),
                output_field=IntegerField(),
            )
        )
    return CourseReport(
        course=course,
        shape=shape,
        filters=filters,
        base=base,
        users=rows.order_by(*_ordering(filters.sort)),
        titles=Titles.load(families=[course.original_id]),
    )
