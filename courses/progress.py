"""Progress of many learners in one course, computed in the database.

Used by the managers' reports (in ``ambassadors``), which pass in the people they may see.

A course and its translations are one course here: the steps are those of the family's
original, and a learner's work in any language version counts for the matching step
(a lesson by its module's key and its own key, a quiz by its key; items without a key only
count in the original itself).
"""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery, Value

from .models import (
    Course,
    CourseCompletion,
    Enrolment,
    Lesson,
    LessonCompletion,
    Quiz,
    QuizAttempt,
    SubqueryCount,
)


def percent(part: int, whole: int) -> int:
    """``part`` of ``whole`` in whole percent; 0 when ``whole`` is 0."""
    return round(100 * part / whole) if whole else 0


def completion_percent(*, done: int, total: int, completed: bool) -> int:
    """A learner's progress in a course, in whole percent: 100 once the course is completed
    (even if steps were added since), else the share of its steps done, never above 100."""
    return 100 if completed else min(100, percent(done, total))


@dataclass(frozen=True)
class ShapeQuiz:
    """A quiz of the original, with the ids of the matching quiz in every language version."""

    pk: int  # the original's quiz: names the ``best_<pk>`` annotation
    key: str
    title: str
    required: bool
    ids: tuple[int, ...]


@dataclass(frozen=True)
class CourseShape:
    """What completing a course family takes: the original's published lessons and quizzes,
    each counted once whatever the language it was done in."""

    course: Course  # the version the report is shown for (titles come from it)
    original_id: int
    lessons_total: int
    quizzes: list[ShapeQuiz]
    keyed_lesson_ids: tuple[int, ...]  # family lessons matching a keyed lesson of the original
    unkeyed_lesson_ids: tuple[int, ...]  # the original's lessons without a key

    @property
    def required_quizzes(self) -> list[ShapeQuiz]:
        return [q for q in self.quizzes if q.required]

    @property
    def steps_total(self) -> int:
        return self.lessons_total + len(self.required_quizzes)

    def family(self) -> QuerySet:
        """Every language version of the course (a subquery; no query on its own)."""
        return Course.objects.family_of(self.course)


def course_shape(course: Course) -> CourseShape:
    """The shape of ``course``'s family. Two queries: the family's published lessons and
    its published quizzes. Quiz titles are ``course``'s where it has the quiz, else the
    original's."""
    original_id = course.original_id
    family = Course.objects.family_of(course)
    lessons = list(
        Lesson.objects.published()
        .filter(module__course__in=family.values("pk"))
        .values_list("pk", "module__course_id", "module__key", "key")
    )
    originals = [row for row in lessons if row[1] == original_id]
    keyed = {(module_key, key) for _pk, _c, module_key, key in originals if module_key and key}
    quizzes = list(
        Quiz.objects.published()
        .filter(course__in=family.values("pk"))
        .order_by(F("module__order").asc(nulls_last=True), "order", "pk")
    )
    by_key: dict[str, list[Quiz]] = {}
    for quiz in quizzes:
        if quiz.key:
            by_key.setdefault(quiz.key, []).append(quiz)
    shape_quizzes = []
    for quiz in quizzes:
        if quiz.course_id != original_id:
            continue
        versions = by_key.get(quiz.key, [quiz]) if quiz.key else [quiz]
        shown = next((q for q in versions if q.course_id == course.pk), quiz)
        shape_quizzes.append(
            ShapeQuiz(
                pk=quiz.pk,
                key=quiz.key,
                title=shown.title,
                required=quiz.required,
                ids=tuple(q.pk for q in versions),
            )
        )
    return CourseShape(
        course=course,
        original_id=original_id,
        lessons_total=len(originals),
        quizzes=shape_quizzes,
        keyed_lesson_ids=tuple(pk for pk, _c, mk, k in lessons if (mk, k) in keyed),
        unkeyed_lesson_ids=tuple(pk for pk, _c, mk, k in originals if (mk, k) not in keyed),
    )


def _distinct_count(queryset: QuerySet, ids: tuple[int, ...], field) -> SubqueryCount | Value:
    if not ids:
        return Value(0)
    return SubqueryCount(queryset, field=field)


def annotate_progress(users: QuerySet, shape: CourseShape) -> QuerySet:
    """Annotate a User queryset with the family's progress, one row per user, one query.

    Adds ``lessons_done``, ``quizzes_passed``, ``completed_at`` (the earliest completion of
    any version), ``enrolled_at`` (earliest), ``due_date`` (earliest set), ``last_activity_at``
    (latest), ``assigned`` (any version assigned) and ``best_<quiz pk>`` (best submitted
    score in any version, or None).
    """
    family = shape.family().values("pk")
    completions = LessonCompletion.objects.filter(user=OuterRef("pk"))
    keyed_quizzes = tuple(i for q in shape.required_quizzes if q.key for i in q.ids)
    unkeyed_quizzes = tuple(i for q in shape.required_quizzes if not q.key for i in q.ids)
    passed = QuizAttempt.objects.filter(user=OuterRef("pk"), passed=True)
    enrolment = Enrolment.objects.filter(user=OuterRef("pk"), course__in=family)
    annotations = {
        # Distinct (module key, lesson key): a lesson done in two languages counts once.
        "lessons_done": _distinct_count(
            completions.filter(lesson_id__in=shape.keyed_lesson_ids),
            shape.keyed_lesson_ids,
            ("lesson__module__key", "lesson__key"),
        )
        + _distinct_count(
            completions.filter(lesson_id__in=shape.unkeyed_lesson_ids),
            shape.unkeyed_lesson_ids,
            "lesson_id",
        ),
        "quizzes_passed": _distinct_count(
            passed.filter(quiz_id__in=keyed_quizzes), keyed_quizzes, "quiz__key"
        )
        + _distinct_count(passed.filter(quiz_id__in=unkeyed_quizzes), unkeyed_quizzes, "quiz_id"),
        "completed_at": Subquery(
            CourseCompletion.objects.filter(user=OuterRef("pk"), course__in=family)
            .order_by("completed_at")
            .values("completed_at")[:1]
        ),
        "enrolled_at": Subquery(enrolment.order_by("enrolled_at").values("enrolled_at")[:1]),
        "due_date": Subquery(
            enrolment.filter(due_date__isnull=False).order_by("due_date").values("due_date")[:1]
        ),
        "last_activity_at": Subquery(
            enrolment.filter(last_activity_at__isnull=False)
            .order_by("-last_activity_at")
            .values("last_activity_at")[:1]
        ),
        "assigned": Exists(enrolment.filter(assigned=True)),
    }
    for quiz in shape.quizzes:
        annotations[f"best_{quiz.pk}"] = QuizAttempt.objects.best_score_subquery(quiz=quiz.ids)
    return users.annotate(**annotations)
