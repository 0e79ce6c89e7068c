"""Admin of course content: courses, modules, lessons, translations."""

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from courses.admin.authoring import CoursePublishForm, LessonInline, ModuleInline, QuizInline
from courses.admin.base import NeedsUpdateFilter, PreviewAsLearnerMixin, TranslationFlagsMixin
from courses.interchange import admin_views as interchange
from courses.models import (
    Course,
    Lesson,
    LessonImage,
    Module,
    Question,
    SubqueryCount,
)
from courses.translations import (
    content_changed,
    course_duplicate,
    stale_counts,
    translation_languages,
    translations_mark_reviewed,
)


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
class CourseAdmin(PreviewAsLearnerMixin, nested_admin.NestedModelAdmin):
    form = CoursePublishForm
    change_list_template = "admin/courses/course/change_list.html"
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

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="courses_course_import_yaml"),
            path(
                "<path:object_id>/export/",
                wrap(self.export_view),
                name="courses_course_export_yaml",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """A course file in content/'s format, checked whole, loaded all or nothing."""
        return interchange.course_import_view(self, request)

    def export_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not request.user.has_perm("courses.view_course"):
            raise PermissionDenied
        course = self.get_object(request, unquote(object_id))
        if course is None:
            raise Http404
        return interchange.course_export_view(self, request, course)

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
class ModuleAdmin(TranslationFlagsMixin, nested_admin.NestedModelAdmin):
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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if content_changed(form.changed_data, before=form.initial, after=form.cleaned_data):
            self._flag(request, lessons=[obj])

    @admin.action(
        description=_("Mark as reviewed (translation up to date)"), permissions=["change"]
    )
    def mark_reviewed(self, request, queryset):
        self._mark_reviewed(request, translations_mark_reviewed(lessons=queryset))
