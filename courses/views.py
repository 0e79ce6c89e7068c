"""Learner pages of one course. Thin: access helpers, then services and outlines."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import services
from .certificates import render_pdf
from .forms import AttemptForm
from .models import (
    AttemptChoice,
    AttemptQuestion,
    Certificate,
    Course,
    Lesson,
    Quiz,
    QuizAttempt,
)
from .outline import CourseOutline, build_outline


def _can_preview(request: HttpRequest) -> bool:
    """Trainers (``courses.change_course``) preview as a learner: they see drafts, marked as
    such, and are never locked out of a step; everyone else sees published content only."""
    return request.user.has_perm("courses.change_course")


def _refuse_if_locked(
    request: HttpRequest, course: Course, obj: Lesson | Quiz, outline: CourseOutline | None = None
) -> HttpResponse | None:
    """A redirect to the course page saying why, when ``obj`` is a locked step for this
    learner; None when they may go on. The outline decides, as it does for the pages."""
    if not course.sequential or _can_preview(request):
        return None
    if outline is None:
        outline = build_outline(course, request.user)
    step = outline.step_for(obj)
    if step is None or not step.locked:
        return None
    messages.error(
        request,
        _("“%(step)s” is not open yet. %(reason)s")
        % {"step": step.title, "reason": step.locked_reason},
    )
    return redirect(course)


def _get_course_for_user(request: HttpRequest, slug: str) -> Course:
    """A published course, or any course for trainers previewing drafts; else 404."""
    courses = Course.objects.all() if _can_preview(request) else Course.objects.published()
    return get_object_or_404(courses, slug=slug)


def _get_lesson_for_user(request: HttpRequest, course: Course, lesson_id: int) -> Lesson:
    lessons = Lesson.objects.all() if _can_preview(request) else Lesson.objects.published()
    return get_object_or_404(lessons.select_related("module"), pk=lesson_id, module__course=course)


def _get_quiz_for_user(request: HttpRequest, course: Course, quiz_id: int) -> Quiz:
    quizzes = Quiz.objects.all() if _can_preview(request) else Quiz.objects.published()
    quiz = get_object_or_404(quizzes.select_related("module"), pk=quiz_id, course=course)
    quiz.course = course  # already loaded: spare a query for every URL built from the quiz
    return quiz


def _get_attempt_for_user(request: HttpRequest, quiz: Quiz, attempt_id) -> QuizAttempt:
    """The learner's own attempt on this quiz, with its snapshot; anyone else's is a 404."""
    attempt = get_object_or_404(
        QuizAttempt.objects.prefetch_related(
            Prefetch(
                "questions",
                queryset=AttemptQuestion.objects.prefetch_related(
                    Prefetch("choices", queryset=AttemptChoice.objects.order_by("order"))
                ).order_by("order"),
            )
        ),
        pk=attempt_id,
        quiz=quiz,
        user=request.user,
    )
    attempt.quiz = quiz
    return attempt


@login_required
def course_detail(request: HttpRequest, course: str) -> HttpResponse:
    course_obj = _get_course_for_user(request, course)
    outline = build_outline(course_obj, request.user, include_drafts=_can_preview(request))
    certificate = Certificate.objects.filter(user=request.user, course=course_obj).first()
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course_obj,
            "outline": outline,
            "certificate": certificate,
            "preview": _can_preview(request),
        },
    )


@login_required
def lesson_detail(request: HttpRequest, course: str, lesson: int) -> HttpResponse:
    course_obj = _get_course_for_user(request, course)
    lesson_obj = _get_lesson_for_user(request, course_obj, lesson)
    outline = build_outline(course_obj, request.user, include_drafts=_can_preview(request))
    if refused := _refuse_if_locked(request, course_obj, lesson_obj, outline):
        return refused
    previous, following = outline.neighbours(lesson_obj)
    done = any(s.done for s in outline.steps if s.obj == lesson_obj)
    return render(
        request,
        "courses/lesson_detail.html",
        {
            "course": course_obj,
            "lesson": lesson_obj,
            "outline": outline,
            "previous": previous,
            "following": following,
            "done": done,
            "preview": _can_preview(request),
        },
    )


@login_required
@require_POST
def lesson_complete(request: HttpRequest, course: str, lesson: int) -> HttpResponse:
    course_obj = _get_course_for_user(request, course)
    lesson_obj = _get_lesson_for_user(request, course_obj, lesson)
    if refused := _refuse_if_locked(request, course_obj, lesson_obj):
        return refused
    services.lesson_complete(user=request.user, lesson=lesson_obj)
    outline = build_outline(course_obj, request.user)
    next_step = outline.next_step
    messages.success(request, _("Lesson completed."))
    if next_step:
        return redirect(next_step.url)
    return redirect(course_obj)


@login_required
def quiz_detail(request: HttpRequest, course: str, quiz: int) -> HttpResponse:
    course_obj = _get_course_for_user(request, course)
    quiz_obj = _get_quiz_for_user(request, course_obj, quiz)
    if refused := _refuse_if_locked(request, course_obj, quiz_obj):
        return refused
    attempts = list(QuizAttempt.objects.filter(user=request.user, quiz=quiz_obj))
    for attempt in attempts:
        attempt.quiz = quiz_obj
    used = len(attempts)
    remaining = None if quiz_obj.attempts_allowed is None else quiz_obj.attempts_allowed - used
    submitted = [a for a in attempts if a.is_submitted]
    return render(
        request,
        "courses/quiz_detail.html",
        {
            "course": course_obj,
            "quiz": quiz_obj,
            "attempts": attempts,
            "open_attempt": next((a for a in attempts if not a.is_submitted), None),
            "best": max((a.score for a in submitted), default=None),
            "passed": any(a.passed for a in submitted),
            "remaining": remaining,
            "question_count": quiz_obj.draw_count or quiz_obj.questions.count(),
        },
    )


@login_required
@require_POST
def quiz_start(request: HttpRequest, course: str, quiz: int) -> HttpResponse:
    course_obj = _get_course_for_user(request, course)
    quiz_obj = _get_quiz_for_user(request, course_obj, quiz)
    if refused := _refuse_if_locked(request, course_obj, quiz_obj):
        return refused
    try:
        attempt = services.attempt_start(user=request.user, quiz=quiz_obj)
    except services.AttemptLimitReached:
        messages.error(request, _("You have used every attempt this quiz allows."))
        return redirect(quiz_obj)
    except services.QuizNotReady:
        messages.error(request, _("This quiz has no questions yet. Please tell your trainer."))
        return redirect(quiz_obj)
    return redirect(attempt)


@login_required
@require_http_methods(["GET", "POST"])
def attempt_detail(request: HttpRequest, course: str, quiz: int, attempt) -> HttpResponse:
    course_obj = _get_course_for_user(request, course)
    quiz_obj = _get_quiz_for_user(request, course_obj, quiz)
    attempt_obj = _get_attempt_for_user(request, quiz_obj, attempt)
    if refused := _refuse_if_locked(request, course_obj, quiz_obj):
        return refused
    if attempt_obj.is_submitted:
        if request.method == "POST":
            # A double click or a second tab: the attempt is already graded, show the result.
            messages.info(request, _("This attempt was already submitted."))
            return redirect(attempt_obj)
        return _attempt_result(request, course_obj, quiz_obj, attempt_obj)

    form = None
    if request.method == "POST":
        action = request.POST.get("action", "submit")
        if action not in {"save", "submit"}:
            raise Http404
        form = AttemptForm(request.POST, attempt=attempt_obj, require_all=action == "submit")
        if form.is_valid():
            if action == "save":
                services.attempt_save_answers(attempt=attempt_obj, answers=form.answers())
                messages.success(request, _("Your answers are saved."))
                return redirect(attempt_obj)
            services.attempt_submit(attempt=attempt_obj, answers=form.answers())
            return redirect(attempt_obj)
        messages.error(request, _("Please correct the errors below; nothing was submitted."))
    if form is None:
        form = AttemptForm(attempt=attempt_obj)
    return render(
        request,
        "courses/attempt_form.html",
        {"course": course_obj, "quiz": quiz_obj, "attempt": attempt_obj, "form": form},
    )


def _attempt_result(request, course_obj: Course, quiz_obj: Quiz, attempt_obj: QuizAttempt):
    passed_before = QuizAttempt.objects.filter(
        user=request.user, quiz=quiz_obj, passed=True
    ).exists()
    outline = build_outline(course_obj, request.user)
    return render(
        request,
        "courses/attempt_result.html",
        {
            "course": course_obj,
            "quiz": quiz_obj,
            "attempt": attempt_obj,
            "review": attempt_obj.review_allowed(passed_before=passed_before),
            "next_step": outline.next_step,
        },
    )


_CERTIFICATE_CODE = re.compile(r"[A-Z0-9-]{1,40}")


def _get_certificate(code: str) -> Certificate | None:
    """The certificate with this code (typed in any case, with or without spaces), or None."""
    normalised = "".join(code.split()).upper()
    if not _CERTIFICATE_CODE.fullmatch(normalised):
        return None  # also keeps NUL bytes and other oddities away from the database
    return Certificate.objects.filter(code=normalised).first()


def _certificate_not_found(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "courses/certificate_not_found.html", {"code": code[:60]}, status=404)


@require_GET
@never_cache
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: whether the certificate with this code is valid, and only what proves it."""
    certificate = _get_certificate(code)
    if certificate is None:
        return _certificate_not_found(request, code)
    response = render(request, "courses/certificate_verify.html", {"certificate": certificate})
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
@never_cache
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """Public, like the verification page: the certificate as a PDF (marked when revoked)."""
    certificate = _get_certificate(code)
    if certificate is None:
        return _certificate_not_found(request, code)
    pdf = render_pdf(
        certificate, verify_url=request.build_absolute_uri(certificate.get_absolute_url())
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"certificate-{slugify(certificate.course_title)[:60]}-{certificate.code}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Robots-Tag"] = "noindex"
    return response
