"""The learner's map of one course: modules, their steps, what is done and what comes next.

Built from the course's cached structure (``courses/structure.py``: no query once cached for
this version of the course) and the learner's record, read in one query whatever the size of
the course and its number of language versions; only the record is the learner's. A step is
done when the learner did it, or its keyed match, in any language version of the course
(``courses/family.py``).

It is also the one source of truth for sequencing: in a course whose steps unlock in order,
each step says whether it is ``locked`` and why, and the views refuse every URL of a locked
step (lesson page, "complete", quiz page, quiz start, attempts) from the same outline the
pages show.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from django.contrib.auth.models import AbstractBaseUser
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .family import FamilyRecord, family_record
from .models import Course, Lesson, Quiz
from .progress import percent
from .structure import LessonItem, ModuleItem, QuizItem, cache_key, course_structure


@dataclass
class Step:
    kind: str  # "lesson", "activity" or "quiz"
    obj: LessonItem | QuizItem
    url: str
    done: bool
    required: bool = True
    locked: bool = False
    locked_reason: str = ""
    module: ModuleItem | None = None
    current: bool = False  # the page being shown (marked by ``CourseOutline.mark_current``)

    @property
    def title(self) -> str:
        return self.obj.title

    @property
    def label(self) -> str:
        """The title as the outline shows it: "Quiz: …" or "Activity: …" for those kinds,
        unless the title already starts with that word (no "Quiz: Quiz du module 1")."""
        kinds = {
            "quiz": (_("Quiz"), _("Quiz: %(title)s")),
            "activity": (_("Activity"), _("Activity: %(title)s")),
        }
        if self.kind not in kinds:
            return self.title
        word, template = kinds[self.kind]
        if self.title.casefold().startswith(word.casefold()):
            return self.title
        return template % {"title": self.title}

    @property
    def minutes_label(self) -> str:
        """The reading time as the outline shows it ("4 min")."""
        minutes = self.obj.reading_minutes
        return ngettext("%(minutes)s min", "%(minutes)s min", minutes) % {"minutes": minutes}

    def is_for(self, obj) -> bool:
        """Whether this step is ``obj`` (a Lesson or Quiz, or their cached items)."""
        is_quiz = isinstance(obj, Quiz | QuizItem)
        return self.obj.pk == obj.pk and (self.kind == "quiz") == is_quiz


@dataclass
class ModuleOutline:
    module: ModuleItem | None
    steps: list[Step] = field(default_factory=list)

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.done and s.required)

    @property
    def required_count(self) -> int:
        return sum(1 for s in self.steps if s.required)


@dataclass
class CourseOutline:
    course: Course
    modules: list[ModuleOutline]
    structure_key: str = ""  # the cache key of the structure it was built from

    @property
    def steps(self) -> list[Step]:
        return [step for module in self.modules for step in module.steps]

    @property
    def steps_total(self) -> int:
        return sum(m.required_count for m in self.modules)

    @property
    def steps_done(self) -> int:
        return sum(m.done_count for m in self.modules)

    @property
    def percent(self) -> int:
        return percent(self.steps_done, self.steps_total)

    @property
    def next_step(self) -> Step | None:
        """The first step not yet done and open to the learner, in course order."""
        return next((s for s in self.steps if not s.done and not s.locked), None)

    @property
    def reading_minutes(self) -> int:
        """Estimated reading time of every lesson of the course."""
        return sum(s.obj.reading_minutes for s in self.steps if s.kind != "quiz")

    def step_for(self, obj: Lesson | Quiz) -> Step | None:
        """The step of ``obj`` in this outline (None when it is not part of it)."""
        return next((s for s in self.steps if s.is_for(obj)), None)

    def mark_current(self, obj: Lesson | Quiz) -> Step | None:
        """Mark the step of the page shown (the outline highlights it); returns it."""
        step = self.step_for(obj)
        if step is not None:
            step.current = True
        return step

    def neighbours(self, obj: Lesson | Quiz) -> tuple[Step | None, Step | None]:
        steps = self.steps
        for index, step in enumerate(steps):
            if step.is_for(obj):
                previous = steps[index - 1] if index > 0 else None
                following = steps[index + 1] if index + 1 < len(steps) else None
                return previous, following
        return None, None


@lru_cache(maxsize=8192)
def _step_url(name: str, kwarg: str, slug: str, pk: int, script_prefix: str) -> str:
    """A step's URL, reversed once per process (an outline links every step of the course)."""
    return reverse(name, kwargs={"course": slug, kwarg: pk})


def build_outline(
    course: Course,
    user: AbstractBaseUser,
    *,
    include_drafts: bool = False,
    record: FamilyRecord | None = None,
):
    """The outline of ``course`` for ``user``; drafts included only for previewing trainers.

    The structure comes from the cache of this course version; the learner's record from
    one query (never cached: it is only ever this learner's, read on this request), unless
    the page passes the ``record`` it read with the course (``lookups``, same request, before
    any write)."""
    structure = course_structure(course, include_drafts=include_drafts)
    # What the learner did in any language version counts here (matched by keys).
    if record is None:
        record = family_record(user, course)
    slug = course.slug

    def lesson_step(lesson: LessonItem, module: ModuleItem) -> Step:
        url = _step_url("courses:lesson", "lesson", slug, lesson.pk, get_script_prefix())
        done = record.lesson_done(lesson, lesson.module_key)
        return Step(lesson.kind, lesson, url, done, module=module)

    def quiz_step(quiz: QuizItem, module: ModuleItem | None) -> Step:
        url = _step_url("courses:quiz", "quiz", slug, quiz.pk, get_script_prefix())
        done = record.quiz_passed(quiz)
        return Step("quiz", quiz, url, done, required=quiz.required, module=module)

    outline = [
        ModuleOutline(
            module,
            [lesson_step(lesson, module) for lesson in lessons]
            + [quiz_step(quiz, module) for quiz in quizzes],
        )
        for module, lessons, quizzes in structure.modules
    ]
    if structure.final_quizzes:
        outline.append(
            ModuleOutline(None, [quiz_step(quiz, None) for quiz in structure.final_quizzes])
        )
    if course.sequential:
        _lock_in_order(outline)
    return CourseOutline(
        course, outline, structure_key=cache_key(course, include_drafts=include_drafts)
    )


def _lock_in_order(outline: list[ModuleOutline]) -> None:
    """Lock every step that comes after a required step not yet done.

    A step already done stays open (the learner may read it again). A module's quiz waiting
    for a lesson of its own module says so; anything else names the first missing step.
    """
    blocker: Step | None = None
    for part in outline:
        for step in part.steps:
            if blocker is not None and not step.done:
                step.locked = True
                if (
                    step.kind == "quiz"
                    and blocker.module is not None
                    and (blocker.module == step.module and blocker.kind != "quiz")
                ):
                    step.locked_reason = _("Complete every lesson of this module to open its quiz.")
                else:
                    step.locked_reason = _("Complete “%(step)s” first.") % {"step": blocker.title}
            if blocker is None and step.required and not step.done:
                blocker = step
