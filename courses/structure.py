"""The structure of one course version — its modules, lessons and quizzes, their order and
publication — cached per version of the course.

The key is ``Course.structure_version``, a column of the course row that every authoring change
bumps in the same transaction (the signals below for saves and deletes of modules, lessons and
quizzes; ``bump`` for bulk updates such as the content loader's) and that every request reads
with the course row it needs anyway. So no worker can serve a structure older than the course
row it has just read, whichever process or host made the change; nothing is ever deleted from
a cache, an old version's entry simply stops being asked for.

Two levels: a small dictionary in each process (no unpickling on a hit), then Django's cache
(shared by every worker and host with CACHE_URL), then the database (three queries). The
learner's progress is never part of it (see ``courses/outline.py``).
"""

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock
from typing import ClassVar

from django.core.cache import cache
from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import Course, Lesson, Module, Quiz, Status

TIMEOUT = 24 * 60 * 60  # an unused version leaves the shared cache after a day
LOCAL_ENTRIES = 256  # structures kept in each process


@dataclass(frozen=True, slots=True)
class ModuleItem:
    pk: int
    key: str
    title: str
    status: str


class _StepItem:
    """Equal to its model instance (``step.obj == lesson``) and to itself, by primary key."""

    __slots__ = ()
    model_name: ClassVar[str]

    def __eq__(self, other):
        if isinstance(other, _StepItem):
            return self.model_name == other.model_name and self.pk == other.pk
        meta = getattr(other, "_meta", None)
        if meta is not None:
            return meta.model_name == self.model_name and other.pk == self.pk
        return NotImplemented

    def __hash__(self):
        return hash((self.model_name, self.pk))


@dataclass(frozen=True, slots=True, eq=False)
class LessonItem(_StepItem):
    model_name: ClassVar[str] = "lesson"
    pk: int
    key: str
    title: str
    kind: str  # "lesson" or "activity"
    status: str
    reading_minutes: int
    module_key: str


@dataclass(frozen=True, slots=True, eq=False)
class QuizItem(_StepItem):
    model_name: ClassVar[str] = "quiz"
    pk: int
    key: str
    title: str
    status: str
    required: bool


@dataclass(frozen=True, slots=True)
class Structure:
    """Each module with its lessons and quizzes in course order, then the final quizzes."""

    modules: tuple[tuple[ModuleItem, tuple[LessonItem, ...], tuple[QuizItem, ...]], ...]
    final_quizzes: tuple[QuizItem, ...]


_local: OrderedDict[str, Structure] = OrderedDict()
_local_lock = Lock()


def cache_key(course: Course, *, include_drafts: bool) -> str:
    """The course's id and creation time (an id reused after a deletion is another course),
    and its structure version."""
    drafts = "drafts" if include_drafts else "published"
    created = course.created_at.timestamp() if course.created_at else 0
    return f"courses:structure:{course.pk}:{created}:{course.structure_version}:{drafts}"


def course_structure(course: Course, *, include_drafts: bool = False) -> Structure:
    """The structure of ``course`` at the version of this course row (published items only,
    unless ``include_drafts`` for previewing trainers)."""
    key = cache_key(course, include_drafts=include_drafts)
    structure = _local.get(key)
    if structure is None:
        structure = cache.get(key)
        if structure is None:
            structure = _build(course, include_drafts=include_drafts)
            cache.set(key, structure, TIMEOUT)
        with _local_lock:
            _local[key] = structure
            while len(_local) > LOCAL_ENTRIES:
                _local.popitem(last=False)
    return structure


def _lesson_item(lesson: Lesson, module: Module) -> LessonItem:
    return LessonItem(
        pk=lesson.pk,
        key=lesson.key,
        title=lesson.title,
        kind=lesson.kind,
        status=lesson.status,
        reading_minutes=lesson.reading_minutes,
        module_key=module.key,
    )


def _quiz_item(quiz: Quiz) -> QuizItem:
    return QuizItem(quiz.pk, quiz.key, quiz.title, quiz.status, quiz.required)


def _build(course: Course, *, include_drafts: bool) -> Structure:
    """Three queries: modules, lessons, quizzes (rarely: once per version and process)."""
    modules = Module.objects.filter(course=course)
    lessons = Lesson.objects.filter(module__course=course)
    quizzes = Quiz.objects.filter(course=course)
    if not include_drafts:
        modules = modules.filter(status=Status.PUBLISHED)
        lessons, quizzes = lessons.published(), quizzes.published()
    module_list = list(modules.order_by("order", "pk").only("pk", "key", "title", "status"))
    lesson_list = list(
        lessons.order_by("order", "pk").only(
            "pk", "key", "title", "kind", "status", "module_id", "body"
        )
    )
    quiz_list = list(
        quizzes.order_by("order", "pk").only(
            "pk", "key", "title", "status", "required", "module_id"
        )
    )
    parts = []
    for module in module_list:
        parts.append(
            (
                ModuleItem(module.pk, module.key, module.title, module.status),
                tuple(
                    _lesson_item(lsn, module) for lsn in lesson_list if lsn.module_id == module.pk
                ),
                tuple(_quiz_item(quiz) for quiz in quiz_list if quiz.module_id == module.pk),
            )
        )
    finals = tuple(_quiz_item(quiz) for quiz in quiz_list if quiz.module_id is None)
    return Structure(tuple(parts), finals)


# --- version stamps ---------------------------------------------------------------------


def bump(*course_ids: int) -> None:
    """A new structure version for these courses (call after any bulk change to them)."""
    ids = {pk for pk in course_ids if pk is not None}
    if ids:
        Course.objects.filter(pk__in=ids).update(structure_version=F("structure_version") + 1)


def _course_of(instance) -> int | None:
    if isinstance(instance, Lesson):
        return (
            Module.objects.filter(pk=instance.module_id).values_list("course_id", flat=True).first()
        )
    return instance.course_id


@receiver(pre_save, sender=Module)
@receiver(pre_save, sender=Lesson)
@receiver(pre_save, sender=Quiz)
def _remember_old_course(sender, instance, raw=False, **kwargs):
    """An item moved to another module or course changes both courses."""
    if raw or instance.pk is None:
        return
    old = sender.objects.filter(pk=instance.pk).first()
    instance._structure_old_course = _course_of(old) if old is not None else None


@receiver(post_save, sender=Module)
@receiver(post_save, sender=Lesson)
@receiver(post_save, sender=Quiz)
@receiver(post_delete, sender=Module)
@receiver(post_delete, sender=Lesson)
@receiver(post_delete, sender=Quiz)
def _bump_on_change(sender, instance, raw=False, **kwargs):
    if raw:
        return
    bump(_course_of(instance), getattr(instance, "_structure_old_course", None))
