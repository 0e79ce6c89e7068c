"""Forms of the managers' pages: report filters, assignments, staff import, e-mail preferences."""

import re
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Course

from .models import Organisation, StaffProfile, staff_in_scope
from .reports import SORTS, CourseReportFilters, ProgressStatus

PER_PAGE_CHOICES = [25, 50, 100, 200]
DEFAULT_PER_PAGE = 50
ASSIGNED = {"yes": True, "no": False}


class CourseReportFilterForm(forms.Form):
    """The course report's query string, checked against the manager's scope.

    Every choice offered comes from the organisations the manager may see, so a tampered
    value is simply not a valid choice: it is dropped with a message, never used.
    """

    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    assigned = forms.ChoiceField(
        label=_("Assignment"),
        required=False,
        choices=[("", _("Assigned or not")), ("yes", _("Assigned")), ("no", _("Not assigned"))],
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False)
    per_page = forms.ChoiceField(
        label=_("Rows per page"),
        required=False,
        initial=str(DEFAULT_PER_PAGE),
        choices=[(str(n), str(n)) for n in PER_PAGE_CHOICES],
    )

    MESSAGES = {
        "organisation": _("Unknown organisation; showing everyone in your scope."),
        "country": _("Unknown country; showing every country in your scope."),
        "status": _("Unknown status; showing every status."),
        "assigned": _("Unknown assignment filter; showing everyone."),
        "sort": _("Unknown sort order; sorting by name."),
        "per_page": _("Rows per page must be 25, 50, 100 or 200; showing 50."),
    }

    def __init__(self, data, *, organisations: list[Organisation]):
        super().__init__(data)
        self.organisations = {str(o.pk): o for o in organisations}
        self.fields["organisation"].choices = [("", _("All in my scope"))] + [
            (str(o.pk), o.name) for o in organisations
        ]
        countries = sorted({o.country for o in organisations})
        self.fields["country"].choices = [("", _("All countries"))] + [(c, c) for c in countries]
        self.fields["status"].choices = [("", _("Any status")), *ProgressStatus.choices()]
        sort_choices = []
        for key in SORTS:
            sort_choices += [(key, key), (f"-{key}", f"-{key}")]
        self.fields["sort"].choices = sort_choices

    def error_messages_for_user(self) -> list[str]:
        return [str(self.MESSAGES[name]) for name in self.errors if name in self.MESSAGES]

    def valid_query(self) -> str:
        """The query string keeping only the values that passed (for the redirect)."""
        cleaned = getattr(self, "cleaned_data", {})
        return urlencode({k: v for k, v in cleaned.items() if v and k not in self.errors})

    def filters(self) -> CourseReportFilters:
        data = self.cleaned_data
        return CourseReportFilters(
            organisation=self.organisations.get(data.get("organisation") or ""),
            country=data.get("country") or "",
            status=data.get("status") or "",
            assigned=ASSIGNED.get(data.get("assigned") or ""),
            sort=data.get("sort") or "name",
        )

    @property
    def per_page_value(self) -> int:
        return int(self.cleaned_data.get("per_page") or DEFAULT_PER_PAGE)


def page_number(raw: str) -> int | None:
    """The page asked for, or None when it is not a whole number (page=abc, page=1.5)."""
    raw = (raw or "1").strip()
    if not raw.lstrip("-").isdigit() or len(raw) > 12:
        return None
    return int(raw)


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = StaffProfile
        fields = ["language", "optional_email"]


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=_("Staff file (CSV or XLSX)"),
        help_text=_(
            "Columns: name, email, organisation (name or short name) and, optionally, "
            "language (en, fr, es, pt or it). The first row holds the column names."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.STAFF_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large (%(size)s KB); the limit is %(limit)s KB.")
                % {"size": upload.size // 1024, "limit": limit // 1024}
            )
        return upload


class AssignmentForm(forms.Form):
    """Assign a published course to organisations and/or people within the manager's scope."""

    course = forms.ModelChoiceField(
        label=_("Course"), queryset=Course.objects.none(), empty_label=_("Choose a course")
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone in these organisations, including staff who join later."),
    )
    people = forms.CharField(
        label=_("People"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Usernames or e-mail addresses, separated by commas or new lines."),
    )
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Optional. Leave empty for no deadline."),
    )

    def __init__(self, *args, manager, **kwargs):
        super().__init__(*args, **kwargs)
        self.manager = manager
        self.fields["course"].queryset = Course.objects.published().order_by("title", "language")
        self.fields["organisations"].queryset = Organisation.objects.visible_to(manager)

    def clean_people(self) -> list:
        raw = self.cleaned_data["people"]
        tokens = [t for t in re.split(r"[\s,;]+", raw) if t]
        if not tokens:
            return []
        if len(tokens) > 500:
            raise forms.ValidationError(_("At most 500 people at a time."))
        lowered = {t.lower() for t in tokens}
        found = list(
            staff_in_scope(self.manager)
            .annotate(email_lower=Lower("email"))
            .filter(Q(username__in=tokens) | Q(email_lower__in=lowered))
        )
        known = {u.username for u in found} | {u.email.lower() for u in found if u.email}
        unknown = [t for t in tokens if t not in known and t.lower() not in known]
        if unknown:
            raise forms.ValidationError(
                _("Not found among the staff you manage: %(names)s"),
                params={"names": ", ".join(unknown[:20])},
            )
        return found

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        if due_date and due_date < timezone.localdate():
            raise forms.ValidationError(_("The due date is in the past."))
        return due_date

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("organisations") and not cleaned.get("people"):
            raise forms.ValidationError(_("Choose at least one organisation or person."))
        return cleaned
