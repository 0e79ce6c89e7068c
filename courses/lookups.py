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

from .models import AttemptChoice, Course, Lesson, Quiz, QuizAttempt


def can_preview(request: HttpRequest) -> bool:
    """Trainers (``courses.change_course``) preview as a learner: they see drafts, marked as
    such, and are never locked out of a step; everyone else sees published content only.
    Authoring needs the admin, so only staff users are asked: a learner's page loads no
    permissions."""
    user = request.user
    return user.is_staff and user.has_perm("courses.change_course")


def _published_course(slug: str):
    return Course.objects.published().filter(slug=slug)


def _published_lesson(lesson_id: int, course_id: int):
    return (
        Lesson.objects.published()
        .select_related("module")
        .filter(pk=lesson_id, module__course_id=course_id)
    )


def _published_quiz(quiz_id: int, course_id: int):
    return Quiz.objects.published().select_related("module").filter(pk=quiz_id, course_id=course_id)


def _learner_attempt(attempt_id: UUID, quiz_id: int, user_id: int):
    return QuizAttempt.objects.filter(pk=attempt_id, quiz_id=quiz_id, user_id=user_id)


def _attempt_choice_ids(attempt_id: UUID):
    """(question id, kind, choice id) of an attempt's snapshot, in order."""
    return (
        AttemptChoice.objects.filter(attempt_question__attempt_id=attempt_id)
        .order_by("attempt_question__order", "order")
        .values_list("attempt_question_id", "attempt_question__kind", "pk")
    )


# A learner's every page reads these: compiled once (dianova_training/prepared.py).
PUBLISHED_COURSE = PreparedQuery(_published_course, slug="\x1fcourse-slug\x1f")
PUBLISHED_LESSON = PreparedQuery(_published_lesson, lesson_id=-4_440_001, course_id=-4_440_002)
PUBLISHED_QUIZ = PreparedQuery(_published_quiz, quiz_id=-4_440_003, course_id=-4_440_004)
_SENTINEL_UUID = UUID("7e57ab1e-0000-4000-8000-00000000a77e")
LEARNER_ATTEMPT = PreparedQuery(
    _learner_attempt, attempt_id=_SENTINEL_UUID, quiz_id=-4_440_005, user_id=-4_440_006
)
ATTEMPT_CHOICE_IDS = PreparedQuery(_attempt_choice_ids, attempt_id=_SENTINEL_UUID)


def _found(obj):
    if obj is None:
        raise Http404
    return obj


def get_course_for_user(request: HttpRequest, slug: str) -> Course:
    """A published course, or any course for trainers previewing drafts; else 404."""
    if can_preview(request):
        return get_object_or_404(Course.objects.all(), slug=slug)
    return _found(PUBLISHED_COURSE.first(slug=slug))


def get_lesson_for_user(request: HttpRequest, course: Course, lesson_id: int) -> Lesson:
    if can_preview(request):
        lessons = Lesson.objects.select_related("module")
        return get_object_or_404(lessons, pk=lesson_id, module__course=course)
    return _found(PUBLISHED_LESSON.first(lesson_id=lesson_id, course_id=course.pk))


def get_quiz_for_user(request: HttpRequest, course: Course, quiz_id: int) -> Quiz:
    if can_preview(request):
        quiz = get_object_or_404(Quiz.objects.select_related("module"), pk=quiz_id, course=course)
    else:
        quiz = _found(PUBLISHED_QUIZ.first(quiz_id=quiz_id, course_id=course.pk))
    quiz.course = course  # already loaded: spare a query for every URL built from the quiz
    return quiz


def get_attempt_for_user(request: HttpRequest, quiz: Quiz, attempt_id: UUID) -> QuizAttempt:
    """The learner's own attempt at ``quiz`` (its row only: a page that shows or grades it
    loads its snapshot); anyone else's is a 404."""
    attempt = _found(
        LEARNER_ATTEMPT.first(attempt_id=attempt_id, quiz_id=quiz.pk, user_id=request.user.pk)
    )
    attempt.quiz, attempt.user = quiz, request.user
    return attempt
