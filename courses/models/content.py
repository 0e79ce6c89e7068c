"""Course content: courses (one per language version), modules, lessons and their images."""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
)
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses.media import validate_lesson_image, validate_video_url, video_embed_url

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
    # Bumped by every change to the course's modules, lessons and quizzes (courses/structure.py):
    # the key of its cached structure, read with the course row itself.
    structure_version = models.PositiveIntegerField(default=1, editable=False)

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
    def steps_total(self) -> int:
        """With ``courses.family.with_family_progress``: published lessons and required
        quizzes."""
        return self.lessons_total + self.quizzes_total

    @property
    def steps_done(self) -> int:
        """With ``courses.family.with_family_progress``: those the learner did, in any
        version of the course."""
        return self.lessons_done + self.quizzes_passed

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
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)

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
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
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
