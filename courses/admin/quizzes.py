"""Admin of quizzes, questions and attempts."""

import nested_admin
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from courses.admin.authoring import BackToQuizMixin, ChoiceInline, QuestionInline, QuizSafetyForm
from courses.admin.base import NeedsUpdateFilter, TranslationFlagsMixin
from courses.forms import AttemptForm, parse_id
from courses.interchange import admin_views as interchange
from courses.models import Question, Quiz, QuizAttempt
from courses.preview import preview_grade, preview_questions
from courses.statistics import quiz_statistics
from courses.translations import (
    content_changed,
    translations_mark_reviewed,
)


class QuizAdminForm(QuizSafetyForm):
    """The quiz form; the admin builds its Meta from the fieldsets."""


@admin.register(Quiz)
class QuizAdmin(TranslationFlagsMixin, nested_admin.NestedModelAdmin):
    """One page per quiz: its settings, its questions and each question's choices."""

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
            path("<path:object_id>/import/", wrap(self.import_view), name="courses_quiz_import"),
            path(
                "<path:object_id>/export/gift/",
                wrap(self.export_view),
                name="courses_quiz_export_gift",
            ),
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

    def import_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """GIFT or Aiken, pasted or uploaded, previewed, then imported (courses/interchange)."""
        if not request.user.has_perms(interchange.IMPORT_QUESTIONS_PERMS):
            raise PermissionDenied
        return interchange.quiz_import_view(self, request, self._get_quiz(request, object_id))

    def export_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not request.user.has_perm("courses.view_question"):
            raise PermissionDenied
        return interchange.quiz_export_view(self, request, self._get_quiz(request, object_id))

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
class QuestionAdmin(TranslationFlagsMixin, BackToQuizMixin, nested_admin.NestedModelAdmin):
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

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("quiz__course")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        choices_changed = any(
            formset.deleted_objects or self._reworded(formset, matched_by_order=True)
            for formset in formsets
        )
        words_changed = content_changed(
            form.changed_data, before=form.initial, after=form.cleaned_data
        )
        if words_changed or choices_changed:
            self._flag(request, questions=[form.instance])

    @admin.action(
        description=_("Mark as reviewed (translation up to date)"), permissions=["change"]
    )
    def mark_reviewed(self, request, queryset):
        self._mark_reviewed(request, translations_mark_reviewed(questions=queryset))


class AttemptStatusFilter(admin.SimpleListFilter):
    """The statuses of attempts (a drawn one is not an attempt yet: courses/drawing.py)."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(s.value, s.label) for s in QuizAttempt.Status if s != QuizAttempt.Status.DRAWN]

    def queryset(self, request, queryset):
        if self.value() in dict(self.lookups(request, None)):
            return queryset.filter(status=self.value())
        return queryset


@admin.register(QuizAttempt)
class QuizAttemptAdmin(admin.ModelAdmin):
    list_display = ["user", "quiz", "number", "status", "score", "passed", "late", "started_at"]
    list_filter = [AttemptStatusFilter, "passed", "late", "quiz__course"]
    list_select_related = ["user", "quiz"]
    search_fields = ["user__username", "user__email", "quiz__title"]
    raw_id_fields = ["user", "quiz"]
    # Read-only: grades change only through the services. The form token stays private; the
    # pool stamp is the drawing's bookkeeping.
    exclude = ["token", "pool_stamp"]
    readonly_fields = [
        f.name for f in QuizAttempt._meta.fields if f.name not in {"token", "pool_stamp"}
    ]

    def has_add_permission(self, request) -> bool:
        return False
