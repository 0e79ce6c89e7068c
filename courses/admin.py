from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .forms import AttemptForm, parse_id
from .models import (
    Certificate,
    Choice,
    Course,
    CourseCompletion,
    Enrolment,
    Lesson,
    LessonCompletion,
    LessonImage,
    Module,
    Question,
    Quiz,
    QuizAttempt,
    SubqueryCount,
)
from .preview import preview_grade, preview_questions
from .statistics import quiz_statistics
from .translations import (
    content_changed,
    course_duplicate,
    stale_counts,
    translation_languages,
    translations_flag_stale,
    translations_mark_reviewed,
)


class PreviewAsLearnerMixin:
    """A "Preview as learner" button on the change page: the learner's page of the object,
    which trainers (courses.change_course) may open even while it is a draft."""

    change_form_template = "admin/courses/preview_change_form.html"
    view_on_site = False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None and request.user.has_perm("courses.change_course"):
            extra_context["preview_url"] = obj.get_absolute_url()
        return super().change_view(request, object_id, form_url, extra_context)


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


class NeedsUpdateFilter(admin.SimpleListFilter):
    """Translation items whose original changed since a trainer last reviewed them."""

    title = _("translation status")
    parameter_name = "needs_update"

    def lookups(self, request, model_admin):
        return [("yes", _("Needs update")), ("no", _("Up to date"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(needs_update_since__isnull=False)
        if self.value() == "no":
            return queryset.filter(needs_update_since__isnull=True)
        return queryset


class TranslationFlagsMixin:
    """Flags the translations when a trainer changes an original's lesson or question here,
    and lets trainers mark translation items as reviewed."""

    def _flag(self, request, *, lessons=(), questions=()) -> None:
        count = translations_flag_stale(lessons=lessons, questions=questions)
        if count:
            self.message_user(
                request,
                ngettext(
                    "%(count)d matching item in a translation is now marked “needs update”.",
                    "%(count)d matching items in translations are now marked “needs update”.",
                    count,
                )
                % {"count": count},
                messages.WARNING,
            )

    @staticmethod
    def _changed_in_formsets(formsets, model) -> list:
        """Rows of ``model`` that inline formsets created or changed the text of."""
        items = []
        for formset in formsets:
            if formset.model is not model:
                continue
            items.extend(formset.new_objects)
            items.extend(obj for obj, fields in formset.changed_objects if content_changed(fields))
        return items

    def _mark_reviewed(self, request, count: int) -> None:
        self.message_user(
            request,
            ngettext(
                "%(count)d item marked as reviewed.", "%(count)d items marked as reviewed.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.display(description=_("needs update since"), ordering="needs_update_since")
    def needs_update(self, obj) -> str:
        return _when(obj.needs_update_since) if obj.needs_update_since else "—"

    def _translation_panel(self, obj, *, is_translation: bool, original, matches) -> str:
        """The "translations" box of a lesson or question change page.

        On a translation's item: its state and a link to the original's item. On an
        original's item: each translation's matching item with its state.
        """
        opts = obj._meta

        def change_url(pk: int) -> str:
            return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])

        def state(item) -> str:
            if item.needs_update_since:
                return _("needs update since %(date)s") % {"date": _when(item.needs_update_since)}
            return _("up to date")

        if is_translation:
            if original is None:
                return format_html("{}", state(obj))
            return format_html(
                '{} · {} <a href="{}">{}</a>',
                state(obj),
                _("original:"),
                change_url(original.pk),
                str(original),
            )
        if not matches:
            return _("No translation has this item yet.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{} · {}</a> — {}</li>',
                (
                    (change_url(m.pk), course.get_language_display(), str(m), state(m))
                    for m, course in matches
                ),
            ),
        )


class ModuleInline(admin.TabularInline):
    model = Module
    fields = ["order", "title", "status", "key"]
    extra = 0
    show_change_link = True


class LessonInline(admin.StackedInline):
    model = Lesson
    fields = [
        ("order", "kind", "status"),
        "title",
        "body",
        "video_url",
        "key",
        "needs_update_since",
    ]
    readonly_fields = ["needs_update_since"]
    extra = 0
    show_change_link = True


class ChoiceInlineFormSet(forms.BaseInlineFormSet):
    """A single-choice or true/false question has exactly one correct choice; a
    multiple-answer question at least one; every question at least two choices."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        correct = sum(1 for data in kept if data.get("is_correct"))
        kind = self.instance.kind
        if len(kept) < 2:
            raise forms.ValidationError(_("A question needs at least two choices."))
        if kind == Question.Kind.TRUE_FALSE and len(kept) != 2:
            raise forms.ValidationError(_("A true/false question has exactly two choices."))
        if kind in (Question.Kind.SINGLE, Question.Kind.TRUE_FALSE) and correct != 1:
            raise forms.ValidationError(
                _("A single-choice or true/false question needs exactly one correct choice.")
            )
        if kind == Question.Kind.MULTIPLE and correct < 1:
            raise forms.ValidationError(
                _("A multiple-answer question needs at least one correct choice.")
            )


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceInlineFormSet
    fields = ["order", "text", "is_correct", "explanation"]

    def get_extra(self, request, obj=None, **kwargs) -> int:
        return 0 if obj else 4  # a new question starts with four empty choices


def _draw_count_error(draw: int, pool: int):
    return forms.ValidationError(
        _(
            "This quiz draws %(draw)s questions per attempt but its pool has only %(pool)s. "
            "Add questions first or draw fewer."
        ),
        code="draw_count",
        params={"draw": draw, "pool": pool},
    )


class QuestionInlineFormSet(forms.BaseInlineFormSet):
    """Deleting questions here must leave enough in the pool for the draw."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = sum(
            1
            for form in self.forms
            if form.instance.pk and not (form.cleaned_data or {}).get("DELETE")
        )
        draw = self.instance.draw_count
        if isinstance(draw, int) and draw > kept:
            raise _draw_count_error(draw, kept)


class QuestionInline(admin.StackedInline):
    """Questions of the quiz, edited in place. Adding one, or changing its type, happens on
    the question's own page where its choices are edited and checked together."""

    model = Question
    formset = QuestionInlineFormSet
    fields = [("order", "kind", "scoring"), "text", "feedback", "key", "needs_update_since"]
    readonly_fields = ["kind", "needs_update_since"]
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class QuizInline(admin.TabularInline):
    model = Quiz
    fk_name = "module"
    fields = ["order", "title", "status", "pass_mark", "required"]
    extra = 0
    show_change_link = True


class LessonImageInline(admin.TabularInline):
    model = LessonImage
    fields = ["image", "alt_text", "thumbnail", "markdown_snippet"]
    readonly_fields = ["thumbnail", "markdown_snippet"]
    extra = 1

    @admin.display(description=_("preview"))
    def thumbnail(self, obj: LessonImage) -> str:
        if not obj.pk:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" class="lesson-image-thumbnail" height="60">',
            obj.image.url,
            obj.alt_text,
        )

    @admin.display(description=_("Markdown to paste in the lesson"))
    def markdown_snippet(self, obj: LessonImage) -> str:
        return format_html("<code>{}</code>", obj.markdown) if obj.pk else "—"


class TranslationForm(forms.Form):
    """The language of a new translation, among those the course family lacks."""

    language = forms.ChoiceField(label=_("Language of the new version"))

    def __init__(self, *args, course: Course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = translation_languages(course)


@admin.register(Course)
class CourseAdmin(PreviewAsLearnerMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "language",
        "status",
        "sequential",
        "translation_of",
        "module_count",
        "stale_count",
        "updated_at",
    ]
    list_filter = ["status", "language", "sequential"]
    list_select_related = ["translation_of"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    raw_id_fields = ["translation_of"]
    readonly_fields = ["language_versions"]
    inlines = [ModuleInline]
    actions = ["duplicate_as_translation"]

    def get_queryset(self, request):
        stale_lessons = Lesson.objects.filter(
            module__course=OuterRef("pk"), needs_update_since__isnull=False
        )
        stale_questions = Question.objects.filter(
            quiz__course=OuterRef("pk"), needs_update_since__isnull=False
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                _modules=Count("modules", distinct=True),
                _stale=SubqueryCount(stale_lessons) + SubqueryCount(stale_questions),
            )
        )

    @admin.display(description=_("modules"), ordering="_modules")
    def module_count(self, obj: Course) -> int:
        return obj._modules

    @admin.display(description=_("items needing an update"), ordering="_stale")
    def stale_count(self, obj: Course) -> int | str:
        return obj._stale or "—"

    @admin.display(description=_("language versions"))
    def language_versions(self, obj: Course) -> str:
        """For an original, each translation and how many of its items need an update;
        for a translation, the same for itself."""
        if not obj.pk:
            return "—"
        versions = list(
            Course.objects.filter(translation_of=obj.original_id).order_by("language")
            if not obj.is_translation
            else [obj]
        )
        if not versions:
            return _("No translation yet: use the action “Duplicate as a new translation”.")
        counts = stale_counts(versions)
        lessons_url = reverse("admin:courses_lesson_changelist")
        questions_url = reverse("admin:courses_question_changelist")
        rows = []
        for version in versions:
            lessons, questions = counts[version.pk]
            rows.append(
                (
                    reverse("admin:courses_course_change", args=[version.pk]),
                    version.get_language_display(),
                    version.get_status_display(),
                    f"{lessons_url}?module__course__id__exact={version.pk}&needs_update=yes",
                    ngettext(
                        "%(count)d lesson needs an update",
                        "%(count)d lessons need an update",
                        lessons,
                    )
                    % {"count": lessons},
                    f"{questions_url}?quiz__course__id__exact={version.pk}&needs_update=yes",
                    ngettext(
                        "%(count)d question needs an update",
                        "%(count)d questions need an update",
                        questions,
                    )
                    % {"count": questions},
                )
            )
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({}): <a href="{}">{}</a>, <a href="{}">{}</a></li>',
                rows,
            ),
        )

    @admin.action(description=_("Duplicate as a new translation"), permissions=["add"])
    def duplicate_as_translation(self, request, queryset):
        """Ask for the language on an intermediate page, then copy the whole course."""
        courses = list(queryset[:2])
        if len(courses) != 1:
            self.message_user(request, _("Select exactly one course to duplicate."), messages.ERROR)
            return None
        course = courses[0]
        form = TranslationForm(request.POST if "apply" in request.POST else None, course=course)
        if not form.fields["language"].choices:
            self.message_user(
                request,
                _("This course already has a version in every interface language."),
                messages.ERROR,
            )
            return None
        if form.is_valid():
            try:
                copy = course_duplicate(course=course, language=form.cleaned_data["language"])
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                self.message_user(
                    request,
                    _(
                        "“%(title)s” now has a draft version in %(language)s. Translate its "
                        "lessons and questions, then publish it."
                    )
                    % {"title": course.title, "language": copy.get_language_display()},
                    messages.SUCCESS,
                )
                return redirect("admin:courses_course_change", copy.pk)
        return TemplateResponse(
            request,
            "admin/courses/course/duplicate_translation.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Duplicate as a new translation"),
                "opts": self.model._meta,
                "course": course,
                "form": form,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Module)
class ModuleAdmin(TranslationFlagsMixin, admin.ModelAdmin):
    list_display = ["title", "course", "order", "status"]
    list_filter = ["status", "course__language", "course"]
    list_select_related = ["course"]
    search_fields = ["title", "introduction"]
    list_editable = ["order", "status"]
    autocomplete_fields = ["course"]
    inlines = [LessonInline, QuizInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._flag(request, lessons=self._changed_in_formsets(formsets, Lesson))


@admin.register(Lesson)
class LessonAdmin(TranslationFlagsMixin, PreviewAsLearnerMixin, admin.ModelAdmin):
    list_display = ["title", "module", "course_title", "kind", "order", "status", "needs_update"]
    list_filter = [
        NeedsUpdateFilter,
        "status",
        "kind",
        "module__course__language",
        "module__course",
    ]
    list_select_related = ["module__course"]
    search_fields = ["title", "body"]
    list_editable = ["order", "status"]
    autocomplete_fields = ["module"]
    inlines = [LessonImageInline]
    readonly_fields = ["translations"]
    actions = ["mark_reviewed"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("module__course")

    @admin.display(description=_("course"), ordering="module__course__title")
    def course_title(self, obj: Lesson) -> str:
        return obj.module.course.title

    @admin.display(description=_("translations"))
    def translations(self, obj: Lesson) -> str:
        if not obj.pk:
            return "—"
        course = obj.module.course
        same = Lesson.objects.select_related("module__course").filter(
            module__key=obj.module.key, key=obj.key
        )
        keyed = bool(obj.key and obj.module.key)
        original = (
            same.filter(module__course_id=course.translation_of_id).first()
            if keyed and course.is_translation
            else None
        )
        matches = (
            [(m, m.module.course) for m in same.filter(module__course__translation_of=course)]
            if keyed and not course.is_translation
            else []
        )
        return self._translation_panel(
            obj, is_translation=course.is_translation, original=original, matches=matches
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if content_changed(form.changed_data):
            self._flag(request, lessons=[obj])

    @admin.action(
        description=_("Mark as reviewed (translation up to date)"), permissions=["change"]
    )
    def mark_reviewed(self, request, queryset):
        self._mark_reviewed(request, translations_mark_reviewed(lessons=queryset))


class QuizAdminForm(forms.ModelForm):
    """The quiz form; the admin builds its Meta from the fieldsets."""

    def clean_draw_count(self):
        draw = self.cleaned_data.get("draw_count")
        if draw:
            pool = self.instance.questions.count() if self.instance.pk else 0
            if draw > pool:
                raise _draw_count_error(draw, pool)
        return draw


@admin.register(Quiz)
class QuizAdmin(TranslationFlagsMixin, admin.ModelAdmin):
    form = QuizAdminForm
    list_display = ["title", "course", "module", "pass_mark", "question_count", "status"]
    list_filter = ["status", "course__language", "course"]
    list_select_related = ["course", "module"]
    search_fields = ["title"]
    autocomplete_fields = ["course", "module"]
    inlines = [QuestionInline]
    fieldsets = [
        (None, {"fields": ["course", "module", "title", "introduction", "order", "status", "key"]}),
        (
            _("Rules"),
            {
                "fields": [
                    "pass_mark",
                    "attempts_allowed",
                    "time_limit_minutes",
                    "draw_count",
                    "shuffle_questions",
                    "shuffle_choices",
                    "review_policy",
                    "required",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_questions=Count("questions"))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._flag(request, questions=self._changed_in_formsets(formsets, Question))

    @admin.display(description=_("questions"), ordering="_questions")
    def question_count(self, obj: Quiz) -> int:
        return obj._questions

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/statistics/",
                wrap(self.statistics_view),
                name="courses_quiz_statistics",
            ),
            path("<path:object_id>/preview/", wrap(self.preview_view), name="courses_quiz_preview"),
            *super().get_urls(),
        ]

    def _get_quiz(self, request: HttpRequest, object_id: str) -> Quiz:
        quiz = self.get_object(request, unquote(object_id))
        if quiz is None or not self.has_view_permission(request, quiz):
            raise Http404
        return quiz

    def _context(self, request: HttpRequest, quiz: Quiz, title: str) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": quiz,
            "quiz": quiz,
            "title": title,
            "has_view_permission": True,
        }

    def statistics_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Attempts, pass rate and average score; per question, % correct and picks.

        Needs courses.view_quizattempt (the Trainers group has it).
        """
        if not request.user.has_perm("courses.view_quizattempt"):
            raise PermissionDenied
        quiz = self._get_quiz(request, object_id)
        context = {
            **self._context(request, quiz, _("Statistics: %(quiz)s") % {"quiz": quiz}),
            "stats": quiz_statistics(quiz),
        }
        return TemplateResponse(request, "admin/courses/quiz/statistics.html", context)

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The quiz as a learner sees it; "check answers" grades in memory. Records nothing."""
        quiz = self._get_quiz(request, object_id)
        score = None
        if request.method == "POST":
            shown = [pk for pk in map(parse_id, request.POST.getlist("shown")) if pk is not None]
            questions = preview_questions(quiz, shown=shown)
            if not questions:
                messages.error(request, _("The preview was out of date; here is a new one."))
                return HttpResponseRedirect(request.path)
            form = AttemptForm(request.POST, questions=questions, token=None, require_all=False)
            if form.is_valid():
                score = preview_grade(questions, form.answers())
        else:
            questions = preview_questions(quiz)
            form = AttemptForm(questions=questions, token=None, require_all=False)
        context = {
            "course": quiz.course,
            "quiz": quiz,
            "form": form,
            "questions": questions,
            "score": score,
            "passed": score is not None and quiz.is_passing(score),
            "change_url": reverse("admin:courses_quiz_change", args=[quiz.pk]),
        }
        return TemplateResponse(request, "courses/quiz_preview.html", context)


@admin.register(Question)
class QuestionAdmin(TranslationFlagsMixin, admin.ModelAdmin):
    list_display = ["short_text", "quiz", "kind", "order", "needs_update"]
    list_filter = [NeedsUpdateFilter, "kind", "quiz__course__language", "quiz__course"]
    list_select_related = ["quiz"]
    search_fields = ["text"]
    autocomplete_fields = ["quiz"]
    fields = ["quiz", ("order", "kind", "scoring"), "text", "feedback", "key", "translations"]
    readonly_fields = ["translations"]
    inlines = [ChoiceInline]
    actions = ["mark_reviewed"]

    def response_add(self, request, obj, post_url_continue=None):
        if "_addanother" in request.POST:
            # The next question most likely belongs to the same quiz.
            self.message_user(request, _("The question was added."), messages.SUCCESS)
            url = reverse("admin:courses_question_add")
            return HttpResponseRedirect(f"{url}?quiz={obj.quiz_id}")
        return super().response_add(request, obj, post_url_continue)

    @admin.display(description=_("question"))
    def short_text(self, obj: Question) -> str:
        return obj.text[:90]

    @admin.display(description=_("translations"))
    def translations(self, obj: Question) -> str:
        if not obj.pk:
            return "—"
        course = obj.quiz.course
        same = Question.objects.select_related("quiz__course").filter(
            quiz__key=obj.quiz.key, key=obj.key
        )
        keyed = bool(obj.key and obj.quiz.key)
        original = (
            same.filter(quiz__course_id=course.translation_of_id).first()
            if keyed and course.is_translation
            else None
        )
        matches = (
            [(m, m.quiz.course) for m in same.filter(quiz__course__translation_of=course)]
            if keyed and not course.is_translation
            else []
        )
        return self._translation_panel(
            obj, is_translation=course.is_translation, original=original, matches=matches
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("quiz__course")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        choices_changed = any(
            formset.new_objects or formset.changed_objects or formset.deleted_objects
            for formset in formsets
        )
        if content_changed(form.changed_data) or choices_changed:
            self._flag(request, questions=[form.instance])

    @admin.action(
        description=_("Mark as reviewed (translation up to date)"), permissions=["change"]
    )
    def mark_reviewed(self, request, queryset):
        self._mark_reviewed(request, translations_mark_reviewed(questions=queryset))


@admin.register(QuizAttempt)
class QuizAttemptAdmin(admin.ModelAdmin):
    list_display = ["user", "quiz", "number", "status", "score", "passed", "late", "started_at"]
    list_filter = ["status", "passed", "late", "quiz__course"]
    list_select_related = ["user", "quiz"]
    search_fields = ["user__username", "user__email", "quiz__title"]
    raw_id_fields = ["user", "quiz"]
    # Read-only: grades change only through the services. The form token stays private.
    exclude = ["token"]
    readonly_fields = [f.name for f in QuizAttempt._meta.fields if f.name != "token"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "assigned", "due_date", "enrolled_at", "last_activity_at"]
    list_filter = ["assigned", "course"]
    list_select_related = ["user", "course"]
    search_fields = ["user__username", "user__email", "course__title"]
    raw_id_fields = ["user", "course"]


@admin.register(LessonCompletion)
class LessonCompletionAdmin(admin.ModelAdmin):
    list_display = ["user", "lesson", "completed_at"]
    list_select_related = ["user", "lesson"]
    search_fields = ["user__username", "lesson__title"]
    raw_id_fields = ["user", "lesson"]


@admin.register(CourseCompletion)
class CourseCompletionAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "completed_at"]
    list_filter = ["course"]
    list_select_related = ["user", "course"]
    search_fields = ["user__username", "course__title"]
    raw_id_fields = ["user", "course"]


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=1000,
        help_text=_("Kept for the record; the public page only says the certificate is revoked."),
    )


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["name", "course_title", "issued_at", "is_valid_display", "code"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "course"]
    list_select_related = ["user", "course"]
    search_fields = ["name", "code", "user__username", "user__email", "course_title"]
    date_hierarchy = "issued_at"
    readonly_fields = [
        "user",
        "course",
        "name",
        "course_title",
        "issued_at",
        "code",
        "verification_link",
        "revoked_at",
        "revoked_reason",
    ]
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # read-only; revoking is the one change, through its action

    @admin.display(description=_("valid"), boolean=True, ordering="revoked_at")
    def is_valid_display(self, obj: Certificate) -> bool:
        return obj.is_valid

    @admin.display(description=_("verification page"))
    def verification_link(self, obj: Certificate) -> str:
        url = obj.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.action(description=_("Revoke the selected certificates"), permissions=["revoke"])
    def revoke(self, request, queryset):
        form = RevokeForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            revoked = 0
            for certificate in queryset:
                if certificate.is_valid:
                    services.certificate_revoke(
                        certificate=certificate, reason=form.cleaned_data["reason"]
                    )
                    revoked += 1
            self.message_user(
                request,
                ngettext(
                    "%(count)d certificate revoked.",
                    "%(count)d certificates revoked.",
                    revoked,
                )
                % {"count": revoked},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/courses/certificate/revoke.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Revoke certificates"),
                "opts": self.model._meta,
                "certificates": queryset,
                "form": form,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    def has_revoke_permission(self, request) -> bool:
        return request.user.is_superuser
