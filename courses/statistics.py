"""Quiz statistics for trainers: how a quiz and each of its questions perform.

Counted from submitted attempts only, in the database (aggregate queries); five queries
whatever the number of attempts, questions or choices. Questions and choices are the current
pool: the snapshot rows point back to them, so editing a question's text keeps its history,
and a deleted question leaves the statistics (its attempts keep their grades). Whether a
choice counted as correct comes from the snapshots too, as the attempts were graded.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from .models import AttemptChoice, AttemptQuestion, Choice, Question, Quiz, QuizAttempt

# Below this share of fully correct answers a question is flagged for the trainer to review.
WEAK_BELOW = 50


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass
class ChoiceStats:
    choice: Choice
    shown: int
    picked: int
    # Times it was a correct choice in the attempts' snapshots: what the learners were graded
    # on, even if a trainer has since changed which choice is correct.
    correct_in: int = 0

    @property
    def picked_percent(self) -> int | None:
        return _percent(self.picked, self.shown)

    @property
    def was_correct(self) -> bool | None:
        """Correct in every attempt that showed it (True), in none (False), in some (None).
        Never shown: today's answer key."""
        if self.shown == 0:
            return self.choice.is_correct
        if self.correct_in in (0, self.shown):
            return self.correct_in == self.shown
        return None


@dataclass
class QuestionStats:
    question: Question
    shown: int
    correct: int
    average_credit: Decimal | None
    choices: list[ChoiceStats] = field(default_factory=list)

    @property
    def correct_percent(self) -> int | None:
        return _percent(self.correct, self.shown)

    @property
    def average_percent(self) -> int | None:
        return None if self.average_credit is None else round(self.average_credit * 100)

    @property
    def weak(self) -> bool:
        return self.shown > 0 and self.correct_percent < WEAK_BELOW


@dataclass
class QuizStats:
    attempts: int
    learners: int
    passed: int
    late: int
    average_score: Decimal | None
    questions: list[QuestionStats]

    @property
    def pass_rate(self) -> int | None:
        return _percent(self.passed, self.attempts)


def quiz_statistics(quiz: Quiz) -> QuizStats:
    """Attempts, pass rate and average score of ``quiz``; per question of its pool, the share
    answered fully correctly and how often each choice was picked.

    Questions come weakest first (never drawn ones last), so those to rework stand out.
    """
    summary = QuizAttempt.objects.filter(quiz=quiz).summary()
    by_question = AttemptQuestion.objects.stats_by_question(quiz)
    by_choice = AttemptChoice.objects.picks_by_choice(quiz)
    questions = Question.objects.filter(quiz=quiz).prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("order", "pk"))
    )
    rows = []
    for question in questions:
        counts = by_question.get(question.pk, {})
        rows.append(
            QuestionStats(
                question=question,
                shown=counts.get("shown", 0),
                correct=counts.get("correct", 0),
                average_credit=counts.get("average_credit"),
                choices=[
                    ChoiceStats(
                        choice=choice,
                        shown=by_choice.get(choice.pk, {}).get("shown", 0),
                        picked=by_choice.get(choice.pk, {}).get("picked", 0),
                        correct_in=by_choice.get(choice.pk, {}).get("correct", 0),
                    )
                    for choice in question.choices.all()
                ],
            )
        )
    rows.sort(key=lambda row: (row.shown == 0, row.correct_percent or 0, row.question.order))
    return QuizStats(
        attempts=summary["attempts"],
        learners=summary["learners"],
        passed=summary["passed"],
        late=summary["late"],
        average_score=summary["average_score"],
        questions=rows,
    )
