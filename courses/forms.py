import re
from collections.abc import Sequence
from dataclasses import dataclass

from django import forms
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from .models import AttemptQuestion, Question

QUESTION_FIELD = re.compile(r"^q(\d+)$")
TOKEN_ERROR = _(
    "This page is out of date or was altered, so nothing was saved. Reload the page: "
    "your saved answers are kept."
)


class AttemptForm(forms.Form):
    """The questions of one attempt, as radio buttons or checkboxes, plus the attempt's token.

    Field ``q<id>`` per AttemptQuestion; values are AttemptChoice ids of that question only,
    so a choice from another question or quiz is "not a valid choice". ``questions`` carry
    their choices in ``shown_choices`` (see views.attempt_detail). Nothing here knows
    which choices are correct.

    ``token``: the attempt's token the POST must repeat, or None for a quiz preview.
    ``editable=False`` shows the saved answers read-only (the time is up).
    """

    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args,
        questions: Sequence[AttemptQuestion],
        token: str | None,
        require_all: bool = True,
        editable: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.expected_token = token
        self.require_all = require_all
        self.questions = list(questions)
        for position, question in enumerate(self.questions, start=1):
            choices = [(str(c.pk), c.text) for c in question.shown_choices]
            picked = [str(c.pk) for c in question.shown_choices if c.selected]
            label = _("Question %(number)s. %(text)s") % {"number": position, "text": question.text}
            if question.kind == Question.Kind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    label=label,
                    choices=choices,
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                    help_text=_("Select all that apply."),
                )
                initial = picked
            else:
                field = forms.ChoiceField(
                    label=label, choices=choices, widget=forms.RadioSelect, required=False
                )
                initial = picked[0] if picked else None
            field.attempt_question = question
            field.disabled = not editable
            self.fields[f"q{question.pk}"] = field
            self.initial[f"q{question.pk}"] = initial

    def clean_token(self) -> str:
        value = self.cleaned_data.get("token", "")
        if self.expected_token is not None and not constant_time_compare(
            value, self.expected_token
        ):
            raise forms.ValidationError(TOKEN_ERROR, code="token")
        return value

    def clean(self):
        cleaned = super().clean()
        if self.is_bound:
            unknown = [
                key for key in self.data if QUESTION_FIELD.match(key) and key not in self.fields
            ]
            if unknown:
                raise forms.ValidationError(
                    _("Some answers are for questions that are not in this attempt."),
                    code="unknown_question",
                )
        if self.require_all and not self.errors:
            for name in self.question_fields():
                if not cleaned.get(name):
                    self.add_error(name, _("Please answer this question."))
        return cleaned

    def question_fields(self) -> list[str]:
        return [name for name in self.fields if name != "token"]

    def question_rows(self) -> list["QuestionRow"]:
        """What ``courses/includes/question_fields.html`` shows of each question: the same
        names, ids, values and checked state as the fields' widgets would render, read from
        the bound data (or the saved answers) without building a widget per option."""
        rows = []
        for name in self.question_fields():
            bound = self[name]
            field = bound.field
            value = bound.value()
            values = value if isinstance(value, (list, tuple)) else [value]
            checked = {str(v) for v in values if v is not None}
            auto_id = bound.auto_id
            rows.append(
                QuestionRow(
                    name=bound.html_name,
                    id=auto_id,
                    label=field.label,
                    help_text=field.help_text,
                    errors=bound.errors,
                    type="checkbox" if isinstance(field, forms.MultipleChoiceField) else "radio",
                    disabled=field.disabled,
                    options=[
                        OptionRow(
                            id=f"{auto_id}_{index}",
                            value=str(choice_value),
                            label=choice_label,
                            checked=str(choice_value) in checked,
                        )
                        for index, (choice_value, choice_label) in enumerate(field.choices)
                    ],
                )
            )
        return rows

    def answers(self) -> dict[int, set[int]]:
        """Every question → its picked choice ids (empty when unanswered), from valid data."""
        result: dict[int, set[int]] = {}
        for name in self.question_fields():
            value = self.cleaned_data.get(name) or []
            values = value if isinstance(value, list) else [value]
            result[self.fields[name].attempt_question.pk] = {int(v) for v in values}
        return result


@dataclass(slots=True)
class ShownChoice:
    pk: int
    text: str
    selected: bool


@dataclass(slots=True)
class ShownQuestion:
    """An attempt's question as its page shows it (what ``AttemptForm`` reads of an
    ``AttemptQuestion`` with ``shown_choices``), without model instances."""

    pk: int
    kind: str
    text: str
    shown_choices: list[ShownChoice]


def shown_questions(rows) -> list[ShownQuestion]:
    """``ShownQuestion``s from ``lookups.ATTEMPT_SHOWN`` rows (in order)."""
    questions: dict[int, ShownQuestion] = {}
    for question_id, kind, text, choice_id, choice_text, selected in rows:
        question = questions.get(question_id)
        if question is None:
            question = questions[question_id] = ShownQuestion(question_id, kind, text, [])
        if choice_id is not None:
            question.shown_choices.append(ShownChoice(choice_id, choice_text, selected))
    return list(questions.values())


@dataclass(frozen=True)
class OptionRow:
    id: str
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class QuestionRow:
    name: str
    id: str
    label: str
    help_text: str
    errors: list
    type: str
    disabled: bool
    options: list[OptionRow]


def parse_id(value) -> int | None:
    """An id sent as a JSON number or a string of ASCII digits; None for anything else."""
    if type(value) is int:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 20:
        return int(value)
    return None


@dataclass(frozen=True)
class ChoiceShape:
    pk: int


@dataclass(frozen=True)
class QuestionShape:
    """What validating an answer needs of a snapshot question: its kind and choice ids."""

    pk: int
    kind: str
    shown_choices: tuple[ChoiceShape, ...]


def question_shapes(rows) -> list[QuestionShape]:
    """Shapes from ``(question id, kind, choice id)`` rows (one query: see the views)."""
    kinds: dict[int, str] = {}
    choices: dict[int, list[ChoiceShape]] = {}
    for question_id, kind, choice_id in rows:
        kinds[question_id] = kind
        choices.setdefault(question_id, []).append(ChoiceShape(choice_id))
    return [QuestionShape(pk, kind, tuple(choices[pk])) for pk, kind in kinds.items()]


def answers_from_payload(
    payload, *, questions: Sequence[AttemptQuestion | QuestionShape]
) -> dict[int, set[int]]:
    """Validate an autosave body ``{"token": …, "answers": {"<question id>": [choice ids]}}``.

    The token is checked by the caller. Returns AttemptQuestion id → AttemptChoice ids; raises
    ValidationError, naming the first problem, when any part is not an answer to this attempt:
    nothing is saved partially.
    """
    answers = payload.get("answers") if isinstance(payload, dict) else None
    if not isinstance(answers, dict) or not answers:
        raise forms.ValidationError(_("No answers were sent."), code="empty")
    by_id = {question.pk: question for question in questions}
    result: dict[int, set[int]] = {}
    for raw_question, raw_choices in answers.items():
        question = by_id.get(parse_id(raw_question))
        if question is None:
            raise forms.ValidationError(
                _("Some answers are for questions that are not in this attempt."),
                code="unknown_question",
            )
        if not isinstance(raw_choices, list):
            raise forms.ValidationError(_("Answers must be lists of choices."), code="invalid")
        allowed = {choice.pk for choice in question.shown_choices}
        picked = {parse_id(value) for value in raw_choices}
        if not picked <= allowed:
            raise forms.ValidationError(
                _("Some choices do not belong to their question."), code="invalid_choice"
            )
        if question.kind != Question.Kind.MULTIPLE and len(picked) > 1:
            raise forms.ValidationError(
                _("Only one choice may be picked for this question."), code="too_many"
            )
        result[question.pk] = picked
    return result
