"""Moodle's Aiken format: single-choice questions, one per block.

```
What is the question?
A. A choice
B) Another choice
ANSWER: B
```

The question's text (one or more lines), then its choices (a capital letter, ``.`` or ``)``,
a space, the text), then ``ANSWER:`` and the right letter. Every problem is reported with its
line number; a question with a problem is not imported.
"""

import re

from django.utils.translation import gettext as _

from . import LineError, ParsedChoice, ParsedQuestion, ParseResult, choice_problem

CHOICE = re.compile(r"^([A-Z])[.)]\s+(\S.*)$")
ANSWER = re.compile(r"^ANSWER\s*:\s*(.*)$", re.IGNORECASE)


class _Question:
    def __init__(self, line: int):
        self.line = line
        self.text: list[str] = []
        self.letters: list[str] = []
        self.choices: list[str] = []
        self.error: LineError | None = None


def parse(source: str) -> ParseResult:
    result = ParseResult()
    current: _Question | None = None

    def fail(line: int, message: str) -> None:
        if current is not None and current.error is None:
            current.error = LineError(line, message)
            result.errors.append(current.error)

    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            if current is not None and current.choices and current.error is None:
                fail(current.line, _("this question has no “ANSWER: …” line."))
            if current is not None and (current.choices or current.error):
                current = None
            continue
        answer = ANSWER.match(line)
        choice = CHOICE.match(line)
        if current is None:
            current = _Question(number)
            if answer or choice:
                fail(number, _("a question starts with its text, before its choices."))
        if current.error is not None:
            if answer:
                current = None
            continue
        if answer:
            letter = answer.group(1).strip().upper()
            if not current.choices:
                fail(number, _("an ANSWER: line needs choices above it (A. …, B. …)."))
            elif letter not in current.letters:
                fail(
                    number,
                    _("the answer %(letter)s is not one of the choices (%(letters)s).")
                    % {"letter": letter or "—", "letters": ", ".join(current.letters)},
                )
            else:
                choices = [
                    ParsedChoice(text, current.letters[i] == letter)
                    for i, text in enumerate(current.choices)
                ]
                problem = choice_problem("single", choices)
                if problem:
                    fail(current.line, problem)
                else:
                    result.questions.append(
                        ParsedQuestion(
                            line=current.line,
                            kind="single",
                            text="\n".join(current.text),
                            choices=choices,
                        )
                    )
            current = None
            continue
        if choice:
            letter, text = choice.groups()
            if letter in current.letters:
                fail(number, _("the choice %(letter)s appears twice.") % {"letter": letter})
                continue
            current.letters.append(letter)
            current.choices.append(text.strip())
        elif current.choices:
            fail(number, _("expected a choice (“A. …”) or the “ANSWER: …” line."))
        else:
            current.text.append(line)
    if current is not None and current.error is None:
        fail(current.line, _("this question has no “ANSWER: …” line."))
    if not result.questions and not result.errors:
        result.errors.append(LineError(1, _("No question found.")))
    return result


def export(questions) -> str:
    """Aiken text for single-choice questions (the only kind Aiken has)."""
    blocks = []
    for question in questions:
        lines = [question.text.replace("\n", " ")]
        letter = ""
        for index, choice in enumerate(question.choices):
            lines.append(f"{chr(ord('A') + index)}. {choice.text}")
            if getattr(choice, "is_correct", getattr(choice, "correct", False)):
                letter = chr(ord("A") + index)
        lines.append(f"ANSWER: {letter}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
