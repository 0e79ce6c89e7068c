"""The managers' report pages and their exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ambassadors.models import AuditEvent, Organisation
from ambassadors.people.audit import audit_record
from ambassadors.reports import course as course_data
from ambassadors.reports import exports
from ambassadors.reports import overview as overview_data
from ambassadors.reports import person as person_data
from ambassadors.reports import reach as reach_data
from ambassadors.reports.forms import CourseReportFilterForm, page_number
from courses.models import Course


def reports_access(view):
    return login_required(
        permission_required("ambassadors.view_reports", raise_exception=True)(view)
    )


def _get_course_for_manager(slug: str) -> Course:
    """Reports cover published courses, and originals with a published translation (the
    report covers every language version); anything else is a 404."""
    return get_object_or_404(Course.objects.published() | Course.objects.in_use(), slug=slug)


def _get_person_for_manager(request: HttpRequest, person_id: int):
    """A person in the manager's scope; anyone else (or no one) is a 404."""
    return get_object_or_404(person_data.people_in_scope(request.user), pk=person_id)


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


@reports_access
def reports_overview(request: HttpRequest) -> HttpResponse:
    overview = overview_data.overview(manager=request.user)
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


@reports_access
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
    report = course_data.course_report(manager=request.user, course=course_obj, filters=filters)
    response = _export(request, f"{course_obj.slug}-completion", report.tables())
    if response:
        return response

    counts = report.status_counts()
    total = counts[filters.status] if filters.status else sum(counts.values())
    per_page = form.per_page_value
    raw_page = request.GET.get("page", "")
    asked = page_number(raw_page)
    number = course_data.clamp_page(asked or 1, total, per_page)
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
            "status_choices": course_data.ProgressStatus.choices,
        },
    )


@reports_access
def person_report(request: HttpRequest, person: int) -> HttpResponse:
    person_obj = _get_person_for_manager(request, person)
    report = person_data.person_report(person=person_obj)
    response = _export(request, f"person-{person_obj.username}", report.tables())
    if response:
        return response
    return render(
        request,
        "ambassadors/person_report.html",
        {
            "report": report,
            "person": person_obj,
            "status_choices": course_data.ProgressStatus.choices,
        },
    )


@reports_access
def reach_report(request: HttpRequest) -> HttpResponse:
    """Managers: the reach of their staff's tracked links, with its CSV/XLSX exports."""
    result = reach_data.reach(manager=request.user)
    response = _export(request, "share-kit-reach", result.tables())
    if response:
        return response
    return render(
        request,
        "ambassadors/reach_report.html",
        {"reach": result, "chart_data": result.chart_data()},
    )
