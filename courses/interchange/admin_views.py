"""Admin pages of the interchange: import questions into a quiz (GIFT or Aiken, previewed
first), export a quiz to GIFT, export and import a whole course as YAML.

Plain functions called by the quiz's and the course's ModelAdmin (their ``get_urls``), so the
admin classes stay small. Trainers have every permission these pages ask for; managers and
staff have none of them.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Course, Quiz
from . import gift
from .course_yaml import CourseRefused, export_course, import_course
from .forms import CourseImportForm, QuestionsImportForm
from .services import questions_import

IMPORT_QUESTIONS_PERMS = ["courses.change_quiz", "courses.add_question", "courses.add_choice"]
# A course import creates and changes every kind of content; it deletes only the questions
# and choices a file no longer has (modules, lessons and quizzes are unpublished instead).
IMPORT_COURSE_PERMS = [
    *(
        f"courses.{action}_{model}"
        for model in ("course", "module", "lesson", "quiz", "question", "choice")
        for action in ("add", "change")
    ),
    "courses.delete_question",
    "courses.delete_choice",
]

GIFT_EXAMPLE = """\
// A comment line. Questions are separated by a blank line.
::m1-q1::Which network is best known for short videos?{
=TikTok#Right: short vertical videos.
~LinkedIn#A professional network.
~A newsletter#Not a social network.
####Each platform has its own kind of content.
}

::m1-q2::Which of these are social networks? (select all that apply){
~%50%Facebook
~%50%Instagram
~%-50%A printed leaflet
}

A hashtag groups posts on one subject.{TRUE}
"""

AIKEN_EXAMPLE = """\
Which network is best known for short videos?
A. LinkedIn
B. TikTok
C. A newsletter
ANSWER: B
"""


def _context(model_admin, request: HttpRequest, title: str, **extra) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        **extra,
    }


def quiz_import_view(model_admin, request: HttpRequest, quiz: Quiz) -> HttpResponse:
    """Paste or upload GIFT or Aiken; "Preview" shows the questions and every line's error;
    "Import" (offered once nothing is wrong) saves them all, or nothing."""
    if not request.user.has_perms(IMPORT_QUESTIONS_PERMS):
        raise PermissionDenied
    posted = request.method == "POST"
    form = QuestionsImportForm(request.POST if posted else None, request.FILES if posted else None)
    result = None
    if posted and form.is_valid():
        result = form.parse(quiz.course.language)
        if "confirm" in request.POST and result.ok:
            created = questions_import(quiz=quiz, questions=result.questions)
            model_admin.message_user(
                request,
                ngettext(
                    "%(count)d question imported into “%(quiz)s”.",
                    "%(count)d questions imported into “%(quiz)s”.",
                    len(created),
                )
                % {"count": len(created), "quiz": quiz.title},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:courses_quiz_change", args=[quiz.pk]))
    context = _context(
        model_admin,
        request,
        _("Import questions into “%(quiz)s”") % {"quiz": quiz.title},
        original=quiz,
        quiz=quiz,
        form=form,
        result=result,
        source=form.cleaned_data.get("source", "") if result else "",
        gift_example=GIFT_EXAMPLE,
        aiken_example=AIKEN_EXAMPLE,
    )
    return TemplateResponse(request, "admin/courses/quiz/import_questions.html", context)


def _download(text: str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def quiz_export_view(model_admin, request: HttpRequest, quiz: Quiz) -> HttpResponse:
    if not request.user.has_perm("courses.view_question"):
        raise PermissionDenied
    questions = quiz.questions.order_by("order", "pk").prefetch_related("choices")
    name = quiz.key or f"quiz-{quiz.pk}"
    return _download(gift.export(questions), f"{name}.gift.txt", "text/plain")


def course_export_view(model_admin, request: HttpRequest, course: Course) -> HttpResponse:
    if not request.user.has_perm("courses.view_course"):
        raise PermissionDenied
    try:
        text = export_course(course)
    except CourseRefused as refused:
        for problem in refused.problems:
            model_admin.message_user(request, problem, messages.ERROR)
        return HttpResponseRedirect(reverse("admin:courses_course_change", args=[course.pk]))
    name = f"{course.key or course.slug}-{course.language}.yaml"
    return _download(text, name, "application/yaml")


def course_import_view(model_admin, request: HttpRequest) -> HttpResponse:
    """Upload or paste a course file (content/README.md); every problem is listed, and a
    refused file saves nothing."""
    if not request.user.has_perms(IMPORT_COURSE_PERMS):
        raise PermissionDenied
    posted = request.method == "POST"
    form = CourseImportForm(request.POST if posted else None, request.FILES if posted else None)
    problems: list[str] = []
    if posted and form.is_valid():
        try:
            course, created = import_course(text=form.cleaned_data["source"])
        except CourseRefused as refused:
            problems = refused.problems
        else:
            message = (
                _("The course “%(course)s” was imported as a draft: check it, then publish it.")
                if created
                else _("The course “%(course)s” was updated; its learners keep their progress.")
            )
            model_admin.message_user(request, message % {"course": course}, messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:courses_course_change", args=[course.pk]))
    context = _context(
        model_admin, request, _("Import a course (YAML)"), form=form, problems=problems
    )
    return TemplateResponse(request, "admin/courses/course/import_yaml.html", context)
