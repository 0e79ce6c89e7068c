"""The learner's map of one course: modules, their steps, what is done and what comes next.

Built from a fixed number of queries (modules, lessons, quizzes, the learner's completions,
the learner's passed quizzes) whatever the size of the course.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch
from django.urls import reverse

from .models import Course, Lesson, LessonCompletion, Module, Quiz, QuizAttempt


@dataclass
class Step:
    kind: str  # "lesson", "activity" or "quiz"
    obj: Lesson | Quiz
    url: str
    done: bool
    required: bool = True

    @property
    def title(self) -> str:
        return self.obj.title


@dataclass
class ModuleOutline:
    module: Module | None
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
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 0

    @property
    def next_step(self) -> Step | None:
        """The first step not yet done, in course order."""
        return next((s for s in self.steps if not s.done), None)

    def neighbours(self, obj: Lesson | Quiz) -> tuple[Step | None, Step | None]:
        steps = self.steps
        for index, step in enumerate(steps):
            if type(step.obj) is type(obj) and step.obj.pk == obj.pk:
                previous = steps[index - 1] if index > 0 else None
                following = steps[index + 1] if index + 1 < len(steps) else None
                return previous, following
        return None, None


def build_outline(course: Course, user: AbstractBaseUser, *, include_drafts: bool = False):
    """The outline of ``course`` for ``user``; drafts included only for previewing trainers."""
    lessons = Lesson.objects.all() if include_drafts else Lesson.objects.published()
    quizzes = Quiz.objects.all() if include_drafts else Quiz.objects.published()
    modules_qs = Module.objects.filter(course=course)
    if not include_drafts:
        modules_qs = modules_qs.published()
    modules = list(
        modules_qs.prefetch_related(
            Prefetch("lessons", queryset=lessons.order_by("order", "pk")),
            Prefetch("quizzes", queryset=quizzes.order_by("order", "pk")),
        )
    )
    final_quizzes = list(quizzes.filter(course=course, module__isnull=True).order_by("order", "pk"))
    done_lessons = set(
        LessonCompletion.objects.filter(user=user, lesson__module__course=course).values_list(
            "lesson_id", flat=True
        )
    )
    passed_quizzes = set(
        QuizAttempt.objects.filter(user=user, quiz__course=course, passed=True).values_list(
            "quiz_id", flat=True
        )
    )

    def lesson_step(lesson: Lesson) -> Step:
        url = reverse("courses:lesson", kwargs={"course": course.slug, "lesson": lesson.pk})
        return Step(lesson.kind, lesson, url, lesson.pk in done_lessons)

    def quiz_step(quiz: Quiz) -> Step:
        url = reverse("courses:quiz", kwargs={"course": course.slug, "quiz": quiz.pk})
        return Step("quiz", quiz, url, quiz.pk in passed_quizzes, required=quiz.required)

    outline = [
        ModuleOutline(
            module,
            [lesson_step(lesson) for lesson in module.lessons.all()]
            + [quiz_step(quiz) for quiz in module.quizzes.all()],
        )
        for module in modules
    ]
    if final_quizzes:
        outline.append(ModuleOutline(None, [quiz_step(q) for q in final_quizzes]))
    return CourseOutline(course, outline)
