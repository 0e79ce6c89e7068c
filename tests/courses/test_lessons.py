import pytest
from django.urls import reverse

from courses import markdown
from courses.models import CourseCompletion, Lesson, LessonCompletion, Status
from tests.factories import make_course


def lesson_url(course, lesson):
    return reverse("courses:lesson", kwargs={"course": course.slug, "lesson": lesson.pk})


def complete_url(course, lesson):
    return reverse("courses:lesson-complete", kwargs={"course": course.slug, "lesson": lesson.pk})


@pytest.mark.django_db
def test_lesson_requires_login(client, course):
    lesson = Lesson.objects.filter(module__course=course).first()
    response = client.get(lesson_url(course, lesson))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_lesson_renders_markdown_and_strips_script(learner_client, course):
    lesson = Lesson.objects.filter(module__course=course).first()
    lesson.body = "### Heading\n\n**bold** <script>alert(1)</script> [x](javascript:alert(1))"
    lesson.save()
    response = learner_client.get(lesson_url(course, lesson))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h2>Heading</h2>" in html  # the page's h1 is the lesson title: no level skipped
    assert "<strong>bold</strong>" in html
    assert "<script>alert" not in html
    assert "javascript:alert" not in html


@pytest.mark.django_db
def test_lesson_complete_is_idempotent(learner_client, learner, course):
    lesson = Lesson.objects.filter(module__course=course).first()
    for _ in range(3):
        response = learner_client.post(complete_url(course, lesson))
        assert response.status_code == 302
    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).count() == 1


@pytest.mark.django_db
def test_lesson_complete_requires_post(learner_client, learner, course):
    lesson = Lesson.objects.filter(module__course=course).first()
    assert learner_client.get(complete_url(course, lesson)).status_code == 405
    assert not LessonCompletion.objects.exists()


@pytest.mark.django_db
def test_lesson_complete_needs_csrf_token(client, learner, course):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(learner)
    lesson = Lesson.objects.filter(module__course=course).first()
    assert csrf_client.post(complete_url(course, lesson)).status_code == 403
    assert not LessonCompletion.objects.exists()


@pytest.mark.django_db
def test_lesson_of_another_course_is_404(learner_client, course):
    other = make_course()
    lesson = Lesson.objects.filter(module__course=other).first()
    assert learner_client.get(lesson_url(course, lesson)).status_code == 404
    assert learner_client.post(complete_url(course, lesson)).status_code == 404
    assert not LessonCompletion.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("lesson_id", [999999, 2**62])
def test_unknown_lesson_is_404(learner_client, course, lesson_id):
    url = f"/courses/{course.slug}/lessons/{lesson_id}/"
    assert learner_client.get(url).status_code == 404


@pytest.mark.django_db
def test_draft_course_and_lesson_are_hidden_from_learners(learner_client):
    draft = make_course(status=Status.DRAFT)
    assert learner_client.get(draft.get_absolute_url()).status_code == 404
    course = make_course()
    lesson = Lesson.objects.filter(module__course=course).first()
    lesson.status = Status.DRAFT
    lesson.save()
    assert learner_client.get(lesson_url(course, lesson)).status_code == 404


@pytest.mark.django_db
def test_course_page_continue_points_to_first_unfinished_step(learner_client, learner, course):
    lessons = list(Lesson.objects.filter(module__course=course).order_by("module__order", "order"))
    learner_client.post(complete_url(course, lessons[0]))
    response = learner_client.get(course.get_absolute_url())
    assert response.context["outline"].next_step.obj == lessons[1]
    assert lesson_url(course, lessons[1]) in response.content.decode()


@pytest.mark.django_db
def test_completing_lessons_alone_does_not_complete_a_course_with_quizzes(
    learner_client, learner, course
):
    for lesson in Lesson.objects.filter(module__course=course):
        learner_client.post(complete_url(course, lesson))
    assert not CourseCompletion.objects.filter(user=learner, course=course).exists()


@pytest.mark.django_db
def test_course_without_quizzes_completes_with_its_last_lesson(learner_client, learner):
    course = make_course(modules=1, lessons=2, questions=0)
    course.quizzes.all().delete()
    lessons = list(Lesson.objects.filter(module__course=course))
    learner_client.post(complete_url(course, lessons[0]))
    assert not CourseCompletion.objects.filter(user=learner).exists()
    learner_client.post(complete_url(course, lessons[1]))
    assert CourseCompletion.objects.filter(user=learner, course=course).count() == 1


def test_markdown_headings_start_below_the_page_title_and_keep_their_nesting():
    html = markdown.render("### Section\n\ntext\n\n#### Detail\n\n`<h3>` stays code\n\n### Next")
    assert html == (
        "<h2>Section</h2>\n<p>text</p>\n<h3>Detail</h3>\n"
        "<p><code>&lt;h3&gt;</code> stays code</p>\n<h2>Next</h2>"
    )
    assert markdown.render("# Title\n\n###### Deep") == "<h2>Title</h2>\n<h6>Deep</h6>"
