"""The ambassador ladder: facts about one member, and the level those facts give.

The level is never typed in. ``collect_facts`` reads what the data says (a fixed number of
queries, whatever the amount of data) and ``evaluate`` turns facts and the admin-configured
levels into the level reached and what each level still needs. ``level_recompute``
stores the result; the /ambassador/ page shows the same evaluation.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ambassadors.models import (
    Action,
    ActionType,
    AmbassadorProfile,
    CharterAcceptance,
    CharterVersion,
    Level,
)
from courses.models import Course, CourseCompletion


@dataclass(frozen=True)
class LadderFacts:
    """Everything the ladder rules look at, for one member."""

    course_completed: bool = False
    charter_version: int | None = None  # the current version, if one is published
    charter_accepted: bool = False  # the current version accepted
    affiliation_added: bool = False
    privacy_reviewed: bool = False
    verified_shares: int = 0
    verified_stories: int = 0  # original stories verified, with the consent tick
    campaign_actions: int = 0
    mentees: int = 0  # colleagues mentored (verified) who accepted a charter
    active_months: tuple[date, ...] = ()  # months with their count of verified manual actions
    monthly_counts: tuple[int, ...] = ()


@dataclass(frozen=True)
class Requirement:
    label: str
    done: int
    needed: int
    url: str = ""

    @property
    def met(self) -> bool:
        return self.done >= self.needed


@dataclass
class LevelStatus:
    level: Level
    requirements: list[Requirement] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return all(r.met for r in self.requirements)


@dataclass
class Ladder:
    """The evaluation: the level reached (0 to 6) and the status of every level."""

    rank: int
    statuses: list[LevelStatus]

    @property
    def current(self) -> Level | None:
        return self.statuses[self.rank - 1].level if self.rank else None

    @property
    def next(self) -> LevelStatus | None:
        return self.statuses[self.rank] if self.rank < len(self.statuses) else None


def longest_streak(months: tuple[date, ...], counts: tuple[int, ...], per_month: int) -> int:
    """The longest run of consecutive calendar months each with ``per_month`` actions or more."""
    best = run = 0
    previous = None
    for month, count in sorted(zip(months, counts, strict=True)):
        if count < per_month:
            run, previous = 0, None
            continue
        follows = previous is not None and (
            (month.year, month.month)
            == (previous.year + previous.month // 12, previous.month % 12 + 1)
        )
        run = run + 1 if follows else 1
        previous = month
        best = max(best, run)
    return best


def collect_facts(profile: AmbassadorProfile, levels: list[Level]) -> LadderFacts:
    """Read the facts for ``profile`` in four queries (course, charter, actions, months)."""
    user = profile.user_id
    by_rule = {level.rule: level for level in levels}
    trained = by_rule.get(Level.Rule.TRAINED)
    course_key = trained.course_key if trained else ""
    course_completed = bool(course_key) and (
        CourseCompletion.objects.filter(user_id=user)
        .filter(Q(course__key=course_key) | Q(course__translation_of__key=course_key))
        .filter(course__in=Course.objects.published())
        .exists()
    )
    current = (
        CharterVersion.objects.published()
        .order_by("-version")
        .annotate(
            accepted=Exists(CharterAcceptance.objects.filter(user_id=user, charter=OuterRef("pk")))
        )
        .values("version", "accepted")
        .first()
    )
    verified = Action.objects.verified().filter(user_id=user)
    counts = verified.aggregate(
        shares=Count("pk", filter=Q(action_type__ladder_role=ActionType.Role.SHARE)),
        stories=Count(
            "pk",
            filter=Q(action_type__ladder_role=ActionType.Role.STORY, consent_confirmed=True),
        ),
        campaign=Count("pk", filter=Q(campaign__isnull=False)),
        mentees=Count(
            "colleague",
            distinct=True,
            filter=Q(action_type__ladder_role=ActionType.Role.MENTORING)
            & Q(colleague__in=CharterAcceptance.objects.values("user")),
        ),
    )
    months = list(
        verified.manual()
        .annotate(month=TruncMonth("created_at"))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return LadderFacts(
        course_completed=course_completed,
        charter_version=current["version"] if current else None,
        charter_accepted=bool(current and current["accepted"]),
        affiliation_added=profile.affiliation_added_at is not None,
        privacy_reviewed=profile.privacy_reviewed_at is not None,
        verified_shares=counts["shares"],
        verified_stories=counts["stories"],
        campaign_actions=counts["campaign"],
        mentees=counts["mentees"],
        active_months=tuple(_as_date(m) for m, _n in months),
        monthly_counts=tuple(n for _m, n in months),
    )


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") else value


def _log(type_key: str) -> str:
    """The log form with the action type chosen for the person."""
    return f"{reverse('ambassadors:action-new')}?type={type_key}"


def _requirements(level: Level, facts: LadderFacts, course_url: str) -> list[Requirement]:
    rule = level.rule
    if rule == Level.Rule.TRAINED:
        return [
            Requirement(_("Complete the core course"), int(facts.course_completed), 1, course_url)
        ]
    if rule == Level.Rule.COMMITTED:
        label = (
            _("Accept the current charter (version %(version)s)")
            % {"version": facts.charter_version}
            if facts.charter_version
            else _("Accept the charter (not published yet)")
        )
        return [
            Requirement(
                label,
                int(facts.charter_accepted),
                1,
                reverse("ambassadors:charter"),
            )
        ]
    if rule == Level.Rule.CONNECTED:
        url = reverse("ambassadors:checklist")
        return [
            Requirement(
                _("Add the affiliation line to your profile"), int(facts.affiliation_added), 1, url
            ),
            Requirement(_("Review your privacy settings"), int(facts.privacy_reviewed), 1, url),
        ]
    if rule == Level.Rule.RELAY:
        return [
            Requirement(
                _("Verified shares of official Dianova content"),
                facts.verified_shares,
                level.required_count,
                _log("share"),
            )
        ]
    if rule == Level.Rule.STORYTELLER:
        return [
            Requirement(
                _("Verified original stories, with consent for anyone shown"),
                facts.verified_stories,
                level.required_count,
                _log("story"),
            )
        ]
    streak = longest_streak(facts.active_months, facts.monthly_counts, level.required_count)
    return [
        Requirement(
            ngettext(
                "Consecutive months with %(n)s verified action or more",
                "Consecutive months with %(n)s verified actions or more",
                level.required_count,
            )
            % {"n": level.required_count},
            streak,
            level.months,
            _log("share"),
        ),
        Requirement(
            _("Verified campaign actions"),
            facts.campaign_actions,
            level.campaign_actions,
            _log("campaign"),
        ),
        Requirement(
            _("Colleagues mentored until they accepted the charter"),
            facts.mentees,
            level.mentees,
            _log("mentoring"),
        ),
    ]


def evaluate(levels: list[Level], facts: LadderFacts, *, course_url: str = "") -> Ladder:
    """The highest level whose rules, and those of every level below, the facts meet."""
    statuses = [
        LevelStatus(level, _requirements(level, facts, course_url))
        for level in sorted(levels, key=lambda lv: lv.rank)
    ]
    rank = 0
    for status in statuses:
        if not status.met:
            break
        rank = status.level.rank
    return Ladder(rank=rank, statuses=statuses)
