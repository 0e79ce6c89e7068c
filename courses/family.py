"""One learner, one record: what a learner did in any language version of a course counts in
every version that has the same step.

A *family* is an original course and its translations (``Course.translation_of``). Steps are
matched across the family by the stable keys the content already has: a lesson by its
module's key and its own key, a quiz by its key. A step without a key (or a lesson whose
module has none) matches only itself, so a step that exists in one language version only
counts only there.

The course page ("outline"), "My training" and completion (``with_family_progress``) read the
learner's record through these helpers; the managers' reports use ``progress.py``, which
applies the same matching to many learners at once. Completion, the certificate and the
programme's points belong to the family: one of each, whichever version was finished.

No query here grows with the number of language versions: the family is "the original's id,
or a translation of it", two indexed columns of the course row.
"""

from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    Expression,
    F,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from dianova_training.prepared import PreparedQuery

from .models import (
    Certificate,
    Course,
    CourseCompletion,
    Enrolment,
    Lesson,
    LessonCompletion,
    Quiz,
    QuizAttempt,
    SubqueryCount,
)


def in_family(course: Course, path: str = "") -> Q:
    """Rows whose course (reached through ``path``, e.g. ``"lesson__module__course"``) is a
    language version of ``course``'s family. No subquery: two columns of the course row."""
    return _in_family_of(course.original_id, path)


def _in_family_of(original: int | Expression, path: str = "") -> Q:
    """``original``: the family's original id, or an expression for it (a correlated one in
    ``record_annotations``)."""
    if not path:
        return Q(pk=original) | Q(translation_of=original)
    return Q(**{path: original}) | Q(**{f"{path}__translation_of": original})


@dataclass
class FamilyRecord:
    """The steps a learner has done anywhere in one course family (two queries to build)."""

    lesson_ids: set[int] = field(default_factory=set)
    lesson_keys: set[tuple[str, str]] = field(default_factory=set)
    quiz_ids: set[int] = field(default_factory=set)
    quiz_keys: set[str] = field(default_factory=set)

    def lesson_done(self, lesson: Lesson, module_key: str | None = None) -> bool:
        """Whether ``lesson`` (of a course of this family) is done, in any language."""
        if lesson.pk in self.lesson_ids:
            return True
        module_key = lesson.module.key if module_key is None else module_key
        return bool(lesson.key and module_key) and (module_key, lesson.key) in self.lesson_keys

    def quiz_passed(self, quiz: Quiz) -> bool:
        """Whether ``quiz`` (of a course of this family) is passed, in any language."""
        return quiz.pk in self.quiz_ids or (bool(quiz.key) and quiz.key in self.quiz_keys)


def _record_steps(user_id: int, original_id: int) -> QuerySet:
    """The learner's completed lessons and passed quizzes in a family, as one UNION ALL of
    ``(kind, id, module key, key)`` rows."""
    original = Course(pk=original_id)  # only its id is read (``in_family``)
    original.translation_of_id = None
    lessons = (
        LessonCompletion.objects.filter(
            in_family(original, "lesson__module__course"), user_id=user_id
        )
        .annotate(
            step=Value("lesson"),
            step_id=F("lesson_id"),
            step_module_key=F("lesson__module__key"),
            step_key=F("lesson__key"),
        )
        .values_list("step", "step_id", "step_module_key", "step_key")
        .order_by()
    )
    quizzes = (
        QuizAttempt.objects.filter(
            in_family(original, "quiz__course"), user_id=user_id, passed=True
        )
        .annotate(
            step=Value("quiz"),
            step_id=F("quiz_id"),
            step_module_key=Value(""),
            step_key=F("quiz__key"),
        )
        .values_list("step", "step_id", "step_module_key", "step_key")
        .order_by()
    )
    return lessons.union(quizzes, all=True).order_by()


# Read on every course, lesson and quiz page: compiled once (dianova_training/prepared.py).
RECORD_STEPS = PreparedQuery(_record_steps, user_id=-5_550_001, original_id=-5_550_002)


def family_record(user, course: Course) -> FamilyRecord:
    """What ``user`` has done in ``course``'s family: lessons completed and quizzes passed.

    One query (the completions and the passed attempts as one UNION ALL), whatever the number
    of language versions.
    """
    return _record_of(RECORD_STEPS.values(user_id=user.pk, original_id=course.original_id))


def _record_of(steps) -> FamilyRecord:
    """A ``FamilyRecord`` from ``(kind, id, module key, key)`` rows ("lesson" or "quiz")."""
    record = FamilyRecord()
    for step, step_id, module_key, key in steps:
        if step == "lesson":
            record.lesson_ids.add(step_id)
            if module_key and key:
                record.lesson_keys.add((module_key, key))
        else:
            record.quiz_ids.add(step_id)
            if key:
                record.quiz_keys.add(key)
    return record


# The record carried as text by a lookup (``record_annotations``): a step's fields joined by
# the unit separator, steps by the record separator (keys are slugs: neither occurs in them).
_FIELD, _STEP = "\x1f", "\x1e"


def _joined(rows: QuerySet, *fields) -> Subquery:
    """The ``fields`` of every row of ``rows`` (one learner's) as one text, NULL for none."""
    parts = []
    for index, name in enumerate(fields):
        if index:
            parts.append(Value(_FIELD))
        parts.append(Cast(name, TextField()) if name.endswith("_id") else F(name))
    text = StringAgg(Concat(*parts, output_field=TextField()), Value(_STEP))
    return Subquery(rows.order_by().values("user_id").annotate(_text=text).values("_text")[:1])


def record_annotations(user_id: int, course_path: str = "") -> dict:
    """Annotations that carry ``family_record`` on the row of a lookup: a Course query, or one
    reaching the course through ``course_path`` (``"module__course"`` for lessons). A learner's
    page reads its course (or lesson) and their record in the same round trip; ``record_from``
    reads them back. Same rows as ``family_record``'s query: completions of a lesson and
    passed attempts of a quiz of any version of the course's family."""
    prefix = f"{course_path}__" if course_path else ""
    family = Coalesce(OuterRef(f"{prefix}translation_of"), OuterRef(course_path or "pk"))
    lessons = LessonCompletion.objects.filter(
        _in_family_of(family, "lesson__module__course"), user_id=user_id
    )
    quizzes = QuizAttempt.objects.filter(
        _in_family_of(family, "quiz__course"), user_id=user_id, passed=True
    )
    return {
        "_record_lessons": _joined(lessons, "lesson_id", "lesson__module__key", "lesson__key"),
        "_record_quizzes": _joined(quizzes, "quiz_id", "quiz__key"),
    }


def record_from(row) -> FamilyRecord:
    """The ``FamilyRecord`` a row annotated by ``record_annotations`` carries."""

    def steps():
        for step in filter(None, (row._record_lessons or "").split(_STEP)):
            step_id, module_key, key = step.split(_FIELD, 2)
            yield "lesson", int(step_id), module_key, key
        for step in filter(None, (row._record_quizzes or "").split(_STEP)):
            step_id, key = step.split(_FIELD, 1)
            yield "quiz", int(step_id), "", key

    return _record_of(steps())


def _family_id(path: str):
    """The id of the family's original for rows reaching a course through ``path``."""
    return Coalesce(f"{path}__translation_of", path)


def _family_certificate(user_id: int, original_id: int):
    certificates = Certificate.objects.filter(_in_family_of(original_id, "course"), user_id=user_id)
    return (certificates if certificates.ordered else certificates.order_by("pk"))[:1]


# Read on every course page: compiled once (dianova_training/prepared.py).
FAMILY_CERTIFICATE = PreparedQuery(_family_certificate, user_id=-5_550_003, original_id=-5_550_004)


def family_certificate(user, course: Course) -> Certificate | None:
    """The learner's certificate for ``course``'s family, whichever version issued it."""
    return FAMILY_CERTIFICATE.first(user_id=user.pk, original_id=course.original_id)


def family_completion(user, course: Course) -> CourseCompletion | None:
    """The learner's completion of ``course``'s family (the earliest), or None."""
    return (
        CourseCompletion.objects.filter(in_family(course, "course"), user=user)
        .order_by("completed_at")
        .first()
    )


def quiz_passed_in_family(user, quiz: Quiz) -> bool:
    """Whether ``user`` passed ``quiz`` or its version in another language (one query)."""
    same = Q(quiz=quiz)
    if quiz.key:
        same |= Q(in_family(quiz.course, "quiz__course"), quiz__key=quiz.key)
    return QuizAttempt.objects.filter(same, user=user, passed=True).exists()


def with_family_progress(courses: QuerySet, user, *, today=None) -> QuerySet:
    """Annotate a Course queryset with one learner's progress, counted across each family.

    ``steps_total`` / ``steps_done``: the course's own published lessons and published
    required quizzes, each done when the learner did it, or its keyed match, in any version.
    ``completed_at``: the family's earliest completion. ``certificate_code``: a valid
    certificate of the family. Enrolment facts over the family: ``assigned`` (any version),
    ``due_date`` (earliest), ``last_activity_at`` (latest); ``overdue`` once the due date
    has passed without completion (``today``: by default the current date). One
    query whatever the number of courses and versions. ``user``: a user or a user's id.
    """
    lessons = (
        Lesson.objects.published()
        .filter(module__course=OuterRef("pk"))
        .annotate(family=_family_id("module__course"))
    )
    # Done here, or its keyed match done in another version: two EXISTS rather than one
    # over an OR, so that PostgreSQL answers the first by the (user, lesson) index and
    # looks for a keyed match only for what was not done here (EXPLAIN ANALYZE of "My
    # training": 2.2 ms → see bench/notes.md).
    lesson_done_here = LessonCompletion.objects.filter(user=user, lesson=OuterRef("pk"))
    lesson_done_elsewhere = (
        LessonCompletion.objects.filter(user=user)
        .annotate(family=_family_id("lesson__module__course"))
        .filter(
            family=OuterRef("family"),
            lesson__key=OuterRef("key"),
            lesson__module__key=OuterRef("module__key"),
        )
        .exclude(lesson__key="")
        .exclude(lesson__module__key="")
    )
    quizzes = (
        Quiz.objects.published()
        .filter(course=OuterRef("pk"), required=True)
        .annotate(family=_family_id("course"))
    )
    quiz_passed_here = QuizAttempt.objects.filter(user=user, passed=True, quiz=OuterRef("pk"))
    quiz_passed_elsewhere = (
        QuizAttempt.objects.filter(user=user, passed=True)
        .annotate(family=_family_id("quiz__course"))
        .filter(family=OuterRef("family"), quiz__key=OuterRef("key"))
        .exclude(quiz__key="")
    )
    courses = courses.annotate(family_id=_family_id_of_course())
    in_outer_family = Q(course__translation_of=OuterRef("family_id")) | Q(
        course=OuterRef("family_id")
    )
    enrolment = Enrolment.objects.filter(in_outer_family, user=user)
    return courses.annotate(
        lessons_total=SubqueryCount(lessons),
        lessons_done=SubqueryCount(
            lessons.filter(Exists(lesson_done_here) | Exists(lesson_done_elsewhere))
        ),
        quizzes_total=SubqueryCount(quizzes),
        quizzes_passed=SubqueryCount(
            quizzes.filter(Exists(quiz_passed_here) | Exists(quiz_passed_elsewhere))
        ),
        completed_at=Subquery(
            CourseCompletion.objects.filter(in_outer_family, user=user)
            .order_by("completed_at")
            .values("completed_at")[:1]
        ),
        due_date=Subquery(
            enrolment.filter(due_date__isnull=False).order_by("due_date").values("due_date")[:1]
        ),
        assigned=Exists(enrolment.filter(assigned=True)),
        last_activity_at=Subquery(
            enrolment.filter(last_activity_at__isnull=False)
            .order_by("-last_activity_at")
            .values("last_activity_at")[:1]
        ),
        certificate_code=Subquery(
            Certificate.objects.valid()
            .filter(in_outer_family, user=user)
            .order_by("issued_at")
            .values("code")[:1]
        ),
    ).annotate(
        # steps_total and steps_done are Course properties over these counts: an annotation
        # that adds two others repeats their subqueries in the SQL, so PostgreSQL counted
        # every lesson twice (half of "My training"'s query time, EXPLAIN ANALYZE).
        overdue=Case(
            When(
                due_date__lt=today or timezone.localdate(),
                completed_at__isnull=True,
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def _family_id_of_course():
    """The id of the family's original, as an expression over a Course queryset."""
    return Coalesce("translation_of", "pk")
