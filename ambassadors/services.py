"""Writes of the programme side that touch several rows: course assignments, then the
digital-ambassador programme.

Assignments live here because only this app knows organisations; what a learner sees comes
from per-user facts in ``courses`` (``Enrolment.assigned`` and ``Enrolment.due_date``), which
``enrolments_sync`` keeps equal to what the assignments say. It runs when an assignment is
made or removed and whenever a staff profile is created or changes organisation or language
(the admin, the demo loader and ``profile_save`` call it; no signals).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext

from courses.models import Course, CourseCompletion, Enrolment, QuizAttempt, Status

from . import badges, ladder
from .audit import audit_record
from .models import (
    Action,
    ActionDecision,
    ActionType,
    AmbassadorProfile,
    Assignment,
    AuditEvent,
    BadgeAward,
    Campaign,
    CharterAcceptance,
    CharterVersion,
    Level,
    Organisation,
    Platform,
    StaffProfile,
    staff_in_scope,
)


class OutOfScope(Exception):
    """The manager tried to assign to an organisation or person outside their scope."""


def _earliest(current: date | None, new: date | None, *, first: bool) -> date | None:
    if first:
        return new
    if current is None:
        return new
    if new is None:
        return current
    return min(current, new)


def _version_for(original_id: int, language: str, versions: dict[int, list[Course]]):
    """The language version a speaker of ``language`` sees: theirs if published, else the
    original (mirrors ``Course.objects.for_language``)."""
    family = versions.get(original_id, [])
    for course in family:
        if course.language == language:
            return course
    for course in family:
        if course.pk == original_id:
            return course
    return family[0] if family else None


def enrolments_sync(*, user_ids: Iterable[int]) -> None:
    """Make the enrolments of these users say exactly what their assignments say.

    For each assigned course, the learner is enrolled (``assigned=True``) in the language
    version they see, with the earliest due date of the assignments that reach them (their
    organisation's and their own). Enrolments that are no longer assigned keep their progress
    but lose ``assigned`` and the due date. A fixed number of queries for any number of users.
    """
    user_ids = set(user_ids)
    if not user_ids:
        return
    users = list(
        get_user_model().objects.filter(pk__in=user_ids, is_active=True).select_related("profile")
    )
    org_of = {}
    language_of = {}
    for user in users:
        profile = getattr(user, "profile", None)
        org_of[user.pk] = profile.organisation_id if profile else None
        language_of[user.pk] = profile.language if profile else ""
    assignments = list(
        Assignment.objects.filter(
            Q(organisation__in={o for o in org_of.values() if o}) | Q(user__in=set(org_of))
        ).select_related("course")
    )
    originals = {a.course.original_id for a in assignments}
    versions: dict[int, list[Course]] = {}
    for course in Course.objects.filter(
        Q(pk__in=originals) | Q(translation_of__in=originals), status=Status.PUBLISHED
    ).order_by("pk"):
        versions.setdefault(course.original_id, []).append(course)
    for assignment in assignments:  # a draft assigned course still counts for itself
        versions.setdefault(assignment.course.original_id, [assignment.course])

    wanted: dict[tuple[int, int], date | None] = {}
    for user_id, organisation_id in org_of.items():
        for assignment in assignments:
            reaches = (assignment.user_id == user_id) or (
                organisation_id and assignment.organisation_id == organisation_id
            )
            if not reaches:
                continue
            course = _version_for(
                assignment.course.original_id, language_of[user_id], versions
            ) or (assignment.course)
            key = (user_id, course.pk)
            wanted[key] = _earliest(wanted.get(key), assignment.due_date, first=key not in wanted)

    existing = {
        (e.user_id, e.course_id): e
        for e in Enrolment.objects.filter(user__in=user_ids).filter(
            Q(assigned=True) | Q(course__in={course_id for _u, course_id in wanted})
        )
    }
    to_create, to_update = [], []
    for (user_id, course_id), due_date in wanted.items():
        enrolment = existing.get((user_id, course_id))
        if enrolment is None:
            to_create.append(
                Enrolment(user_id=user_id, course_id=course_id, assigned=True, due_date=due_date)
            )
        elif not enrolment.assigned or enrolment.due_date != due_date:
            enrolment.assigned, enrolment.due_date = True, due_date
            to_update.append(enrolment)
    for key, enrolment in existing.items():
        if key not in wanted and enrolment.assigned:
            enrolment.assigned, enrolment.due_date = False, None
            to_update.append(enrolment)
    # ignore_conflicts: a learner who opens the course at this very moment is enrolled by
    # the lesson view; the next sync (or the update below on a retry) marks it assigned.
    Enrolment.objects.bulk_create(to_create, ignore_conflicts=True)
    Enrolment.objects.bulk_update(to_update, ["assigned", "due_date"], batch_size=500)


def _users_reached(assignment: Assignment) -> set[int]:
    if assignment.user_id:
        return {assignment.user_id}
    return set(
        get_user_model()
        .objects.filter(profile__organisation=assignment.organisation_id)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def assignment_create(
    *,
    course: Course,
    assigned_by: AbstractBaseUser,
    organisations: Iterable[Organisation] = (),
    users: Iterable[AbstractBaseUser] = (),
    due_date: date | None = None,
) -> list[Assignment]:
    """Assign ``course`` to each organisation and person, with ``due_date`` (or none).

    Assigning again to the same target updates its due date. Raises OutOfScope, saving
    nothing, when a target lies outside ``assigned_by``'s reporting scope, and ValueError
    when there is no target.
    """
    organisations, users = list(organisations), list(users)
    if not organisations and not users:
        raise ValueError("Choose at least one organisation or person.")
    allowed_orgs = set(Organisation.objects.visible_to(assigned_by).values_list("pk", flat=True))
    allowed_users = set(staff_in_scope(assigned_by).values_list("pk", flat=True))
    if any(o.pk not in allowed_orgs for o in organisations) or any(
        u.pk not in allowed_users for u in users
    ):
        raise OutOfScope
    saved = []
    for target in [{"organisation": o} for o in organisations] + [{"user": u} for u in users]:
        assignment, _created = Assignment.objects.update_or_create(
            course=course,
            **target,
            defaults={"due_date": due_date, "assigned_by": assigned_by},
        )
        saved.append(assignment)
    reached = set()
    for assignment in saved:
        reached |= _users_reached(assignment)
        audit_record(
            actor=assigned_by,
            verb=AuditEvent.Verb.ASSIGNMENT_CREATED,
            target=assignment,
            details={"due_date": due_date.isoformat() if due_date else None},
        )
    enrolments_sync(user_ids=reached)
    return saved


@transaction.atomic
def assignment_save(*, assignment: Assignment, previous: Assignment | None = None) -> Assignment:
    """Save an assignment edited in the admin and bring every learner it reaches, or reached
    before the edit (``previous``), up to date."""
    assignment.full_clean()
    assignment.save()
    reached = _users_reached(assignment)
    if previous is not None:
        reached |= _users_reached(previous)
    enrolments_sync(user_ids=reached)
    return assignment


@transaction.atomic
def assignment_delete(*, assignment: Assignment, actor: AbstractBaseUser | None = None) -> None:
    """Remove the assignment; learners keep their progress but no longer see it as assigned
    (unless another assignment still reaches them)."""
    reached = _users_reached(assignment)
    audit_record(actor=actor, verb=AuditEvent.Verb.ASSIGNMENT_REMOVED, target=assignment)
    assignment.delete()
    enrolments_sync(user_ids=reached)


@transaction.atomic
def profile_save(
    *,
    user: AbstractBaseUser,
    organisation: Organisation | None,
    language: str | None = None,
) -> StaffProfile:
    """Create or update ``user``'s staff profile and apply the assignments that reach them
    (a person who joins an organisation gets the courses assigned to it, with due dates)."""
    defaults = {"organisation": organisation}
    if language:
        defaults["language"] = language
    profile, _created = StaffProfile.objects.update_or_create(user=user, defaults=defaults)
    enrolments_sync(user_ids=[user.pk])
    return profile


# --- Ambassador programme ------------------------------------------------------------------
#
# How the level stays right without ``courses`` knowing about the programme (no signals):
# every service below that changes an input of the ladder (joining, the charter, the
# checklist, logging, verifying) ends with ``level_recompute``; facts that live in ``courses``
# (a course completed, a quiz passed) are picked up by ``programme_sync``, which the
# ambassadors pages call when a member opens "My training" or /ambassador/, which load_demo
# calls, and which ``manage.py programme_sync`` runs for everyone (e.g. nightly).

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


# --- Level -------------------------------------------------------------------------------


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


# --- Joining and leaving ------------------------------------------------------------------


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


# --- Automatic actions ------------------------------------------------------------------


@dataclass(frozen=True)
class _Fact:
    automatic: str
    source_key: str
    happened_at: object


def _course_facts(user) -> list[_Fact]:
    """Courses completed and quizzes passed, keyed so that language versions count once."""
    facts = []
    for course_id, original_id, completed_at in CourseCompletion.objects.filter(
        user=user
    ).values_list("course_id", "course__translation_of_id", "completed_at"):
        facts.append(
            _Fact(
                ActionType.Automatic.COURSE_COMPLETED,
                f"course:{original_id or course_id}",
                completed_at,
            )
        )
    passed = (
        QuizAttempt.objects.filter(user=user, passed=True)
        .order_by()
        .values("quiz_id", "quiz__key", "quiz__course_id", "quiz__course__translation_of_id")
        .annotate(first=Min("submitted_at"))
    )
    for row in passed:
        course = row["quiz__course__translation_of_id"] or row["quiz__course_id"]
        quiz = row["quiz__key"] or f"#{row['quiz_id']}"
        facts.append(
            _Fact(ActionType.Automatic.QUIZ_PASSED, f"quiz:{course}:{quiz}"[:80], row["first"])
        )
    return facts


def _unrecorded(user, facts: list[_Fact]) -> list[_Fact]:
    """The facts not yet recorded as automatic actions (one query)."""
    known = set(
        Action.objects.filter(user=user, action_type__automatic__in={f.automatic for f in facts})
        .exclude(source_key="")
        .values_list("action_type__automatic", "source_key")
    )
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
    current = CharterVersion.objects.published().order_by("-version")[:1]
    return CharterAcceptance.objects.filter(user=user, charter__in=current).exists()


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
        profile = AmbassadorProfile.objects.active().filter(user=user).first()
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


# --- Charter and checklist ------------------------------------------------------------------


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


# --- Actions --------------------------------------------------------------------------------


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


# --- Badges ---------------------------------------------------------------------------------


@transaction.atomic
def badge_revoke(*, award: BadgeAward, reason: str) -> BadgeAward:
    """Revoke an award: its assertion then answers 410 Gone with the reason (Open Badges)."""
    if award.revoked_at is None:
        award.revoked_at = timezone.now()
        award.revocation_reason = reason[:300]
        award.save(update_fields=["revoked_at", "revocation_reason"])
    return award


# --- Retention ------------------------------------------------------------------------------

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
