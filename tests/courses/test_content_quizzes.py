"""Quiz settings in the content files (content/README.md) and the demo quizzes' question types."""

import copy

import pytest
from django.db.models import Count

from courses import content
from courses.models import Question, Quiz

COURSE = {
    "key": "test-course",
    "language": "fr",
    "slug": "cours-test",
    "title": "Cours",
    "modules": [
        {
            "key": "m1",
            "title": "Module",
            "lessons": [{"key": "m1-l1", "title": "Leçon", "body": "Texte."}],
            "quiz": {
                "key": "m1-quiz",
                "title": "Quiz",
                "review_policy": "once_passed",
                "time_limit_minutes": 12,
                "attempts_allowed": 2,
                "questions": [
                    {
                        "key": "q1",
                        "type": "multiple",
                        "scoring": "partial",
                        "text": "Lesquels ?",
                        "choices": [
                            {"text": "A", "correct": True},
                            {"text": "B", "correct": True},
                            {"text": "C"},
                        ],
                    },
                    {
                        "key": "q2",
                        "type": "true_false",
                        "text": "Vrai ?",
                        "choices": [{"text": "Vrai", "correct": True}, {"text": "Faux"}],
                    },
                ],
            },
        }
    ],
}


@pytest.mark.django_db
def test_content_quiz_settings_are_loaded():
    content.load_course(copy.deepcopy(COURSE))
    quiz = Quiz.objects.get(key="m1-quiz")
    assert quiz.review_policy == Quiz.ReviewPolicy.ONCE_PASSED
    assert (quiz.time_limit_minutes, quiz.attempts_allowed) == (12, 2)
    assert quiz.questions.get(key="q1").scoring == Question.Scoring.PARTIAL
    assert quiz.questions.get(key="q2").scoring == Question.Scoring.ALL_OR_NOTHING


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("modules", 0, "quiz", "review_policy"), "sometimes", "unknown review_policy"),
        (("modules", 0, "quiz", "questions", 0, "scoring"), "generous", "unknown scoring"),
    ],
)
def test_content_unknown_quiz_settings_are_refused(path, value, message):
    data = copy.deepcopy(COURSE)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(content.ContentError, match=message):
        content.load_course(data)
    assert not Quiz.objects.exists()


@pytest.mark.django_db
def test_demo_quizzes_use_every_question_type():
    content.load_all()
    kinds = set(Question.objects.values_list("kind", flat=True))
    assert kinds == {Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.TRUE_FALSE}
    quizzes = Quiz.objects.annotate(pool=Count("questions"))
    assert quizzes.exists()
    assert all(quiz.draw_count is None or quiz.draw_count <= quiz.pool for quiz in quizzes)
