"""Writes of the people side that touch several rows: course assignments, staff profiles and
the enrolment facts they imply.

Assignments live here because only this app knows organisations; what a learner sees comes
from per-user facts in ``courses`` (``Enrolment.assigned`` and ``Enrolment.due_date``), which
``enrolments_sync`` keeps equal to what the assignments say. It runs when an assignment is
made or removed, and ``profile_change`` (the one writer of a person's organisation and
language) runs it whenever a staff profile is created or changes either; no signals.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q

from ambassadors.models import (
    Assignment,
    AuditEvent,
    Organisation,
    StaffProfile,
    staff_in_scope,
)
from ambassadors.people.audit import audit_record
from courses.models import Course, Enrolment, Status


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


class _Keep:
    """Marks an argument of ``profile_change`` that was not given: the value stays as it is."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


@dataclass(frozen=True)
class ProfileChange:
    """One person's new organisation and/or language (``KEEP`` leaves a value as it is)."""

    user: AbstractBaseUser
    organisation: Organisation | _Keep | None = KEEP
    language: str | _Keep = KEEP


@transaction.atomic
def profiles_change(*, changes: Iterable[ProfileChange]) -> list[StaffProfile]:
    """The only writer of staff members' organisation and language; see ``profile_change``.

    For many people at once (staff import): every profile is written, then one enrolment
    sync for all of them (a fixed number of queries for the sync, whatever their number).
    """
    changes = list(changes)
    profiles = []
    for change in changes:
        if not isinstance(change.language, _Keep) and change.language not in LANGUAGE_CODES:
            raise ValueError(f"Unknown language: {change.language!r}")
        profile = StaffProfile.objects.select_for_update().filter(user=change.user).first()
        profile = profile or StaffProfile(user=change.user)
        if not isinstance(change.organisation, _Keep):
            profile.organisation = change.organisation
        if not isinstance(change.language, _Keep):
            profile.language = change.language
        if profile.pk is None:
            profile.save()
        else:
            profile.save(update_fields=["organisation", "language"])
        profiles.append(profile)
    # Same transaction: assigned courses, due dates and language versions follow at once.
    enrolments_sync(user_ids=[change.user.pk for change in changes])
    return profiles


@transaction.atomic
def profile_change(
    *,
    user: AbstractBaseUser,
    organisation: Organisation | _Keep | None = KEEP,
    language: str | _Keep = KEEP,
) -> StaffProfile:
    """Set ``user``'s organisation and/or language: the ONLY code that changes either.

    Creates the staff profile when ``user`` has none (first sign-in, staff import, the demo).
    An argument left out keeps its value; ``organisation=None`` takes the person out of any
    organisation. Ends, in the same transaction, with ``enrolments_sync``: the courses
    assigned to the new organisation arrive with their due dates, those of the old one stop
    being assigned (progress is kept), and a new language moves every assignment to the
    course's version in that language, keeping its due date.

    Callers: staff import, /preferences/, the language switcher, the admin (staff profile and
    user pages), the demo loader, single sign-on's first sign-in. Raises ValueError for a
    language that is not one of ``settings.LANGUAGES``.
    """
    change = ProfileChange(user=user, organisation=organisation, language=language)
    return profiles_change(changes=[change])[0]


@transaction.atomic
def preferences_save(
    *, user: AbstractBaseUser, language: str, optional_email: bool
) -> StaffProfile:
    """The person's own preferences: their language (through ``profile_change``) and whether
    they get non-essential e-mail (reminders, digests)."""
    profile = profile_change(user=user, language=language)
    profile.optional_email = optional_email
    profile.save(update_fields=["optional_email"])
    return profile
