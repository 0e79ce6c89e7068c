"""The managers' overview: completion per course and per organisation, overdue counts, and the
ambassador programme (members' levels, verified actions, the verification backlog; people who
left the programme count nowhere but in anonymous totals)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ambassadors.models import (
    Action,
    AmbassadorProfile,
    Level,
    Organisation,
    staff_in_scope,
)
from ambassadors.reports.course import Table
from courses.models import Course, CourseCompletion, Enrolment, Status
from courses.progress import percent
from courses.titles import Titles


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
        return percent(self.completed, self.staff)

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
        return [percent(done, self.staff) for done in self.completed]


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
    levels = {level.rank: level.name for level in Level.objects.order_by("rank")}
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
        active_ambassadors_rate=percent(active, staff_total),
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
                "labels": [o.organisation.label for o in self.by_organisation],
                "datasets": [
                    {
                        "label": summary.title,
                        "data": [o.rates[index] for o in self.by_organisation],
                    }
                    for index, summary in enumerate(self.courses)
                ],
            },
            "overdue": {
                "labels": [o.organisation.label for o in self.by_organisation],
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
                "labels": [
                    date_format(week, "SHORT_DATE_FORMAT")
                    for week, _n in self.ambassadors.verified_actions_over_time
                ],
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

    @property
    def organisation_rows(self) -> list[list]:
        """The organisations table's cells: the page (one include) and the exports show these."""
        return [self.organisation_cells(o) for o in self.by_organisation]

    def organisation_cells(self, summary: OrganisationSummary) -> list:
        cells = [summary.organisation.label, summary.organisation.country, summary.staff]
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
                rows=self.organisation_rows,
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
