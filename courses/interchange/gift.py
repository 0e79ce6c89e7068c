"""Moodle's GIFT format: read multiple-choice, multiple-answer and true/false questions, write
a quiz's questions back.

No well-kept GIFT parser exists on PyPI (the two there are unmaintained since 2017 and 2022),
so this is a small one, checked by property tests (export → parse gives the questions back) and
by Moodle's own documentation examples. What the quiz engine cannot run (short answer,
matching, numerical, essay, description, partial credit on a single-choice question) is refused
with the line it starts on, never silently changed.

Syntax read: ``// comment`` lines, ``$CATEGORY:`` lines (ignored), ``::name::`` (becomes the
question's key), ``[markdown]``/``[html]``/``[plain]``/``[moodle]`` (dropped), the text,
``{answers}`` anywhere in it (text after it makes a missing-word question: the answers' place
becomes ``_____``), ``=right``, ``~wrong``, ``~%50%weighted``, ``#choice feedback``,
``####general feedback``, ``{T}``/``{TRUE}``/``{F}``/``{FALSE}`` with ``#wrong#right`` feedback,
and the escapes ``\\~ \\= \\# \\{ \\} \\: \\\\ \\n``. Questions are separated by blank lines.
"""

import re
from collections.abc import Iterable

from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import LineError, ParsedChoice, ParsedQuestion, ParseResult, choice_problem

SPECIAL = "~=#{}:"
FORMATS = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


class _Refused(Exception):
    def __init__(self, offset: int, message: str):
        super().__init__(message)
        self.offset, self.message = offset, message


def _find(text: str, token: str, start: int = 0) -> int:
    """Index of the first ``token`` at or after ``start`` not preceded by an escape, or -1."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(token, i):
            return i
        i += 1
    return -1


def _split(text: str, markers: str) -> list[tuple[int, str]]:
    """Positions of the unescaped ``markers`` characters, with the character."""
    found, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in markers:
            found.append((i, text[i]))
        i += 1
    return found


def unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\n" if nxt == "n" else nxt if nxt in SPECIAL + "\\" else "\\" + nxt)
            i += 2
            continue
        out.append(text[i])
        i += 1
    return "".join(out).strip()


def escape(text: str) -> str:
    text = text.replace("\\", "\\\\").replace("\r\n", "\n").replace("\r", "\n")
    for char in SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _blocks(source: str) -> Iterable[tuple[int, str]]:
    """(first line number, text) of each question: lines between blank lines, comments out."""
    lines: list[str] = []
    start = 0
    for number, line in enumerate(source.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if stripped.startswith("$CATEGORY:") and not lines:
            continue
        if not stripped:
            if lines:
                yield start, "\n".join(lines)
                lines = []
            continue
        if not lines:
            start = number
        lines.append(line)
    if lines:
        yield start, "\n".join(lines)


def _weight(body: str, offset: int) -> tuple[float | None, str]:
    body = body.lstrip()
    if not body.startswith("%"):
        return None, body
    match = WEIGHT.match(body)
    if not match:
        # xgettext:no-python-format
        raise _Refused(offset, _("a weight is a number between two percent signs, as in ~%50%."))
    return float(match.group(1)), body[match.end() :]


def _feedback(body: str) -> tuple[str, str]:
    cut = _find(body, "#")
    if cut < 0:
        return unescape(body), ""
    return unescape(body[:cut]), unescape(body[cut + 1 :])


def _true_false(answers: str, labels: tuple[str, str]) -> tuple[str, list[ParsedChoice]] | None:
    parts = [answers]
    cut = _find(answers, "#")
    if cut >= 0:
        rest = answers[cut + 1 :]
        second = _find(rest, "#")
        parts = (
            [answers[:cut], rest]
            if second < 0
            else [answers[:cut], rest[:second], rest[second + 1 :]]
        )
    value = TRUE_FALSE.get(parts[0].strip().upper())
    if value is None:
        return None
    wrong_feedback = unescape(parts[1]) if len(parts) > 1 else ""
    right_feedback = unescape(parts[2]) if len(parts) > 2 else ""
    choices = [
        ParsedChoice(labels[0], value, right_feedback if value else wrong_feedback),
        ParsedChoice(labels[1], not value, wrong_feedback if value else right_feedback),
    ]
    return "true_false", choices


def _choices(answers: str, offset: int) -> tuple[str, str, list[ParsedChoice]]:
    """(kind, scoring, choices) of a multiple-choice answer block."""
    marks = _split(answers, "~=")
    if not marks:
        raise _Refused(offset, _("no answers: write =right and ~wrong answers between the braces."))
    if answers[: marks[0][0]].strip():
        raise _Refused(offset, _("text before the first answer: each answer starts with = or ~."))
    if not any(mark == "~" for _position, mark in marks):
        raise _Refused(
            offset,
            _(
                "short-answer and matching questions are not supported: give wrong answers "
                "with ~ to make a multiple-choice question."
            ),
        )
    parsed = []
    for index, (position, mark) in enumerate(marks):
        end = marks[index + 1][0] if index + 1 < len(marks) else len(answers)
        weight, body = _weight(answers[position + 1 : end], offset + position)
        text, explanation = _feedback(body)
        if not text:
            raise _Refused(offset + position, _("an answer has no text."))
        parsed.append((mark, weight, text, explanation))
    weighted = [p for p in parsed if p[0] == "~" and (p[1] or 0) > 0]
    equals = [p for p in parsed if p[0] == "="]
    if weighted and equals:
        raise _Refused(
            offset,
            _(
                "partial credit on a single-choice question is not supported: mark its one "
                "right answer with = and the others with ~, or give every right answer of a "
                "multiple-answer question a ~%…% weight."
            ),
        )
    if weighted:
        choices = [ParsedChoice(t, (w or 0) > 0, e) for _m, w, t, e in parsed]
        negative = any((w or 0) < 0 for _m, w, _t, _e in parsed)
        return "multiple", "partial" if negative else "all_or_nothing", choices
    if not equals:
        raise _Refused(offset, _("no right answer: mark it with =."))
    if len(equals) > 1 or any(w is not None and w != 100 for _m, w, _t, _e in equals):
        raise _Refused(
            offset,
            _(
                "a single-choice question has one right answer (=); for several right answers "
                "write them ~%50% (a multiple-answer question)."
            ),
        )
    return "single", "all_or_nothing", [ParsedChoice(t, m == "=", e) for m, _w, t, e in parsed]


def _question(block: str, labels: tuple[str, str]) -> ParsedQuestion:
    key, rest, base = "", block.lstrip(), len(block) - len(block.lstrip())
    if rest.startswith("::"):
        end = _find(rest, "::", 2)
        if end < 0:
            raise _Refused(base, _("the question name (::name::) is not closed."))
        key = slugify(unescape(rest[2:end]))[:80]
        base += end + 2
        rest = rest[end + 2 :]
    match = FORMATS.match(rest)
    if match:
        base += match.end()
        rest = rest[match.end() :]
    opening = _find(rest, "{")
    if opening < 0:
        raise _Refused(
            base,
            _(
                "no answers: a question needs {…} with its answers "
                "(descriptions are not supported)."
            ),
        )
    closing = _find(rest, "}", opening + 1)
    if closing < 0:
        raise _Refused(base + opening, _("the { is never closed by }."))
    if _find(rest, "{", closing + 1) >= 0:
        raise _Refused(
            base + closing, _("one question has one {…} block; separate questions by a blank line.")
        )
    before, after = rest[:opening], rest[closing + 1 :]
    text = unescape(before + "_____" + after if after.strip() else before)
    if not text:
        raise _Refused(base, _("the question has no text."))
    answers = rest[opening + 1 : closing]
    general = _find(answers, "####")
    feedback = ""
    if general >= 0:
        feedback, answers = unescape(answers[general + 4 :]), answers[:general]
    start = base + opening + 1
    if not answers.strip():
        raise _Refused(start, _("essay questions ({}) are not supported."))
    if answers.strip().startswith("#"):
        raise _Refused(start, _("numerical questions ({#…}) are not supported."))
    true_false = _true_false(answers.strip(), labels)
    if true_false:
        kind, choices = true_false
        scoring = "all_or_nothing"
    else:
        kind, scoring, choices = _choices(answers, start)
    problem = choice_problem(kind, choices)
    if problem:
        raise _Refused(start, problem)
    return ParsedQuestion(
        line=0, kind=kind, text=text, choices=choices, feedback=feedback, scoring=scoring, key=key
    )


def parse(source: str, *, true_label: str = "True", false_label: str = "False") -> ParseResult:
    """Every question of a GIFT text, and every question refused with its line number.

    ``true_label``/``false_label`` are the choice texts of true/false questions.
    """
    result = ParseResult()
    for line, block in _blocks(source):
        try:
            question = _question(block, (true_label, false_label))
        except _Refused as refused:
            at = line + block[: refused.offset].count("\n")
            result.errors.append(LineError(at, refused.message))
            continue
        question.line = line
        result.questions.append(question)
    if not result.questions and not result.errors:
        result.errors.append(LineError(1, _("No question found.")))
    return result


def _weight_text(count: int) -> str:
    value = 100 / count
    return str(int(value)) if value == int(value) else f"{value:.5f}"


def export(questions: Iterable) -> str:
    """GIFT text for questions (models or ParsedQuestion), each with its choices.

    Objects need ``key``, ``kind``, ``text``, ``feedback``, ``scoring`` and ``choices`` (a list
    of objects with ``text``, ``is_correct`` or ``correct``, ``explanation``).
    """
    out = []
    for question in questions:
        choices = _choices_of(question)
        correct = [getattr(c, "is_correct", getattr(c, "correct", False)) for c in choices]
        head = f"::{escape(question.key)}::" if question.key else ""
        lines = [f"{head}[markdown]{escape(question.text)}{{"]
        if question.kind == "true_false":
            right = choices[correct.index(True)]
            wrong = choices[correct.index(False)]
            lines[0] += "TRUE" if correct[0] else "FALSE"
            if wrong.explanation or right.explanation:
                lines[0] += "#" + escape(wrong.explanation)
            if right.explanation:
                lines[0] += "#" + escape(right.explanation)
        elif question.kind == "multiple":
            weight = _weight_text(sum(correct))
            penalty = question.scoring == "partial"
            for choice, is_correct in zip(choices, correct, strict=True):
                mark = f"%{weight}%" if is_correct else (f"%-{weight}%" if penalty else "%0%")
                lines.append(_answer("~" + mark, choice))
        else:
            for choice, is_correct in zip(choices, correct, strict=True):
                mark = "=%100%" if is_correct else "~%0%"
                lines.append(
                    _answer(mark if choice.text.lstrip().startswith("%") else mark[0], choice)
                )
        if question.feedback:
            lines.append("####" + escape(question.feedback))
        lines.append("}")
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n" if out else ""


def _choices_of(question) -> list:
    """A question's choices: a model's related manager or a parsed question's list."""
    choices = question.choices
    return list(choices.all() if hasattr(choices, "all") else choices)


def _answer(mark: str, choice) -> str:
    text = mark + escape(choice.text)
    return text + "#" + escape(choice.explanation) if choice.explanation else text
