"""Actions members log, their verification and points, and badge revocation."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from ambassadors.models import (
    Action,
    ActionDecision,
    ActionType,
    AmbassadorProfile,
    AuditEvent,
    BadgeAward,
    Campaign,
    Platform,
)
from ambassadors.people.audit import audit_record
from ambassadors.programme.services import (
    AlreadyDecided,
    DuplicateAction,
    NotAMember,
    NotEditable,
    level_recompute,
)


def _week_bounds(moment):
    start = timezone.localtime(moment).replace(hour=0, minute=0, second=0, microsecond=0)
    start -= timedelta(days=start.weekday())
    return start, start + timedelta(days=7)


def _points_for(action: Action) -> tuple[int, bool]:
    """Points the action earns when verified now, and whether the weekly cap stopped them.

    The cap counts verified actions of the same type that earned points in the same
    calendar week (Monday to Sunday, by the date they were logged). The caller holds the
    member's lock, so two verifications at once cannot both slip under the cap.
    """
    action_type = action.action_type
    if action_type.weekly_cap is None:
        return action_type.points, False
    start, end = _week_bounds(action.created_at)
    earned = (
        Action.objects.verified()
        .filter(
            user_id=action.user_id,
            action_type=action_type,
            created_at__gte=start,
            created_at__lt=end,
            capped=False,
        )
        .exclude(pk=action.pk)
        .count()
    )
    if earned >= action_type.weekly_cap:
        return 0, True
    return action_type.points, False


def _lock_member(user_id: int) -> AmbassadorProfile:
    """Serialise point-awarding writes of one member (PostgreSQL row lock; SQLite writes are
    serial anyway in IMMEDIATE mode)."""
    return (
        AmbassadorProfile.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(user_id=user_id)
    )


@dataclass
class ActionInput:
    action_type: ActionType
    url: str = ""
    platform: Platform | None = None
    language: str = ""
    campaign: Campaign | None = None
    colleague: AbstractBaseUser | None = None
    note: str = ""
    follows_charter: bool = False
    consent_confirmed: bool = False


_INPUT_FIELDS = [
    "action_type",
    "url",
    "platform",
    "language",
    "campaign",
    "colleague",
    "note",
    "follows_charter",
    "consent_confirmed",
]


DOUBLE_SUBMIT_WINDOW = timedelta(minutes=2)


def _check_duplicate(user, data: ActionInput, *, exclude_pk: int | None = None) -> None:
    """Raise DuplicateAction for a post already logged, a colleague already mentored (and
    not rejected), or the same thing logged a moment ago (a double click)."""
    mine = Action.objects.filter(user=user).exclude(pk=exclude_pk)
    if data.url and mine.filter(url=data.url).exists():
        raise DuplicateAction(gettext("You have already logged this post."))
    if data.colleague is not None and (
        mine.filter(action_type=data.action_type, colleague=data.colleague)
        .exclude(status=Action.Status.REJECTED)
        .exists()
    ):
        raise DuplicateAction(gettext("You have already logged mentoring this colleague."))
    if (
        not data.url
        and exclude_pk is None
        and mine.filter(
            action_type=data.action_type,
            note=data.note,
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        ).exists()
    ):
        raise DuplicateAction(gettext("You logged exactly this a moment ago."))


@transaction.atomic
def action_log(*, profile: AmbassadorProfile, data: ActionInput) -> Action:
    """Log an action (validated by ActionForm). Types needing no verification are verified
    at once, within their weekly cap."""
    if profile.left_at is not None:
        raise NotAMember
    _lock_member(profile.user_id)  # one log at a time per member: duplicates are caught
    _check_duplicate(profile.user, data)
    action = Action(user=profile.user, **{name: getattr(data, name) for name in _INPUT_FIELDS})
    action.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            action.save()
    except IntegrityError:
        raise DuplicateAction(gettext("You have already logged this post.")) from None
    if not data.action_type.needs_verification:
        action.points, action.capped = _points_for(action)
        action.status = Action.Status.VERIFIED
        action.verified_at = timezone.now()
        action.save(update_fields=["points", "capped", "status", "verified_at"])
        level_recompute(profile=profile)
    return action


@transaction.atomic
def action_resubmit(*, action: Action, user: AbstractBaseUser, data: ActionInput) -> Action:
    """The owner's corrected version of a returned action goes back to the queue."""
    locked = Action.objects.select_for_update().get(pk=action.pk)
    if locked.user_id != user.pk or locked.status != Action.Status.RETURNED:
        raise NotEditable
    _check_duplicate(user, data, exclude_pk=locked.pk)
    for name in _INPUT_FIELDS:
        setattr(locked, name, getattr(data, name))
    locked.status = Action.Status.SUBMITTED
    locked.submissions = F("submissions") + 1
    locked.full_clean(exclude=["submissions"], validate_constraints=False)
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        raise DuplicateAction(gettext("You have already logged this post.")) from None
    locked.refresh_from_db()
    return locked


@transaction.atomic
def action_decide(
    *, action: Action, reviewer: AbstractBaseUser, decision: str, note: str = ""
) -> ActionDecision:
    """Verify, return or reject a submitted action; exactly one decision per submission.

    The action row is locked and must still be awaiting verification: a second trainer
    deciding at the same moment gets AlreadyDecided and changes nothing. Returning and
    rejecting need a note for the member. Verifying awards the points, within the weekly cap.
    """
    if decision not in ActionDecision.Decision.values:
        raise ValueError(f"unknown decision {decision!r}")
    note = note.strip()
    if decision != ActionDecision.Decision.VERIFIED and not note:
        raise ValueError("returning or rejecting needs a note")
    locked = (
        Action.objects.select_for_update(of=("self",))
        .select_related("action_type")
        .filter(pk=action.pk, status=Action.Status.SUBMITTED)
        .first()
    )
    if locked is None:
        raise AlreadyDecided
    profile = _lock_member(locked.user_id)
    now = timezone.now()
    locked.status = decision
    fields = ["status"]
    if decision == ActionDecision.Decision.VERIFIED:
        locked.points, locked.capped = _points_for(locked)
        locked.verified_at = now
        fields += ["points", "capped", "verified_at"]
    locked.save(update_fields=fields)
    try:
        with transaction.atomic():
            record = ActionDecision.objects.create(
                action=locked,
                submission=locked.submissions,
                decision=decision,
                decided_by=reviewer,
                decided_at=now,
                note=note,
            )
    except IntegrityError:
        raise AlreadyDecided from None
    audit_record(
        actor=reviewer,
        verb=AuditEvent.Verb.ACTION_DECIDED,
        target=f"action {locked.pk}",
        details={"decision": decision, "member": locked.user_id},
    )
    if decision == ActionDecision.Decision.VERIFIED and profile.left_at is None:
        level_recompute(profile=profile)
    action.status, action.points, action.capped = locked.status, locked.points, locked.capped
    return record


@transaction.atomic
def badge_revoke(*, award: BadgeAward, reason: str) -> BadgeAward:
    """Revoke an award: its assertion then answers 410 Gone with the reason (Open Badges)."""
    if award.revoked_at is None:
        award.revoked_at = timezone.now()
        award.revocation_reason = reason[:300]
        award.save(update_fields=["revoked_at", "revocation_reason"])
    return award
