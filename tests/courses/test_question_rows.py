"""The attempt page writes its questions' inputs itself (``AttemptForm.question_rows``), without
a widget per option: the inputs must be those Django's widgets render — names, ids, values,
types, checked and disabled — for a fresh attempt, saved answers, a refused POST and a time-up
attempt, with radio and checkbox questions."""

from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db.models import prefetch_related_objects
from django.template import engines
from django.urls import reverse
from django.utils import timezone

from courses.forms import AttemptForm
from courses.models import Question, QuizAttempt
from courses.question_html import question_fields_html
from courses.services import attempt_save_answers, attempt_start
from courses.views import _snapshot_prefetch
from tests.factories import make_course, make_question, make_user

pytestmark = pytest.mark.django_db


class Inputs(HTMLParser):
    """Every question input (name q<id>) as a tuple of what a browser would submit or show."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and (attrs.get("name") or "").startswith("q"):
            self.found.append(
                (
                    attrs["name"],
                    attrs.get("id"),
                    attrs.get("value"),
                    attrs.get("type"),
                    "checked" in attrs,
                    "disabled" in attrs,
                )
            )


def inputs(html: str) -> list[tuple]:
    parser = Inputs()
    parser.feed(html)
    return parser.found


def widget_inputs(form: AttemptForm) -> list[tuple]:
    """What Django's own RadioSelect / CheckboxSelectMultiple render for the same form."""
    return inputs("".join(str(form[name]) for name in form.question_fields()))


@pytest.fixture
def world():
    course = make_course(modules=1, lessons=1, questions=0)
    quiz = course.quizzes.first()
    make_question(quiz, text='Pick one <b>bold</b> & "quoted"?')
    make_question(quiz, kind=Question.Kind.MULTIPLE, right=2, wrong=2)
    learner = make_user()
    return quiz, learner


def page(client, attempt, data=None):
    url = attempt.get_absolute_url()
    response = client.post(url, data) if data is not None else client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def form_for(attempt, data=None, **kwargs) -> AttemptForm:
    attempt = QuizAttempt.objects.get(pk=attempt.pk)
    prefetch_related_objects([attempt], _snapshot_prefetch())
    args = (data,) if data is not None else ()
    return AttemptForm(*args, questions=attempt.questions.all(), token=attempt.token, **kwargs)


def test_a_fresh_attempt_shows_the_widgets_inputs(client, world):
    quiz, learner = world
    client.force_login(learner)
    attempt = attempt_start(user=learner, quiz=quiz)
    html = page(client, attempt)
    assert inputs(html) == widget_inputs(form_for(attempt))
    assert {kind for _n, _i, _v, kind, _c, _d in inputs(html)} == {"radio", "checkbox"}
    assert "Pick one &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;?" in html


def test_saved_answers_are_checked_as_the_widgets_would(client, world):
    quiz, learner = world
    client.force_login(learner)
    attempt = attempt_start(user=learner, quiz=quiz)
    form = form_for(attempt)
    single, multiple = form.questions
    answers = {
        single.pk: {single.shown_choices[1].pk},
        multiple.pk: {multiple.shown_choices[0].pk, multiple.shown_choices[2].pk},
    }
    attempt_save_answers(attempt=attempt, answers=answers)
    html = page(client, attempt)
    assert inputs(html) == widget_inputs(form_for(attempt))
    assert sum(checked for *_rest, checked, _d in inputs(html)) == 3


def test_a_refused_post_keeps_what_was_ticked(client, world):
    quiz, learner = world
    client.force_login(learner)
    attempt = attempt_start(user=learner, quiz=quiz)
    multiple = form_for(attempt).questions[1]
    data = {
        "token": attempt.token,
        "action": "submit",
        f"q{multiple.pk}": [str(multiple.shown_choices[1].pk), str(multiple.shown_choices[3].pk)],
    }  # the single-choice question is missing: "Please answer this question."
    html = page(client, attempt, data)
    assert "Please answer this question." in html
    expected = form_for(attempt, data)
    assert not expected.is_valid()
    assert inputs(html) == widget_inputs(expected)
    assert sum(checked for *_rest, checked, _d in inputs(html)) == 2


def test_a_time_up_attempt_shows_its_answers_disabled(client, world):
    quiz, learner = world
    quiz.time_limit_minutes = 5
    quiz.save()
    client.force_login(learner)
    attempt = attempt_start(user=learner, quiz=quiz)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - QuizAttempt.DEADLINE_GRACE - timedelta(seconds=1)
    )
    html = page(client, attempt)
    found = inputs(html)
    assert found and all(disabled for *_rest, disabled in found)
    assert found == widget_inputs(form_for(attempt, editable=False))
    assert (
        reverse(
            "courses:attempt-autosave",
            kwargs={"course": quiz.course.slug, "quiz": quiz.pk, "attempt": attempt.pk},
        )
        not in html
    )


# The template the attempt page and the preview used before ``courses/question_html.py`` wrote
# the questions in Python: the same bytes must come out, whatever the form's state.
REFERENCE_TEMPLATE = (Path(__file__).parent / "question_fields_reference.html").read_text()


def reference_html(form: AttemptForm) -> str:
    return engines["django"].from_string(REFERENCE_TEMPLATE).render({"form": form})


@pytest.mark.parametrize("state", ["fresh", "saved", "refused", "time up"])
def test_the_questions_html_is_the_templates(world, state):
    quiz, learner = world
    make_question(quiz, text="Une question « typographiée » ? Ça marche ! 🙂 ​<script>")
    attempt = attempt_start(user=learner, quiz=quiz)
    form = form_for(attempt)
    if state == "saved":
        single = form.questions[0]
        attempt_save_answers(attempt=attempt, answers={single.pk: {single.shown_choices[1].pk}})
        form = form_for(attempt)
    elif state == "refused":
        multiple = form.questions[1]
        data = {"token": attempt.token, f"q{multiple.pk}": [str(multiple.shown_choices[0].pk)]}
        form = form_for(attempt, data)
        assert not form.is_valid()
    elif state == "time up":
        form = form_for(attempt, editable=False)
    expected = reference_html(form)
    assert question_fields_html(form.question_rows()) == expected
    assert "&lt;script&gt;" in expected and "<script>" not in expected
    if state == "refused":
        assert "Please answer this question." in expected and "border-danger" in expected
