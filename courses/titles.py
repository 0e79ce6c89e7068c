"""Course and quiz titles in the reader's language.

Reports, exports, charts, e-mails and certificates name a course (and its quizzes) in the
language of the person reading: the title of the family's published version in that
language, else the original's. ``Titles`` is the one helper every such place uses:

    titles = Titles.load()        # the active language; one query (+1 for quiz titles)
    titles.course(course)         # any version of the family
    titles.quiz(quiz)             # matched across the family by its key

A quiz without a key, or a course the helper did not load, keeps its own title.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import get_language

from .models import Course, Quiz, Status


def reader_language(language: str | None = None) -> str:
    """``language``, else the active one, reduced to its base code ("pt-br" → "pt")."""
    return (language or get_language() or "en").split("-")[0].lower()


@dataclass
class Titles:
    language: str
    courses: dict[int, str] = field(default_factory=dict)  # family original id → title
    quizzes: dict[tuple[int, str], str] | None = None  # (family, key) → title, loaded lazily
    _chosen: dict[int, int] = field(default_factory=dict)  # course id shown → family
    in_language: set[int] = field(default_factory=set)  # families with a version in language

    @classmethod
    def load(cls, language: str | None = None, families: Iterable[int] | None = None) -> "Titles":
        """The titles of every course family (or of ``families``, original ids) in
        ``language`` (the active language by default). One query, and one more the first
        time a quiz title is asked for."""
        language = reader_language(language)
        versions = Course.objects.filter(
            Q(translation_of__isnull=True) | Q(language=language, status=Status.PUBLISHED)
        )
        if families is not None:
            ids = list(families)
            versions = versions.filter(Q(pk__in=ids) | Q(translation_of__in=ids))
        titles = cls(language)
        chosen: dict[int, tuple[bool, int]] = {}  # family → (in the reader's language, course id)
        for pk, original_id, course_language, title in versions.values_list(
            "pk", "translation_of", "language", "title"
        ):
            family = original_id or pk
            in_language = course_language == language
            if family not in chosen or in_language:
                chosen[family] = (in_language, pk)
                titles.courses[family] = title
        titles._chosen = {pk: family for family, (_in, pk) in chosen.items()}
        titles.in_language = {family for family, (found, _pk) in chosen.items() if found}
        return titles

    def _load_quizzes(self) -> None:
        """Quiz titles of the chosen versions and of the originals, by (family, key): one
        query, the first time a quiz title is asked for."""
        chosen = self._chosen
        self.quizzes = {}
        for course_id, key, title in (
            Quiz.objects.filter(course__in=set(chosen) | set(self.courses))
            .exclude(key="")
            .values_list("course", "key", "title")
        ):
            family = chosen.get(course_id, course_id)
            # The version in the reader's language wins over the original's.
            if (family, key) not in self.quizzes or course_id in chosen:
                self.quizzes[family, key] = title

    def course(self, course: Course, default: str | None = None) -> str:
        """The title of ``course``'s family in the reader's language; when the family has no
        version in it, ``default`` if given, else the original's title."""
        family = course.original_id
        if default is not None and family not in self.in_language:
            return default
        return self.courses.get(family, course.title)

    def quiz(self, quiz: Quiz, family: int | None = None) -> str:
        """The quiz's title in the reader's language. ``family`` (the original's id) spares
        loading ``quiz.course`` when the caller knows it."""
        if not quiz.key:
            return quiz.title
        if family is None:
            family = quiz.course.original_id
        if self.quizzes is None:
            self._load_quizzes()
        return self.quizzes.get((family, quiz.key), quiz.title)
