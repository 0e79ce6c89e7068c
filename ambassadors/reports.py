"""Managers' reports: one function per report, used by the page and by every export.

The screen and the file are built from the same rows, so they can never disagree. Every
report starts from ``staff_in_scope(manager)`` / ``Organisation.objects.visible_to(manager)``;
filters only ever narrow that set.

Sections:
- course completion (``course_report``): one row per person in scope for one course;
- overview (``overview``): completion per course and per organisation, overdue counts;
- per person (``person_report``): one learner's courses and quiz attempts;
- ambassador programme (``ambassador_overview``, ``person_ambassador_actions``): members'
  levels, verified actions and the verification backlog, members only (people who left the
  programme count nowhere but in anonymous totals).
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import Course, CourseCompletion, Enrolment, QuizAttempt, Status, SubqueryCount
from courses.progress import CourseShape, annotate_progress, course_shape
from courses.titles import Titles

from .models import (
    Action,
    AmbassadorProfile,
    Assignment,
    Level,
    Organisation,
    StaffProfile,
    staff_in_scope,
    translated,
)


class ProgressStatus:
    """A learner's status in one course, as computed by ``status_expression``."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    OVERDUE = "overdue"

    LABELS = {
        NOT_STARTED: gettext_lazy("Not started"),
        IN_PROGRESS: gettext_lazy("In progress"),
        COMPLETED: gettext_lazy("Completed"),
        OVERDUE: gettext_lazy("Overdue"),
    }
    ORDER = [OVERDUE, NOT_STARTED, IN_PROGRESS, COMPLETED]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(key, cls.LABELS[key]) for key in cls.ORDER]


# Kept for code that imported it before the overdue status existed.
STATUS_LABELS = ProgressStatus.LABELS


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
        *[When(status=key, then=Value(rank)) for rank, key in enumerate(ProgressStatus.ORDER)],
        output_field=IntegerField(),
    )


def _rate(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


@dataclass
class Table:
    """A report as the exports see it: a key (for URLs and file names), a name (the sheet's),
    a header row and rows of cells."""

    key: str
    name: str
    headers: list[str]
    rows: Iterable[list]


# --- Course completion -------------------------------------------------------------------


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
        return str(ProgressStatus.LABELS[self.status])


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

    def columns(self) -> list[tuple[str, str | None]]:
        """The headers with the sort key each one offers on the page (None: not sortable)."""
        keys = ["name", None, "organisation", "country", "status", "progress", "last_activity"]
        keys += [None, "due_date", None]
        headers = self.headers()
        return list(zip(headers, keys + [None] * (len(headers) - len(keys)), strict=True))

    def status_counts(self) -> dict[str, int]:
        """People per status among the filtered staff, whatever the status filter (one query)."""
        counts = dict.fromkeys(ProgressStatus.ORDER, 0)
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
            organisation=organisation.name,
            country=organisation.country,
            status=user.status,
            progress=100 if user.completed_at else min(100, _rate(done, total)),
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


# --- Overview ----------------------------------------------------------------------------


@dataclass
class CourseSummary:
    course: Course  # the original, with ``published_translations``
    title: str  # in the reader's language
    staff: int
    started: int
    completed: int
    overdue: int

    @property
    def rate(self) -> int:
        return _rate(self.completed, self.staff)

    @property
    def languages(self) -> list[str]:
        """The published language versions, the original's first."""
        versions = [self.course, *self.course.published_translations]
        return [v.get_language_display() for v in versions if v.status == Status.PUBLISHED]


@dataclass
class OrganisationSummary:
    organisation: Organisation
    staff: int
    completed: list[int]  # per course, in the order of ``Overview.courses``
    overdue: int

    @property
    def rates(self) -> list[int]:
        return [_rate(done, self.staff) for done in self.completed]

    @property
    def completed_and_rates(self) -> list[tuple[int, int]]:
        return list(zip(self.completed, self.rates, strict=True))


# The period of the programme's figures: "active" means a verified action in these days.
AMBASSADOR_PERIOD_DAYS = 90
AMBASSADOR_WEEKS = 12


@dataclass
class AmbassadorOverview:
    """The ambassador programme's figures for the manager's scope (members only)."""

    available: bool = False
    period_days: int = AMBASSADOR_PERIOD_DAYS
    active_ambassadors: int = 0
    active_ambassadors_rate: int = 0  # % of staff with a verified action in the period
    staff_per_level: list[tuple[str, int]] = field(default_factory=list)  # the funnel
    verified_actions_over_time: list[tuple[date, int]] = field(default_factory=list)
    verification_backlog: int = 0
    median_days_to_verify: Decimal | None = None


def ambassador_overview(*, manager, organisations: list[Organisation]) -> AmbassadorOverview:
    """The programme's figures for the staff in ``manager``'s scope. Five queries: levels,
    members per level, active members, verified actions per week with their delays, backlog.

    The funnel starts with the staff who have not joined; the median time to verify is over
    the actions verified in the period (days from logging to verification).
    """
    scope = staff_in_scope(manager).filter(profile__organisation__in=organisations)
    staff_total = scope.count()
    since = timezone.now() - timedelta(days=AMBASSADOR_PERIOD_DAYS)
    levels = {level.rank: translated(level.name) for level in Level.objects.order_by("rank")}
    per_level = dict(
        AmbassadorProfile.objects.active()
        .filter(user__in=scope.values("pk"))
        .order_by()
        .values_list("level")
        .annotate(n=Count("pk"))
        .values_list("level", "n")
    )
    members = sum(per_level.values())
    funnel = [(_("Not in the programme"), max(0, staff_total - members))]
    funnel.append((_("Joined, no level yet"), per_level.get(0, 0)))
    funnel += [(name, per_level.get(rank, 0)) for rank, name in sorted(levels.items())]
    verified = Action.objects.of_members().verified().manual().filter(user__in=scope.values("pk"))
    active = verified.filter(verified_at__gte=since).values("user").distinct().count()
    weeks_since = timezone.now() - timedelta(weeks=AMBASSADOR_WEEKS)
    per_week: dict[date, int] = defaultdict(int)
    delays = []
    for verified_at, created_at in verified.filter(
        verified_at__gte=min(since, weeks_since)
    ).values_list("verified_at", "created_at"):
        if verified_at >= weeks_since:
            day = timezone.localdate(verified_at)
            per_week[day - timedelta(days=day.weekday())] += 1
        if verified_at >= since:
            delays.append((verified_at - created_at).total_seconds() / 86400)
    backlog = (
        Action.objects.of_members()
        .filter(user__in=scope.values("pk"), status=Action.Status.SUBMITTED)
        .count()
    )
    median = None
    if delays:
        delays.sort()
        middle = len(delays) // 2
        value = delays[middle] if len(delays) % 2 else (delays[middle - 1] + delays[middle]) / 2
        median = Decimal(str(round(value, 1)))
    return AmbassadorOverview(
        available=True,
        active_ambassadors=active,
        active_ambassadors_rate=_rate(active, staff_total),
        staff_per_level=funnel,
        verified_actions_over_time=sorted(per_week.items()),
        verification_backlog=backlog,
        median_days_to_verify=median,
    )


@dataclass
class Overview:
    organisations: list[Organisation]
    courses: list[CourseSummary]
    by_organisation: list[OrganisationSummary]
    ambassadors: AmbassadorOverview

    @property
    def staff(self) -> int:
        return sum(o.staff for o in self.by_organisation)

    @property
    def overdue(self) -> int:
        return sum(c.overdue for c in self.courses)

    def chart_data(self) -> dict:
        """The numbers of the charts, for ``json_script`` (the tables show the same)."""
        return {
            "courses": {
                "labels": [c.title for c in self.courses],
                "datasets": [
                    {"label": _("Completion rate (%)"), "data": [c.rate for c in self.courses]}
                ],
            },
            "organisations": {
                "labels": [o.organisation.name for o in self.by_organisation],
                "datasets": [
                    {
                        "label": summary.title,
                        "data": [o.rates[index] for o in self.by_organisation],
                    }
                    for index, summary in enumerate(self.courses)
                ],
            },
            "overdue": {
                "labels": [o.organisation.name for o in self.by_organisation],
                "datasets": [
                    {"label": _("Overdue"), "data": [o.overdue for o in self.by_organisation]}
                ],
            },
            "levels": {
                "labels": [name for name, _n in self.ambassadors.staff_per_level],
                "datasets": [
                    {
                        "label": _("Staff"),
                        "data": [n for _name, n in self.ambassadors.staff_per_level],
                    }
                ],
            },
            "actions": {
                "labels": [str(week) for week, _n in self.ambassadors.verified_actions_over_time],
                "datasets": [
                    {
                        "label": _("Verified actions"),
                        "data": [n for _week, n in self.ambassadors.verified_actions_over_time],
                    }
                ],
            },
        }

    def course_headers(self) -> list[str]:
        return [
            _("Course"),
            _("Languages"),
            _("Staff"),
            _("Started"),
            _("Completed"),
            _("Overdue"),
            _("Completion rate (%)"),
        ]

    def course_cells(self, summary: CourseSummary) -> list:
        return [
            summary.title,
            ", ".join(summary.languages),
            summary.staff,
            summary.started,
            summary.completed,
            summary.overdue,
            summary.rate,
        ]

    def organisation_headers(self) -> list[str]:
        headers = [_("Organisation"), _("Country"), _("Staff")]
        for summary in self.courses:
            headers += [
                _("%(course)s: completed") % {"course": summary.title},
                _("%(course)s: rate (%%)") % {"course": summary.title},
            ]
        return [*headers, _("Overdue")]

    def organisation_cells(self, summary: OrganisationSummary) -> list:
        cells = [summary.organisation.name, summary.organisation.country, summary.staff]
        for done, rate in zip(summary.completed, summary.rates, strict=True):
            cells += [done, rate]
        return [*cells, summary.overdue]

    def tables(self) -> list[Table]:
        return [
            Table(
                key="courses",
                name=_("Courses"),
                headers=self.course_headers(),
                rows=[self.course_cells(c) for c in self.courses],
            ),
            Table(
                key="organisations",
                name=_("Organisations"),
                headers=self.organisation_headers(),
                rows=[self.organisation_cells(o) for o in self.by_organisation],
            ),
            Table(
                key="levels",
                name=_("Ambassador levels"),
                headers=[_("Level"), _("Staff")],
                rows=[list(row) for row in self.ambassadors.staff_per_level],
            ),
            Table(
                key="actions",
                name=_("Verified actions"),
                headers=[_("Week of"), _("Verified actions")],
                rows=[list(row) for row in self.ambassadors.verified_actions_over_time],
            ),
        ]


def overview(*, manager, today: date | None = None) -> Overview:
    """Completion and overdue counts per course and per organisation in ``manager``'s scope.

    A course is counted with all its language versions (one row per original): a learner
    who completed it in any language counts once. Six queries whatever the size:
    organisations, staff per organisation, courses in use, their published translations,
    completions per (organisation, course), enrolment facts per (organisation, course).
    """
    today = today or timezone.localdate()
    organisations = list(Organisation.objects.visible_to(manager))
    scope = staff_in_scope(manager)
    staff = dict(
        scope.order_by()
        .values_list("profile__organisation")
        .annotate(n=Count("pk"))
        .values_list("profile__organisation", "n")
    )
    courses = list(
        Course.objects.in_use().prefetch_related(
            Prefetch(
                "translations",
                queryset=Course.objects.published().order_by("language"),
                to_attr="published_translations",
            )
        )
    )
    family = Coalesce("course__translation_of", "course")
    in_scope = Q(user__in=scope.values("pk"))
    completed = defaultdict(int)
    for org_id, family_id, n in (
        CourseCompletion.objects.filter(in_scope)
        .annotate(family=family)
        .order_by()
        .values("user__profile__organisation", "family")
        .annotate(n=Count("user", distinct=True))
        .values_list("user__profile__organisation", "family", "n")
    ):
        completed[org_id, family_id] = n
    not_completed = ~Exists(
        CourseCompletion.objects.annotate(family=family).filter(
            user=OuterRef("user"), family=OuterRef("family")
        )
    )
    started = defaultdict(int)
    overdue = defaultdict(int)
    for org_id, family_id, n_started, n_overdue in (
        Enrolment.objects.filter(in_scope)
        .annotate(family=family)
        .order_by()
        .values("user__profile__organisation", "family")
        .annotate(
            started=Count("user", distinct=True, filter=Q(last_activity_at__isnull=False)),
            overdue=Count("user", distinct=True, filter=Q(due_date__lt=today) & not_completed),
        )
        .values_list("user__profile__organisation", "family", "started", "overdue")
    ):
        started[org_id, family_id] = n_started
        overdue[org_id, family_id] = n_overdue
    staff_total = sum(staff.get(o.pk, 0) for o in organisations)
    titles = Titles.load(quizzes=False)
    return Overview(
        organisations=organisations,
        courses=[
            CourseSummary(
                course=course,
                title=titles.course(course),
                staff=staff_total,
                started=sum(started[o.pk, course.pk] for o in organisations),
                completed=sum(completed[o.pk, course.pk] for o in organisations),
                overdue=sum(overdue[o.pk, course.pk] for o in organisations),
            )
            for course in courses
        ],
        by_organisation=[
            OrganisationSummary(
                organisation=organisation,
                staff=staff.get(organisation.pk, 0),
                completed=[completed[organisation.pk, c.pk] for c in courses],
                overdue=sum(overdue[organisation.pk, c.pk] for c in courses),
            )
            for organisation in organisations
        ],
        ambassadors=ambassador_overview(manager=manager, organisations=organisations),
    )


# --- Per person --------------------------------------------------------------------------


@dataclass
class PersonReport:
    person: object  # a User in the manager's scope, with profile__organisation loaded
    courses: list[Course]  # annotated: steps, completed_at, due_date, assigned, status…
    attempts: list[QuizAttempt]
    ambassador_actions: list = field(default_factory=list)  # TODO(issue 5)

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
            str(ProgressStatus.LABELS[course.status_key]),
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
                rows=[self.attempt_cells(a) for a in self.attempts],
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
        Course.objects.published()
        .filter(
            Q(pk__in=Course.objects.for_language(language).values("pk"))
            | Q(Exists(enrolled))
            | Q(Exists(CourseCompletion.objects.filter(user=person, course=OuterRef("pk"))))
        )
        .with_progress_for(person)
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
        course.progress = (
            100 if course.completed_at else min(100, _rate(course.steps_done, course.steps_total))
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
