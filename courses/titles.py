"""Course and quiz titles in the reader's language.

Reports, exports, charts, e-mails and certificates name a course (and its quizzes) in the
language of the person reading: the title of the family's published version in that
language, else the original's. ``Titles`` is the one helper every such place uses:

    titles = Titles.load()        # the active language; one query
    titles.course(course)         # any version of the family
    titles.quiz(quiz)             # matched across the family by its key

A quiz without a key, or a course the helper did not load, keeps its own title.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language

from .models import Course, Quiz, Status


def reader_language(language: str | None = None) -> str:
    """``language``, else the active one, reduced to its base code ("pt-br" → "pt"); the
    default language when it is not one of the interface languages."""
    code = (language or get_language() or "").split("-")[0].lower()
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@dataclass
class Titles:
    language: str
    courses: dict[int, str] = field(default_factory=dict)  # family original id → title
    quizzes: dict[tuple[int, str], str] = field(default_factory=dict)  # (family, key) → title
    in_language: set[int] = field(default_factory=set)  # families with a version in language

    @classmethod
    def load(
        cls,
        language: str | None = None,
        families: Iterable[int] | None = None,
        *,
        quizzes: bool = True,
    ) -> "Titles":
        """The titles of every course family (or of ``families``, original ids) in
        ``language`` (the active language by default), with their quizzes' unless
        ``quizzes`` is False. One query."""
        language = reader_language(language)
        versions = Course.objects.filter(
            Q(translation_of__isnull=True) | Q(language=language, status=Status.PUBLISHED)
        )
        if families is not None:
            ids = list(families)
            versions = versions.filter(Q(pk__in=ids) | Q(translation_of__in=ids))
        fields = ["pk", "translation_of", "language", "title"]
        if quizzes:
            fields += ["quizzes__key", "quizzes__title"]
        titles = cls(language)
        quiz_rows = []
        for row in versions.order_by().values_list(*fields):
            pk, original_id, course_language, title = row[:4]
            family = original_id or pk
            in_language = course_language == language
            if in_language:
                titles.in_language.add(family)
            if in_language or family not in titles.courses:
                titles.courses[family] = title
            if quizzes and row[4]:
                quiz_rows.append((family, in_language, row[4], row[5]))
        # The version in the reader's language wins over the original's.
        for family, _in_language, key, title in sorted(quiz_rows, key=lambda r: r[1]):
            titles.quizzes[family, key] = title
        return titles

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
        if family is None:
            family = quiz.course.original_id
        return self.quiz_by_key(family, quiz.key, quiz.title)

    def quiz_by_key(self, family: int, key: str, default: str) -> str:
        """The title of the family's quiz ``key`` in the reader's language, else ``default``."""
        return self.quizzes.get((family, key), default) if key else default
