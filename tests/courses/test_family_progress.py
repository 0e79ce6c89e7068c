"""Progress across the language versions of one course: one course for reports."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from courses.family import with_family_progress
from courses.models import Certificate, Course, CourseCompletion, Lesson, Quiz, Status
from courses.progress import annotate_progress, course_shape
from courses.services import attempt_start, attempt_submit, lesson_complete
from courses.translations import course_duplicate
from tests.factories import make_course, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def family():
    """French original (2 modules × 2 lessons, a quiz each) and English and Italian copies."""
    original = make_course(language="fr")
    english = course_duplicate(course=original, language="en")
    italian = course_duplicate(course=original, language="it")
    for version in (english, italian):
        version.status = Status.PUBLISHED
        version.save()
    Quiz.objects.filter(course=english).update(title="English quiz")
    return original, english, italian


def lesson(course, key):
    return Lesson.objects.get(module__course=course, key=key)


def take(user, quiz, *, correct: int) -> None:
    """Submit an attempt answering ``correct`` questions right (out of 3)."""
    attempt = attempt_start(user=user, quiz=quiz)
    answers = {}
    for index, question in enumerate(attempt.questions.prefetch_related("choices")):
        choices = list(question.choices.all())
        pick = next(c for c in choices if c.is_correct == (index < correct))
        answers[question.pk] = {pick.pk}
    attempt_submit(attempt=attempt, answers=answers)


def progress(user, course):
    shape = course_shape(course)
    return shape, annotate_progress(get_user_model().objects.filter(pk=user.pk), shape).get()


def test_shape_counts_the_original_steps_once(family):
    original, english, _italian = family
    shape = course_shape(english)
    assert shape.lessons_total == 4
    assert shape.steps_total == 6
    assert [q.title for q in shape.quizzes] == ["English quiz", "English quiz"]
    assert [len(q.ids) for q in shape.quizzes] == [3, 3]
    assert [q.title for q in course_shape(original).quizzes] == ["Quiz 1", "Quiz 2"]


def test_lessons_done_in_any_language_count_once(family):
    original, english, italian = family
    user = make_user(language="fr")
    lesson_complete(user=user, lesson=lesson(original, "m1-l1"))
    lesson_complete(user=user, lesson=lesson(english, "m1-l1"))  # the same lesson again
    lesson_complete(user=user, lesson=lesson(english, "m1-l2"))
    lesson_complete(user=user, lesson=lesson(italian, "m2-l1"))
    _shape, row = progress(user, original)
    assert row.lessons_done == 3
    assert row.enrolled_at is not None and row.last_activity_at is not None


def test_unpublished_lessons_do_not_count(family):
    original, english, _italian = family
    user = make_user()
    lesson_complete(user=user, lesson=lesson(english, "m1-l1"))
    Lesson.objects.filter(module__course=original, key="m1-l1").update(status=Status.DRAFT)
    shape, row = progress(user, original)
    assert shape.lessons_total == 3
    assert row.lessons_done == 0


def test_best_score_and_pass_across_versions(family):
    original, english, italian = family
    user = make_user()
    quiz_fr = Quiz.objects.get(course=original, key="quiz-m1")
    take(user, quiz_fr, correct=1)
    take(user, Quiz.objects.get(course=english, key="quiz-m1"), correct=3)
    take(user, Quiz.objects.get(course=italian, key="quiz-m1"), correct=2)
    take(user, Quiz.objects.get(course=english, key="quiz-m1"), correct=3)  # passed twice
    shape, row = progress(user, italian)
    assert row.quizzes_passed == 1
    assert getattr(row, f"best_{quiz_fr.pk}") == Decimal("100.00")
    other = shape.quizzes[1].pk
    assert getattr(row, f"best_{other}") is None


def finish(user, course) -> None:
    for item in Lesson.objects.filter(module__course=course):
        lesson_complete(user=user, lesson=item)
    for quiz in Quiz.objects.filter(course=course):
        take(user, quiz, correct=3)


def test_completion_of_any_version_completes_the_family(family):
    original, english, _italian = family
    user = make_user(language="en")
    finish(user, english)
    _shape, row = progress(user, original)
    assert row.completed_at is not None
    assert row.lessons_done + row.quizzes_passed == 6


def test_a_standalone_course_is_its_own_family():
    course = make_course(language="en", modules=1, lessons=3)
    user = make_user()
    lesson_complete(user=user, lesson=Lesson.objects.filter(module__course=course).first())
    shape, row = progress(user, course)
    assert (shape.lessons_total, row.lessons_done) == (3, 1)


def test_keyless_items_count_in_the_original_only():
    course = make_course(language="fr", modules=1, lessons=2)
    Lesson.objects.filter(module__course=course).update(key="")
    Quiz.objects.filter(course=course).update(key="")
    user = make_user()
    for item in Lesson.objects.filter(module__course=course):
        lesson_complete(user=user, lesson=item)
    take(user, Quiz.objects.get(course=course), correct=3)
    shape, row = progress(user, course)
    assert (shape.lessons_total, row.lessons_done, row.quizzes_passed) == (2, 2, 1)


# --- One learner's record on the course page and "My training" ------------------------------


def outline_of(user, course):
    from courses.outline import build_outline

    # The course row as a request reads it (its structure version with it).
    return build_outline(Course.objects.get(pk=course.pk), user)


def test_outline_counts_steps_done_in_another_language(family):
    original, english, _italian = family
    user = make_user(language="en")
    lesson_complete(user=user, lesson=lesson(original, "m1-l1"))
    take(user, Quiz.objects.get(course=original, key="quiz-m2"), correct=3)
    outline = outline_of(user, english)
    assert (outline.steps_done, outline.steps_total) == (2, 6)
    mine = with_family_progress(Course.objects.all(), user).get(pk=english.pk)
    assert (mine.steps_done, mine.steps_total) == (2, 6)


def test_a_step_only_in_one_version_counts_only_there(family):
    original, english, _italian = family
    extra = Lesson.objects.create(
        module=english.modules.get(key="m1"),
        title="Only in English",
        key="en-only",
        order=9,
        status=Status.PUBLISHED,
    )
    user = make_user(language="en")
    lesson_complete(user=user, lesson=extra)
    assert (outline_of(user, english).steps_done, outline_of(user, english).steps_total) == (1, 7)
    assert (outline_of(user, original).steps_done, outline_of(user, original).steps_total) == (0, 6)
    # A keyless lesson matches only itself, even with a twin of the same title elsewhere.
    keyless = lesson(original, "m1-l2")
    keyless.key = ""
    keyless.save()  # as the admin does: the course's structure version moves on
    lesson_complete(user=user, lesson=lesson(english, "m1-l2"))
    assert outline_of(user, original).steps_done == 0
    assert outline_of(user, english).steps_done == 2


def test_finishing_a_second_version_gives_no_second_completion_or_certificate(family):
    original, english, _italian = family
    user = make_user(language="en")
    finish(user, english)
    finish(user, original)
    assert CourseCompletion.objects.filter(user=user).count() == 1
    assert Certificate.objects.filter(user=user).get().course == english
    mine = with_family_progress(Course.objects.all(), user).get(pk=original.pk)
    assert mine.completed_at is not None and mine.certificate_code
