"""Progress of many learners in one course, computed in the database.

Used by the managers' reports (in ``ambassadors``), which pass in the people they may see.
"""

from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce

from .models import (
    Course,
    Lesson,
    LessonCompletion,
    Quiz,
    QuizAttempt,
    SubqueryCount,
)


@dataclass(frozen=True)
class CourseShape:
    """What completing a course takes: its published lessons and quizzes, counted once."""

    course: Course
    lessons_total: int
    quizzes: list[Quiz]

    @property
    def required_quizzes(self) -> list[Quiz]:
        return [q for q in self.quizzes if q.required]

    @property
    def steps_total(self) -> int:
        return self.lessons_total + len(self.required_quizzes)


def course_shape(course: Course) -> CourseShape:
    """Two queries: the count of published lessons and the list of published quizzes."""
    return CourseShape(
        course=course,
        lessons_total=Lesson.objects.published().filter(module__course=course).count(),
        quizzes=list(Quiz.objects.published().filter(course=course).select_related("module")),
    )


def annotate_progress(users: QuerySet, shape: CourseShape) -> QuerySet:
    """Annotate a User queryset with this course's progress, one row per user, one query.

    Adds ``lessons_done``, ``quizzes_passed``, ``completed_at``, ``enrolled_at``,
    ``due_date``, ``last_activity_at``, ``assigned`` and ``best_<quiz id>`` (best submitted
    score or None).
    """
    course = shape.course
    # One LEFT JOIN each to the learner's enrolment and completion (both unique per user and
    # course, so never more than one row per user) instead of one subquery per column.
    users = users.annotate(
        progress_enrolment=FilteredRelation("enrolments", condition=Q(enrolments__course=course)),
        progress_completion=FilteredRelation(
            "course_completions", condition=Q(course_completions__course=course)
        ),
    )
    annotations = {
        "lessons_done": SubqueryCount(
            LessonCompletion.objects.filter(
                user=OuterRef("pk"),
                lesson__in=Lesson.objects.published().filter(module__course=course),
            )
        ),
        "quizzes_passed": SubqueryCount(
            QuizAttempt.objects.filter(
                user=OuterRef("pk"),
                quiz__in=[q.pk for q in shape.required_quizzes],
                passed=True,
            ),
            field="quiz_id",
        ),
        "completed_at": F("progress_completion__completed_at"),
        "enrolled_at": F("progress_enrolment__enrolled_at"),
        "due_date": F("progress_enrolment__due_date"),
        "last_activity_at": F("progress_enrolment__last_activity_at"),
        "assigned": Coalesce(
            F("progress_enrolment__assigned"), Value(False), output_field=BooleanField()
        ),
    }
    for quiz in shape.quizzes:
        annotations[f"best_{quiz.pk}"] = QuizAttempt.objects.best_score_subquery(quiz=quiz)
    return users.annotate(**annotations)
