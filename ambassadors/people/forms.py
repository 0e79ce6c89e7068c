"""Forms of the people side: preferences, staff import, assignments."""

import re

from django import forms
from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassadors.models import (
    Organisation,
    StaffProfile,
    staff_in_scope,
)
from ambassadors.people.staff_files import excerpt
from courses.models import Course
from courses.titles import Titles
from dianova_training.bidi import FreeTextField


class PreferencesForm(forms.Form):
    """A person's own preferences; saved by ``services.preferences_save`` (the language
    through ``profile_change``, so assignments follow it)."""

    language = StaffProfile._meta.get_field("language").formfield()
    optional_email = StaffProfile._meta.get_field("optional_email").formfield()

    def __init__(self, *args, profile: StaffProfile, **kwargs):
        initial = {"language": profile.language, "optional_email": profile.optional_email}
        super().__init__(*args, initial=initial, **kwargs)


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
    people = FreeTextField(
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
        # One choice per course, named in the manager's language: an assignment reaches each
        # person on the version in their language (people/services.py, enrolments_sync).
        titles = Titles.load(quizzes=False)
        self.fields["course"].queryset = Course.objects.in_use().order_by("title")
        self.fields["course"].label_from_instance = titles.course
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
                params={"names": ", ".join(excerpt(name) for name in unknown[:20])},
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
