"""Every model of the courses app, by concern: content (courses, modules, lessons, images),
quizzes, attempts and their snapshots, learning records, certificates. Import them from here."""

from .attempts import (
    AttemptChoice,
    AttemptChoiceQuerySet,
    AttemptQuestion,
    AttemptQuestionQuerySet,
    QuizAttempt,
    QuizAttemptQuerySet,
    new_attempt_token,
)
from .certificates import (
    Certificate,
    CertificateQuerySet,
    new_certificate_code,
)
from .content import (
    LANGUAGE_CHOICES,
    Course,
    CourseQuerySet,
    Lesson,
    LessonImage,
    LessonQuerySet,
    Module,
    ModuleQuerySet,
    Status,
    SubqueryCount,
)
from .quizzes import (
    Choice,
    Question,
    Quiz,
    QuizQuerySet,
)
from .records import (
    CourseCompletion,
    Enrolment,
    LessonCompletion,
)

__all__ = [
    "LANGUAGE_CHOICES",
    "AttemptChoice",
    "AttemptChoiceQuerySet",
    "AttemptQuestion",
    "AttemptQuestionQuerySet",
    "Certificate",
    "CertificateQuerySet",
    "Choice",
    "Course",
    "CourseCompletion",
    "CourseQuerySet",
    "Enrolment",
    "Lesson",
    "LessonCompletion",
    "LessonImage",
    "LessonQuerySet",
    "Module",
    "ModuleQuerySet",
    "Question",
    "Quiz",
    "QuizAttempt",
    "QuizAttemptQuerySet",
    "QuizQuerySet",
    "Status",
    "SubqueryCount",
    "new_attempt_token",
    "new_certificate_code",
]
