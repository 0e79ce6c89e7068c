"""Writes of the digital-ambassador programme that touch several rows: joining and leaving,
levels, the charter and checklist, facts recorded from courses, purging former members."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from ambassadors.models import (
    Action,
    ActionType,
    AmbassadorProfile,
    CharterAcceptance,
    CharterVersion,
    Level,
)
from ambassadors.programme import badges, ladder, sync_queries

PRIVACY_NOTICE_VERSION = 1


class NotAMember(Exception):
    """The person has not joined the programme (or has left it)."""


class AlreadyDecided(Exception):
    """Another trainer decided on this action first; nothing was changed."""


class NotEditable(Exception):
    """Only a returned action can be edited, and only by its owner."""


class DuplicateAction(Exception):
    """The same post, the same colleague, or the same thing a moment ago: already logged."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _levels() -> list[Level]:
    return list(Level.objects.all())


@transaction.atomic
def level_recompute(*, profile: AmbassadorProfile) -> AmbassadorProfile:
    """Compute the level from the data, store it if it changed, and award badges now due."""
    levels = _levels()
    result = ladder.evaluate(levels, ladder.collect_facts(profile, levels))
    if result.rank != profile.level:
        profile.level = result.rank
        profile.level_changed_at = timezone.now()
        AmbassadorProfile.objects.filter(pk=profile.pk).update(
            level=profile.level, level_changed_at=profile.level_changed_at
        )
    badges.award_due(profile=profile)
    return profile


def programme_recompute_all() -> int:
    """Recompute every current member (after thresholds, criteria or the charter changed)."""
    count = 0
    for profile in AmbassadorProfile.objects.active().select_related("user").iterator():
        level_recompute(profile=profile)
        count += 1
    return count


@transaction.atomic
def programme_join(
    *, user: AbstractBaseUser, notice_version: int = PRIVACY_NOTICE_VERSION
) -> AmbassadorProfile:
    """Join (or rejoin) the programme after reading the privacy notice."""
    now = timezone.now()
    profile, created = AmbassadorProfile.objects.get_or_create(
        user=user, defaults={"joined_at": now, "privacy_notice_version": notice_version}
    )
    if not created and profile.left_at is not None:
        profile.left_at = None
        profile.joined_at = now
        profile.privacy_notice_version = notice_version
        profile.save(update_fields=["left_at", "joined_at", "privacy_notice_version"])
    programme_sync(user=user, profile=profile, force=True)
    return profile


@transaction.atomic
def programme_leave(*, profile: AmbassadorProfile) -> AmbassadorProfile:
    """Leave: from now on the member's actions show nowhere but in anonymous counts."""
    if profile.left_at is None:
        profile.left_at = timezone.now()
        profile.on_leaderboard = False
        profile.save(update_fields=["left_at", "on_leaderboard"])
    return profile


@transaction.atomic
def leaderboard_visibility_set(*, profile: AmbassadorProfile, visible: bool) -> None:
    profile.on_leaderboard = visible
    profile.save(update_fields=["on_leaderboard"])


@dataclass(frozen=True)
class _Fact:
    automatic: str
    source_key: str
    happened_at: object


def _course_facts(user) -> list[_Fact]:
    """Courses completed and quizzes passed, keyed so that language versions count once."""
    facts = [
        _Fact(
            ActionType.Automatic.COURSE_COMPLETED,
            f"course:{original_id or course_id}",
            completed_at,
        )
        for course_id, original_id, completed_at in sync_queries.COMPLETIONS.values(user_id=user.pk)
    ]
    for quiz_id, key, course_id, original_id, first in sync_queries.QUIZZES_PASSED.values(
        user_id=user.pk
    ):
        course = original_id or course_id
        quiz = key or f"#{quiz_id}"
        facts.append(_Fact(ActionType.Automatic.QUIZ_PASSED, f"quiz:{course}:{quiz}"[:80], first))
    return facts


def _unrecorded(user, facts: list[_Fact]) -> list[_Fact]:
    """The facts not yet recorded as automatic actions (one query)."""
    known = set(sync_queries.RECORDED.values(user_id=user.pk))
    return [f for f in facts if (f.automatic, f.source_key) not in known]


def _record_automatic(user, facts: list[_Fact]) -> int:
    """Record each new fact as a verified automatic action, once; return how many were new."""
    facts = _unrecorded(user, facts)
    if not facts:
        return 0
    types = {t.automatic: t for t in ActionType.objects.exclude(automatic="").filter(active=True)}
    new = 0
    for fact in facts:
        action_type = types.get(fact.automatic)
        if action_type is None:
            continue
        try:
            # A savepoint: a concurrent sync inserting the same fact loses quietly, and the
            # unique constraint guarantees the fact is recorded once.
            with transaction.atomic():
                Action.objects.create(
                    user=user,
                    action_type=action_type,
                    status=Action.Status.VERIFIED,
                    source_key=fact.source_key,
                    points=action_type.points,
                    created_at=fact.happened_at or timezone.now(),
                    verified_at=fact.happened_at or timezone.now(),
                )
            new += 1
        except IntegrityError:
            continue
    return new


def _accepted_current_charter(user) -> bool:
    return bool(sync_queries.CURRENT_CHARTER_ACCEPTED.values(user_id=user.pk, now=timezone.now()))


def programme_sync(
    *, user: AbstractBaseUser, profile: AmbassadorProfile | None = None, force: bool = False
) -> AmbassadorProfile | None:
    """Bring a member's programme up to date with their courses; None for non-members.

    Records "course completed" and "quiz passed" once each, then recomputes the level when
    something new was recorded, when a newer charter awaits acceptance, or on ``force``.
    One query for a non-member; for a member, three more when nothing changed
    (completions, passed quizzes, what is recorded already), four from Committed up.
    """
    if profile is None:
        profile = sync_queries.MEMBER.first(user_id=user.pk)
    if profile is None or profile.left_at is not None:
        return None
    facts = _course_facts(user)
    # A charter version published since (scheduled, or created outside the loader and the
    # admin) takes Committed and above back until it is accepted: one query to notice it.
    stale_charter = profile.level >= 2 and not _accepted_current_charter(user)
    if (facts and _unrecorded(user, facts)) or force or stale_charter:
        with transaction.atomic():
            if _record_automatic(user, facts) or force or stale_charter:
                level_recompute(profile=profile)
    return profile


@transaction.atomic
def charter_accept(
    *, profile: AmbassadorProfile, charter: CharterVersion, language: str = ""
) -> CharterAcceptance:
    """Accept ``charter`` (once per version), record the automatic action, recompute levels.

    Mentors who logged this person as a colleague mentored are recomputed too: their
    mentee has just reached Committed.
    """
    if profile.left_at is not None:
        raise NotAMember
    user = profile.user
    acceptance, created = CharterAcceptance.objects.get_or_create(
        user=user, charter=charter, defaults={"language": language}
    )
    if created:
        _record_automatic(
            user,
            [
                _Fact(
                    ActionType.Automatic.CHARTER_ACCEPTED,
                    f"charter:{charter.version}",
                    acceptance.accepted_at,
                )
            ],
        )
    level_recompute(profile=profile)
    mentors = AmbassadorProfile.objects.active().filter(
        user__ambassador_actions__colleague=user,
        user__ambassador_actions__status=Action.Status.VERIFIED,
        user__ambassador_actions__action_type__ladder_role=ActionType.Role.MENTORING,
    )
    for mentor in mentors.distinct().select_related("user"):
        level_recompute(profile=mentor)
    return acceptance


@transaction.atomic
def checklist_update(
    *,
    profile: AmbassadorProfile,
    affiliation_added: bool,
    privacy_reviewed: bool,
    profile_link: str = "",
) -> AmbassadorProfile:
    """Record the self-declared profile checklist (ticking off again keeps the first date)."""
    now = timezone.now()
    profile.affiliation_added_at = (
        (profile.affiliation_added_at or now) if affiliation_added else None
    )
    profile.privacy_reviewed_at = (profile.privacy_reviewed_at or now) if privacy_reviewed else None
    profile.profile_link = profile_link
    profile.full_clean()
    profile.save(update_fields=["affiliation_added_at", "privacy_reviewed_at", "profile_link"])
    return level_recompute(profile=profile)


RETENTION_AFTER_LEAVING = timedelta(days=365)


@transaction.atomic
def programme_purge_former(*, left_before) -> int:
    """Delete what people who left before ``left_before`` had submitted (privacy notice:
    kept twelve months after leaving, then deleted). Awarded badges stay valid. Returns the
    number of former members purged."""
    former = AmbassadorProfile.objects.filter(left_at__lt=left_before)
    users = list(former.values_list("user_id", flat=True))
    Action.objects.filter(user_id__in=users).delete()
    CharterAcceptance.objects.filter(user_id__in=users).delete()
    former.delete()
    return len(users)
