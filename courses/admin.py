from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import (
    Choice,
    Course,
    CourseCompletion,
    Enrolment,
    Lesson,
    LessonCompletion,
    Module,
    Question,
    Quiz,
    QuizAttempt,
)


class ModuleInline(admin.TabularInline):
    model = Module
    fields = ["order", "title", "status", "key"]
    extra = 0
    show_change_link = True


class LessonInline(admin.StackedInline):
    model = Lesson
    fields = [("order", "kind", "status"), "title", "body", "key"]
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
    extra = 0


class QuestionInline(admin.StackedInline):
    model = Question
    fields = [("order", "kind", "scoring"), "text", "feedback", "key"]
    extra = 0
    show_change_link = True


class QuizInline(admin.TabularInline):
    model = Quiz
    fk_name = "module"
    fields = ["order", "title", "status", "pass_mark", "required"]
    extra = 0
    show_change_link = True


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "language", "status", "translation_of", "module_count", "updated_at"]
    list_filter = ["status", "language"]
    list_select_related = ["translation_of"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    raw_id_fields = ["translation_of"]
    inlines = [ModuleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_modules=Count("modules", distinct=True))

    @admin.display(description=_("modules"), ordering="_modules")
    def module_count(self, obj: Course) -> int:
        return obj._modules


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "order", "status"]
    list_filter = ["status", "course__language", "course"]
    list_select_related = ["course"]
    search_fields = ["title", "introduction"]
    list_editable = ["order", "status"]
    autocomplete_fields = ["course"]
    inlines = [LessonInline, QuizInline]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["title", "module", "course_title", "kind", "order", "status"]
    list_filter = ["status", "kind", "module__course__language", "module__course"]
    list_select_related = ["module__course"]
    search_fields = ["title", "body"]
    list_editable = ["order", "status"]
    autocomplete_fields = ["module"]

    @admin.display(description=_("course"), ordering="module__course__title")
    def course_title(self, obj: Lesson) -> str:
        return obj.module.course.title


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
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

    @admin.display(description=_("questions"), ordering="_questions")
    def question_count(self, obj: Quiz) -> int:
        return obj._questions


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["short_text", "quiz", "kind", "order"]
    list_filter = ["kind", "quiz__course__language", "quiz__course"]
    list_select_related = ["quiz"]
    search_fields = ["text"]
    autocomplete_fields = ["quiz"]
    inlines = [ChoiceInline]

    @admin.display(description=_("question"))
    def short_text(self, obj: Question) -> str:
        return obj.text[:90]


@admin.register(QuizAttempt)
class QuizAttemptAdmin(admin.ModelAdmin):
    list_display = ["user", "quiz", "number", "status", "score", "passed", "late", "started_at"]
    list_filter = ["status", "passed", "late", "quiz__course"]
    list_select_related = ["user", "quiz"]
    search_fields = ["user__username", "user__email", "quiz__title"]
    raw_id_fields = ["user", "quiz"]
    readonly_fields = [f.name for f in QuizAttempt._meta.fields]

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
