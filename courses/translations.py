"""Language versions of one course: creating a translation and keeping it in step.

A *family* is an original course and its translations (``Course.translation_of``). Items are
matched across the versions of a family by their stable keys: a module by its key, a lesson by
its module's key and its own, a quiz by its key, a question by its quiz's key and its own
(choices belong to their question and are matched by order).

When the original's lesson or question changes, the matching items of every translation get
``needs_update_since``; a trainer clears it with "mark as reviewed" once the translation has
been checked. The admin and the content loader call these services; no signals.
"""

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import structure
from .models import Choice, Course, Lesson, Module, Question, Quiz, Status

# Fields whose change does not alter what a translation says: position, publication, identity.
NON_CONTENT_FIELDS = frozenset(
    {
        "id",
        "order",
        "status",
        "key",
        "module",
        "quiz",
        "course",
        "question",
        "needs_update_since",
        "updated_at",
        "DELETE",
    }
)


# Typography a fix of the original changes without changing what it says: no-break spaces
# (French puts a narrow one before : ; ? ! and inside « ») and the typographic apostrophe.
TYPOGRAPHY = str.maketrans({"\u202f": " ", "\u00a0": " ", "\u2019": "'"})


def wording(value):
    """A field's value as a translation follows it: typographic spaces and apostrophes aside."""
    return value.translate(TYPOGRAPHY) if isinstance(value, str) else value


def content_changed(
    changed_fields: Iterable[str], *, before: dict | None = None, after: dict | None = None
) -> bool:
    """Whether a change to these fields alters the text a translation must follow.

    Given the values ``before`` and ``after`` the change, a field whose wording is the same
    (only its typography changed, see ``wording``) does not count.
    """
    fields = set(changed_fields) - NON_CONTENT_FIELDS
    if before is not None and after is not None:
        fields = {name for name in fields if wording(before.get(name)) != wording(after.get(name))}
    return bool(fields)


# How a lesson or question is found again in another language version of its course: by its
# parent's key (module, quiz) and its own key; an item or parent without a key matches nothing.
# The learners' progress counts across versions by the same keys (see family.py, progress.py).
MATCH_PARENT = {Lesson: "module", Question: "quiz"}


def _matching(model, items: Iterable) -> Q | None:
    """The translations' items matching these items of originals (None if there are none)."""
    parent = MATCH_PARENT[model]
    rows = model.objects.filter(
        pk__in=[item.pk for item in items], **{f"{parent}__course__translation_of__isnull": True}
    ).exclude(Q(key="") | Q(**{f"{parent}__key": ""}))
    query = None
    for course_id, parent_key, key in rows.values_list(
        f"{parent}__course_id", f"{parent}__key", "key"
    ):
        match = Q(
            **{f"{parent}__course__translation_of_id": course_id, f"{parent}__key": parent_key},
            key=key,
        )
        query = match if query is None else query | match
    return query


def item_counterparts(item: Lesson | Question):
    """The same lesson or question in the other language versions of its course, by the keys
    (see MATCH_PARENT): ``(original's item or None, [(translation's item, its course)…])``;
    the first is set for an item of a translation, the list for an item of an original."""
    parent = MATCH_PARENT[type(item)]
    course = getattr(item, parent).course
    parent_key = getattr(item, parent).key
    if not (item.key and parent_key):
        return None, []
    same = (
        type(item)
        .objects.select_related(f"{parent}__course")
        .filter(**{f"{parent}__key": parent_key}, key=item.key)
    )
    if course.is_translation:
        return same.filter(**{f"{parent}__course_id": course.translation_of_id}).first(), []
    translations = same.filter(**{f"{parent}__course__translation_of": course})
    return None, [(match, getattr(match, parent).course) for match in translations]


@transaction.atomic
def translations_flag_stale(
    *,
    lessons: Iterable[Lesson] = (),
    questions: Iterable[Question] = (),
    only_in: Course | None = None,
    when: datetime | None = None,
) -> int:
    """Flag the translations' items matching these changed items of an original.

    Items that belong to a translation, or have no key, flag nothing: editing a translation
    never flags anything. ``only_in`` limits the flags to one translation. Items already
    flagged keep their earlier date. Returns how many items were newly flagged.
    """
    when = when or timezone.now()
    flagged = 0
    for model, matches, course_path in (
        (Lesson, _matching(Lesson, lessons), "module__course"),
        (Question, _matching(Question, questions), "quiz__course"),
    ):
        if matches is None:
            continue
        targets = model.objects.filter(matches, needs_update_since__isnull=True)
        if only_in is not None:
            targets = targets.filter(**{course_path: only_in})
        flagged += targets.update(needs_update_since=when)
    return flagged


@transaction.atomic
def translations_mark_reviewed(
    *, lessons: QuerySet[Lesson] | None = None, questions: QuerySet[Question] | None = None
) -> int:
    """Clear the "needs update" flag of these items. Returns how many were flagged."""
    cleared = 0
    for items in (lessons, questions):
        if items is not None:
            cleared += items.filter(needs_update_since__isnull=False).update(
                needs_update_since=None
            )
    return cleared


def stale_counts(courses: Iterable[Course]) -> dict[int, tuple[int, int]]:
    """Lessons and questions needing an update per course id: two queries."""
    ids = [course.pk for course in courses]
    lessons = dict(
        Lesson.objects.filter(module__course__in=ids, needs_update_since__isnull=False)
        .order_by()
        .values_list("module__course")
        .annotate(n=models.Count("pk"))
    )
    questions = dict(
        Question.objects.filter(quiz__course__in=ids, needs_update_since__isnull=False)
        .order_by()
        .values_list("quiz__course")
        .annotate(n=models.Count("pk"))
    )
    return {pk: (lessons.get(pk, 0), questions.get(pk, 0)) for pk in ids}


# --- Duplicating a course as a new translation -----------------------------------------------


def _copy(instance: models.Model, **overrides) -> models.Model:
    """A new, unsaved row with every concrete field of ``instance`` except its primary key.

    Generic on purpose: fields added to the content models later are copied too.
    """
    values = {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if not field.primary_key
    }
    if "needs_update_since" in values:
        values["needs_update_since"] = None
    values.update(overrides)
    return type(instance)(**values)


def _ensure_keys(course: Course) -> None:
    """Give every keyless module, lesson, quiz and question of ``course`` a key (from its id)
    so that the copies stay matched to it."""
    for model, prefix, course_path in (
        (Module, "module", "course"),
        (Lesson, "lesson", "module__course"),
        (Quiz, "quiz", "course"),
        (Question, "question", "quiz__course"),
    ):
        keyless = list(model.objects.filter(**{course_path: course}, key=""))
        for item in keyless:
            item.key = f"{prefix}-{item.pk}"
        model.objects.bulk_update(keyless, ["key"])
    structure.bump(course.pk)  # keys are part of the cached structure; bulk_update signals nothing


def _unique_slug(base: str) -> str:
    base = slugify(base)[:110].strip("-") or "course"
    slug, n = base, 1
    while Course.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def translation_languages(course: Course) -> list[tuple[str, str]]:
    """The interface languages in which ``course``'s family has no version yet (one query)."""
    taken = set(Course.objects.family_of(course).values_list("language", flat=True))
    return [(code, name) for code, name in settings.LANGUAGES if code not in taken]


@transaction.atomic
def course_duplicate(*, course: Course, language: str) -> Course:
    """Copy ``course`` with its modules, lessons, quizzes, questions and choices as a new
    draft translation in ``language`` of the family's original.

    Every row of the copy is new (nothing is shared with the source) and keeps its key, so
    the copy's items stay matched to the original's. Keyless items of the original get a key
    first. Raises ValidationError when the family already has a version in ``language``.
    A fixed number of queries whatever the size of the course.
    """
    original = course.translation_of or course
    if course.pk == original.pk:
        _ensure_keys(course)
    copy = _copy(
        course,
        slug=_unique_slug(f"{original.slug}-{language}"),
        language=language,
        translation_of_id=original.pk,
        status=Status.DRAFT,
    )
    copy.full_clean()
    try:
        with transaction.atomic():
            copy.save()
    except IntegrityError:
        # Another trainer created this language version at the same moment.
        raise ValidationError(
            _("This course already has a version in this language; edit that one instead.")
        ) from None

    modules = list(Module.objects.filter(course=course).order_by("pk"))
    new_modules = Module.objects.bulk_create([_copy(m, course_id=copy.pk) for m in modules])
    module_map = {old.pk: new.pk for old, new in zip(modules, new_modules, strict=True)}

    lessons = list(Lesson.objects.filter(module__course=course).order_by("pk"))
    Lesson.objects.bulk_create(
        [_copy(lesson, module_id=module_map[lesson.module_id]) for lesson in lessons]
    )

    quizzes = list(Quiz.objects.filter(course=course).order_by("pk"))
    new_quizzes = Quiz.objects.bulk_create(
        [
            _copy(
                quiz,
                course_id=copy.pk,
                module_id=module_map[quiz.module_id] if quiz.module_id else None,
            )
            for quiz in quizzes
        ]
    )
    quiz_map = {old.pk: new.pk for old, new in zip(quizzes, new_quizzes, strict=True)}

    questions = list(Question.objects.filter(quiz__course=course).order_by("pk"))
    new_questions = Question.objects.bulk_create(
        [_copy(question, quiz_id=quiz_map[question.quiz_id]) for question in questions]
    )
    question_map = {old.pk: new.pk for old, new in zip(questions, new_questions, strict=True)}

    choices = Choice.objects.filter(question__quiz__course=course).order_by("pk")
    Choice.objects.bulk_create(
        [_copy(choice, question_id=question_map[choice.question_id]) for choice in choices]
    )
    structure.bump(copy.pk)  # bulk_create signals nothing
    return copy
