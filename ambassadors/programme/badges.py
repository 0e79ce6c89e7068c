"""Badges awarded automatically from the data, by versioned criteria.

Each active badge is judged by its newest criteria version. An award records the version it
was earned under and is never taken back by a change of criteria or of the data (a level
lost to a new charter version keeps its badge); only an admin's explicit revocation ends it.
"""

import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q

from ambassadors.models import Action, AmbassadorProfile, BadgeAward, BadgeClass, BadgeCriterion


def hash_recipient(email: str, salt: str) -> str:
    """Open Badges hashed identity: ``sha256$`` + hex SHA-256 of the e-mail then the salt."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


@dataclass(frozen=True)
class BadgeFacts:
    """What badge criteria look at, for one member (three queries)."""

    level: int
    verified_by_type: Counter
    languages: int
    verified: int
    rejected: int
    campaign_actions: tuple[tuple[int, object], ...]  # (campaign id, logged at)


def collect_badge_facts(profile: AmbassadorProfile) -> BadgeFacts:
    actions = Action.objects.filter(user_id=profile.user_id)
    by_type = Counter(
        dict(
            actions.verified()
            .order_by()
            .values("action_type")
            .annotate(n=Count("pk"))
            .values_list("action_type", "n")
        )
    )
    totals = actions.manual().aggregate(
        verified=Count("pk", filter=Q(status=Action.Status.VERIFIED)),
        rejected=Count("pk", filter=Q(status=Action.Status.REJECTED)),
        languages=Count(
            "language", distinct=True, filter=Q(status=Action.Status.VERIFIED) & ~Q(language="")
        ),
    )
    campaign_actions = tuple(
        actions.verified()
        .filter(campaign__isnull=False)
        .order_by()
        .values_list("campaign_id", "created_at")
    )
    return BadgeFacts(
        level=profile.level,
        verified_by_type=by_type,
        languages=totals["languages"],
        verified=totals["verified"],
        rejected=totals["rejected"],
        campaign_actions=campaign_actions,
    )


def criterion_met(criterion: BadgeCriterion, facts: BadgeFacts) -> bool:
    """Whether ``facts`` meet one criteria version (action types and campaign prefetched)."""
    rule = criterion.rule
    if rule == BadgeCriterion.Rule.LEVEL_REACHED:
        return facts.level >= (criterion.level or 0)
    if rule == BadgeCriterion.Rule.ACTIONS:
        total = sum(facts.verified_by_type[t.pk] for t in criterion.action_types.all())
        return total >= criterion.threshold
    if rule == BadgeCriterion.Rule.LANGUAGES:
        return facts.languages >= criterion.threshold
    if rule == BadgeCriterion.Rule.SAFE_PRACTICE:
        return facts.verified >= criterion.threshold and facts.rejected == 0
    if rule == BadgeCriterion.Rule.CAMPAIGN:
        campaign = criterion.campaign
        return any(
            campaign_id == campaign.pk and campaign.runs_on(logged_at.date())
            for campaign_id, logged_at in facts.campaign_actions
        )
    return False


def current_criteria() -> list[BadgeCriterion]:
    """The newest criteria version of every active badge (two queries plus action types)."""
    classes = BadgeClass.objects.filter(active=True).prefetch_related(
        Prefetch(
            "criteria",
            queryset=BadgeCriterion.objects.select_related("campaign")
            .prefetch_related("action_types")
            .order_by("-version"),
        )
    )
    result = []
    for badge_class in classes:
        versions = list(badge_class.criteria.all())
        if versions:
            criterion = versions[0]
            criterion.badge_class = badge_class
            result.append(criterion)
    return result


def award_due(*, profile: AmbassadorProfile) -> list[BadgeAward]:
    """Award every badge whose current criteria ``profile`` now meets; return the new ones.

    A badge already awarded (or revoked by an admin) is not awarded again. Call inside the
    transaction that changed the data.
    """
    user = profile.user
    held = set(BadgeAward.objects.filter(user=user).values_list("badge_class_id", flat=True))
    candidates = [c for c in current_criteria() if c.badge_class_id not in held]
    if not candidates:
        return []
    facts = collect_badge_facts(profile)
    new = []
    for criterion in candidates:
        if criterion_met(criterion, facts):
            salt = secrets.token_hex(16)
            new.append(
                BadgeAward(
                    badge_class=criterion.badge_class,
                    criterion=criterion,
                    user=user,
                    recipient_salt=salt,
                    recipient_identity=hash_recipient(user.email, salt),
                )
            )
    # ignore_conflicts: a concurrent request awarding the same badge keeps one award.
    BadgeAward.objects.bulk_create(new, ignore_conflicts=True)
    return new
