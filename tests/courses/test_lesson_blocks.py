"""Live blocks in lessons (courses/blocks.py): ``<!-- block: name -->`` filled in by a provider."""

import pytest
from django.urls import reverse
from django.utils.html import format_html

from courses import blocks
from courses.models import Lesson
from tests.factories import make_course


def lesson_page(client, course, lesson) -> str:
    url = reverse("courses:lesson", kwargs={"course": course.slug, "lesson": lesson.pk})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def first_lesson(course, body: str) -> Lesson:
    lesson = Lesson.objects.filter(module__course=course).first()
    lesson.body = body
    lesson.save()
    return lesson


@pytest.mark.django_db
def test_consent_form_block_links_the_model_in_the_lessons_language(learner_client):
    course = make_course(language="es")
    lesson = first_lesson(course, "### Modelo\n\n<!-- block: consent-form -->\n\nDespués.")
    html = lesson_page(learner_client, course, lesson)
    assert "consent-form.es" in html and "consent-form.en" not in html
    assert "<p>Después.</p>" in html
    assert "block:" not in html and "LESSONBLOCK" not in html


@pytest.mark.django_db
def test_unknown_block_renders_nothing_and_the_rest_of_the_lesson_stays(learner_client, course):
    lesson = first_lesson(course, "Before.\n\n<!-- block: no-such-block -->\n\nAfter.")
    html = lesson_page(learner_client, course, lesson)
    assert "<p>Before.</p>" in html and "<p>After.</p>" in html
    assert "no-such-block" not in html and "LESSONBLOCK" not in html


@pytest.mark.django_db
def test_registered_provider_sees_the_reader_and_is_not_sanitised_away(
    learner_client, learner, course, monkeypatch
):
    monkeypatch.setattr(blocks, "_providers", dict(blocks._providers))
    blocks.register(
        "who",
        lambda request, lesson: format_html('<p class="who">{}</p>', request.user.first_name),
    )
    lesson = first_lesson(course, "Hello.\n\n<!-- block: who -->")
    assert '<p class="who">Ana</p>' in lesson_page(learner_client, course, lesson)
    assert blocks.names(lesson.body) == ["who"]


def test_a_provider_returning_plain_text_is_escaped(learner_client, learner, course, monkeypatch):
    """Only a provider's template output (safe HTML) goes in as HTML; a plain string is text."""
    monkeypatch.setattr(blocks, "_providers", dict(blocks._providers))
    blocks.register("raw", lambda request, lesson: "<script>alert(1)</script>")
    lesson = first_lesson(course, "Hello.\n\n<!-- block: raw -->")
    page = lesson_page(learner_client, course, lesson)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_block_lines_are_only_whole_lines():
    assert blocks.names("a <!-- block: x --> b\n<!-- block: y -->\n  <!--block:z-->  ") == [
        "y",
        "z",
    ]
