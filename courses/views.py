"""Learner pages of one course. Thin: access helpers, then services and outlines."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import drawing, lookups, services
from .family import family_certificate, quiz_passed_in_family
from .forms import (
    TOKEN_ERROR,
    AttemptForm,
    answers_from_payload,
    question_shapes,
    shown_questions,
)
from .lookups import (
    can_preview,
    get_attempt_for_user,
    get_course_for_user,
    get_lesson_for_user,
    get_quiz_for_user,
)
from .models import AttemptChoice, AttemptQuestion, Course, Lesson, Quiz, QuizAttempt
from .outline import CourseOutline, build_outline


def _refuse_if_locked(
    request: HttpRequest, course: Course, obj: Lesson | Quiz, outline: CourseOutline | None = None
) -> HttpResponse | None:
    """A redirect to the course page saying why, when ``obj`` is a locked step for this
    learner; None when they may go on. The outline decides, as it does for the pages."""
    if not course.sequential or can_preview(request):
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


def _snapshot_prefetch() -> Prefetch:
    """The attempt's questions in order, each with its choices in ``shown_choices``."""
    return Prefetch(
        "questions",
        queryset=AttemptQuestion.objects.order_by("order").prefetch_related(
            Prefetch(
                "choices", queryset=AttemptChoice.objects.order_by("order"), to_attr="shown_choices"
            )
        ),
    )


@login_required
def course_detail(request: HttpRequest, course: str) -> HttpResponse:
    course_obj = get_course_for_user(request, course)
    outline = build_outline(
        course_obj,
        request.user,
        include_drafts=can_preview(request),
        record=course_obj.learner_record,  # read with the course
    )
    certificate = family_certificate(request.user, course_obj)
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course_obj,
            "outline": outline,
            "certificate": certificate,
            "preview": can_preview(request),
        },
    )


@login_required
@require_GET
def course_continue(request: HttpRequest, course: str) -> HttpResponse:
    """Where "Start" and "Continue" lead: the learner's next open step, else the course page
    (nothing left to do, or nothing published yet)."""
    course_obj = get_course_for_user(request, course)
    outline = build_outline(
        course_obj,
        request.user,
        include_drafts=can_preview(request),
        record=course_obj.learner_record,  # read with the course
    )
    if outline.next_step is None:
        return redirect(course_obj)
    return redirect(outline.next_step.url)


@login_required
def lesson_detail(request: HttpRequest, course: str, lesson: int) -> HttpResponse:
    course_obj, lesson_obj = get_lesson_for_user(request, course, lesson)
    outline = build_outline(
        course_obj,
        request.user,
        include_drafts=can_preview(request),
        record=course_obj.learner_record,  # read with the lesson
    )
    if refused := _refuse_if_locked(request, course_obj, lesson_obj, outline):
        return refused
    previous, following = outline.neighbours(lesson_obj)
    step = outline.mark_current(lesson_obj)
    done = step is not None and step.done
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
            "preview": can_preview(request),
        },
    )


@login_required
@require_POST
def lesson_complete(request: HttpRequest, course: str, lesson: int) -> HttpResponse:
    course_obj, lesson_obj = get_lesson_for_user(request, course, lesson)
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
    course_obj, quiz_obj = get_quiz_for_user(request, course, quiz)
    if refused := _refuse_if_locked(request, course_obj, quiz_obj):
        return refused
    rows = list(QuizAttempt.with_drawn.filter(user=request.user, quiz=quiz_obj))
    # The next attempt drawn now, while the learner reads this page: the start is then cheap.
    pool = drawing.attempt_draw(user=request.user, quiz=quiz_obj, attempts=rows)
    attempts = [a for a in rows if a.status != QuizAttempt.Status.DRAWN]
    for attempt in attempts:
        attempt.quiz = quiz_obj
    used = len(attempts)
    remaining = None if quiz_obj.attempts_allowed is None else quiz_obj.attempts_allowed - used
    submitted = [a for a in attempts if a.is_submitted]
    passed = any(a.passed for a in submitted)
    return render(
        request,
        "courses/quiz_detail.html",
        {
            "course": course_obj,
            "quiz": quiz_obj,
            "attempts": attempts,
            "open_attempt": next((a for a in attempts if not a.is_submitted), None),
            "best": max((a.score for a in submitted), default=None),
            "passed": passed,
            # Passed in another language version of the course: it counts here too.
            "passed_elsewhere": not passed and quiz_passed_in_family(request.user, quiz_obj),
            "remaining": remaining,
            "question_count": min(pool, quiz_obj.draw_count or pool),
        },
    )


@login_required
@require_POST
def quiz_start(request: HttpRequest, course: str, quiz: int) -> HttpResponse:
    course_obj, quiz_obj = get_quiz_for_user(request, course, quiz)
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
    except IntegrityError:
        # Only if the serialisation in attempt_start were bypassed: the constraints refused
        # a second open attempt. Nothing was saved.
        messages.error(request, _("The quiz was being started in another tab. Please try again."))
        return redirect(quiz_obj)
    attempt.quiz = quiz_obj
    return redirect(attempt)


@login_required
@require_http_methods(["GET", "POST"])
def attempt_detail(request: HttpRequest, course: str, quiz: int, attempt) -> HttpResponse:
    course_obj, quiz_obj = get_quiz_for_user(request, course, quiz)
    # The attempt's row first: its snapshot is loaded only for a page that shows or grades it.
    attempt_obj = get_attempt_for_user(request, quiz_obj, attempt)
    if refused := _refuse_if_locked(request, course_obj, quiz_obj):
        return refused
    if attempt_obj.is_submitted and request.method == "POST":
        # A double click, a retry or a second tab: it is graded already, show the result.
        messages.info(request, _("This attempt was already submitted."))
        return redirect(attempt_obj)
    now = timezone.now()
    editable = attempt_obj.accepts_answers(now)
    if request.method == "GET" and not attempt_obj.is_submitted:
        # The questions to answer: one prepared query, no model instances.
        questions = shown_questions(lookups.ATTEMPT_SHOWN.values(attempt_id=attempt_obj.pk))
        form = AttemptForm(questions=questions, token=attempt_obj.token, editable=editable)
        return _attempt_page(request, course_obj, quiz_obj, attempt_obj, form, now)
    prefetch_related_objects([attempt_obj], _snapshot_prefetch())
    if attempt_obj.is_submitted:
        return _attempt_result(request, course_obj, quiz_obj, attempt_obj)
    questions = attempt_obj.questions.all()

    action = request.POST.get("action", "submit")
    if action not in {"save", "submit"}:
        raise Http404
    # Once the time is up an incomplete submission is accepted: unanswered questions score 0.
    # quiz.js sends timeout=1 with its automatic submission, which may beat the server clock.
    timed_out = attempt_obj.time_is_up(now) or (
        attempt_obj.deadline is not None and request.POST.get("timeout") == "1"
    )
    form = AttemptForm(
        request.POST,
        questions=questions,
        token=attempt_obj.token,
        require_all=action == "submit" and not timed_out,
        editable=editable,
    )
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below; nothing was saved."))
        return _attempt_page(request, course_obj, quiz_obj, attempt_obj, form, now)
    answers = form.answers() if editable else None
    if action == "save":
        try:
            services.attempt_save_answers(attempt=attempt_obj, answers=answers or {})
        except services.AttemptAlreadySubmitted:
            messages.info(request, _("This attempt was already submitted."))
        except services.AttemptTimeUp:
            messages.error(
                request,
                _("The time is up, so your last changes were not saved. Submit for your result."),
            )
        else:
            messages.success(request, _("Your answers are saved."))
        return redirect(attempt_obj)
    try:
        graded = services.attempt_submit(
            attempt=attempt_obj, answers=answers, refuse_if_submitted=True
        )
    except services.AttemptAlreadySubmitted:
        # Another tab won the race between the check above and the row lock.
        messages.info(request, _("This attempt was already submitted."))
        return redirect(attempt_obj)
    if graded.late:
        messages.warning(
            request,
            _("The time was up: your answers saved by the deadline were graded."),
        )
    return redirect(attempt_obj)


def _attempt_page(request, course_obj, quiz_obj, attempt_obj, form, now) -> HttpResponse:
    return render(
        request,
        "courses/attempt_form.html",
        {
            "course": course_obj,
            "quiz": quiz_obj,
            "attempt": attempt_obj,
            "form": form,
            "editable": attempt_obj.accepts_answers(now),
            "seconds_left": attempt_obj.seconds_left(now),
        },
    )


@login_required
@require_POST
def attempt_autosave(request: HttpRequest, course: str, quiz: int, attempt) -> JsonResponse:
    """Save the answers to some questions of an open attempt, sent as JSON by quiz.js.

    200 ``{"saved": [question ids]}``; 400 for a body that is not answers to this attempt or
    a wrong token; 409 when the attempt is submitted or its time is up. Nothing is saved
    unless everything sent is valid.
    """
    _course, quiz_obj = get_quiz_for_user(request, course, quiz)
    # The attempt's row only: validating answers needs the snapshot's ids, not its texts.
    attempt_obj = get_attempt_for_user(request, quiz_obj, attempt)
    try:
        payload = json.loads(request.body)
    except ValueError:
        return JsonResponse({"error": _("The answers could not be read.")}, status=400)
    token = payload.get("token") if isinstance(payload, dict) else None
    if not isinstance(token, str) or not constant_time_compare(token, attempt_obj.token):
        return JsonResponse({"error": str(TOKEN_ERROR)}, status=400)
    try:
        shapes = question_shapes(lookups.ATTEMPT_CHOICE_IDS.values(attempt_id=attempt_obj.pk))
        answers = answers_from_payload(payload, questions=shapes)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    try:
        services.attempt_save_answers(attempt=attempt_obj, answers=answers)
    except services.AttemptAlreadySubmitted:
        return JsonResponse(
            {"error": _("This attempt was already submitted."), "closed": True}, status=409
        )
    except services.AttemptTimeUp:
        return JsonResponse(
            {"error": _("The time is up: this answer was not saved."), "closed": True},
            status=409,
        )
    return JsonResponse({"saved": sorted(answers)})


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
            "passed_before": passed_before,
            "next_step": outline.next_step,
        },
    )
