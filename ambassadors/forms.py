"""Forms of the managers' pages: report filters, assignments, staff import, e-mail preferences."""

import re
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Course

from .links import check_post_link
from .models import (
    ActionDecision,
    ActionType,
    Campaign,
    Organisation,
    Platform,
    PlatformDomain,
    StaffProfile,
    staff_in_scope,
)
from .reports import SORTS, CourseReportFilters, ProgressStatus
from .services import ActionInput

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


# --- Ambassador programme ------------------------------------------------------------------


def allowed_platforms() -> list[Platform]:
    return list(
        Platform.objects.filter(active=True).prefetch_related(
            Prefetch("domains", queryset=PlatformDomain.objects.order_by("domain"))
        )
    )


class JoinForm(forms.Form):
    read_notice = forms.BooleanField(
        label=_("I have read the privacy notice and I want to join the programme."),
        error_messages={"required": _("Please confirm you have read the privacy notice.")},
    )


class LeaveForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, I want to leave the ambassador programme."),
        error_messages={"required": _("Tick the box to confirm that you want to leave.")},
    )


class CharterAcceptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    accept = forms.BooleanField(
        label=_("I have read this charter and I will follow it."),
        error_messages={"required": _("Tick the box to accept the charter.")},
    )


class ChecklistForm(forms.Form):
    affiliation_added = forms.BooleanField(
        label=_(
            "I added the affiliation line to my profile (e.g. “I work for Dianova; "
            "opinions are my own”)."
        ),
        required=False,
    )
    privacy_reviewed = forms.BooleanField(
        label=_("I reviewed the privacy settings of the accounts I use."), required=False
    )
    profile_link = forms.CharField(
        label=_("Link to my public profile (optional)"),
        required=False,
        strip=True,
        help_text=_("Only if you wish; the app never visits or reads your accounts."),
    )

    def clean_profile_link(self) -> str:
        link = self.cleaned_data["profile_link"]
        if link:
            check_post_link(link, platform=None, platforms=allowed_platforms())
        return link


class ActionForm(forms.Form):
    """Log (or correct) an action. The rules of its type decide which fields are required."""

    action_type = forms.ModelChoiceField(
        label=_("What did you do?"),
        queryset=ActionType.objects.filter(active=True, automatic=""),
        empty_label=None,
    )
    platform = forms.ModelChoiceField(
        label=_("Platform"), queryset=Platform.objects.none(), required=False
    )
    url = forms.CharField(
        label=_("Link to the post"),
        required=False,
        strip=True,
        help_text=_("The public address of the post, starting with https://"),
    )
    language = forms.ChoiceField(label=_("Language of the post"), choices=settings.LANGUAGES)
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("No campaign"),
    )
    colleague = forms.ModelChoiceField(
        label=_("Colleague mentored"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Nobody"),
    )
    note = forms.CharField(
        label=_("Note for the trainer (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    follows_charter = forms.BooleanField(
        label=_(
            "This post follows the charter: my affiliation is disclosed, it contains no "
            "non-public information, and it is respectful."
        ),
        error_messages={"required": _("Only posts that follow the charter can be logged.")},
    )
    consent_confirmed = forms.BooleanField(
        label=_(
            "Everyone who can be recognised in it gave explicit, written consent "
            "(or no one can be recognised)."
        ),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.platforms = allowed_platforms()
        self.fields["platform"].queryset = Platform.objects.filter(active=True)
        self.fields["campaign"].queryset = Campaign.objects.running()
        colleagues = get_user_model().objects.none()
        organisation_id = getattr(getattr(user, "profile", None), "organisation_id", None)
        if organisation_id:
            colleagues = (
                get_user_model()
                .objects.filter(is_active=True, profile__organisation_id=organisation_id)
                .exclude(pk=user.pk)
                .order_by("first_name", "last_name", "username")
            )
        self.fields["colleague"].queryset = colleagues
        self.fields["colleague"].label_from_instance = lambda u: u.get_full_name() or u.username

    def clean(self):
        cleaned = super().clean()
        action_type: ActionType | None = cleaned.get("action_type")
        if action_type is None:
            return cleaned
        url = cleaned.get("url", "")
        if action_type.evidence_required and not url and "url" not in self.errors:
            self.add_error("url", _("Give the link to the post: this type needs it as evidence."))
        if url and "url" not in self.errors:
            try:
                cleaned["platform"] = check_post_link(
                    url, platform=cleaned.get("platform"), platforms=self.platforms
                )
            except ValidationError as error:
                self.add_error("url", error)
        if action_type.requires_campaign and not cleaned.get("campaign"):
            self.add_error("campaign", _("Choose the campaign you took part in."))
        if action_type.requires_colleague and not cleaned.get("colleague"):
            self.add_error("colleague", _("Choose the colleague you mentored."))
        if action_type.requires_consent and not cleaned.get("consent_confirmed"):
            self.add_error(
                "consent_confirmed",
                _(
                    "Stories and event coverage need everyone's consent: confirm it, or do "
                    "not post people who can be recognised."
                ),
            )
        return cleaned

    def to_input(self) -> ActionInput:
        data = self.cleaned_data
        return ActionInput(
            action_type=data["action_type"],
            url=data.get("url", ""),
            platform=data.get("platform"),
            language=data["language"],
            campaign=data.get("campaign"),
            colleague=data.get("colleague") if data["action_type"].requires_colleague else None,
            note=data.get("note", ""),
            follows_charter=data["follows_charter"],
            consent_confirmed=data.get("consent_confirmed", False),
        )

    @classmethod
    def initial_from(cls, action) -> dict:
        return {
            "action_type": action.action_type_id,
            "platform": action.platform_id,
            "url": action.url,
            "language": action.language,
            "campaign": action.campaign_id,
            "colleague": action.colleague_id,
            "note": action.note,
            "follows_charter": action.follows_charter,
            "consent_confirmed": action.consent_confirmed,
        }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=ActionDecision.Decision.choices)
    note = forms.CharField(
        label=_("Note for the member"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision and decision != ActionDecision.Decision.VERIFIED and not cleaned.get("note"):
            self.add_error("note", _("Say what to change, or why: the member reads this note."))
        return cleaned


class ReviewFilterForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All I review"),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("All")), *settings.LANGUAGES], required=False
    )
    action_type = forms.ModelChoiceField(
        label=_("Type"),
        queryset=ActionType.objects.filter(automatic=""),
        required=False,
        empty_label=_("All"),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class LeaderboardForm(forms.Form):
    PERIODS = [
        ("month", _("This month")),
        ("quarter", _("Last three months")),
        ("year", _("This year")),
        ("all", _("All time")),
    ]
    by = forms.ChoiceField(
        label=_("Teams"),
        choices=[("organisation", _("By organisation")), ("country", _("By country"))],
        required=False,
    )
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    organisation = forms.ModelChoiceField(
        label=_("People of"),
        queryset=Organisation.objects.all(),
        required=False,
        empty_label=_("My organisation"),
    )
    country = forms.ChoiceField(label=_("People of"), choices=[], required=False)

    def __init__(self, *args, countries: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("My country"))] + [(c, c) for c in countries]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class LeaderboardVisibilityForm(forms.Form):
    visible = forms.TypedChoiceField(
        choices=[("1", _("Show me")), ("0", _("Hide me"))], coerce=lambda v: v == "1"
    )
