"""The admin's import forms: paste or upload, size-checked before anything is read."""

from django import forms
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import (
    MAX_COURSE_BYTES,
    MAX_QUESTIONS_BYTES,
    ImportRefused,
    ParseResult,
    aiken,
    decode_upload,
    gift,
)


class _TextOrFileForm(forms.Form):
    """A text pasted or a file uploaded (one of them), as text, within ``limit`` bytes."""

    limit = MAX_QUESTIONS_BYTES
    text = forms.CharField(
        label=_("Paste the text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 90, "spellcheck": "false"}),
    )
    file = forms.FileField(label=_("or upload a file"), required=False)

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), data.get("text") or ""
        if upload and text.strip():
            raise forms.ValidationError(_("Paste a text or upload a file, not both."))
        if upload:
            if upload.size > self.limit:
                raise forms.ValidationError(
                    gettext("The file is too big: %(size)d KB, at most %(limit)d KB.")
                    % {"size": upload.size // 1024, "limit": self.limit // 1024}
                )
            try:
                text = decode_upload(upload.read(), limit=self.limit)
            except ImportRefused as error:
                raise forms.ValidationError(str(error)) from error
        elif len(text.encode("utf-8")) > self.limit:
            raise forms.ValidationError(
                gettext("The text is too long: at most %(limit)d KB.")
                % {"limit": self.limit // 1024}
            )
        if not text.strip():
            raise forms.ValidationError(_("Paste the questions or choose a file."))
        data["source"] = text
        return data


class QuestionsImportForm(_TextOrFileForm):
    FORMATS = [("gift", "GIFT"), ("aiken", "Aiken")]

    format = forms.ChoiceField(
        label=_("Format"), choices=FORMATS, initial="gift", widget=forms.RadioSelect
    )
    field_order = ["format", "text", "file"]

    def parse(self, language: str) -> ParseResult:
        """The questions read from the text (the form must be valid)."""
        source = self.cleaned_data["source"]
        if self.cleaned_data["format"] == "aiken":
            return aiken.parse(source)
        with translation.override(language):
            labels = {"true_label": gettext("True"), "false_label": gettext("False")}
        return gift.parse(source, **labels)


class CourseImportForm(_TextOrFileForm):
    limit = MAX_COURSE_BYTES
