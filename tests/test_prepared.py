"""The hot queries compiled once (dianova_training/prepared.py) answer exactly as their
QuerySets do, for every value; odd values are refused or found empty as the ORM would; on
PostgreSQL the statements are PREPAREd once per connection and survive a reconnection."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from ambassadors import training
from ambassadors.programme import services as programme_services
from ambassadors.programme import sync_queries
from courses import family, lookups
from courses.models import Course, Lesson, Quiz, Status
from courses.services import attempt_start, attempt_submit, lesson_complete
from dianova_training import auth
from dianova_training.prepared import PreparedQuery
from tests.factories import (
    make_charter,
    make_core_course,
    make_course,
    make_manager,
    make_member,
    make_user,
    pass_course,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    course = make_course(modules=2, lessons=2)
    draft = make_course(modules=1, lessons=1)
    draft.status = Status.DRAFT
    draft.save()
    learner, other = make_user(), make_user(language="fr")
    lesson = Lesson.objects.filter(module__course=course).order_by("pk").first()
    lesson_complete(user=learner, lesson=lesson)
    quiz = Quiz.objects.filter(course=course).order_by("pk").first()
    attempt_submit(attempt=attempt_start(user=learner, quiz=quiz), answers={})
    open_attempt = attempt_start(user=other, quiz=quiz)
    return {
        "course": course,
        "draft": draft,
        "learner": learner,
        "other": other,
        "lesson": lesson,
        "quiz": quiz,
        "attempt": open_attempt,
    }


def pks(objects):
    return [obj.pk for obj in objects]


def test_each_prepared_query_answers_as_its_queryset(world):
    course, draft, learner, other = (
        world["course"],
        world["draft"],
        world["learner"],
        world["other"],
    )
    lesson, quiz, attempt = world["lesson"], world["quiz"], world["attempt"]
    cases = [
        (auth.SESSION_USER, {"user_id": learner.pk}),
        (auth.SESSION_USER, {"user_id": other.pk}),
        (lookups.PUBLISHED_COURSE, {"slug": course.slug, "user_id": learner.pk}),
        (lookups.PUBLISHED_COURSE, {"slug": draft.slug, "user_id": learner.pk}),
        (lookups.PUBLISHED_LESSON, {"slug": course.slug, "lesson_id": lesson.pk, "user_id": 1}),
        (lookups.PUBLISHED_LESSON, {"slug": draft.slug, "lesson_id": lesson.pk, "user_id": 1}),
        (lookups.PUBLISHED_QUIZ, {"slug": course.slug, "quiz_id": quiz.pk}),
        (lookups.PUBLISHED_QUIZ, {"slug": draft.slug, "quiz_id": quiz.pk}),
        (
            lookups.LEARNER_ATTEMPT,
            {"attempt_id": attempt.pk, "quiz_id": quiz.pk, "user_id": other.pk},
        ),
        (
            lookups.LEARNER_ATTEMPT,
            {"attempt_id": attempt.pk, "quiz_id": quiz.pk, "user_id": learner.pk},
        ),
    ]
    for prepared, values in cases:
        expected = list(prepared.build(**values))
        found = prepared.objects(**values)
        assert pks(found) == pks(expected), (prepared.build.__name__, values)
        for got, want in zip(found, expected, strict=True):
            for field in got._meta.concrete_fields:
                assert getattr(got, field.attname) == getattr(want, field.attname)
    user = auth.SESSION_USER.first(user_id=learner.pk)
    assert user.profile.pk == learner.profile.pk  # joined, no query
    assert user._has_grants is False
    certified = make_course(modules=1, lessons=1)
    certified_fr = make_course(modules=1, lessons=1, language="fr", translation_of=certified)
    pass_course(learner, certified_fr)
    today = timezone.localdate()
    for who in (learner, other):
        for language in ("en", "fr", "pt"):
            values = {"user_id": who.pk, "language": language, "today": today}
            expected = list(training.MY_COURSES.build(**values))
            found = training.MY_COURSES.objects(**values)
            assert pks(found) == pks(expected)
            for got, want in zip(found, expected, strict=True):
                for name in ("steps_total", "steps_done", "assigned", "overdue", "due_date"):
                    assert getattr(got, name) == getattr(want, name)
        values = {"user_id": who.pk, "original_id": course.original_id}
        assert family.RECORD_STEPS.values(**values) == list(family.RECORD_STEPS.build(**values))
        for original_id in (course.original_id, certified.original_id):
            values = {"user_id": who.pk, "original_id": original_id}
            assert pks(family.FAMILY_CERTIFICATE.objects(**values)) == pks(
                family.FAMILY_CERTIFICATE.build(**values)
            )
    assert family.FAMILY_CERTIFICATE.first(
        user_id=learner.pk, original_id=certified.original_id
    ).course_id in {certified.pk, certified_fr.pk}
    values = {"attempt_id": attempt.pk}
    assert lookups.ATTEMPT_CHOICE_IDS.values(**values) == list(
        lookups.ATTEMPT_CHOICE_IDS.build(**values)
    )
    shown = lookups.ATTEMPT_SHOWN.values(**values)
    assert shown == list(lookups.ATTEMPT_SHOWN.build(**values))
    assert [row[3] for row in shown] == [
        row[2] for row in lookups.ATTEMPT_CHOICE_IDS.values(**values)
    ]


def test_the_programme_reads_answer_as_their_querysets(world):
    """programme_sync's reads (ambassadors/programme/sync_queries.py), for a member with a
    completed course, passed quizzes, recorded facts and an accepted charter, and for
    someone with none of these; the charter as of before and after its publication."""
    learner, other = world["learner"], world["other"]
    course = make_core_course()
    pass_course(learner, course)
    charter = make_charter()
    profile = make_member(user=learner)
    programme_services.charter_accept(profile=profile, charter=charter, language="en")
    assert sync_queries.COMPLETIONS.values(user_id=learner.pk)
    assert sync_queries.QUIZZES_PASSED.values(user_id=learner.pk)
    assert sync_queries.RECORDED.values(user_id=learner.pk)
    before = charter.published_at - timedelta(seconds=1)
    for who in (learner, other):
        for prepared in (
            sync_queries.COMPLETIONS,
            sync_queries.QUIZZES_PASSED,
            sync_queries.RECORDED,
        ):
            values = {"user_id": who.pk}
            assert sorted(prepared.values(**values)) == sorted(prepared.build(**values))
        for now in (before, charter.published_at, timezone.now()):
            values = {"user_id": who.pk, "now": now}
            found = sync_queries.CURRENT_CHARTER_ACCEPTED.values(**values)
            assert found == list(sync_queries.CURRENT_CHARTER_ACCEPTED.build(**values))
        values = {"user_id": who.pk}
        assert pks(sync_queries.MEMBER.objects(**values)) == pks(
            sync_queries.MEMBER.build(**values)
        )
    assert sync_queries.CURRENT_CHARTER_ACCEPTED.values(user_id=learner.pk, now=timezone.now())
    assert not sync_queries.CURRENT_CHARTER_ACCEPTED.values(user_id=learner.pk, now=before)
    assert pks(sync_queries.MEMBER.objects(user_id=learner.pk)) == [profile.pk]
    for rank in (1, 2, 6, 7):
        found = sync_queries.LEVEL.objects(rank=rank)
        assert pks(found) == pks(sync_queries.LEVEL.build(rank=rank))
        assert [level.rank for level in found] == ([rank] if rank <= 6 else [])
    programme_services.programme_leave(profile=profile)
    assert sync_queries.MEMBER.objects(user_id=learner.pk) == []


def test_the_attempt_lock_and_the_picks_update_touch_only_their_attempt(world):
    """attempt_writes: the locked attempt is the QuerySet's row; the picks' UPDATE written by
    hand selects exactly the picked choices of the answered questions of its own attempt,
    even when given another attempt's question ids."""
    from django.db import transaction

    from courses.attempt_writes import LOCKED_ATTEMPT, lock_attempt, write_answers
    from courses.models import AttemptChoice

    open_attempt = world["attempt"]
    mine = attempt_start(user=world["learner"], quiz=world["quiz"])
    with transaction.atomic():
        values = {"attempt_id": mine.pk}
        assert pks(LOCKED_ATTEMPT.objects(**values)) == pks(LOCKED_ATTEMPT.build(**values))
        assert lock_attempt(mine.pk).pk == mine.pk

    def picks(attempt):
        return set(
            AttemptChoice.objects.filter(
                attempt_question__attempt=attempt, selected=True
            ).values_list("pk", flat=True)
        )

    questions = list(mine.questions.order_by("order").prefetch_related("choices"))
    first, second = questions[0], questions[1]
    a, b = sorted(c.pk for c in first.choices.all())[:2]
    theirs = open_attempt.questions.order_by("order").first()
    their_choice = theirs.choices.order_by("order").first()
    with transaction.atomic():
        write_answers(mine, {first.pk: {a, b}, second.pk: set(), theirs.pk: {their_choice.pk}})
    assert picks(mine) == {a, b}
    assert picks(open_attempt) == set()
    with transaction.atomic():
        write_answers(mine, {first.pk: {b}})
    assert picks(mine) == {b}
    with transaction.atomic():
        write_answers(mine, {first.pk: set()})
        write_answers(mine, {})
    assert picks(mine) == set()


@pytest.mark.parametrize("shuffle", [False, True])
def test_the_snapshot_written_by_hand_is_the_snapshot_rows_definition(world, shuffle):
    """attempt_writes.write_snapshot stores exactly what snapshots.snapshot_rows defines, the
    same shuffles included (the same random draws, in the same order)."""
    import random

    from courses.attempt_writes import write_snapshot
    from courses.models import AttemptQuestion, QuizAttempt
    from courses.snapshots import snapshot_rows

    quiz = world["quiz"]
    questions = list(quiz.questions.prefetch_related("choices").order_by("-order"))
    attempt = QuizAttempt.objects.create(
        user=make_user(), quiz=quiz, number=1, pass_mark=quiz.pass_mark
    )
    random.seed(20261206)
    expected = snapshot_rows(questions, shuffle_choices=shuffle)
    random.seed(20261206)
    write_snapshot(attempt, questions, shuffle_choices=shuffle)
    saved = list(
        AttemptQuestion.objects.filter(attempt=attempt)
        .order_by("order")
        .prefetch_related("choices")
    )
    assert len(saved) == len(expected) == len(questions)
    for got, want in zip(saved, expected, strict=True):
        fields = ("question_id", "order", "kind", "scoring", "text", "feedback", "credit")
        assert [getattr(got, f) for f in fields] == [getattr(want, f) for f in fields]
        choices = sorted(got.choices.all(), key=lambda c: c.order)
        fields = ("choice_id", "order", "text", "is_correct", "explanation", "selected")
        assert [[getattr(c, f) for f in fields] for c in choices] == [
            [getattr(c, f) for f in fields] for c in want.shown_choices
        ]
        assert not any(c.selected for c in choices)


def test_the_session_read_answers_as_djangos(world):
    """The session row of every signed-in request (dianova_training/sessions): found while
    live, not once expired, never for another key — as Django's own QuerySet."""
    from django.contrib.sessions.models import Session

    from dianova_training.sessions import LIVE_SESSION

    client = Client()
    client.force_login(world["learner"])
    key = client.cookies["sessionid"].value
    Session.objects.create(
        session_key="expired0expired0expired0expired0",
        session_data="",
        expire_date=timezone.now() - timedelta(seconds=1),
    )
    now = timezone.now()
    for session_key in [key, "expired0expired0expired0expired0", "unknown0unknown0unknown0"]:
        expected = list(Session.objects.filter(session_key=session_key, expire_date__gt=now))
        assert LIVE_SESSION.objects(session_key=session_key, now=now) == expected
    assert LIVE_SESSION.first(session_key=key, now=now).get_decoded()["_auth_user_id"] == str(
        world["learner"].pk
    )
    assert LIVE_SESSION.first(session_key=key, now=now + timedelta(days=1)) is None


def test_odd_values_find_nothing_or_are_refused(world):
    assert auth.SESSION_USER.objects(user_id=2**70) == []
    assert lookups.PUBLISHED_LESSON.objects(slug="x", lesson_id=-(2**64), user_id=1) == []
    with pytest.raises(ValueError, match="None"):
        lookups.PUBLISHED_COURSE.objects(slug=None, user_id=1)
    with pytest.raises(TypeError):
        lookups.PUBLISHED_COURSE.objects(title="x")


def test_a_value_that_never_reaches_the_sql_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    broken = PreparedQuery(lambda slug: Course.objects.all(), slug="\x1fnowhere\x1f")
    with pytest.raises(ImproperlyConfigured):
        broken.objects(slug="x")


def test_out_of_range_ids_in_urls_are_not_found(client, world):
    client.force_login(world["learner"])
    course = world["course"]
    for url in (
        f"/courses/{course.slug}/lessons/{2**70}/",
        f"/courses/{course.slug}/quizzes/{2**70}/",
        f"/courses/{'x' * 60}/",
    ):
        assert client.get(url).status_code == 404


def test_permissions_follow_every_kind_of_grant(world):
    """A learner's pages load no permissions (none reach them); a grant made directly or
    through a group shows on the next request."""
    learner = world["learner"]
    client = Client()
    client.force_login(learner)
    dashboard = reverse("ambassadors:dashboard")
    reports = reverse("ambassadors:reports")
    assert reports not in client.get(dashboard).content.decode()
    permission = Permission.objects.get(codename="view_reports")
    learner.user_permissions.add(permission)
    assert reports in client.get(dashboard).content.decode()
    learner.user_permissions.remove(permission)
    assert reports not in client.get(dashboard).content.decode()
    manager = make_manager(whole_network=True)
    manager_client = Client()
    manager_client.force_login(manager)
    assert reports in manager_client.get(dashboard).content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PREPARE is PostgreSQL's")
def test_statements_are_prepared_once_per_connection(world):
    slug = world["course"].slug

    def prepared_here():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE name = %s",
                [lookups.PUBLISHED_COURSE.name],
            )
            return cursor.fetchone()[0]

    assert pks(lookups.PUBLISHED_COURSE.objects(slug=slug, user_id=1)) == [world["course"].pk]
    assert prepared_here() == 1
    with override_settings(DATABASE_PREPARED_STATEMENTS=False):
        assert pks(lookups.PUBLISHED_COURSE.objects(slug=slug, user_id=1)) == [world["course"].pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PREPARE is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again():
    course = make_course(modules=1, lessons=1)
    assert pks(lookups.PUBLISHED_COURSE.objects(slug=course.slug, user_id=1)) == [course.pk]
    connection.close()  # as after CONN_MAX_AGE, or a database restart
    assert pks(lookups.PUBLISHED_COURSE.objects(slug=course.slug, user_id=1)) == [course.pk]


def _pass(user, quiz):
    attempt = attempt_start(user=user, quiz=quiz)
    answers = {
        q.pk: {c.pk for c in q.choices.all() if c.is_correct} for q in attempt.questions.all()
    }
    attempt_submit(attempt=attempt, answers=answers)


def test_the_record_read_with_a_course_or_a_lesson_is_the_learners_family_record():
    """A learner's course and lesson lookups carry their record (family.record_annotations):
    the same steps as ``family_record`` reads, done in any language version, keyed or not,
    passed quizzes only, and nothing of anyone else."""
    original = make_course(modules=2, lessons=2)
    french = make_course(modules=2, lessons=2, language="fr", translation_of=original)
    unkeyed = Lesson.objects.filter(module__course=french).order_by("pk").last()
    unkeyed.key = ""
    unkeyed.save()
    learner, other, newcomer = make_user(), make_user(language="fr"), make_user()
    english_lessons = list(Lesson.objects.filter(module__course=original).order_by("pk"))
    lesson_complete(user=learner, lesson=english_lessons[0])
    lesson_complete(user=learner, lesson=unkeyed)
    _pass(learner, Quiz.objects.filter(course=french).order_by("pk").first())
    attempt_submit(
        attempt=attempt_start(user=learner, quiz=Quiz.objects.filter(course=original).last()),
        answers={},
    )
    lesson_complete(user=other, lesson=english_lessons[-1])
    seen = set()
    for who in (learner, other, newcomer):
        for course in (original, french):
            expected = family.family_record(who, course)
            row = lookups.PUBLISHED_COURSE.first(slug=course.slug, user_id=who.pk)
            assert family.record_from(row) == expected
            for lesson in Lesson.objects.filter(module__course=course):
                row = lookups.PUBLISHED_LESSON.first(
                    slug=course.slug, lesson_id=lesson.pk, user_id=who.pk
                )
                assert family.record_from(row) == expected
            seen.add((who.username, len(expected.lesson_ids), len(expected.quiz_ids)))
    assert (learner.username, 2, 1) in seen  # a lesson in each version, one quiz passed
    assert (other.username, 1, 0) in seen
    assert (newcomer.username, 0, 0) in seen
