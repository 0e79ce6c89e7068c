"""Pages that combine people and courses: "My training" and the managers' reports."""

import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.models import Course
from dianova_training.redirects import redirect_back

from . import exports, imports, reports, services
from .audit import audit_record
from .forms import (
    AssignmentForm,
    CourseReportFilterForm,
    PreferencesForm,
    StaffImportForm,
    page_number,
)
from .middleware import DATABASE_ERRORS, database_unavailable
from .models import Assignment, AuditEvent, Level, Organisation, StaffProfile

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Switch the interface language from the navbar.
    Signed in: saved on the staff profile (which ProfileLanguageMiddleware applies on every
    request). Everyone also gets Django's language cookie, as ``set_language`` sets it, so the
    log-in page speaks the chosen language to anonymous visitors and after logging out.
    """
    response = redirect_back(
        request,
        request.POST.get("next"),
        request.META.get("HTTP_REFERER"),
        default=reverse("ambassadors:dashboard"),
    )
    language = request.POST.get("language", "")
    if language not in LANGUAGE_CODES:
        messages.error(request, _("This language is not available."))
        return response
    if request.user.is_authenticated:
        StaffProfile.objects.update_or_create(user=request.user, defaults={"language": language})
        # Assigned courses follow the learner to the version in their new language.
        services.enrolments_sync(user_ids=[request.user.pk])
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """My training: courses in my language with my progress; assigned ones first, soonest
    due first, then the other published courses I may take on my own; and my ambassador
    level (brought up to date with my courses first, see services.programme_sync)."""
    ambassador = services.programme_sync(user=request.user)
    level = (
        Level.objects.filter(rank=ambassador.level).first()
        if ambassador and ambassador.level
        else None
    )
    courses = list(
        Course.objects.for_language(get_language())
        .with_progress_for(request.user)
        .order_by(F("assigned").desc(), F("due_date").asc(nulls_last=True), "title", "pk")
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
    """Reports cover published courses, and originals with a published translation (the
    report covers every language version); anything else is a 404."""
    return get_object_or_404(Course.objects.published() | Course.objects.in_use(), slug=slug)


def _get_person_for_manager(request: HttpRequest, person_id: int):
    """A person in the manager's scope; anyone else (or no one) is a 404."""
    return get_object_or_404(reports.people_in_scope(request.user), pk=person_id)


def _export(request: HttpRequest, stem: str, tables) -> HttpResponse | None:
    """The export asked for by ``?format=``, or None to render the page."""
    export_format = request.GET.get("format", "")
    if export_format in exports.FORMATS:
        response = exports.export_response(
            export_format, slugify(stem), tables, request.GET.get("table", "")
        )
        if response.status_code == 200:
            audit_record(
                actor=request.user,
                verb=AuditEvent.Verb.REPORT_EXPORTED,
                target=stem,
                details={"format": export_format, "query": request.GET.urlencode()[:500]},
            )
        return response
    if export_format:
        messages.error(request, _("Unknown export format; use CSV or XLSX."))
    return None


@_reports_access
def reports_overview(request: HttpRequest) -> HttpResponse:
    overview = reports.overview(manager=request.user)
    response = _export(request, "training-overview", overview.tables())
    if response:
        return response
    return render(
        request,
        "ambassadors/reports_overview.html",
        {
            "overview": overview,
            "rows": overview.courses,
            "organisations": overview.organisations,
            "chart_data": overview.chart_data(),
        },
    )


@_reports_access
def course_report(request: HttpRequest, course: str) -> HttpResponse:
    course_obj = _get_course_for_manager(course)
    organisations = list(Organisation.objects.visible_to(request.user))
    form = CourseReportFilterForm(request.GET, organisations=organisations)
    if not form.is_valid():
        for message in form.error_messages_for_user():
            messages.error(request, message)
        url = reverse("ambassadors:course-report", kwargs={"course": course_obj.slug})
        query = form.valid_query()
        return redirect(f"{url}?{query}" if query else url)
    filters = form.filters()
    report = reports.course_report(manager=request.user, course=course_obj, filters=filters)
    response = _export(request, f"{course_obj.slug}-completion", report.tables())
    if response:
        return response

    counts = report.status_counts()
    total = counts[filters.status] if filters.status else sum(counts.values())
    per_page = form.per_page_value
    raw_page = request.GET.get("page", "")
    asked = page_number(raw_page)
    number = reports.clamp_page(asked or 1, total, per_page)
    if raw_page and asked != number:
        messages.warning(
            request,
            _("There is no page %(asked)s; showing page %(page)s.")
            % {"asked": raw_page[:20], "page": number},
        )
    page = report.page(number, per_page, total)
    return render(
        request,
        "ambassadors/course_report.html",
        {
            "course": course_obj,
            "report": report,
            "form": form,
            "counts": counts,
            "total": sum(counts.values()),
            "page": page,
            "rows": page.object_list,
            "status_choices": reports.ProgressStatus.choices(),
        },
    )


@_reports_access
def person_report(request: HttpRequest, person: int) -> HttpResponse:
    person_obj = _get_person_for_manager(request, person)
    report = reports.person_report(person=person_obj)
    response = _export(request, f"person-{person_obj.username}", report.tables())
    if response:
        return response
    return render(
        request,
        "ambassadors/person_report.html",
        {
            "report": report,
            "person": person_obj,
            "status_choices": reports.ProgressStatus.choices(),
        },
    )


@_reports_access
@require_http_methods(["GET", "POST"])
def staff_import(request: HttpRequest) -> HttpResponse:
    """Step 1: upload a file. Nothing is saved; the rows wait in the session for step 2."""
    form = StaffImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            staff_file = imports.read_staff_file(name=upload.name, content=upload.read())
        except imports.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            imports.session_store(
                request.session,
                rows=staff_file.rows,
                filename=upload.name,
                importer_id=request.user.pk,
            )
            for notice in staff_file.notices:
                messages.warning(request, notice)
            return redirect("ambassadors:staff-import-preview")
    return render(request, "ambassadors/staff_import.html", {"form": form})


@_reports_access
@require_http_methods(["GET", "POST"])
def staff_import_preview(request: HttpRequest) -> HttpResponse:
    """Step 2: what the file would change, row by row; confirming applies it all or nothing."""
    digest = request.POST.get("digest", "") if request.method == "POST" else None
    state = imports.session_load(request.session, importer_id=request.user.pk, digest=digest)
    if state is None:
        messages.error(
            request,
            _("This preview has expired or another file was uploaded since; upload it again."),
        )
        return redirect("ambassadors:staff-import")
    rows, filename, digest = state
    if request.method == "POST":
        try:
            outcome = imports.staff_import_apply(rows=rows, importer=request.user)
        except imports.ImportRejected as rejected:
            messages.error(request, _("Nothing was imported: some rows have errors now."))
            preview = rejected.preview
        except IntegrityError:
            messages.error(
                request,
                _("Nothing was imported: these accounts changed meanwhile. Please try again."),
            )
            return redirect("ambassadors:staff-import-preview")
        else:
            request.session.pop(imports.SESSION_KEY, None)
            audit_record(
                actor=request.user,
                verb=AuditEvent.Verb.STAFF_IMPORTED,
                target=filename,
                details={
                    "rows": len(rows),
                    "created": len(outcome.created),
                    "updated": outcome.updated,
                },
            )
            messages.success(
                request,
                _(
                    "Import done: %(created)s created (invitations sent), %(updated)s updated, "
                    "%(unchanged)s unchanged."
                )
                % {
                    "created": len(outcome.created),
                    "updated": outcome.updated,
                    "unchanged": outcome.unchanged,
                },
            )
            return redirect("ambassadors:staff-import")
    else:
        preview = imports.preview_import(rows=rows, importer=request.user)
    return render(
        request,
        "ambassadors/staff_import_preview.html",
        {"preview": preview, "filename": filename, "digest": digest},
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """My language and whether I get non-essential e-mail (reminders, digests)."""
    profile, _created = StaffProfile.objects.get_or_create(user=request.user)
    form = PreferencesForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your preferences are saved."))
        return redirect("ambassadors:preferences")
    return render(request, "ambassadors/preferences.html", {"form": form})


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
    services.assignment_delete(assignment=assignment_obj, actor=request.user)
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


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the friendly 500 page, or the 503 page when the database is what failed.

    Rendered without the request context, so it works with the database gone and needs
    nothing a broken request could lack.
    """
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable(request)
    return HttpResponseServerError(render_to_string("500.html"))
