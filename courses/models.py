"""Content and learning: what a course is made of, and the facts about one learner in one course.

This app knows nothing about organisations; ``ambassadors`` looks at it from above.
"""

import math
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, IntegerField, Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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
        """Annotate ``steps_total``, ``steps_done`` and ``completed_at`` for one learner.

        Steps are published lessons of published modules and published required quizzes;
        a quiz step is done once the learner has passed it. One query whatever the number
        of courses.
        """
        lessons = Lesson.objects.published().filter(module__course=OuterRef("pk"))
        done_lessons = LessonCompletion.objects.filter(
            user=user, lesson__in=Lesson.objects.published(), lesson__module__course=OuterRef("pk")
        )
        quizzes = Quiz.objects.published().filter(course=OuterRef("pk"), required=True)
        passed_quizzes = Quiz.objects.published().filter(
            course=OuterRef("pk"),
            required=True,
            attempts__user=user,
            attempts__passed=True,
        )
        return self.annotate(
            lessons_total=SubqueryCount(lessons),
            lessons_done=SubqueryCount(done_lessons),
            quizzes_total=SubqueryCount(quizzes),
            quizzes_passed=SubqueryCount(passed_quizzes),
            completed_at=Subquery(
                CourseCompletion.objects.filter(user=user, course=OuterRef("pk")).values(
                    "completed_at"
                )[:1]
            ),
            due_date=Subquery(
                Enrolment.objects.filter(user=user, course=OuterRef("pk")).values("due_date")[:1]
            ),
            last_activity_at=Subquery(
                Enrolment.objects.filter(user=user, course=OuterRef("pk")).values(
                    "last_activity_at"
                )[:1]
            ),
        ).annotate(
            steps_total=F("lessons_total") + F("quizzes_total"),
            steps_done=F("lessons_done") + F("quizzes_passed"),
        )


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
    body = models.TextField(_("body"), help_text=_("Markdown. Headings from ###, lists, links."))
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
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        null=True,
        blank=True,
        help_text=_("Empty for unlimited attempts."),
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True, help_text=_("Empty for no time limit.")
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=False)
    draw_count = models.PositiveSmallIntegerField(
        _("questions drawn per attempt"),
        null=True,
        blank=True,
        help_text=_("Draw this many questions at random from the pool; empty to use them all."),
    )
    review_policy = models.CharField(
        _("show correct answers"),
        max_length=20,
        choices=ReviewPolicy,
        default=ReviewPolicy.AFTER_EACH_ATTEMPT,
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


class QuizAttempt(models.Model):
    """One try at a quiz, with a snapshot of its questions as they were when it started."""

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
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    score = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), default=False)
    late = models.BooleanField(_("submitted late"), default=False)
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

    def review_allowed(self, *, passed_before: bool = False) -> bool:
        """Whether the learner may see correct answers and explanations for this attempt."""
        if not self.is_submitted:
            return False
        if self.review_policy == Quiz.ReviewPolicy.AFTER_EACH_ATTEMPT:
            return True
        if self.review_policy == Quiz.ReviewPolicy.ONCE_PASSED:
            return self.passed or passed_before
        return False


class AttemptQuestion(models.Model):
    """A question as it stood when the attempt started (its text, kind and scoring)."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="questions")
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
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

    class Meta:
        ordering = ["attempt", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "order"], name="courses_attemptquestion_unique_order"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class AttemptChoice(models.Model):
    """A choice as it stood when the attempt started, and whether the learner picked it."""

    attempt_question = models.ForeignKey(
        AttemptQuestion, on_delete=models.CASCADE, related_name="choices"
    )
    choice = models.ForeignKey(
        Choice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    order = models.PositiveIntegerField()
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField()
    explanation = models.TextField(blank=True)
    selected = models.BooleanField(default=False)

    class Meta:
        ordering = ["attempt_question", "order"]
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
