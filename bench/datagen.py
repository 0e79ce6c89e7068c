"""Benchmark data at named sizes, written in bulk (minutes, not hours, at size L).

S: 100 staff × 10 lessons, M: 1,000 × 20, L: 10,000 × 40 — spread over 20 organisations,
with lesson completions, submitted quiz attempts, course completions and a 20-question quiz
for the quiz scenarios.
"""

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from ambassadors.models import Organisation, StaffProfile
from courses.models import (
    Choice,
    Course,
    CourseCompletion,
    Enrolment,
    Lesson,
    LessonCompletion,
    Module,
    Question,
    Quiz,
    QuizAttempt,
    Status,
)

BATCH = 5000
LESSONS_PER_MODULE = 5
BENCH_QUIZ_QUESTIONS = 20
PASSWORD = "bench-password"  # noqa: S105 - every generated login, on a throwaway database


@dataclass(frozen=True)
class Size:
    name: str
    staff: int
    lessons: int


SIZES = {
    "S": Size("S", 100, 10),
    "M": Size("M", 1_000, 20),
    "L": Size("L", 10_000, 40),
}

LESSON_BODY = (
    "### Why it matters\n\n"
    + "Social media are a two-way street: people take part in what is said. " * 40
    + "\n\n- listen first\n- reply kindly\n- share what is useful\n"
)


def make_quiz(course: Course, module: Module | None, key: str, questions: int) -> Quiz:
    quiz = Quiz.objects.create(
        course=course,
        module=module,
        key=key,
        title=f"Quiz {key}",
        pass_mark=80,
        status=Status.PUBLISHED,
    )
    made = Question.objects.bulk_create(
        Question(quiz=quiz, key=f"{key}-q{i}", text=f"Question {i}?", order=i, feedback="Because.")
        for i in range(1, questions + 1)
    )
    Choice.objects.bulk_create(
        Choice(
            question=question,
            text=f"Choice {c}",
            is_correct=c == 1,
            explanation="Explained.",
            order=c,
        )
        for question in made
        for c in range(1, 5)
    )
    return quiz


def generate(size: Size, *, seed: int = 7) -> dict:
    """Create the data set, then refresh the planner's statistics as autovacuum soon would
    after such a bulk load in production; returns ids the scenarios need."""
    info = _generate(size, seed=seed)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return info


@transaction.atomic
def _generate(size: Size, *, seed: int = 7) -> dict:
    """Create the data set; returns ids the scenarios need."""
    rng = random.Random(seed)
    now = timezone.now()
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Dianova Bench {i:02d}",
            slug=f"bench-{i:02d}",
            country=["PT", "ES", "IT", "CA", "US", "CL", "UY"][i % 7],
            language=["pt", "es", "it", "fr", "en", "es", "es"][i % 7],
        )
        for i in range(20)
    )
    course = Course.objects.create(
        key="bench",
        title="Social media for NGOs (benchmark)",
        slug="bench-course",
        language="en",
        status=Status.PUBLISHED,
        summary="Benchmark course.",
    )
    modules = []
    lessons = []
    for m in range(size.lessons // LESSONS_PER_MODULE):
        module = Module.objects.create(
            course=course, key=f"m{m}", title=f"Module {m}", order=m, status=Status.PUBLISHED
        )
        modules.append(module)
        lessons += Lesson.objects.bulk_create(
            Lesson(
                module=module,
                key=f"m{m}-l{i}",
                title=f"Lesson {m}.{i}",
                body=LESSON_BODY,
                order=i,
                status=Status.PUBLISHED,
            )
            for i in range(LESSONS_PER_MODULE)
        )
    module_quizzes = [make_quiz(course, module, f"mq{i}", 5) for i, module in enumerate(modules)]
    bench_quiz = make_quiz(course, None, "bench-quiz", BENCH_QUIZ_QUESTIONS)
    bench_quiz.required = False
    bench_quiz.save(update_fields=["required"])

    user_model = get_user_model()
    password = make_password(PASSWORD)
    users = user_model.objects.bulk_create(
        (
            user_model(
                username=f"staff{i:05d}",
                first_name=f"Staff{i}",
                last_name=f"Member{i % 97}",
                email=f"staff{i:05d}@bench.invalid",
                password=password,
            )
            for i in range(size.staff)
        ),
        batch_size=BATCH,
    )
    StaffProfile.objects.bulk_create(
        (
            StaffProfile(user=user, organisation=organisations[i % 20], language="en")
            for i, user in enumerate(users)
        ),
        batch_size=BATCH,
    )
    Group.objects.get(name="Staff").user_set.add(*users)

    learner = users[0]
    manager = user_model.objects.create(
        username="bench-manager", password=password, email="manager@bench.invalid"
    )
    StaffProfile.objects.create(
        user=manager, organisation=organisations[0], manages_whole_network=True
    )
    manager.groups.add(Group.objects.get(name="Managers"))

    enrolments, completions, attempts, done_courses = [], [], [], []
    lessons_per_quiz = LESSONS_PER_MODULE
    for user in users:
        share = rng.choice([0, 0, 0.2, 0.5, 0.8, 1, 1])
        if share == 0:
            continue
        done = lessons[: round(share * len(lessons))]
        last = now - timedelta(days=rng.randint(0, 60))
        enrolments.append(Enrolment(user=user, course=course, last_activity_at=last))
        completions += [LessonCompletion(user=user, lesson=lesson) for lesson in done]
        for index, quiz in enumerate(module_quizzes):
            if len(done) >= (index + 1) * lessons_per_quiz:
                score = Decimal(rng.choice([60, 80, 100]))
                attempts.append(
                    QuizAttempt(
                        user=user,
                        quiz=quiz,
                        number=1,
                        status=QuizAttempt.Status.SUBMITTED,
                        submitted_at=last,
                        score=score,
                        passed=score >= 80,
                        pass_mark=80,
                        review_policy=quiz.review_policy,
                    )
                )
        if share == 1:
            done_courses.append(CourseCompletion(user=user, course=course, completed_at=last))
    Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
    LessonCompletion.objects.bulk_create(completions, batch_size=BATCH)
    QuizAttempt.objects.bulk_create(attempts, batch_size=BATCH)
    CourseCompletion.objects.bulk_create(done_courses, batch_size=BATCH)
    return {
        "course_slug": course.slug,
        "lesson_id": lessons[len(lessons) // 2].pk,
        "bench_quiz_id": bench_quiz.pk,
        "learner_id": learner.pk,
        "manager_id": manager.pk,
        "staff_ids": [u.pk for u in users],
        "rows": {
            "staff": len(users),
            "lessons": len(lessons),
            "lesson_completions": len(completions),
            "quiz_attempts": len(attempts),
            "course_completions": len(done_courses),
        },
    }
