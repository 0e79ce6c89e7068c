"""Pages that combine people and courses: "My training" and the managers' reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import connection
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from courses.models import Course

from . import exports, reports, services
from .models import Level, Organisation


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """My training: courses in my language with my progress; assigned ones first; and my
    ambassador level (brought up to date with my courses first, see services)."""
    ambassador = services.programme_sync(user=request.user)
    level = (
        Level.objects.filter(rank=ambassador.level).first()
        if ambassador and ambassador.level
        else None
    )
    courses = list(
        Course.objects.for_language(get_language())
        .with_progress_for(request.user)
        .annotate(
            assigned_first=Case(
                When(due_date__isnull=False, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("assigned_first", "due_date", "title")
    )
    return render(
        request,
        "ambassadors/dashboard.html",
        {"courses": courses, "ambassador": ambassador, "level": level},
    )


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
