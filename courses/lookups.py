"""What a learner may open of a course, fetched the way every learner page needs it.

Each helper enforces who may see what: published content for learners, drafts too for
trainers previewing (``can_preview``), a learner's own attempts only; anything else is a 404.
The learner's lookups run on every request, so they are compiled once
(``dianova_training/prepared.py``); ``tests/test_prepared.py`` checks each against its
QuerySet.
"""

from uuid import UUID

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from dianova_training.prepared import PreparedQuery

from .family import record_annotations, record_from
from .models import AttemptChoice, AttemptQuestion, Course, Lesson, Quiz, QuizAttempt, Status


def can_preview(request: HttpRequest) -> bool:
    """Trainers (``courses.change_course``) preview as a learner: they see drafts, marked as
    such, and are never locked out of a step; everyone else sees published content only.
    Authoring needs the admin, so only staff users are asked: a learner's page loads no
    permissions."""
    user = request.user
    return user.is_staff and user.has_perm("courses.change_course")


def _published_course(slug: str, user_id: int):
    """A published course with the learner's record (``family.record_annotations``)."""
    return Course.objects.published().filter(slug=slug).annotate(**record_annotations(user_id))


def _published_lesson(slug: str, lesson_id: int, user_id: int):
    """A published lesson of a published course, with its module, its course and the
    learner's record (one query)."""
    return (
        Lesson.objects.published()
        .select_related("module__course")
        .filter(pk=lesson_id, module__course__slug=slug, module__course__status=Status.PUBLISHED)
        .annotate(**record_annotations(user_id, "module__course"))
    )


def _published_quiz(slug: str, quiz_id: int):
    """A published quiz of a published course, with its module and course (one query)."""
    return (
        Quiz.objects.published()
        .select_related("module", "course")
        .filter(pk=quiz_id, course__slug=slug, course__status=Status.PUBLISHED)
    )


def _learner_attempt(attempt_id: UUID, quiz_id: int, user_id: int):
    return QuizAttempt.objects.filter(pk=attempt_id, quiz_id=quiz_id, user_id=user_id)


def _attempt_choice_ids(attempt_id: UUID):
    """(question id, kind, choice id) of an attempt's snapshot, in order."""
    return (
        AttemptChoice.objects.filter(attempt_question__attempt_id=attempt_id)
        .order_by("attempt_question__order", "order")
        .values_list("attempt_question_id", "attempt_question__kind", "pk")
    )


def _attempt_shown(attempt_id: UUID):
    """The attempt's snapshot as its page shows it, in order: (question id, kind, text,
    choice id, choice text, picked) per choice — one row with no choice for a question
    without any."""
    return (
        AttemptQuestion.objects.filter(attempt_id=attempt_id)
        .order_by("order", "choices__order")
        .values_list("pk", "kind", "text", "choices__pk", "choices__text", "choices__selected")
    )


# A learner's every page reads these: compiled once (dianova_training/prepared.py).
PUBLISHED_COURSE = PreparedQuery(_published_course, slug="\x1fcourse-slug\x1f", user_id=-4_440_007)
PUBLISHED_LESSON = PreparedQuery(
    _published_lesson, slug="\x1fcourse-slug\x1f", lesson_id=-4_440_001, user_id=-4_440_008
)
PUBLISHED_QUIZ = PreparedQuery(_published_quiz, slug="\x1fcourse-slug\x1f", quiz_id=-4_440_003)
_SENTINEL_UUID = UUID("7e57ab1e-0000-4000-8000-00000000a77e")
LEARNER_ATTEMPT = PreparedQuery(
    _learner_attempt, attempt_id=_SENTINEL_UUID, quiz_id=-4_440_005, user_id=-4_440_006
)
ATTEMPT_CHOICE_IDS = PreparedQuery(_attempt_choice_ids, attempt_id=_SENTINEL_UUID)
ATTEMPT_SHOWN = PreparedQuery(_attempt_shown, attempt_id=_SENTINEL_UUID)


def _found(obj):
    if obj is None:
        raise Http404
    return obj


def get_course_for_user(request: HttpRequest, slug: str) -> Course:
    """A published course, or any course for trainers previewing drafts; else 404.

    A learner's course comes with their record in it (``learner_record``, read in the same
    query), which the page's outline uses instead of reading it again; None for a trainer."""
    if can_preview(request):
        course = get_object_or_404(Course.objects.all(), slug=slug)
        course.learner_record = None
        return course
    course = _found(PUBLISHED_COURSE.first(slug=slug, user_id=request.user.pk))
    course.learner_record = record_from(course)
    return course


def get_lesson_for_user(request: HttpRequest, slug: str, lesson_id: int) -> tuple[Course, Lesson]:
    """The course and one of its lessons, as ``get_course_for_user`` sees the course (with
    ``learner_record``); a learner's pair and record are read in one query."""
    if can_preview(request):
        course = get_course_for_user(request, slug)
        lessons = Lesson.objects.select_related("module")
        lesson = get_object_or_404(lessons, pk=lesson_id, module__course=course)
        lesson.module.course = course  # already loaded: no query for the lesson's course
        return course, lesson
    lesson = _found(PUBLISHED_LESSON.first(slug=slug, lesson_id=lesson_id, user_id=request.user.pk))
    course = lesson.module.course
    course.learner_record = record_from(lesson)
    return course, lesson


def get_quiz_for_user(request: HttpRequest, slug: str, quiz_id: int) -> tuple[Course, Quiz]:
    """The course and one of its quizzes, as ``get_course_for_user`` sees the course; a
    learner's pair is read in one query."""
    if can_preview(request):
        course = get_course_for_user(request, slug)
        quiz = get_object_or_404(Quiz.objects.select_related("module"), pk=quiz_id, course=course)
        quiz.course = course  # already loaded: spare a query for every URL built from the quiz
        if quiz.module is not None:
            quiz.module.course = course
        return course, quiz
    quiz = _found(PUBLISHED_QUIZ.first(slug=slug, quiz_id=quiz_id))
    if quiz.module is not None:
        quiz.module.course = quiz.course
    quiz.course.learner_record = None  # quiz pages read the record only when they need it
    return quiz.course, quiz


def get_attempt_for_user(request: HttpRequest, quiz: Quiz, attempt_id: UUID) -> QuizAttempt:
    """The learner's own attempt at ``quiz`` (its row only: a page that shows or grades it
    loads its snapshot); anyone else's is a 404."""
    attempt = _found(
        LEARNER_ATTEMPT.first(attempt_id=attempt_id, quiz_id=quiz.pk, user_id=request.user.pk)
    )
    attempt.quiz, attempt.user = quiz, request.user
    return attempt
