from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AttemptQuestion, QuizAttempt


class AttemptForm(forms.Form):
    """The questions of one attempt, as radio buttons or checkboxes.

    Field ``q<id>`` per AttemptQuestion; values are AttemptChoice ids of that question only,
    so a choice from another question or quiz is "not a valid choice". Nothing here knows
    which choices are correct.
    """

    def __init__(self, *args, attempt: QuizAttempt, require_all: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.attempt = attempt
        self.require_all = require_all
        self.attempt_questions: list[AttemptQuestion] = list(attempt.questions.all())
        for position, question in enumerate(self.attempt_questions, start=1):
            choices = [(str(c.pk), c.text) for c in question.choices.all()]
            label = _("Question %(number)s. %(text)s") % {"number": position, "text": question.text}
            if question.kind == "multiple":
                field = forms.MultipleChoiceField(
                    label=label,
                    choices=choices,
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                    help_text=_("Select all that apply."),
                )
                initial = [str(c.pk) for c in question.choices.all() if c.selected]
            else:
                field = forms.ChoiceField(
                    label=label, choices=choices, widget=forms.RadioSelect, required=False
                )
                picked = [str(c.pk) for c in question.choices.all() if c.selected]
                initial = picked[0] if picked else None
            field.attempt_question = question
            self.fields[f"q{question.pk}"] = field
            self.initial[f"q{question.pk}"] = initial

    def clean(self):
        cleaned = super().clean()
        if self.require_all and not self.errors:
            missing = [name for name in self.fields if not cleaned.get(name)]
            for name in missing:
                self.add_error(name, _("Please answer this question."))
        return cleaned

    def answers(self) -> dict[int, set[int]]:
        """Answered questions → picked choice ids, from validated data."""
        result: dict[int, set[int]] = {}
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if not value:
                continue
            values = value if isinstance(value, list) else [value]
            result[field.attempt_question.pk] = {int(v) for v in values}
        return result
