"""Quizzes, their questions and choices."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses.models.content import Course, Module, Status


class QuizQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED).filter(
            Q(module__isnull=True) | Q(module__status=Status.PUBLISHED)
        )


class Quiz(models.Model):
    class ReviewPolicy(models.TextChoices):
        AFTER_EACH_ATTEMPT = "after_each", _("After each attempt")
        ONCE_PASSED = "once_passed", _("Only once passed")
        NEVER = "never", _("Never")

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="quizzes"
    )
    module = models.ForeignKey(
        Module,
        verbose_name=_("module"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="quizzes",
        help_text=_("The module this quiz closes; empty for a final course quiz."),
    )
    key = models.SlugField(_("content key"), max_length=80, blank=True)
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("The score, in percent, an attempt needs to pass."),
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty for unlimited attempts. The best score counts."),
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Empty for no time limit. The clock runs on the server from the moment the attempt "
            "starts. Answers reaching the server more than 30 seconds (allowed for network "
            "delays) after the deadline are refused; a submission after that is recorded as "
            "late and graded on the answers saved in time."
        ),
    )
    shuffle_questions = models.BooleanField(
        _("shuffle questions"),
        default=False,
        help_text=_("Show the questions in a different order for every attempt."),
    )
    shuffle_choices = models.BooleanField(
        _("shuffle choices"),
        default=False,
        help_text=_("Show the choices of each question in a different order for every attempt."),
    )
    draw_count = models.PositiveSmallIntegerField(
        _("questions drawn per attempt"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Draw this many questions at random from the pool; empty to use them all. The draw "
            "is fixed once the attempt starts and avoids the questions of the learner's previous "
            "attempt where the pool allows."
        ),
    )
    review_policy = models.CharField(
        _("show correct answers"),
        max_length=20,
        choices=ReviewPolicy,
        default=ReviewPolicy.AFTER_EACH_ATTEMPT,
        help_text=_(
            "When learners may see the correct answers, explanations and feedback of their "
            "submitted attempts."
        ),
    )
    required = models.BooleanField(
        _("required for completion"),
        default=True,
        help_text=_("A required quiz must be passed to complete the course."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["course", F("module__order").asc(nulls_last=True), "order", "pk"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "key"], condition=~Q(key=""), name="courses_quiz_unique_key"
            ),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=1, pass_mark__lte=100),
                name="courses_quiz_pass_mark_range",
            ),
            models.CheckConstraint(
                condition=Q(attempts_allowed__isnull=True) | Q(attempts_allowed__gte=1),
                name="courses_quiz_attempts_allowed_positive",
            ),
            models.CheckConstraint(
                condition=Q(time_limit_minutes__isnull=True) | Q(time_limit_minutes__gte=1),
                name="courses_quiz_time_limit_positive",
            ),
            models.CheckConstraint(
                condition=Q(draw_count__isnull=True) | Q(draw_count__gte=1),
                name="courses_quiz_draw_count_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:quiz", kwargs={"course": self.course.slug, "quiz": self.pk})

    def deadline_from(self, start: datetime) -> datetime | None:
        """The deadline of an attempt started at ``start``: None without a time limit."""
        if not self.time_limit_minutes:
            return None
        return start + timedelta(minutes=self.time_limit_minutes)

    def is_passing(self, score: Decimal | float | int) -> bool:
        return Decimal(str(score)) >= Decimal(self.pass_mark)


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple answer (select all that apply)")
        TRUE_FALSE = "true_false", _("True / false")

    class Scoring(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
        PARTIAL = "partial", _("Partial credit")

    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="questions"
    )
    key = models.SlugField(_("content key"), max_length=80, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind, default=Kind.SINGLE)
    text = models.TextField(_("question"))
    feedback = models.TextField(_("general feedback"), blank=True)
    scoring = models.CharField(
        _("scoring"),
        max_length=20,
        choices=Scoring,
        default=Scoring.ALL_OR_NOTHING,
        help_text=_(
            "Multiple-answer questions only. Partial credit: each correct choice picked adds, "
            "each wrong choice picked takes away, never below zero."
        ),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    needs_update_since = models.DateTimeField(
        _("needs update since"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Set on a translation when the matching item of the original changes; cleared "
            "when a trainer marks it reviewed."
        ),
    )

    class Meta:
        ordering = ["quiz", "order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "key"], condition=~Q(key=""), name="courses_question_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Choice(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    text = models.CharField(_("text"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    explanation = models.TextField(_("explanation"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["question", "order", "pk"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self) -> str:
        return self.text
