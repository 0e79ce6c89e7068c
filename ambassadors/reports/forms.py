"""Forms of the managers' reports."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from ambassadors.models import Organisation
from ambassadors.reports.course import SORTS, CourseReportFilters, ProgressStatus

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
            (str(o.pk), o.label) for o in organisations
        ]
        countries = sorted({o.country for o in organisations})
        self.fields["country"].choices = [("", _("All countries"))] + [(c, c) for c in countries]
        self.fields["status"].choices = [("", _("Any status")), *ProgressStatus.choices]
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
