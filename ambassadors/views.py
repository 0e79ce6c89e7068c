"""Pages that combine people and courses: "My training" and the managers' reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from courses.models import Course

from . import exports, reports, services
from .forms import AssignmentForm
from .models import Assignment, Organisation


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """My training: courses in my language with my progress; assigned ones first, soonest
    due first, then the other published courses I may take on my own."""
    courses = list(
        Course.objects.for_language(get_language())
        .with_progress_for(request.user)
        .order_by(F("assigned").desc(), F("due_date").asc(nulls_last=True), "title", "pk")
    )
    return render(request, "ambassadors/dashboard.html", {"courses": courses})


def _reports_access(view):
    return login_required(
        permission_required("ambassadors.view_reports", raise_exception=True)(view)
    )


def _get_course_for_manager(slug: str) -> Course:
    """Reports cover published courses only; anything else is a 404."""
    return get_object_or_404(Course.objects.published(), slug=slug)


@_reports_access
def reports_overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ambassadors/reports_overview.html",
        {
            "rows": reports.overview(manager=request.user),
            "organisations": Organisation.objects.visible_to(request.user),
        },
    )


@_reports_access
def course_report(request: HttpRequest, course: str) -> HttpResponse:
    course_obj = _get_course_for_manager(course)
    organisation_id = None
    raw = request.GET.get("organisation", "")
    if raw:
        if raw.isdigit() and len(raw) < 19:
            organisation_id = int(raw)
        else:
            messages.error(request, _("Unknown organisation; showing everyone in your scope."))
    try:
        report = reports.course_report(
            manager=request.user, course=course_obj, organisation_id=organisation_id
        )
    except Organisation.DoesNotExist:
        messages.error(request, _("Unknown organisation; showing everyone in your scope."))
        return redirect("ambassadors:course-report", course=course_obj.slug)

    export = request.GET.get("format", "")
    if export == "csv":
        filename = f"{slugify(course_obj.slug)}-completion.csv"
        return exports.csv_response(
            filename, report.headers(), (report.cells(row) for row in report.rows())
        )
    if export:
        messages.error(request, _("Unknown export format."))
    return render(
        request,
        "ambassadors/course_report.html",
        {"course": course_obj, "report": report, "rows": list(report.rows())},
    )


def _assignments_access(view):
    return login_required(
        permission_required("ambassadors.view_assignment", raise_exception=True)(view)
    )


def _get_assignment_for_user(request: HttpRequest, assignment_id: int) -> Assignment:
    """An assignment within the user's scope; anything else is a 404."""
    return get_object_or_404(Assignment.objects.visible_to(request.user), pk=assignment_id)


@_assignments_access
def assignments(request: HttpRequest) -> HttpResponse:
    """Managers' assignments: assign a course with a due date; list those in my scope."""
    can_add = request.user.has_perm("ambassadors.add_assignment")
    form = None
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        form = AssignmentForm(request.POST, manager=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.assignment_create(
                    course=data["course"],
                    organisations=data["organisations"],
                    users=data["people"],
                    due_date=data["due_date"],
                    assigned_by=request.user,
                )
            except services.OutOfScope:
                raise PermissionDenied from None
            messages.success(
                request,
                ngettext(
                    "“%(course)s” assigned to %(count)d organisation or person.",
                    "“%(course)s” assigned to %(count)d organisations or people.",
                    len(saved),
                )
                % {"course": data["course"].title, "count": len(saved)},
            )
            return redirect("ambassadors:assignments")
        messages.error(request, _("Please correct the errors below; nothing was assigned."))
    if form is None and can_add:
        form = AssignmentForm(manager=request.user)
    return render(
        request,
        "ambassadors/assignments.html",
        {
            "form": form,
            "assignments": reports.assignments(manager=request.user),
            "today": timezone.localdate(),
        },
    )


@_assignments_access
@require_POST
def assignment_delete(request: HttpRequest, assignment: int) -> HttpResponse:
    if not request.user.has_perm("ambassadors.delete_assignment"):
        raise PermissionDenied
    assignment_obj = _get_assignment_for_user(request, assignment)
    services.assignment_delete(assignment=assignment_obj)
    messages.success(
        request,
        _("The assignment of “%(course)s” to %(target)s was removed; progress is kept.")
        % {"course": assignment_obj.course.title, "target": assignment_obj.target},
    )
    return redirect("ambassadors:assignments")


@require_GET
@never_cache
def live(request: HttpRequest) -> HttpResponse:
    """Liveness only: the process answers. Also the benchmark's ceiling (full middleware)."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness plus a database round trip, for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
