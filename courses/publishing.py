"""What must be true before a quiz or a course goes live (the admin's forms ask here).

A quiz is published, or made required for completion, only with at least as many valid
questions as it draws (one at least, when it draws them all); a course is published only when
each of its required quizzes has them. A valid question is one its learners can answer: two
choices or more, exactly one correct for single choice and true/false (which has two), at
least one correct for multiple answer.
"""

from django.db.models import Count, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Question, Quiz, SubqueryCount


def valid_questions(questions: QuerySet) -> QuerySet:
    """The questions of ``questions`` a learner can answer (see the module's docstring)."""
    kind = Question.Kind
    return questions.annotate(
        _choices=Count("choices"),
        _right=Count("choices", filter=Q(choices__is_correct=True)),
    ).filter(
        Q(_choices__gte=2)
        & (
            Q(kind=kind.SINGLE, _right=1)
            | Q(kind=kind.TRUE_FALSE, _right=1, _choices=2)
            | Q(kind=kind.MULTIPLE, _right__gte=1)
        )
    )


def question_shape_problem(*, kind: str, choices: int, correct: int) -> str | None:
    """Why a question of ``kind`` with ``choices`` choices, ``correct`` of them correct, cannot
    be answered, or None: the rule of the module's docstring (``valid_questions`` is its query
    form). The admin's question form, the content loader and the question imports ask here."""
    if choices < 2:
        return _("A question needs at least two choices.")
    if kind == Question.Kind.TRUE_FALSE and choices != 2:
        return _("A true/false question has exactly two choices.")
    if kind in (Question.Kind.SINGLE, Question.Kind.TRUE_FALSE) and correct != 1:
        return _("A single-choice or true/false question needs exactly one correct choice.")
    if kind == Question.Kind.MULTIPLE and correct < 1:
        return _("A multiple-answer question needs at least one correct choice.")
    return None


def questions_needed(draw_count: int | None) -> int:
    return draw_count or 1


def quiz_problem(*, title: str, draw_count: int | None, valid: int, field: str) -> str | None:
    """Why the quiz cannot be published (``field`` "status") or required ("required")."""
    needed = questions_needed(draw_count)
    if valid >= needed:
        return None
    if field == "status":
        message = ngettext(
            "A quiz can be published once it has %(needed)d valid question; it has %(count)d.",
            "A quiz can be published once it has %(needed)d valid questions; it has %(count)d.",
            needed,
        )
    else:
        message = ngettext(
            "A quiz can be required for completion once it has %(needed)d valid question; "
            "it has %(count)d.",
            "A quiz can be required for completion once it has %(needed)d valid questions; "
            "it has %(count)d.",
            needed,
        )
    return message % {"needed": needed, "count": valid, "quiz": title}


def course_publish_problems(course) -> list[str]:
    """One message per required quiz of ``course`` with too few valid questions, naming it.

    One query.
    """
    if course.pk is None:
        return []
    valid = valid_questions(Question.objects.filter(quiz=OuterRef("pk")))
    quizzes = Quiz.objects.filter(course=course, required=True).annotate(
        _valid=SubqueryCount(valid)
    )
    return [
        _(
            "The course cannot be published: its required quiz “%(quiz)s” has %(count)d valid "
            "questions and needs %(needed)d. Add questions to it, or make it optional."
        )
        % {"quiz": quiz.title, "count": quiz._valid, "needed": questions_needed(quiz.draw_count)}
        for quiz in quizzes.order_by("order", "pk")
        if quiz._valid < questions_needed(quiz.draw_count)
    ]


def quiz_valid_count(quiz: Quiz) -> int:
    return valid_questions(quiz.questions.all()).count() if quiz.pk else 0
