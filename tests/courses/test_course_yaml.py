"""A course out of the admin and back in as the YAML of content/ (load_content's format)."""

from pathlib import Path

import pytest
import yaml

from courses.content import read_course_dir
from courses.interchange.course_yaml import CourseRefused, export_course, import_course
from courses.models import Choice, Course, Lesson, Module, Question, Quiz, Status
from tests.factories import make_course, make_question

CONTENT = Path(__file__).resolve().parents[2] / "content" / "social-media"


def _wipe():
    Course.objects.all().delete()
    assert not Question.objects.exists()


def _admin_made_course() -> Course:
    """A course as trainers make it in the admin: no content keys, drafts, every setting."""
    course = make_course(modules=2, lessons=2, questions=3, final_quiz=True)
    course.sequential = True
    course.description = "### Overview\n\nTwo lines,\nand a `colon: inside`.\n"
    course.save()
    Module.objects.filter(course=course).update(key="")
    module = course.modules.order_by("order").last()
    module.status = Status.DRAFT
    module.save()
    lesson = Lesson.objects.filter(module__course=course).first()
    lesson.key, lesson.status = "", Status.DRAFT
    lesson.video_url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    lesson.save()
    quiz = course.quizzes.filter(module__isnull=False).first()
    quiz.key = ""
    quiz.attempts_allowed, quiz.time_limit_minutes, quiz.draw_count = 3, 20, 2
    quiz.review_policy, quiz.required = Quiz.ReviewPolicy.ONCE_PASSED, False
    quiz.save()
    Question.objects.filter(quiz=quiz).update(key="")
    make_question(quiz, kind=Question.Kind.MULTIPLE, right=2, wrong=2, scoring="partial")
    make_question(quiz, kind=Question.Kind.TRUE_FALSE, right=1, wrong=1)
    Question.objects.filter(quiz=quiz).update(key="")
    return course


@pytest.mark.django_db
def test_export_import_into_an_empty_database_export_gives_the_same_file():
    first = export_course(_admin_made_course())
    choices_before = Choice.objects.count()
    _wipe()

    course, created = import_course(text=first)

    assert created and course.status == Status.DRAFT  # a new course starts as a draft
    assert export_course(course) == first
    assert course.sequential is True
    assert Module.objects.filter(course=course, status=Status.DRAFT).count() == 1
    lesson = Lesson.objects.get(module__course=course, status=Status.DRAFT)
    assert lesson.video_url.endswith("dQw4w9WgXcQ")
    quiz = Quiz.objects.get(course=course, attempts_allowed=3)
    assert (quiz.time_limit_minutes, quiz.draw_count, quiz.required) == (20, 2, False)
    assert quiz.questions.filter(kind="multiple", scoring="partial").count() == 1
    assert quiz.questions.count() == 5
    assert Choice.objects.filter(question__quiz__course=course).count() == choices_before


@pytest.mark.django_db
def test_the_real_course_round_trips_and_reads_like_its_content_file():
    source = read_course_dir(CONTENT)[0]  # fr.yaml
    course, _ = import_course(text=(CONTENT / "fr.yaml").read_text(encoding="utf-8"))
    first = export_course(course)
    exported = yaml.safe_load(first)
    assert [m["key"] for m in exported["modules"]] == [m["key"] for m in source["modules"]]
    for theirs, ours in zip(source["modules"], exported["modules"], strict=True):
        assert [q["text"] for q in theirs["quiz"]["questions"]] == [
            q["text"] for q in ours["quiz"]["questions"]
        ]
        assert [lesson["body"] for lesson in theirs["lessons"]] == [
            lesson["body"] for lesson in ours["lessons"]
        ]
    _wipe()
    again, _ = import_course(text=first)
    assert export_course(again) == first


@pytest.mark.django_db
def test_importing_over_an_existing_course_updates_it_and_keeps_its_status():
    course = make_course(modules=1, questions=2)
    text = export_course(course).replace("Lesson 1.1", "Lesson one")
    again, created = import_course(text=text)
    assert (again.pk, created, again.status) == (course.pk, False, Status.PUBLISHED)
    assert Lesson.objects.filter(module__course=course, title="Lesson one").exists()


def _refused(text: str) -> list[str]:
    before = (Course.objects.count(), Question.objects.count(), Choice.objects.count())
    with pytest.raises(CourseRefused) as refused:
        import_course(text=text)
    assert (Course.objects.count(), Question.objects.count(), Choice.objects.count()) == before
    return refused.value.problems


@pytest.mark.django_db
def test_unknown_keys_wrong_types_and_bad_values_are_refused_with_where_they_are():
    data = yaml.safe_load(export_course(make_course(modules=2, questions=2)))
    _wipe()
    data["colour"] = "blue"
    data["modules"][0]["lessons"][0]["bdy"] = "typo"
    data["modules"][1]["quiz"]["pass_mark"] = "eighty"
    data["modules"][1]["quiz"]["questions"][0]["type"] = "essay"
    data["modules"][1]["quiz"]["questions"][1]["choices"][0]["correct"] = "yes"
    data["modules"][1]["key"] = data["modules"][0]["key"]
    problems = _refused(yaml.dump(data, allow_unicode=True))
    text = "\n".join(problems)
    assert "unknown key 'colour'" in text
    assert "lessons[1] “m1-l1”: unknown key 'bdy'" in text
    assert "pass_mark: expected a whole number, found text" in text
    assert "'essay' is not one of single, multiple, true_false" in text
    assert "correct: expected true or false, found text" in text
    assert "the key 'm1' is used twice" in text


@pytest.mark.django_db
def test_a_question_without_a_right_choice_saves_nothing():
    data = yaml.safe_load(export_course(make_course(modules=1, questions=2)))
    _wipe()
    for choice in data["modules"][0]["quiz"]["questions"][1]["choices"]:
        choice["correct"] = False
    problems = _refused(yaml.dump(data, allow_unicode=True))
    assert "needs exactly one correct choice. (3 choices, 0 correct)" in problems[0]
    assert not Lesson.objects.exists()  # the lessons loaded before the question are rolled back


@pytest.mark.django_db
def test_not_yaml_not_a_mapping_and_too_big_are_refused():
    assert "line 2" in _refused("key: a\n  bad: [indent\n")[0]
    assert "expected a mapping" in _refused("- just\n- a list\n")[0]
    assert "too big" in _refused("key: x\n" + "#" * (3 * 1024 * 1024))[0]
    assert "missing" in _refused("key: x\n")[1]
