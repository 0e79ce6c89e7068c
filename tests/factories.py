"""Small builders for test data: explicit, no magic, fast."""

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from ambassadors.models import Organisation, StaffProfile
from courses.models import Choice, Course, Lesson, Module, Question, Quiz, Status

_counter = itertools.count(1)
PASSWORD = "correct-horse-battery"


def make_organisation(name: str | None = None, country: str = "PT", language: str = "pt"):
    n = next(_counter)
    name = name or f"Organisation {n}"
    return Organisation.objects.create(
        name=name, slug=f"org-{n}", country=country, language=language
    )


def make_user(
    username: str | None = None,
    *,
    organisation=None,
    language: str = "en",
    groups: tuple[str, ...] = ("Staff",),
    manages=(),
    whole_network: bool = False,
    **fields,
):
    username = username or f"user{next(_counter)}"
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.org", **fields
    )
    profile = StaffProfile.objects.create(
        user=user,
        organisation=organisation,
        language=language,
        manages_whole_network=whole_network,
    )
    if manages:
        profile.managed_organisations.set(manages)
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


def make_manager(*, manages=(), whole_network=False, organisation=None, **kwargs):
    return make_user(
        organisation=organisation,
        groups=("Staff", "Managers"),
        manages=manages,
        whole_network=whole_network,
        **kwargs,
    )


def make_course(
    *,
    modules: int = 2,
    lessons: int = 2,
    questions: int = 3,
    choices: int = 3,
    language: str = "en",
    status: str = Status.PUBLISHED,
    translation_of=None,
    final_quiz: bool = False,
    **quiz_settings,
) -> Course:
    """A course with ``modules`` modules of ``lessons`` lessons and a quiz each.

    Each question is single choice, choice 1 correct ("Right n"), others wrong.
    """
    n = next(_counter)
    course = Course.objects.create(
        title=f"Course {n}",
        slug=f"course-{n}",
        language=language,
        status=status,
        summary="A course for tests.",
        translation_of=translation_of,
    )
    for m in range(1, modules + 1):
        module = Module.objects.create(
            course=course, title=f"Module {m}", order=m, key=f"m{m}", status=Status.PUBLISHED
        )
        for i in range(1, lessons + 1):
            Lesson.objects.create(
                module=module,
                title=f"Lesson {m}.{i}",
                body=f"### Lesson {m}.{i}\n\nSome **text** to read.",
                order=i,
                key=f"m{m}-l{i}",
                status=Status.PUBLISHED,
            )
        make_quiz(course, module, questions=questions, choices=choices, **quiz_settings)
    if final_quiz:
        make_quiz(course, None, questions=questions, choices=choices, **quiz_settings)
    return course


def make_quiz(course, module, *, questions: int = 3, choices: int = 3, **settings) -> Quiz:
    quiz = Quiz.objects.create(
        course=course,
        module=module,
        title=f"Quiz {module.order if module else 'final'}",
        key=f"quiz-{module.key if module else 'final'}",
        **{"status": Status.PUBLISHED, **settings},
    )
    for q in range(1, questions + 1):
        question = Question.objects.create(
            quiz=quiz, text=f"Question {q}?", order=q, key=f"q{q}", feedback=f"Feedback {q}"
        )
        Choice.objects.bulk_create(
            Choice(
                question=question,
                text=f"Right {q}" if c == 1 else f"Wrong {q}.{c}",
                is_correct=c == 1,
                explanation=f"Because {c}",
                order=c,
            )
            for c in range(1, choices + 1)
        )
    return quiz


def make_question(
    quiz,
    *,
    kind: str = Question.Kind.SINGLE,
    right: int = 1,
    wrong: int = 2,
    scoring: str = Question.Scoring.ALL_OR_NOTHING,
    text: str | None = None,
    order: int = 0,
) -> Question:
    """A question with ``right`` correct choices ("<text> right n") then ``wrong`` wrong ones."""
    n = next(_counter)
    text = text or f"Question {n}?"
    question = Question.objects.create(
        quiz=quiz,
        kind=kind,
        scoring=scoring,
        text=text,
        order=order or n,
        key=f"q{n}",
        feedback=f"Feedback for {text}",
    )
    Choice.objects.bulk_create(
        [
            *(
                Choice(
                    question=question,
                    text=f"{text} right {i}",
                    is_correct=True,
                    explanation=f"Why {text} right {i} is right",
                    order=i,
                )
                for i in range(1, right + 1)
            ),
            *(
                Choice(
                    question=question,
                    text=f"{text} wrong {i}",
                    is_correct=False,
                    explanation=f"Why {text} wrong {i} is wrong",
                    order=right + i,
                )
                for i in range(1, wrong + 1)
            ),
        ]
    )
    return question


def attempt_post_data(attempt, *, right: bool = True, action: str = "submit") -> dict:
    """The attempt form's POST data answering every question right (or wrong), with the token.

    Right: exactly the correct choices. Wrong: one wrong choice.
    """
    data = {"action": action, "token": attempt.token}
    for question in attempt.questions.prefetch_related("choices"):
        choices = list(question.choices.all())
        if right:
            picked = [c.pk for c in choices if c.is_correct]
        else:
            picked = [next(c.pk for c in choices if not c.is_correct)]
        data[f"q{question.pk}"] = [str(pk) for pk in picked]
    return data


# --- Ambassador programme ----------------------------------------------------------------

CORE_COURSE_KEY = "social-media"


def make_core_course(**kwargs) -> Course:
    """A small course carrying the key the "Trained" level looks for."""
    course = make_course(**{"modules": 1, "lessons": 1, "questions": 2, **kwargs})
    Course.objects.filter(pk=course.pk).update(key=CORE_COURSE_KEY)
    course.key = CORE_COURSE_KEY
    return course


def pass_course(user, course) -> None:
    """Complete every lesson and pass every quiz of ``course`` through the real services."""
    from courses.services import attempt_start, attempt_submit, lesson_complete

    for lesson in Lesson.objects.filter(module__course=course):
        lesson_complete(user=user, lesson=lesson)
    for quiz in course.quizzes.all():
        attempt = attempt_start(user=user, quiz=quiz)
        answers = {
            q.pk: {c.pk for c in q.choices.all() if c.is_correct} for q in attempt.questions.all()
        }
        attempt_submit(attempt=attempt, answers=answers)


def make_charter(version: int = 1, languages=("fr", "en")):
    from django.utils import timezone

    from ambassadors.models import CharterText, CharterVersion

    charter = CharterVersion.objects.create(version=version, published_at=timezone.now())
    for language in languages:
        CharterText.objects.create(
            charter=charter,
            language=language,
            title=f"Charter v{version} [{language}]",
            body=f"### Rules\n\n1. **Personal is not private** (v{version}, {language}).",
        )
    return charter


def make_member(user=None, *, organisation=None, **user_fields):
    from ambassadors.programme import services

    user = user or make_user(organisation=organisation, **user_fields)
    return services.programme_join(user=user)


def make_trainer(username: str | None = None, *, organisation=None, manages=(), **kwargs):
    return make_user(
        username,
        organisation=organisation,
        groups=("Staff", "Trainers"),
        manages=manages,
        **kwargs,
    )


def action_input(type_key: str, **fields):
    """An ActionInput of type ``type_key`` with a valid Facebook link and the charter tick."""
    from ambassadors.models import ActionType, Platform
    from ambassadors.programme.actions import ActionInput

    action_type = ActionType.objects.get(key=type_key)
    defaults = {
        "url": f"https://www.facebook.com/dianova/posts/{next(_counter)}"
        if action_type.evidence_required
        else "",
        "platform": Platform.objects.get(slug="facebook")
        if action_type.evidence_required
        else None,
        "language": "en",
        "follows_charter": True,
        "consent_confirmed": action_type.requires_consent,
    }
    return ActionInput(action_type=action_type, **{**defaults, **fields})


def log_action(profile, type_key: str, **fields):
    from ambassadors.programme import actions

    return actions.action_log(profile=profile, data=action_input(type_key, **fields))


def verify(action, trainer):
    from ambassadors.programme import actions

    actions.action_decide(action=action, reviewer=trainer, decision="verified")
    action.refresh_from_db()
    return action
