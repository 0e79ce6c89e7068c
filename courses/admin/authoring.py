"""One admin page per quiz (settings, questions, each question's choices), drag-and-drop
ordering, and the checks that keep an empty quiz or course from going live.

Nested inlines and their drag-and-drop come from django-nested-admin: its script is a static
file (no inline script, so it runs under the app's CSP); without JavaScript the "order"
fields order the rows. One save writes everything or nothing (the admin's transaction).
"""

import nested_admin
from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from courses.models import Choice, Lesson, Module, Question, Quiz, Status
from courses.publishing import (
    course_publish_problems,
    question_shape_problem,
    quiz_problem,
    quiz_valid_count,
)

ROWS = {
    "text": forms.Textarea(attrs={"rows": 3, "cols": 80}),
    "feedback": forms.Textarea(attrs={"rows": 2, "cols": 80}),
    "explanation": forms.Textarea(attrs={"rows": 1, "cols": 40}),
}


class ChoiceInlineFormSet(nested_admin.formsets.NestedInlineFormSet):
    """The choices of one question must give it an answerable shape (see
    ``publishing.question_shape_problem``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # On the quiz page the questions come with their choices (one query for all).
        prefetched = getattr(self.instance, "_prefetched_objects_cache", {})
        if "choices" in prefetched and not self.is_bound:
            self.queryset = self.instance.choices.all()

    def _question_kept(self) -> bool:
        """False for a question row left empty or marked for deletion on the quiz page."""
        parent = getattr(self, "parent_form", None)
        if parent is None:
            return True
        if parent.instance.pk is None and not parent.has_changed():
            return False
        return not (getattr(parent, "cleaned_data", None) or {}).get("DELETE")

    def save(self, commit=True):
        if not self._question_kept():  # its choices went with it (or were never there)
            self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
            return []
        return super().save(commit)

    def clean(self):
        super().clean()
        if any(self.errors) or not self._question_kept():
            return
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problem = question_shape_problem(
            kind=self.instance.kind,
            choices=len(kept),
            correct=sum(1 for data in kept if data.get("is_correct")),
        )
        if problem:
            raise forms.ValidationError(problem)


class CompactTextMixin:
    """Short text areas, so that a quiz of many questions stays readable on one page."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ROWS:
            kwargs["widget"] = ROWS[db_field.name]
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ChoiceInline(CompactTextMixin, nested_admin.NestedTabularInline):
    model = Choice
    formset = ChoiceInlineFormSet
    fields = ["text", "is_correct", "explanation", "order"]
    sortable_field_name = "order"

    def get_extra(self, request, obj=None, **kwargs) -> int:
        return 0 if obj is not None and obj.pk else 4  # a new question starts with four choices


class QuestionInline(CompactTextMixin, nested_admin.NestedStackedInline):
    """The quiz's questions, each with its choices, added, removed and reordered in place."""

    model = Question
    fields = [("kind", "scoring"), "text", "feedback", ("key", "order"), "needs_update_since"]
    readonly_fields = ["needs_update_since"]
    extra = 0
    sortable_field_name = "order"
    show_change_link = True
    inlines = [ChoiceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("choices")


def posted_questions(data, prefix: str = "questions") -> int | None:
    """How many questions the quiz page's POST keeps (rows with a text, not deleted), or
    None when it has no question rows (another form changed the quiz)."""
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", ""))
    except (TypeError, ValueError):
        return None
    return sum(
        1
        for index in range(min(total, 1000))
        if str(data.get(f"{prefix}-{index}-text", "")).strip()
        and not data.get(f"{prefix}-{index}-DELETE")
    )


def draw_count_error(draw: int, pool: int) -> forms.ValidationError:
    return forms.ValidationError(
        _(
            "This quiz draws %(draw)s questions per attempt but its pool has only %(pool)s. "
            "Add questions first or draw fewer."
        ),
        code="draw_count",
        params={"draw": draw, "pool": pool},
    )


class QuizSafetyForm(forms.ModelForm):
    """Refuses, next to the field, to draw more questions than the pool has and to publish
    or require a quiz with fewer valid questions than it draws (the quiz page counts the
    question rows it saves; the module page counts the saved valid questions)."""

    def pool(self) -> int:
        posted = posted_questions(self.data) if self.is_bound else None
        return quiz_valid_count(self.instance) if posted is None else posted

    def clean(self):
        data = super().clean()
        pool = self.pool()
        draw = data.get("draw_count")
        if draw and draw > pool and "draw_count" in self.fields:
            self.add_error("draw_count", draw_count_error(draw, pool))
        checks = [
            ("status", data.get("status") == Status.PUBLISHED),
            ("required", data.get("required")),
        ]
        for field, wanted in checks:
            problem = wanted and quiz_problem(
                title=data.get("title", ""), draw_count=draw, valid=pool, field=field
            )
            if problem and field in self.fields:
                self.add_error(field, problem)
        return data


class QuizInline(nested_admin.NestedTabularInline):
    model = Quiz
    form = QuizSafetyForm
    fk_name = "module"
    fields = ["title", "status", "pass_mark", "required", "order"]
    sortable_field_name = "order"
    extra = 0
    show_change_link = True


class ModuleInline(nested_admin.NestedTabularInline):
    model = Module
    fields = ["title", "status", "key", "order"]
    sortable_field_name = "order"
    extra = 0
    show_change_link = True


class LessonInline(nested_admin.NestedStackedInline):
    model = Lesson
    fields = [
        ("kind", "status"),
        "title",
        "body",
        "video_url",
        ("key", "order"),
        "needs_update_since",
    ]
    readonly_fields = ["needs_update_since"]
    sortable_field_name = "order"
    extra = 0
    show_change_link = True


class CoursePublishForm(forms.ModelForm):
    """Refuses to publish a course while one of its required quizzes is empty, naming it."""

    def clean(self):
        data = super().clean()
        if data.get("status") == Status.PUBLISHED:
            for problem in course_publish_problems(self.instance):
                self.add_error("status", problem)
        return data


class BackToQuizMixin:
    """Saving a question returns to its quiz's page (not to the list of every question)."""

    def _back_to_quiz(self, request, obj):
        self.message_user(
            request,
            _("The question “%(question)s” was saved.") % {"question": obj},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:courses_quiz_change", args=[obj.quiz_id]))

    def response_change(self, request, obj):
        if any(key in request.POST for key in ("_continue", "_addanother", "_saveasnew")):
            return super().response_change(request, obj)
        return self._back_to_quiz(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if any(key in request.POST for key in ("_continue", "_addanother")):
            return super().response_add(request, obj, post_url_continue)
        return self._back_to_quiz(request, obj)
