"""Moving questions and courses in and out: Moodle's GIFT and Aiken formats, and the course
YAML of ``content/``.

Parsers return plain data (``ParsedQuestion``) and every problem with its line number; nothing
here writes to the database except ``services.questions_import`` and ``course_yaml.import_course``,
which write everything or nothing.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from courses.publishing import question_shape_problem

# A pasted text or an uploaded file larger than this is refused before it is read.
MAX_QUESTIONS_BYTES = 512 * 1024
MAX_COURSE_BYTES = 2 * 1024 * 1024


class ImportRefused(ValueError):
    """The input cannot be imported as a whole; the message says why, for the trainer."""


@dataclass
class ParsedChoice:
    text: str
    correct: bool
    explanation: str = ""


@dataclass
class ParsedQuestion:
    """One question read from a file, with the line it starts on."""

    line: int
    kind: str  # Question.Kind values: single, multiple, true_false
    text: str
    choices: list[ParsedChoice] = field(default_factory=list)
    feedback: str = ""
    scoring: str = "all_or_nothing"
    key: str = ""


@dataclass
class LineError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("Line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ParseResult:
    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.questions) and not self.errors


def choice_problem(kind: str, choices: list[ParsedChoice]) -> str | None:
    """Why a question of ``kind`` with these choices cannot be saved, or None.

    The shape rule is ``publishing.question_shape_problem`` (also the admin's); then texts.
    """
    correct = sum(1 for choice in choices if choice.correct)
    problem = question_shape_problem(kind=kind, choices=len(choices), correct=correct)
    if problem:
        return problem
    if any(not choice.text.strip() for choice in choices):
        return _("Every choice needs a text.")
    if any(len(choice.text) > 500 for choice in choices):
        return _("A choice has at most 500 characters.")
    return None


def decode_upload(data: bytes, *, limit: int) -> str:
    """The text of an uploaded file: at most ``limit`` bytes of UTF-8 (a BOM is dropped)."""
    if len(data) > limit:
        raise ImportRefused(
            _("The file is too big: %(size)d KB, at most %(limit)d KB.")
            % {"size": len(data) // 1024, "limit": limit // 1024}
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            _("The file is not UTF-8 text (byte %(position)d). Save it as UTF-8 and try again.")
            % {"position": error.start + 1}
        ) from error
