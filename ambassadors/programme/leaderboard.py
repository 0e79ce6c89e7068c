"""The leaderboard: team totals first (organisations or countries), then the people of one
team who chose to appear. Only current members count; those who left appear nowhere."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import CharField, Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from ambassadors.models import Action
from courses.titles import reader_language

PERIODS = ("month", "quarter", "year", "all")
LIMIT = 50


def period_start(period: str, now: datetime | None = None) -> datetime | None:
    """The start of the chosen period in the current time zone; None for all time."""
    now = timezone.localtime(now or timezone.now())
    first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if period == "month":
        return first
    if period == "quarter":  # this month and the two before
        month = first.month - 2
        year = first.year + (month - 1) // 12
        return first.replace(year=year, month=(month - 1) % 12 + 1)
    if period == "year":
        return first.replace(month=1)
    return None


@dataclass(frozen=True)
class TeamRow:
    name: str
    points: int
    members: int


def team_totals(*, by: str, since: datetime | None) -> list[TeamRow]:
    """Verified points per organisation (or country) of all current members: one query.

    People not on the leaderboard count here anonymously, inside their team's total.
    """
    actions = (
        Action.objects.of_members().verified().filter(user__profile__organisation__isnull=False)
    )
    if since is not None:
        actions = actions.filter(verified_at__gte=since)
    if by == "organisation":
        # The organisation's display name in the reader's language, else its name.
        org = "user__profile__organisation__"
        key = Coalesce(
            NullIf(f"{org}display_name_{reader_language()}", Value("")),
            NullIf(f"{org}display_name_en", Value("")),
            f"{org}name",
            output_field=CharField(),
        )
    else:
        key = F("user__profile__organisation__country")
    rows = (
        actions.order_by()
        .values(team=key)
        .annotate(points=Sum("points"), members=Count("user", distinct=True))
        .order_by("-points", "team")
    )
    return [TeamRow(r["team"], r["points"] or 0, r["members"]) for r in rows]


def people(*, organisation=None, country: str = "", since: datetime | None):
    """Members of one organisation or country who opted in, by points in the period.

    One query; rows carry ``points``, ``profile__organisation`` and ``ambassador`` (level).
    """
    condition = Q(ambassador_actions__status=Action.Status.VERIFIED)
    if since is not None:
        condition &= Q(ambassador_actions__verified_at__gte=since)
    users = get_user_model().objects.filter(
        is_active=True, ambassador__left_at__isnull=True, ambassador__on_leaderboard=True
    )
    if organisation is not None:
        users = users.filter(profile__organisation=organisation)
    else:
        users = users.filter(profile__organisation__country=country)
    return (
        users.select_related("profile__organisation", "ambassador")
        .annotate(points=Coalesce(Sum("ambassador_actions__points", filter=condition), 0))
        .filter(points__gt=0)
        .order_by("-points", "first_name", "last_name", "pk")[:LIMIT]
    )
