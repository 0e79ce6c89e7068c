"""The reads of ``services.programme_sync``, which runs on every visit to "My training" and the
programme's page: compiled once (dianova_training/prepared.py); ``tests/test_prepared.py``
checks each against its QuerySet."""

from datetime import UTC, datetime

from django.db.models import Min, Subquery

from ambassadors.models import (
    Action,
    AmbassadorProfile,
    CharterAcceptance,
    CharterVersion,
    Level,
)
from courses.models import CourseCompletion, QuizAttempt
from dianova_training.prepared import PreparedQuery


def _member(user_id: int):
    """The person's current membership (at most one: a membership is one row per user)."""
    return AmbassadorProfile.objects.active().filter(user_id=user_id).order_by()


def _completions(user_id: int):
    return CourseCompletion.objects.filter(user_id=user_id).values_list(
        "course_id", "course__translation_of_id", "completed_at"
    )


def _quizzes_passed(user_id: int):
    """Each quiz passed, with its course and the first time it was passed."""
    return (
        QuizAttempt.objects.filter(user_id=user_id, passed=True)
        .order_by()
        .values("quiz_id", "quiz__key", "quiz__course_id", "quiz__course__translation_of_id")
        .annotate(first=Min("submitted_at"))
        .values_list(
            "quiz_id", "quiz__key", "quiz__course_id", "quiz__course__translation_of_id", "first"
        )
    )


def _recorded(user_id: int):
    """The automatic facts recorded already, as (automatic kind, source key)."""
    return (
        Action.objects.filter(user_id=user_id)
        .exclude(action_type__automatic="")
        .exclude(source_key="")
        .values_list("action_type__automatic", "source_key")
    )


def _current_charter_accepted(user_id: int, now: datetime):
    """A row when the person accepted the highest charter version published by ``now``."""
    current = (
        CharterVersion.objects.filter(published_at__isnull=False, published_at__lte=now)
        .order_by("-version")
        .values("pk")[:1]
    )
    return CharterAcceptance.objects.filter(
        user_id=user_id, charter_id=Subquery(current)
    ).values_list("pk")


def _level(rank: int):
    """The ladder's rung of that rank (shown on "My training")."""
    return Level.objects.filter(rank=rank)


MEMBER = PreparedQuery(_member, user_id=-6_660_001)
COMPLETIONS = PreparedQuery(_completions, user_id=-6_660_002)
QUIZZES_PASSED = PreparedQuery(_quizzes_passed, user_id=-6_660_003)
RECORDED = PreparedQuery(_recorded, user_id=-6_660_004)
CURRENT_CHARTER_ACCEPTED = PreparedQuery(
    _current_charter_accepted, user_id=-6_660_005, now=datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)
)
LEVEL = PreparedQuery(_level, rank=32_001)
