"""A whole course as the YAML of ``content/`` (content/README.md), out and back in.

``export_course`` writes what ``load_content`` reads, so a course moves between servers, is
reviewed as a diff and comes back without loss: export → import into an empty database →
export gives the same file (tests/courses/test_course_yaml.py). Items made in the admin
without a content key get one in the file (``module-2``, ``q3``…), which the import keeps.
``import_course`` checks the whole file first (unknown keys, wrong types, limits) and loads it
in one transaction: a refused file saves nothing.
"""

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from ..content import ContentError, load_course
from ..models import Course, Question, Quiz, Status
from . import MAX_COURSE_BYTES, ImportRefused
from .schema import course_problems


class CourseRefused(ImportRefused):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class _Dumper(yaml.SafeDumper):
    """Multi-line text as ``|`` blocks, like the hand-written files."""


def _str(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _keys(items, prefix: str) -> list[str]:
    """Each item's content key, or a new one (``prefix-N``) unique among its siblings."""
    taken = {item.key for item in items if item.key}
    keys = []
    for position, item in enumerate(items, start=1):
        key = item.key
        if not key:
            key, extra = f"{prefix}-{position}", 1
            while key in taken:
                extra += 1
                key = f"{prefix}-{position}-{extra}"
            taken.add(key)
        keys.append(key)
    return keys


def _optional(data: dict, **values) -> dict:
    data.update({name: value for name, value in values.items() if value not in (None, "")})
    return data


def _quiz(quiz: Quiz, key: str) -> dict:
    data = {"key": key, "title": quiz.title}
    _optional(data, introduction=quiz.introduction)
    if quiz.status != Status.PUBLISHED:
        data["status"] = quiz.status
    data["pass_mark"] = quiz.pass_mark
    _optional(
        data,
        draw=quiz.draw_count,
        attempts_allowed=quiz.attempts_allowed,
        time_limit_minutes=quiz.time_limit_minutes,
    )
    data.update(
        shuffle_questions=quiz.shuffle_questions,
        shuffle_choices=quiz.shuffle_choices,
        review_policy=quiz.review_policy,
        required=quiz.required,
    )
    questions = list(quiz.questions.order_by("order", "pk").prefetch_related("choices"))
    data["questions"] = []
    for question, q_key in zip(questions, _keys(questions, "q"), strict=True):
        item = {"key": q_key, "type": question.kind, "text": question.text}
        _optional(item, feedback=question.feedback)
        if question.kind == Question.Kind.MULTIPLE and question.scoring != "all_or_nothing":
            item["scoring"] = question.scoring
        item["choices"] = [
            _optional({"text": c.text, "correct": c.is_correct}, explanation=c.explanation)
            for c in sorted(question.choices.all(), key=lambda c: (c.order, c.pk))
        ]
        data["questions"].append(item)
    return data


def course_data(course: Course) -> dict:
    """The course as the mapping of its content file; refuses what the format cannot hold."""
    modules = list(course.modules.order_by("order", "pk"))
    quizzes = list(course.quizzes.order_by("order", "pk"))
    final = [q for q in quizzes if q.module_id is None]
    problems = []
    if len(final) > 1:
        problems.append(
            _(
                "The course has %(count)d quizzes outside a module; "
                "the file holds one (the final quiz)."
            )
            % {"count": len(final)}
        )
    by_module: dict[int, list[Quiz]] = {}
    for quiz in quizzes:
        if quiz.module_id:
            by_module.setdefault(quiz.module_id, []).append(quiz)
    for module in modules:
        if len(by_module.get(module.pk, [])) > 1:
            problems.append(
                _("The module “%(module)s” has several quizzes; the file holds one per module.")
                % {"module": module.title}
            )
    if problems:
        raise CourseRefused(problems)
    quiz_keys = dict(zip(quizzes, _keys(quizzes, "quiz"), strict=True))
    data = {"key": course.key or course.slug, "language": course.language, "slug": course.slug}
    data["title"] = course.title
    _optional(data, summary=course.summary, description=course.description)
    if course.sequential:
        data["sequential"] = True
    data["modules"] = []
    for module, m_key in zip(modules, _keys(modules, "module"), strict=True):
        item = {"key": m_key, "title": module.title}
        _optional(item, introduction=module.introduction)
        if module.status != Status.PUBLISHED:
            item["status"] = module.status
        lessons = list(module.lessons.order_by("order", "pk"))
        item["lessons"] = []
        for lesson, l_key in zip(lessons, _keys(lessons, f"{m_key}-lesson"), strict=True):
            entry = {"key": l_key, "title": lesson.title, "kind": lesson.kind}
            if lesson.status != Status.PUBLISHED:
                entry["status"] = lesson.status
            entry["body"] = lesson.body
            _optional(entry, video_url=lesson.video_url)
            item["lessons"].append(entry)
        if by_module.get(module.pk):
            quiz = by_module[module.pk][0]
            item["quiz"] = _quiz(quiz, quiz_keys[quiz])
        data["modules"].append(item)
    if final:
        data["final_quiz"] = _quiz(final[0], quiz_keys[final[0]])
    return data


def export_course(course: Course) -> str:
    return yaml.dump(
        course_data(course), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )


def read_course(text: str) -> dict:
    """The parsed, checked course file; refuses (with every problem) what cannot be loaded."""
    if len(text.encode("utf-8")) > MAX_COURSE_BYTES:
        raise CourseRefused(
            [_("The file is too big: at most %(limit)d KB.") % {"limit": MAX_COURSE_BYTES // 1024}]
        )
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = _("line %(line)d") % {"line": mark.line + 1} if mark else _("the file")
        raise CourseRefused(
            [
                _("Not valid YAML at %(where)s: %(problem)s")
                % {"where": where, "problem": getattr(error, "problem", error)}
            ]
        ) from error
    problems = course_problems(data)
    if problems:
        raise CourseRefused(problems)
    return data


@transaction.atomic
def import_course(*, text: str) -> tuple[Course, bool]:
    """Create or update one language version of a course from its file; (course, created).

    A new course starts as a draft; an existing one keeps its status and its learners'
    progress (items are matched by key, as ``load_content`` does). A version in another
    language than an existing original with the same key becomes its translation.
    """
    data = read_course(text)
    existing = Course.objects.filter(key=data["key"], language=data["language"]).first()
    if existing is None:
        # A course made in the admin has no content key: its export used the slug.
        existing = Course.objects.filter(
            key="", slug=data["slug"], language=data["language"]
        ).first()
        if existing is not None:
            existing.key = data["key"]
            existing.save(update_fields=["key"])
    taken = Course.objects.filter(slug=data["slug"]).exclude(pk=getattr(existing, "pk", None))
    if taken.exists():
        raise CourseRefused(
            [_("The slug %(slug)r is already used by another course.") % {"slug": data["slug"]}]
        )
    if existing is not None:
        original = existing.translation_of
    else:
        original = (
            Course.objects.filter(key=data["key"], translation_of__isnull=True)
            .exclude(language=data["language"])
            .first()
        )
    try:
        course = load_course(data, original=original)
    except ContentError as error:
        raise CourseRefused([str(error)]) from error
    status = existing.status if existing is not None else Status.DRAFT
    if course.status != status:
        course.status = status
        course.save(update_fields=["status"])
    return course, existing is None
