"""Content and learning: what a course is made of, and the facts about one learner in one course.

This app knows nothing about organisations; ``ambassadors`` looks at it from above.
"""

import base64
import math
import secrets
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .media import validate_lesson_image, validate_video_url, video_embed_url

LANGUAGE_CHOICES = settings.LANGUAGES


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class SubqueryCount(Subquery):
    """Number of distinct ``field`` values a correlated subquery matches (0 for none).

    ``field`` may be a tuple of fields to count distinct combinations.
    """

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()

    def __init__(self, queryset, *, field: str | tuple[str, ...] = "pk", **kwargs):
        fields = (field,) if isinstance(field, str) else field
        super().__init__(queryset.order_by().values(*fields).distinct(), **kwargs)


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def originals(self):
        """Courses that are not a translation of another (one per family of language versions)."""
        return self.filter(translation_of__isnull=True)

    def family_of(self, course: "Course"):
        """Every language version of ``course``'s family: the original and its translations."""
        original_id = course.original_id
        return self.filter(Q(pk=original_id) | Q(translation_of_id=original_id))

    def in_use(self):
        """Originals whose family has a published version: one row per course learners see."""
        published_translation = Course.objects.published().filter(translation_of=OuterRef("pk"))
        return self.originals().filter(Q(status=Status.PUBLISHED) | Exists(published_translation))

    def for_language(self, language: str):
        """Published courses as a speaker of ``language`` should see them.

        The version in that language where one is published, otherwise the original.
        """
        translated = Course.objects.published().filter(language=language)
        has_translation = translated.filter(translation_of=OuterRef("pk"))
        return self.published().filter(
            Q(language=language)
            | Q(translation_of__isnull=True) & ~Q(language=language) & ~Exists(has_translation)
        )

    def with_progress_for(self, user):
        """Annotate one learner's progress in each course, counted across its language
        versions (see ``courses.family.with_family_progress``). One query."""
        from .family import with_family_progress  # the helpers build on these models

        return with_family_progress(self, user)


class Course(models.Model):
    key = models.SlugField(
        _("content key"),
        max_length=80,
        blank=True,
        help_text=_("Stable identifier shared by every language version (used by the loader)."),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES)
    translation_of = models.ForeignKey(
        "self",
        verbose_name=_("translation of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="translations",
        help_text=_("Leave empty for an original; set to the original for a translation."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    sequential = models.BooleanField(
        _("steps unlock in order"),
        default=False,
        help_text=_(
            "Learners open each lesson and quiz only after the required steps before it; "
            "a module's quiz opens once its lessons are done."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "language"],
                condition=~Q(key=""),
                name="courses_course_unique_key_language",
                violation_error_message=_(
                    "Another course in this language already uses this content key."
                ),
            ),
            models.UniqueConstraint(
                fields=["translation_of", "language"],
                name="courses_course_one_translation_per_language",
                violation_error_message=_(
                    "This course already has a version in this language; edit that one instead."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(translation_of=F("pk")),
                name="courses_course_not_own_translation",
                violation_error_message=_("A course cannot be a translation of itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} [{self.language}]"

    def get_absolute_url(self) -> str:
        return reverse("courses:course", kwargs={"course": self.slug})

    @property
    def original_id(self) -> int:
        return self.translation_of_id or self.pk

    @property
    def is_translation(self) -> bool:
        return self.translation_of_id is not None

    def clean(self):
        """A translation points at an original (no chains) in another language.

        One query when ``translation_of`` is set, one more when an original becomes a
        translation (to check it has no translations of its own).
        """
        super().clean()
        original = self.translation_of
        if original is None:
            return
        if self.pk and original.pk == self.pk:
            raise ValidationError(
                {"translation_of": _("A course cannot be a translation of itself.")}
            )
        if original.translation_of_id is not None:
            raise ValidationError(
                {
                    "translation_of": _(
                        "Choose the original course: “%(course)s” is itself a translation."
                    )
                    % {"course": original}
                }
            )
        if original.language == self.language:
            raise ValidationError(
                {"language": _("A translation must be in another language than its original.")}
            )
        if self.pk and Course.objects.filter(translation_of=self.pk).exists():
            raise ValidationError(
                {
                    "translation_of": _(
                        "This course has translations of its own, so it must stay an original."
                    )
                }
            )


class ModuleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)


class Module(models.Model):
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="modules"
    )
    key = models.SlugField(_("content key"), max_length=80, blank=True)
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True, help_text=_("Markdown."))
    order = models.PositiveIntegerField(_("order"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PUBLISHED)

    objects = ModuleQuerySet.as_manager()

    class Meta:
        ordering = ["course", "order", "pk"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "key"], condition=~Q(key=""), name="courses_module_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class LessonQuerySet(models.QuerySet):
    def published(self):
        return self.filter(
            status=Status.PUBLISHED,
            module__status=Status.PUBLISHED,
        )


class Lesson(models.Model):
    class Kind(models.TextChoices):
        LESSON = "lesson", _("Lesson")
        ACTIVITY = "activity", _("Practical activity")

    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.CASCADE, related_name="lessons"
    )
    key = models.SlugField(_("content key"), max_length=80, blank=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.LESSON)
    body = models.TextField(
        _("body"),
        help_text=_(
            "Markdown. Headings from ###, lists, links. For an image, upload it under "
            "“Lesson images” below and paste the Markdown shown there."
        ),
    )
    video_url = models.URLField(
        _("video"),
        max_length=500,
        blank=True,
        validators=[validate_video_url],
        help_text=_(
            "Optional. The address of a YouTube or Vimeo video, shown above the text "
            "(YouTube in its privacy-enhanced mode)."
        ),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PUBLISHED)
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

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["module__order", "module_id", "order", "pk"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        constraints = [
            models.UniqueConstraint(
                fields=["module", "key"], condition=~Q(key=""), name="courses_lesson_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "courses:lesson", kwargs={"course": self.module.course.slug, "lesson": self.pk}
        )

    @property
    def video_embed_url(self) -> str:
        """The player address for ``video_url`` ("" when there is none)."""
        return video_embed_url(self.video_url) if self.video_url else ""

    @property
    def reading_minutes(self) -> int:
        """Estimated reading time at 200 words a minute, at least one minute."""
        return max(1, math.ceil(len(self.body.split()) / 200))


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
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PUBLISHED)

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


class Enrolment(models.Model):
    """One learner in one course: when they started, their personal due date, last activity."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="enrolments"
    )
    enrolled_at = models.DateTimeField(_("enrolled"), auto_now_add=True)
    assigned = models.BooleanField(_("assigned"), default=False)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)

    class Meta:
        ordering = ["-enrolled_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="courses_enrolment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.course}"


class LessonCompletion(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="lesson_completions",
    )
    lesson = models.ForeignKey(
        Lesson, verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="completions"
    )
    completed_at = models.DateTimeField(_("completed"), auto_now_add=True)

    class Meta:
        ordering = ["-completed_at"]
        verbose_name = _("lesson completion")
        verbose_name_plural = _("lesson completions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"], name="courses_lessoncompletion_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ✓ {self.lesson}"


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

    objects = QuizAttemptQuerySet.as_manager()

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
                condition=Q(status="in_progress")
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
        """Per choice of ``quiz`` still in the pool: times shown and times picked in
        submitted attempts. One query."""
        rows = (
            self.filter(
                attempt_question__attempt__quiz=quiz,
                attempt_question__attempt__status=QuizAttempt.Status.SUBMITTED,
                choice__isnull=False,
            )
            .order_by()
            .values("choice")
            .annotate(shown=Count("pk"), picked=Count("pk", filter=Q(selected=True)))
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


class CourseCompletion(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="course_completions",
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="completions"
    )
    completed_at = models.DateTimeField(_("completed"))

    class Meta:
        ordering = ["-completed_at"]
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="courses_coursecompletion_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ✓ {self.course}"


class LessonImage(models.Model):
    """An image a trainer uploaded for a lesson, used in its Markdown by its address."""

    lesson = models.ForeignKey(
        Lesson, verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="images"
    )
    image = models.ImageField(
        _("image"),
        upload_to="lessons/%Y/%m/",
        validators=[validate_lesson_image],
        help_text=_("JPEG, PNG, GIF or WebP, at most 5 MB."),
    )
    alt_text = models.CharField(
        _("alternative text"),
        max_length=300,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["lesson", "uploaded_at", "pk"]
        verbose_name = _("lesson image")
        verbose_name_plural = _("lesson images")

    def __str__(self) -> str:
        return self.alt_text

    def get_absolute_url(self) -> str:
        return self.image.url

    @property
    def markdown(self) -> str:
        """What a trainer pastes into the lesson body to show this image."""
        alt = self.alt_text.replace("[", "(").replace("]", ")")
        return f"![{alt}]({self.image.url})"


def new_certificate_code() -> str:
    """120 random bits as 24 base-32 characters in groups of four, easy to read out or type."""
    raw = base64.b32encode(secrets.token_bytes(15)).decode()
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


class CertificateQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(revoked_at__isnull=True)


class Certificate(models.Model):
    """Proof that a learner completed a course, checkable by anyone who has its code.

    The learner's name and the course title are copied when it is issued, so later renames
    do not change what was certified.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="certificates"
    )
    name = models.CharField(
        _("name on the certificate"), max_length=300, help_text=_("The learner's name at issue.")
    )
    course_title = models.CharField(
        _("course title on the certificate"),
        max_length=200,
        help_text=_("The course title at issue."),
    )
    issued_at = models.DateTimeField(_("issued"))
    code = models.CharField(
        _("verification code"),
        max_length=40,
        unique=True,
        default=new_certificate_code,
        editable=False,
        help_text=_("Random and unguessable; anyone with it can verify the certificate."),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.TextField(
        _("reason for revoking"),
        blank=True,
        help_text=_("Kept for the record; not shown on the public verification page."),
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="courses_certificate_unique"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoked_reason=""),
                name="courses_certificate_revoked_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.course_title} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("certificates:verify", kwargs={"code": self.code})

    def get_pdf_url(self) -> str:
        return reverse("certificates:pdf", kwargs={"code": self.code})

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
