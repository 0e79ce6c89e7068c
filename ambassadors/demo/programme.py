"""Demo data of the ambassador programme: campaigns, and staff at every level of the ladder
with realistic actions (verified, waiting, returned, rejected), badges and a leaderboard.

Everything goes through the real services, so levels, points, caps and badges are what the
data gives. Idempotent: only staff who never joined the programme get a history, so running
the demo again changes nothing. The demo logins are left out: ``learner`` climbs the ladder
in the browser.
"""

import random
from datetime import timedelta

from django.utils import timezone

from ambassadors.demo.learning import complete_course
from ambassadors.models import (
    Action,
    ActionDecision,
    ActionType,
    AmbassadorProfile,
    BadgeClass,
    BadgeCriterion,
    Campaign,
    CharterVersion,
    Platform,
)
from ambassadors.programme import actions as programme_actions
from ambassadors.programme import services as programme_services
from courses.models import Course

# Target level per staff member, in turn ("left": climbed to Relay, then left).
PATTERN = [6, 4, None, 5, 2, 3, 1, 0, 6, "left", 4, None, 5, 3]

NOTES = {
    "share": [
        "Shared the post about our prevention workshop in schools.",
        "Relayed the official post for International Day against Drug Abuse.",
        "Shared the annual report post with a line on why it matters to me.",
    ],
    "story": [
        "A volunteer's first year with us, told with her written consent.",
        "Behind the scenes of our vegetable garden project; no beneficiary recognisable.",
    ],
    "reply": [
        "Answered a question about how to volunteer, with a link to the official page.",
        "Thanked a supporter and pointed them to the helpline.",
    ],
    "event": ["Live coverage of the open day; only staff and consenting visitors shown."],
    "campaign": ["Posted the campaign visual with the official hashtag."],
    "suggestion": ["Idea: a short video on what a day at the centre looks like."],
    "mentoring": ["Helped a colleague join and read the charter together."],
}


def _link(platform: Platform, username: str, rng: random.Random) -> str:
    n = rng.randrange(10**15, 10**16)
    return {
        "facebook": f"https://www.facebook.com/dianova/posts/{n}",
        "instagram": f"https://www.instagram.com/p/C{n % 10**10}/",
        "linkedin": f"https://www.linkedin.com/posts/{username.replace('.', '-')}_activity-{n}",
        "x": f"https://x.com/dianova/status/{n}",
    }[platform.slug]


def _ensure_campaigns() -> Campaign:
    today = timezone.localdate()
    current, _created = Campaign.objects.get_or_create(
        slug="support-dont-punish-demo",
        defaults={
            "name": "Support. Don't Punish",
            "description": "Global campaign for drug policies that put health and rights first.",
            "starts_on": today - timedelta(days=20),
            "ends_on": today + timedelta(days=25),
        },
    )
    Campaign.objects.get_or_create(
        slug="prevention-week-demo",
        defaults={
            "name": "Prevention week",
            "description": "A week of prevention stories from every member organisation.",
            "starts_on": today - timedelta(days=120),
            "ends_on": today - timedelta(days=113),
        },
    )
    badge, created = BadgeClass.objects.get_or_create(
        slug=f"campaign-{current.slug}",
        defaults={
            "name": current.name,
            "description": "Took part in the campaign while it ran.",
            "kind": BadgeClass.Kind.CAMPAIGN,
        },
    )
    if created:
        BadgeCriterion.objects.create(
            badge_class=badge,
            rule=BadgeCriterion.Rule.CAMPAIGN,
            campaign=current,
            narrative="A verified action tagged with the campaign, logged while it ran.",
        )
    return current


def _moment(months_ago: int, day: int, rng: random.Random):
    """A time ``months_ago`` calendar months back, on ``day`` (this month: in the past)."""
    now = timezone.localtime()
    first = now.replace(day=1, hour=10, minute=0, second=0, microsecond=0)
    for _ in range(months_ago):
        first = (first - timedelta(days=1)).replace(day=1)
    when = first + timedelta(days=day - 1, hours=rng.randrange(0, 8))
    if months_ago == 0:
        when = min(when, now - timedelta(minutes=5))
        when = max(when, first.replace(hour=0))
    return when


class _History:
    """Logs and decides actions for one member at chosen moments in the past."""

    def __init__(self, profile: AmbassadorProfile, trainer, rng: random.Random, platforms):
        self.profile, self.trainer, self.rng, self.platforms = profile, trainer, rng, platforms
        self.language = getattr(profile.user.profile, "language", "en")

    def __call__(self, key: str, when, decision: str | None = "verified", **extra) -> Action:
        action_type = ActionType.objects.get(key=key)
        platform = self.rng.choice(self.platforms) if action_type.evidence_required else None
        data = programme_actions.ActionInput(
            action_type=action_type,
            url=_link(platform, self.profile.user.username, self.rng) if platform else "",
            platform=platform,
            language=self.language if self.rng.random() < 0.8 else "en",
            note=self.rng.choice(NOTES[key]),
            follows_charter=True,
            consent_confirmed=action_type.requires_consent,
            **extra,
        )
        action = programme_actions.action_log(profile=self.profile, data=data)
        Action.objects.filter(pk=action.pk).update(created_at=when)
        action.created_at = when
        if decision and action.status == Action.Status.SUBMITTED:
            note = {
                "verified": "",
                "returned": "Please link the post itself, not the page.",
                "rejected": "A beneficiary can be recognised in the photo: please remove it.",
            }[decision]
            record = programme_actions.action_decide(
                action=action, reviewer=self.trainer, decision=decision, note=note
            )
            decided = min(when + timedelta(days=1), timezone.now())
            Action.objects.filter(pk=action.pk, status=Action.Status.VERIFIED).update(
                verified_at=decided
            )
            ActionDecision.objects.filter(pk=record.pk).update(decided_at=decided)
        return action


def load_programme(*, staff: list, trainer, seed: int = 2026) -> None:
    """Give staff who never joined a history matching their place in PATTERN."""
    rng = random.Random(seed)
    charter = CharterVersion.objects.current()
    campaign = _ensure_campaigns()
    platforms = list(Platform.objects.filter(slug__in=["facebook", "instagram", "linkedin", "x"]))
    originals = {c.language: c for c in Course.objects.published().filter(key="social-media")}
    plan = []
    for index, user in enumerate(staff):
        target = PATTERN[index % len(PATTERN)]
        if target is None or AmbassadorProfile.objects.filter(user=user).exists():
            continue
        plan.append((user, target))

    # First everyone joins, finishes the course and accepts the charter, so that mentors
    # below have colleagues who reached Committed.
    members = {}
    for user, target in plan:
        level = 4 if target == "left" else target
        if level >= 1:
            language = user.profile.language
            complete_course(user, originals.get(language) or originals.get("fr"))
        profile = programme_services.programme_join(user=user)
        if level >= 2 and charter:
            programme_services.charter_accept(
                profile=profile, charter=charter, language=user.profile.language
            )
        if level >= 3:
            programme_services.checklist_update(
                profile=profile, affiliation_added=True, privacy_reviewed=True
            )
        profile.refresh_from_db()
        members[user.pk] = (profile, level, target)

    committed = [p.user for p, level, _t in members.values() if level >= 2]
    for profile, level, target in members.values():
        history = _History(profile, trainer, rng, platforms)
        if level >= 3 and rng.random() < 0.6:
            history("suggestion", _moment(0, 3, rng))
        if level >= 4:
            history("share", _moment(1, 12, rng))
            history("share", _moment(0, 2, rng))
            history("share", _moment(0, 6, rng), decision=None)  # waiting in the queue
            if rng.random() < 0.5:
                history("reply", _moment(1, 8, rng))
                history("reply", _moment(0, 1, rng))
        if level >= 5:
            history("story", _moment(1, 20, rng))
            history("event", _moment(0, 4, rng), decision="returned")
            history("reply", _moment(1, 5, rng), decision="rejected")
        if level >= 6:
            history("reply", _moment(2, 14, rng))
            history("share", _moment(2, 22, rng))
            history("campaign", timezone.now() - timedelta(days=3), campaign=campaign)
            same_organisation = [
                u
                for u in committed
                if u.pk != profile.user_id
                and u.profile.organisation_id == profile.user.profile.organisation_id
            ]
            mentee = (same_organisation or [u for u in committed if u.pk != profile.user_id])[0]
            history("mentoring", _moment(0, 1, rng), colleague=mentee)
        if rng.random() < 0.6:
            programme_services.leaderboard_visibility_set(profile=profile, visible=True)
        if target == "left":
            programme_services.programme_leave(profile=profile)
        else:
            programme_services.level_recompute(profile=profile)
