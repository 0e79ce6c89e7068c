"""The shape of a course file (content/README.md), checked before anything is loaded.

Every problem is collected with where it is (``modules[2] “m2” › lessons[1]``), so a trainer
fixes a file in one go; an unknown key, a wrong type or a value out of range refuses the file.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..media import validate_video_url
from ..models import Lesson, Question, Quiz, Status

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


@dataclass(frozen=True)
class F:
    """One key: its type, whether it is required, and its limits."""

    kind: type | tuple[type, ...]
    required: bool = False
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] | None = None
    slug: bool = False
    nullable: bool = False
    items: dict | None = None  # a list of mappings of this shape
    shape: dict | None = None  # a mapping of this shape


def _text(max_length=None, required=False, **kw) -> F:
    return F(str, required=required, max_length=max_length, **kw)


def _key() -> F:
    return F(str, required=True, max_length=80, slug=True)


def _count(minimum: int = 1, maximum: int = 32767) -> F:
    return F(int, minimum=minimum, maximum=maximum, nullable=True)


STATUS = tuple(Status.values)
CHOICE = {"text": _text(500, required=True), "correct": F(bool), "explanation": _text()}
QUESTION = {
    "key": _key(),
    "type": _text(required=True, choices=tuple(Question.Kind.values)),
    "text": _text(required=True),
    "feedback": _text(),
    "scoring": _text(choices=tuple(Question.Scoring.values)),
    "choices": F(list, required=True, items=CHOICE),
}
QUIZ = {
    "key": _key(),
    "title": _text(200, required=True),
    "introduction": _text(),
    "status": _text(choices=STATUS),
    "pass_mark": F(int, minimum=1, maximum=100),
    "draw": _count(),
    "attempts_allowed": _count(),
    "time_limit_minutes": _count(),
    "shuffle_questions": F(bool),
    "shuffle_choices": F(bool),
    "review_policy": _text(choices=tuple(Quiz.ReviewPolicy.values)),
    "required": F(bool),
    "questions": F(list, required=True, items=QUESTION),
}
LESSON = {
    "key": _key(),
    "title": _text(200, required=True),
    "kind": _text(choices=tuple(Lesson.Kind.values)),
    "status": _text(choices=STATUS),
    "body": _text(required=True),
    "video_url": _text(500),
}
MODULE = {
    "key": _key(),
    "title": _text(200, required=True),
    "introduction": _text(),
    "status": _text(choices=STATUS),
    "lessons": F(list, required=True, items=LESSON),
    "quiz": F(dict, shape=QUIZ),
}
COURSE = {
    "key": _key(),
    "language": _text(required=True, choices=tuple(code for code, _name in settings.LANGUAGES)),
    "slug": F(str, required=True, max_length=120, slug=True),
    "title": _text(200, required=True),
    "summary": _text(300),
    "description": _text(),
    "sequential": F(bool),
    "modules": F(list, required=True, items=MODULE),
    "final_quiz": F(dict, shape=QUIZ),
    # Read by the ambassador programme's loader (load_charter), not by a course import.
    "charter": F(dict),
}

TYPE_NAMES = {
    str: "text",
    int: "a whole number",
    bool: "true or false",
    list: "a list",
    dict: "a mapping",
}


def _type_name(kind) -> str:
    return TYPE_NAMES.get(kind, getattr(kind, "__name__", str(kind)))


def _check_value(value, spec: F, where: str, problems: list[str]) -> None:
    wrong_type = not isinstance(value, spec.kind) or (spec.kind is int and isinstance(value, bool))
    if wrong_type:
        problems.append(
            _("%(where)s: expected %(expected)s, found %(found)s.")
            % {"where": where, "expected": _type_name(spec.kind), "found": _type_name(type(value))}
        )
        return
    if spec.max_length is not None and len(value) > spec.max_length:
        problems.append(
            _("%(where)s: at most %(max)d characters (it has %(length)d).")
            % {"where": where, "max": spec.max_length, "length": len(value)}
        )
    if spec.slug and value and not SLUG.match(value):
        problems.append(
            _("%(where)s: use only letters, digits, - and _ (found %(value)r).")
            % {"where": where, "value": value}
        )
    if spec.choices is not None and value not in spec.choices:
        problems.append(
            _("%(where)s: %(value)r is not one of %(choices)s.")
            % {"where": where, "value": value, "choices": ", ".join(spec.choices)}
        )
    if spec.kind is int and (
        (spec.minimum is not None and value < spec.minimum)
        or (spec.maximum is not None and value > spec.maximum)
    ):
        problems.append(
            _("%(where)s: must be between %(min)d and %(max)d.")
            % {"where": where, "min": spec.minimum, "max": spec.maximum}
        )
    if spec.items is not None:
        for index, item in enumerate(value, start=1):
            label = item.get("key") if isinstance(item, dict) else None
            check_mapping(
                item, spec.items, f"{where}[{index}]" + (f" “{label}”" if label else ""), problems
            )
        _unique_keys(value, where, problems)
    if spec.shape is not None:
        check_mapping(value, spec.shape, where, problems)


def _unique_keys(items: list, where: str, problems: list[str]) -> None:
    seen = set()
    for item in items:
        key = item.get("key") if isinstance(item, dict) else None
        if isinstance(key, str) and key:
            if key in seen:
                problems.append(
                    _("%(where)s: the key %(key)r is used twice.") % {"where": where, "key": key}
                )
            seen.add(key)


def check_mapping(data, shape: dict, where: str, problems: list[str]) -> None:
    if not isinstance(data, dict):
        problems.append(
            _("%(where)s: expected a mapping (key: value), found %(found)s.")
            % {"where": where, "found": _type_name(type(data))}
        )
        return
    for name in data:
        if name not in shape:
            problems.append(
                _("%(where)s: unknown key %(key)r (known keys: %(known)s).")
                % {"where": where, "key": name, "known": ", ".join(shape)}
            )
    for name, spec in shape.items():
        label = f"{where} › {name}"
        if name not in data or data[name] is None:
            if spec.required:
                problems.append(_("%(where)s: missing.") % {"where": label})
            elif name in data and not spec.nullable:
                problems.append(
                    _("%(where)s: empty; remove the key or give a value.") % {"where": label}
                )
            continue
        if spec.required and data[name] == "":
            problems.append(_("%(where)s: empty.") % {"where": label})
            continue
        _check_value(data[name], spec, label, problems)


def course_problems(data) -> list[str]:
    """Everything wrong with a parsed course file (empty when it can be loaded)."""
    problems: list[str] = []
    check_mapping(data, COURSE, _("course"), problems)
    if problems:
        return problems
    quizzes = [m["quiz"] for m in data["modules"] if m.get("quiz")]
    if data.get("final_quiz"):
        quizzes.append(data["final_quiz"])
    _unique_keys(quizzes, _("quizzes"), problems)
    for module in data["modules"]:
        for lesson in module["lessons"]:
            if lesson.get("video_url"):
                try:
                    validate_video_url(lesson["video_url"])
                except ValidationError as error:
                    problems.append(f"{lesson['key']}: {' '.join(error.messages)}")
    return problems
