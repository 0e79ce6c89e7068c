"""Forms of the ambassador programme."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from ambassadors.models import (
    ActionDecision,
    ActionType,
    Campaign,
    Organisation,
    Platform,
    PlatformDomain,
)
from ambassadors.programme.actions import ActionInput
from ambassadors.programme.links import check_post_link
from dianova_training.bidi import FreeTextField


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
    note = FreeTextField(
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
    note = FreeTextField(
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
