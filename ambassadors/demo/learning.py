"""Demo learners' course work, through the learners' own services (shared by the demo loaders)."""

from courses import services
from courses.models import Course, Lesson, Question, Quiz


def take_quiz(user, quiz: Quiz, *, good: bool) -> None:
    """One submitted attempt: every answer right (``good``) or wrong."""
    attempt = services.attempt_start(user=user, quiz=quiz)
    answers = {}
    for question in attempt.questions.prefetch_related("choices"):
        choices = list(question.choices.all())
        picks = [c.pk for c in choices if c.is_correct == good] or [choices[0].pk]
        # As a learner can: one choice for single-choice and true/false questions.
        answers[question.pk] = set(picks if question.kind == Question.Kind.MULTIPLE else picks[:1])
    services.attempt_submit(attempt=attempt, answers=answers)


def complete_course(user, course: Course, *, required_only: bool = False) -> None:
    """Finish ``course``: every published lesson, then every quiz not passed yet (idempotent)."""
    for lesson in Lesson.objects.published().filter(module__course=course):
        services.lesson_complete(user=user, lesson=lesson)
    quizzes = Quiz.objects.published().filter(course=course)
    if required_only:
        quizzes = quizzes.filter(required=True)
    for quiz in quizzes:
        if not quiz.attempts.filter(user=user, passed=True).exists():
            take_quiz(user, quiz, good=True)
