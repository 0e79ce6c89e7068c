"""Load course content from the versioned YAML files in ``content/`` (see content/README.md).

Idempotent: items are matched by their stable ``key`` and updated in place, so loading
twice duplicates nothing and learners keep their completions and attempts. Items that
disappear from a file are unpublished, never deleted.

When a load changes a lesson or question of the original (French) version, the matching items
of its translations are flagged "needs update" (courses/translations.py), except where the
translation's own file changed the same item in the same load, or only its typography changed.
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.db import models, transaction

from . import structure
from .models import Choice, Course, Lesson, Module, Question, Quiz, Status
from .publishing import question_shape_problem
from .translations import content_changed, translations_flag_stale

SOURCE_LANGUAGE = "fr"
CONTENT_ROOT = Path(settings.BASE_DIR) / "content"


class ContentError(ValueError):
    """The content file does not follow content/README.md."""


@dataclass
class Changes:
    """The lessons and questions of one loaded version that were created or whose text changed."""

    lessons: list[Lesson] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)

    def lesson_keys(self) -> set[tuple[str, str]]:
        return {(lesson.module.key, lesson.key) for lesson in self.lessons}

    def question_keys(self) -> set[tuple[str, str]]:
        return {(question.quiz.key, question.key) for question in self.questions}


def _upsert(model: type[models.Model], lookup: dict, values: dict) -> tuple[models.Model, bool]:
    """Create or update the row found by ``lookup``, saving only when something differs.

    Returns the row and whether it is new or its content (not just its order) changed.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed, before, after = [], {}, {}
    for name, value in values.items():
        model_field = model._meta.get_field(name)
        if model_field.is_relation:
            current, value = getattr(obj, model_field.attname), value.pk if value else None
        else:
            current = getattr(obj, name)
        if current != value:
            changed.append(name)
            before[name], after[name] = current, value
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj, content_changed(changed, before=before, after=after)


def _require(data: dict, field: str, where: str):
    if not isinstance(data, dict) or field not in data or data[field] in (None, ""):
        raise ContentError(f"{where}: missing '{field}'")
    return data[field]


def _check_question(question: dict, where: str) -> None:
    kind = _require(question, "type", where)
    if kind not in Question.Kind.values:
        raise ContentError(f"{where}: unknown question type {kind!r}")
    choices = _require(question, "choices", where)
    correct = sum(1 for c in choices if c.get("correct"))
    problem = question_shape_problem(kind=kind, choices=len(choices), correct=correct)
    if problem:
        raise ContentError(f"{where}: {problem} ({len(choices)} choices, {correct} correct)")


def _load_quiz(
    course: Course, module: Module | None, data: dict, order: int, changes: Changes
) -> Quiz:
    where = f"quiz {data.get('key')!r}"
    questions = _require(data, "questions", where)
    draw = data.get("draw")
    if draw and draw > len(questions):
        raise ContentError(f"{where}: draws {draw} questions from a pool of {len(questions)}")
    review_policy = data.get("review_policy", Quiz.ReviewPolicy.AFTER_EACH_ATTEMPT)
    if review_policy not in Quiz.ReviewPolicy.values:
        raise ContentError(f"{where}: unknown review_policy {review_policy!r}")
    quiz, _created = Quiz.objects.update_or_create(
        course=course,
        key=_require(data, "key", where),
        defaults={
            "module": module,
            "title": _require(data, "title", where),
            "introduction": data.get("introduction", ""),
            "pass_mark": data.get("pass_mark", 80),
            "draw_count": draw,
            "shuffle_questions": data.get("shuffle_questions", True),
            "shuffle_choices": data.get("shuffle_choices", True),
            "attempts_allowed": data.get("attempts_allowed"),
            "time_limit_minutes": data.get("time_limit_minutes"),
            "review_policy": review_policy,
            "required": data.get("required", True),
            "order": order,
            "status": data.get("status", Status.PUBLISHED),
        },
    )
    keys = []
    for position, item in enumerate(questions, start=1):
        q_where = f"{where}, question {item.get('key')!r}"
        _check_question(item, q_where)
        scoring = item.get("scoring", Question.Scoring.ALL_OR_NOTHING)
        if scoring not in Question.Scoring.values:
            raise ContentError(f"{q_where}: unknown scoring {scoring!r}")
        question, changed = _upsert(
            Question,
            {"quiz": quiz, "key": _require(item, "key", q_where)},
            {
                "kind": item["type"],
                "text": _require(item, "text", q_where),
                "feedback": item.get("feedback", ""),
                "scoring": scoring,
                "order": position,
            },
        )
        keys.append(question.key)
        existing = list(question.choices.order_by("order", "pk"))
        for index, choice_data in enumerate(item["choices"]):
            values = {
                "text": _require(choice_data, "text", q_where),
                "is_correct": bool(choice_data.get("correct")),
                "explanation": choice_data.get("explanation", ""),
                "order": index + 1,
            }
            if index < len(existing):
                choice = existing[index]
                differs = [name for name, value in values.items() if getattr(choice, name) != value]
                if differs:
                    before = {name: getattr(choice, name) for name in differs}
                    for name in differs:
                        setattr(choice, name, values[name])
                    choice.save()
                    changed = changed or content_changed(differs, before=before, after=values)
            else:
                Choice.objects.create(question=question, **values)
                changed = True
        for extra in existing[len(item["choices"]) :]:
            extra.delete()
            changed = True
        if changed:
            question.quiz = quiz
            changes.questions.append(question)
    # Questions dropped from the file leave the pool; past attempts keep their snapshot.
    quiz.questions.exclude(key__in=keys).delete()
    return quiz


def _load_version(data: dict, original: Course | None) -> tuple[Course, Changes]:
    """Create or update one language version; report which lessons and questions changed."""
    changes = Changes()
    where = f"course {data.get('key')!r} [{data.get('language')}]"
    language = _require(data, "language", where)
    if language not in dict(settings.LANGUAGES):
        raise ContentError(f"{where}: unknown language {language!r}")
    course, _created = Course.objects.update_or_create(
        key=_require(data, "key", where),
        language=language,
        defaults={
            "slug": _require(data, "slug", where),
            "title": _require(data, "title", where),
            "summary": data.get("summary", ""),
            "description": data.get("description", ""),
            "translation_of": original,
            "status": Status.PUBLISHED,
            # Optional: kept as set in the admin when the file does not say.
            **({"sequential": data["sequential"]} if "sequential" in data else {}),
        },
    )
    module_keys, quiz_keys = [], []
    for m_order, m_data in enumerate(_require(data, "modules", where), start=1):
        m_where = f"{where}, module {m_data.get('key')!r}"
        module, _created = Module.objects.update_or_create(
            course=course,
            key=_require(m_data, "key", m_where),
            defaults={
                "title": _require(m_data, "title", m_where),
                "introduction": m_data.get("introduction", ""),
                "order": m_order,
                "status": m_data.get("status", Status.PUBLISHED),
            },
        )
        module_keys.append(module.key)
        lesson_keys = []
        for l_order, l_data in enumerate(_require(m_data, "lessons", m_where), start=1):
            l_where = f"{m_where}, lesson {l_data.get('key')!r}"
            lesson, changed = _upsert(
                Lesson,
                {"module": module, "key": _require(l_data, "key", l_where)},
                {
                    "title": _require(l_data, "title", l_where),
                    "kind": l_data.get("kind", Lesson.Kind.LESSON),
                    "body": _require(l_data, "body", l_where),
                    "order": l_order,
                    "status": l_data.get("status", Status.PUBLISHED),
                    **({"video_url": l_data["video_url"]} if "video_url" in l_data else {}),
                },
            )
            lesson_keys.append(lesson.key)
            if changed:
                lesson.module = module
                changes.lessons.append(lesson)
        module.lessons.exclude(key__in=lesson_keys).update(status=Status.DRAFT)
        if m_data.get("quiz"):
            quiz_keys.append(_load_quiz(course, module, m_data["quiz"], 1, changes).key)
    if data.get("final_quiz"):
        quiz_keys.append(_load_quiz(course, None, data["final_quiz"], 1, changes).key)
    course.modules.exclude(key__in=module_keys).update(status=Status.DRAFT)
    course.quizzes.exclude(key__in=quiz_keys).update(status=Status.DRAFT)
    structure.bump(course.pk)  # the bulk updates above send no signal
    return course, changes


@transaction.atomic
def load_course(data: dict, *, original: Course | None = None) -> Course:
    """Create or update one language version of a course from its parsed YAML.

    Loading an original flags the matching items of all its translations for what changed.
    """
    course, changes = _load_version(data, original)
    if original is None:
        translations_flag_stale(lessons=changes.lessons, questions=changes.questions)
    return course


@transaction.atomic
def load_versions(versions: list[dict]) -> list[Course]:
    """Load a source version, then its translations linked to it.

    What changed in the original flags the matching items of each translation, unless the
    translation's own file changed that item in this same load (its translator kept up).
    Translations that exist only in the database (made in the admin) are flagged too.
    """
    original, changes = _load_version(versions[0], None)
    courses = [original]
    own: dict[int, Changes] = {}
    for data in versions[1:]:
        course, translation_changes = _load_version(data, original)
        own[course.pk] = translation_changes
        courses.append(course)
    if not (changes.lessons or changes.questions):
        return courses
    for translation in Course.objects.filter(translation_of=original):
        done = own.get(translation.pk, Changes())
        lesson_keys, question_keys = done.lesson_keys(), done.question_keys()
        translations_flag_stale(
            lessons=[x for x in changes.lessons if (x.module.key, x.key) not in lesson_keys],
            questions=[x for x in changes.questions if (x.quiz.key, x.key) not in question_keys],
            only_in=translation,
        )
    return courses


def read_course_dir(folder: Path) -> list[dict]:
    """Parsed language files of one course folder, the source language first."""
    files = sorted(folder.glob("*.yaml"), key=lambda p: (p.stem != SOURCE_LANGUAGE, p.stem))
    result = []
    for path in files:
        with path.open(encoding="utf-8") as handle:
            try:
                data = yaml.safe_load(handle)
            except yaml.YAMLError as error:
                raise ContentError(f"{path}: not valid YAML ({error})") from error
        if not isinstance(data, dict):
            raise ContentError(f"{path}: expected a mapping at the top")
        if data.get("language") != path.stem:
            raise ContentError(f"{path}: language {data.get('language')!r} ≠ file name")
        result.append(data)
    return result


def load_course_dir(folder: Path) -> list[Course]:
    """Load every language of one course; translations are linked to the source version."""
    versions = read_course_dir(folder)
    if not versions:
        return []
    if versions[0]["language"] != SOURCE_LANGUAGE:
        raise ContentError(f"{folder}: the source file {SOURCE_LANGUAGE}.yaml is missing")
    return load_versions(versions)


def load_all(root: Path = CONTENT_ROOT) -> list[Course]:
    courses: list[Course] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        courses.extend(load_course_dir(folder))
    return courses
