"""The quiz's questions as HTML (the attempt page and the trainer's preview), written here
rather than by a template: a quiz of 16 questions has some 80 options, and a template loop
costs about as much as the rest of the attempt page. The markup is exactly what
``courses/includes/question_fields.html`` used to render (``tests/courses/
test_question_rows.py`` holds that template and compares)."""

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from .forms import QuestionRow


def _question(row: QuestionRow) -> str:
    e = conditional_escape
    row_id = e(row.id)
    parts = [f'\n<fieldset class="quiz-question{" border-danger" if row.errors else ""}"']
    if row.help_text or row.errors:
        described = " ".join(
            ([f"{row_id}_errors"] if row.errors else [])
            + ([f"{row_id}_help"] if row.help_text else [])
        )
        parts.append(f' aria-describedby="{described}"')
    parts.append(f'>\n  <legend class="h5">{e(row.label)}</legend>\n  ')
    if row.help_text:
        parts.append(
            f'<p class="text-body-secondary small" id="{row_id}_help">{e(row.help_text)}</p>'
        )
    parts.append("\n  ")
    head = f'<input class="form-check-input" type="{e(row.type)}" name="{e(row.name)}" id="'
    disabled = " disabled" if row.disabled else ""
    for option in row.options:
        option_id = e(option.id)
        checked = " checked" if option.checked else ""
        parts.append(
            f'\n  <div class="form-check">\n    {head}{option_id}" value="{e(option.value)}"'
            f'{checked}{disabled}>\n    <label class="form-check-label" for="{option_id}">'
            f"{e(option.label)}</label>\n  </div>\n  "
        )
    parts.append("\n  ")
    if row.errors:
        errors = "".join(f'<p class="mb-0">{e(error)}</p>' for error in row.errors)
        parts.append(f'<div class="text-danger small mt-1" id="{row_id}_errors">{errors}</div>')
    parts.append("\n</fieldset>\n")
    return "".join(parts)


def question_fields_html(rows: list[QuestionRow]) -> SafeString:
    """Every question of the form with its options (each value escaped here)."""
    # Each value is escaped above; the markup around them is this module's own.
    return SafeString("".join(_question(row) for row in rows) + "\n")  # nosec B703
