"""Quiz attempts and their snapshots: the questions and choices as the learner saw them."""

import math
import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Avg, Count, Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models.quizzes import Choice, Question, Quiz


class QuizAttemptQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status=QuizAttempt.Status.SUBMITTED)

    def best_score_subquery(self, *, user_ref: str = "pk", quiz: "Quiz | tuple[int, ...]"):
        """A subquery giving the best submitted score of the outer user on ``quiz``
        (a quiz, or the ids of its language versions)."""
        quizzes = Q(quiz=quiz) if isinstance(quiz, Quiz) else Q(quiz_id__in=quiz)
        return Subquery(
            self.submitted()
            .filter(quizzes, user=OuterRef(user_ref))
            .order_by()
            .values("user")
            .annotate(best=Max("score"))
            .values("best")[:1]
        )

    def summary(self) -> dict:
        """Submitted attempts, distinct learners, passed attempts, average and late count.

        One aggregate query; ``average_score`` is None when nothing was submitted.
        """
        return self.submitted().aggregate(
            attempts=Count("pk"),
            learners=Count("user", distinct=True),
            passed=Count("pk", filter=Q(passed=True)),
            late=Count("pk", filter=Q(late=True)),
            average_score=Avg("score"),
        )


class QuizAttemptManager(models.Manager.from_queryset(QuizAttemptQuerySet)):
    """Attempts: every row but the drawn ones, which no one has started (see
    ``QuizAttempt.Status.DRAWN``). Reports, statistics, the learner's pages, the admin and the
    related managers (``user.quiz_attempts``, ``quiz.attempts``) read through it."""

    def get_queryset(self):
        return super().get_queryset().exclude(status=QuizAttempt.Status.DRAWN)


def new_attempt_token() -> str:
    return secrets.token_urlsafe(24)


class QuizAttempt(models.Model):
    """One try at a quiz, with a snapshot of its questions as they were when it started.

    Deadline policy (timed quizzes): the deadline is fixed on the server when the attempt
    starts. Answers reaching the server up to ``DEADLINE_GRACE`` after it are accepted (that
    absorbs network delays and the automatic submission when the countdown ends); later
    ones are refused. A submission after that is still recorded, marked late, and graded on
    the answers saved by then.
    """

    DEADLINE_GRACE = timedelta(seconds=30)

    class Status(models.TextChoices):
        # Drawn while the learner waits on the quiz page, so that starting it (a whole group
        # at the trainer's "now") is one UPDATE. Not an attempt yet: number 0, no start time
        # that counts, invisible to everything but ``attempt_start`` (``objects`` skips it).
        DRAWN = "drawn", _("Drawn, not started")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveIntegerField(_("attempt number"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.IN_PROGRESS
    )
    token = models.CharField(
        _("form token"),
        max_length=64,
        default=new_attempt_token,
        editable=False,
        help_text=_(
            "A secret sent with every save and submission of this attempt; a form without it "
            "is refused."
        ),
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now, editable=False)
    deadline = models.DateTimeField(
        _("deadline"),
        null=True,
        blank=True,
        help_text=_(
            "Start time plus the time limit, in UTC. Answers are accepted until 30 seconds "
            "after it; a later submission is marked late and graded on the answers saved in time."
        ),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    score = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), default=False)
    late = models.BooleanField(
        _("submitted late"),
        default=False,
        help_text=_("Submitted after the deadline and its grace period."),
    )
    pass_mark = models.PositiveSmallIntegerField(_("pass mark when started (%)"))
    review_policy = models.CharField(
        _("review policy when started"), max_length=20, choices=Quiz.ReviewPolicy
    )
    pool_stamp = models.CharField(
        max_length=200,
        blank=True,
        editable=False,
        help_text="What the questions were drawn from (courses.drawing.pool_stamp).",
    )

    objects = QuizAttemptManager()
    with_drawn = QuizAttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz", "number"], name="courses_attempt_unique_number"
            ),
            # At most one open attempt per learner and quiz: a second tab resumes it.
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=Q(status="in_progress"),
                name="courses_attempt_one_open",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["drawn", "in_progress"])
                | Q(score__isnull=False, submitted_at__isnull=False),
                name="courses_quizattempt_submitted_is_graded",
            ),
        ]
        indexes = [models.Index(fields=["quiz", "user", "status"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse(
            "courses:attempt",
            kwargs={"course": self.quiz.course.slug, "quiz": self.quiz_id, "attempt": self.pk},
        )

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    def time_is_up(self, now: datetime | None = None) -> bool:
        """Whether the deadline has passed (the grace period may still be running)."""
        return self.deadline is not None and (now or timezone.now()) >= self.deadline

    def past_grace(self, now: datetime | None = None) -> bool:
        """Whether the deadline and its grace period have passed: answers come too late."""
        return self.deadline is not None and (now or timezone.now()) > (
            self.deadline + self.DEADLINE_GRACE
        )

    def accepts_answers(self, now: datetime | None = None) -> bool:
        """Whether answers sent now may still be saved: open, and not past deadline + grace."""
        return not self.is_submitted and not self.past_grace(now)

    def seconds_left(self, now: datetime | None = None) -> int | None:
        """Whole seconds until the deadline (0 once passed), or None without a time limit."""
        if self.deadline is None:
            return None
        return max(0, math.ceil((self.deadline - (now or timezone.now())).total_seconds()))

    def review_allowed(self, *, passed_before: bool = False) -> bool:
        """Whether the learner may see correct answers and explanations for this attempt."""
        if not self.is_submitted:
            return False
        if self.review_policy == Quiz.ReviewPolicy.AFTER_EACH_ATTEMPT:
            return True
        if self.review_policy == Quiz.ReviewPolicy.ONCE_PASSED:
            return self.passed or passed_before
        return False


class AttemptQuestionQuerySet(models.QuerySet):
    def stats_by_question(self, quiz: Quiz) -> dict[int, dict]:
        """Per question of ``quiz`` still in the pool: times drawn in submitted attempts,
        times fully correct and the average credit (0 to 1). One query."""
        rows = (
            self.filter(
                attempt__quiz=quiz,
                attempt__status=QuizAttempt.Status.SUBMITTED,
                question__isnull=False,
            )
            .order_by()
            .values("question")
            .annotate(
                shown=Count("pk"),
                correct=Count("pk", filter=Q(credit__gte=1)),
                average_credit=Avg("credit"),
            )
        )
        return {row["question"]: row for row in rows}


class AttemptQuestion(models.Model):
    """A question as it stood when the attempt started (its text, kind and scoring)."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="questions")
    question = models.ForeignKey(
        Question,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The pool question it was copied from; empty once that is deleted."),
    )
    order = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Question.Kind)
    scoring = models.CharField(max_length=20, choices=Question.Scoring)
    text = models.TextField()
    feedback = models.TextField(blank=True)
    credit = models.DecimalField(
        _("credit"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("From 0 to 1, set when the attempt is graded."),
    )

    objects = AttemptQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["attempt", "order"]
        verbose_name = _("attempt question")
        verbose_name_plural = _("attempt questions")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "order"], name="courses_attemptquestion_unique_order"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class AttemptChoiceQuerySet(models.QuerySet):
    def picks_by_choice(self, quiz: Quiz) -> dict[int, dict]:
        """Per choice of ``quiz`` still in the pool: times shown, times picked and times it was
        a correct choice (in the attempt's snapshot) in submitted attempts. One query."""
        rows = (
            self.filter(
                attempt_question__attempt__quiz=quiz,
                attempt_question__attempt__status=QuizAttempt.Status.SUBMITTED,
                choice__isnull=False,
            )
            .order_by()
            .values("choice")
            .annotate(
                shown=Count("pk"),
                picked=Count("pk", filter=Q(selected=True)),
                correct=Count("pk", filter=Q(is_correct=True)),
            )
        )
        return {row["choice"]: row for row in rows}


class AttemptChoice(models.Model):
    """A choice as it stood when the attempt started, and whether the learner picked it."""

    attempt_question = models.ForeignKey(
        AttemptQuestion, on_delete=models.CASCADE, related_name="choices"
    )
    choice = models.ForeignKey(
        Choice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The pool choice it was copied from; empty once that is deleted."),
    )
    order = models.PositiveIntegerField()
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField()
    explanation = models.TextField(blank=True)
    selected = models.BooleanField(default=False)

    objects = AttemptChoiceQuerySet.as_manager()

    class Meta:
        ordering = ["attempt_question", "order"]
        verbose_name = _("attempt choice")
        verbose_name_plural = _("attempt choices")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt_question", "order"], name="courses_attemptchoice_unique_order"
            ),
        ]

    def __str__(self) -> str:
        return self.text
