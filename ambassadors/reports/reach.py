"""The share kit's reach for managers: shares, clicks and active sharers per organisation,
campaign and post, and per week. One function builds the rows for the page and the exports.

Everything starts from the manager's scope: tracked links of people whose organisation the
manager may see. Members who left the programme are counted, but only in one anonymous
row of the organisation table and in the totals; no table names a person.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ambassadors.models import Organisation, Share, ShareClick, ShareLink, SharePost

from .course import Table

REACH_WEEKS = 12


@dataclass
class ReachRow:
    label: str
    shares: int = 0
    clicks: int = 0
    sharers: int = 0

    def cells(self) -> list:
        return [self.label, self.shares, self.clicks, self.sharers]


@dataclass
class Reach:
    since: date
    weeks: int
    totals: ReachRow
    organisations: list[ReachRow] = field(default_factory=list)
    campaigns: list[ReachRow] = field(default_factory=list)
    posts: list[ReachRow] = field(default_factory=list)
    over_time: list[tuple[date, int, int, int]] = field(default_factory=list)

    def headers(self, first: str) -> list[str]:
        return [first, _("Shares"), _("Clicks"), _("Active sharers")]

    def tables(self) -> list[Table]:
        return [
            Table(
                key="organisations",
                name=_("Organisations"),
                headers=self.headers(_("Organisation")),
                rows=[row.cells() for row in [*self.organisations, self.totals]],
            ),
            Table(
                key="campaigns",
                name=_("Campaigns"),
                headers=self.headers(_("Campaign")),
                rows=[row.cells() for row in self.campaigns],
            ),
            Table(
                key="posts",
                name=_("Posts"),
                headers=self.headers(_("Post")),
                rows=[row.cells() for row in self.posts],
            ),
            Table(
                key="weeks",
                name=_("Over time"),
                headers=self.headers(_("Week of")),
                rows=[list(row) for row in self.over_time],
            ),
        ]

    def chart_data(self) -> dict:
        return {
            "reach": {
                "labels": [week.isoformat() for week, *_counts in self.over_time],
                "datasets": [
                    {"label": _("Shares"), "data": [row[1] for row in self.over_time]},
                    {"label": _("Clicks"), "data": [row[2] for row in self.over_time]},
                ],
            },
            "reach_organisations": {
                "labels": [row.label for row in self.organisations],
                "datasets": [
                    {"label": _("Shares"), "data": [row.shares for row in self.organisations]},
                    {"label": _("Clicks"), "data": [row.clicks for row in self.organisations]},
                ],
            },
        }


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _rows(groups, shares, clicks, sharers, label_of) -> list[ReachRow]:
    keys = [k for k in groups if shares.get(k) or clicks.get(k)]
    return [
        ReachRow(label_of(k), shares.get(k, 0), clicks.get(k, 0), sharers.get(k, 0)) for k in keys
    ]


def reach(*, manager, weeks: int = REACH_WEEKS) -> Reach:
    """The reach of the tracked links of the staff in ``manager``'s scope over ``weeks``
    weeks (this one included). Fourteen queries whatever the number of people or clicks."""
    today = timezone.localdate()
    since = _monday(today) - timedelta(weeks=weeks - 1)
    organisations = list(Organisation.objects.visible_to(manager).order_by("name"))
    links = ShareLink.objects.filter(user__profile__organisation__in=organisations)
    member = Q(link__user__ambassador__left_at__isnull=True)
    shares = Share.objects.filter(link__in=links, shared_at__date__gte=since).order_by()
    clicks = ShareClick.objects.filter(link__in=links, day__gte=since).order_by()

    def by(queryset, key, value):
        return {row[key]: row["n"] for row in queryset.values(key).annotate(n=value)}

    org_key, org_member = "link__user__profile__organisation", member
    org_shares = by(shares.filter(org_member), org_key, Count("pk"))
    org_sharers = by(shares.filter(org_member), org_key, Count("link__user", distinct=True))
    org_clicks = by(clicks.filter(org_member), org_key, Sum("clicks"))
    rows = _rows(
        [o.pk for o in organisations],
        org_shares,
        org_clicks,
        org_sharers,
        {o.pk: o.name for o in organisations}.get,
    )
    totals = shares.aggregate(n=Count("pk"), people=Count("link__user", distinct=True))
    former = shares.exclude(member).aggregate(
        n=Count("pk"), people=Count("link__user", distinct=True)
    )
    total_clicks = clicks.aggregate(n=Sum("clicks"))["n"] or 0
    former_clicks = total_clicks - sum(org_clicks.values())
    if former["n"] or former_clicks:
        rows.append(
            ReachRow(
                _("Members who left the programme"), former["n"], former_clicks, former["people"]
            )
        )
    result = Reach(
        since=since,
        weeks=weeks,
        totals=ReachRow(_("Total"), totals["n"], total_clicks, totals["people"]),
        organisations=rows,
    )

    post_key = "link__post"
    post_shares = by(shares, post_key, Count("pk"))
    post_sharers = by(shares, post_key, Count("link__user", distinct=True))
    post_clicks = by(clicks, post_key, Sum("clicks"))
    posts = {
        p.pk: p
        for p in SharePost.objects.filter(pk__in={*post_shares, *post_clicks})
        .select_related("campaign")
        .prefetch_related("texts")
    }
    language = get_language()

    def post_label(pk):
        text = posts[pk].text_for(language)
        return text.title if text else posts[pk].name

    ordered = sorted(posts, key=lambda pk: posts[pk].publish_at, reverse=True)
    result.posts = _rows(ordered, post_shares, post_clicks, post_sharers, post_label)

    campaigns: dict = defaultdict(lambda: [0, 0, set()])
    names = {None: _("No campaign")}
    for post in posts.values():
        if post.campaign_id:
            names[post.campaign_id] = post.campaign.name
    campaign_of = {pk: post.campaign_id for pk, post in posts.items()}
    sharers_by_campaign = defaultdict(set)
    for post_id, user_id in shares.values_list("link__post", "link__user").distinct():
        sharers_by_campaign[campaign_of[post_id]].add(user_id)
    for pk in posts:
        entry = campaigns[campaign_of[pk]]
        entry[0] += post_shares.get(pk, 0)
        entry[1] += post_clicks.get(pk, 0)
    result.campaigns = [
        ReachRow(names[key], shares_n, clicks_n, len(sharers_by_campaign[key]))
        for key, (shares_n, clicks_n, _unused) in sorted(
            campaigns.items(), key=lambda item: (item[0] is None, names[item[0]])
        )
    ]

    week_shares: dict = defaultdict(int)
    week_sharers: dict = defaultdict(set)
    for shared_at, user_id in shares.values_list("shared_at", "link__user"):
        week = _monday(timezone.localdate(shared_at))
        week_shares[week] += 1
        week_sharers[week].add(user_id)
    week_clicks: dict = defaultdict(int)
    for day, n in clicks.values("day").annotate(n=Sum("clicks")).values_list("day", "n"):
        week_clicks[_monday(day)] += n
    result.over_time = [
        (week, week_shares[week], week_clicks[week], len(week_sharers[week]))
        for week in (since + timedelta(weeks=i) for i in range(weeks))
    ]
    return result
