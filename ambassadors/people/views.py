"""Pages of the people side: the language switcher, preferences, assignments, staff import."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from ambassadors.models import Assignment, StaffProfile
from ambassadors.people import imports, services, staff_files
from ambassadors.people.forms import AssignmentForm, PreferencesForm, StaffImportForm
from ambassadors.reports import person as reports_person
from ambassadors.reports.views import reports_access
from dianova_training.redirects import redirect_back

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
        # Assigned courses follow the learner to the version in their new language.
        services.profile_change(user=request.user, language=language)
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


@reports_access
@require_http_methods(["GET", "POST"])
def staff_import(request: HttpRequest) -> HttpResponse:
    """Step 1: upload a file. Nothing is saved; the rows wait in the session for step 2."""
    form = StaffImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            staff_file = staff_files.read_staff_file(name=upload.name, content=upload.read())
        except staff_files.ImportFileError as error:
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


@reports_access
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
            outcome = imports.staff_import_apply(
                rows=rows, importer=request.user, filename=filename
            )
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
    profile = StaffProfile.objects.filter(user=request.user).first() or StaffProfile()
    form = PreferencesForm(request.POST or None, profile=profile)
    if request.method == "POST" and form.is_valid():
        services.preferences_save(user=request.user, **form.cleaned_data)
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
            "assignments": reports_person.assignments(manager=request.user),
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
