"""Progress of many learners in one course, computed in the database.

Used by the managers' reports (in ``ambassadors``), which pass in the people they may see.
"""

from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

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
    ``due_date``, ``last_activity_at`` and ``best_<quiz id>`` (best submitted score or None).
    """
    course = shape.course
    enrolment = Enrolment.objects.filter(user=OuterRef("pk"), course=course)
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
        "completed_at": Subquery(
            CourseCompletion.objects.filter(user=OuterRef("pk"), course=course).values(
                "completed_at"
            )[:1]
        ),
        "enrolled_at": Subquery(enrolment.values("enrolled_at")[:1]),
        "due_date": Subquery(enrolment.values("due_date")[:1]),
        "last_activity_at": Subquery(enrolment.values("last_activity_at")[:1]),
    }
    for quiz in shape.quizzes:
        annotations[f"best_{quiz.pk}"] = QuizAttempt.objects.best_score_subquery(quiz=quiz)
    return users.annotate(**annotations)
