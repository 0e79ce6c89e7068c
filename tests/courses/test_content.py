"""The course content files: every language mirrors the French source, and loading is safe."""

import copy
from pathlib import Path

import pytest

from courses import blocks, content
from courses.models import Choice, Course, Lesson, LessonCompletion, Question, QuizAttempt
from courses.services import attempt_start, attempt_submit, lesson_complete
from tests.factories import make_user

COURSE_DIR = content.CONTENT_ROOT / "social-media"
VERSIONS = {data["language"]: data for data in content.read_course_dir(COURSE_DIR)}
SOURCE = VERSIONS["fr"]


def shape(data: dict) -> dict:
    """Everything that must be identical across languages: keys, kinds, types, correct flags."""

    def quiz_shape(quiz):
        return (
            quiz["key"],
            quiz.get("pass_mark"),
            quiz.get("draw"),
            [
                (q["key"], q["type"], [bool(c.get("correct")) for c in q["choices"]])
                for q in quiz["questions"]
            ],
        )

    return {
        "key": data["key"],
        "modules": [
            (
                m["key"],
                [(lesson["key"], lesson.get("kind", "lesson")) for lesson in m["lessons"]],
                quiz_shape(m["quiz"]),
            )
            for m in data["modules"]
        ],
        "final_quiz": quiz_shape(data["final_quiz"]),
        "charter_version": data["charter"]["version"],
    }


def test_source_has_seven_modules_with_activity_and_quiz_pool():
    assert [m["key"] for m in SOURCE["modules"]] == [f"m{i}" for i in range(1, 8)]
    for module in SOURCE["modules"]:
        kinds = [lesson.get("kind", "lesson") for lesson in module["lessons"]]
        assert kinds.count("activity") >= 1, module["key"]
        assert kinds.count("lesson") >= 3, module["key"]
        quiz = module["quiz"]
        assert len(quiz["questions"]) >= 8, module["key"]
        assert quiz["draw"] == 5
        assert {q["type"] for q in quiz["questions"]} == {"single", "multiple", "true_false"}
    assert len(SOURCE["final_quiz"]["questions"]) >= 12
    assert SOURCE["charter"]["body"].strip()


@pytest.mark.parametrize("language", sorted(set(VERSIONS) - {"fr"}))
def test_translation_mirrors_the_french_source(language):
    assert shape(VERSIONS[language]) == shape(SOURCE)
    assert VERSIONS[language]["slug"] != SOURCE["slug"]


@pytest.mark.parametrize("language", sorted(set(VERSIONS) - {"fr"}))
def test_translation_places_the_same_live_blocks_as_french(language):
    def used(data):
        return {
            lesson["key"]: blocks.names(lesson["body"])
            for module in data["modules"]
            for lesson in module["lessons"]
        }

    assert used(VERSIONS[language]) == used(SOURCE)


def test_every_live_block_of_the_course_has_a_provider():
    names = {
        name
        for module in SOURCE["modules"]
        for lesson in module["lessons"]
        for name in blocks.names(lesson["body"])
    }
    assert names == {"communications-contact", "consent-form", "official-accounts"}
    assert names <= blocks.registered()


@pytest.mark.parametrize("language", sorted(VERSIONS))
def test_every_question_follows_its_type_rule(language):
    data = VERSIONS[language]
    quizzes = [m["quiz"] for m in data["modules"]] + [data["final_quiz"]]
    for quiz in quizzes:
        for question in quiz["questions"]:
            content._check_question(question, f"{language} {question['key']}")
            assert question.get("feedback"), question["key"]
            assert all(c.get("explanation") for c in question["choices"]), question["key"]


@pytest.mark.django_db
def test_loading_twice_on_top_of_progress_duplicates_and_loses_nothing():
    courses = content.load_course_dir(COURSE_DIR)
    french = next(c for c in courses if c.language == "fr")
    assert all(c.translation_of_id == french.pk for c in courses if c != french)
    counts = (Course.objects.count(), Lesson.objects.count(), Question.objects.count())
    choices = Choice.objects.count()

    learner = make_user(language="fr")
    lesson = Lesson.objects.filter(module__course=french).first()
    lesson_complete(user=learner, lesson=lesson)
    quiz = french.quizzes.first()
    attempt = attempt_start(user=learner, quiz=quiz)
    attempt_submit(attempt=attempt, answers={})

    content.load_course_dir(COURSE_DIR)
    assert (Course.objects.count(), Lesson.objects.count(), Question.objects.count()) == counts
    assert Choice.objects.count() == choices
    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).exists()
    assert QuizAttempt.objects.get(pk=attempt.pk).questions.count() == quiz.draw_count


def test_broken_file_is_a_clear_error(tmp_path: Path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "fr.yaml").write_text("key: x\nlanguage: fr\nmodules: [\n", encoding="utf-8")
    with pytest.raises(content.ContentError, match="not valid YAML"):
        content.read_course_dir(folder)


def previous_release(versions: list[dict]) -> list[dict]:
    """The content as it was before module 7: no m7, no new questions, older wordings."""
    old = copy.deepcopy(versions)
    for data in old:
        data["modules"] = [m for m in data["modules"] if m["key"] != "m7"]
        for quiz in [m["quiz"] for m in data["modules"]] + [data["final_quiz"]]:
            quiz["questions"] = [
                q for q in quiz["questions"] if q["key"] not in {"m1-q10", "m6-q10", "fq-q16"}
            ]
            for question in quiz["questions"]:
                if question["key"] == "m6-q2":
                    question["text"] = "Old wording of the ladder question."
    return old


@pytest.mark.django_db
def test_a_new_release_on_top_of_progress_keeps_every_progress_row():
    versions = content.read_course_dir(COURSE_DIR)
    content.load_versions(previous_release(versions))
    french = Course.objects.get(key="social-media", language="fr")
    learner = make_user(language="fr")
    lessons = list(Lesson.objects.filter(module__course=french).order_by("pk")[:5])
    for lesson in lessons:
        lesson_complete(user=learner, lesson=lesson)
    quiz = french.quizzes.get(key="m6-quiz")
    attempt = attempt_start(user=learner, quiz=quiz)
    attempt_submit(attempt=attempt, answers={})
    snapshot = list(QuizAttempt.objects.get(pk=attempt.pk).questions.values_list("pk", flat=True))

    content.load_versions(versions)
    assert LessonCompletion.objects.filter(user=learner).count() == len(lessons)
    assert list(QuizAttempt.objects.get(pk=attempt.pk).questions.values_list("pk", flat=True)) == (
        snapshot
    )
    assert french.modules.filter(key="m7", status="published").exists()
    rewritten = Question.objects.get(quiz__course=french, key="m6-q2")
    assert rewritten.text == SOURCE["modules"][5]["quiz"]["questions"][1]["text"]
    # every file changed together: no translation is flagged
    assert not Question.objects.filter(needs_update_since__isnull=False).exists()

    # the French source changes alone: its translations are flagged, progress still kept
    alone = copy.deepcopy(versions)
    alone[0]["modules"][5]["quiz"]["questions"][1]["text"] = "A newer French wording."
    content.load_versions(alone)
    flagged = Question.objects.filter(key="m6-q2", needs_update_since__isnull=False)
    assert sorted(flagged.values_list("quiz__course__language", flat=True)) == [
        "en",
        "es",
        "it",
        "pt",
    ]
    assert LessonCompletion.objects.filter(user=learner).count() == len(lessons)
