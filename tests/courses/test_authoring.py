"""Authoring: preview as learner for drafts, lesson images checked with Pillow, video embeds
from YouTube (privacy-enhanced) and Vimeo only, reading time on the course page."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from courses.media import video_embed_url
from courses.models import Lesson, LessonImage, Status
from tests.factories import make_course, make_user


@pytest.fixture
def trainer(organisation):
    return make_user("trainer", organisation=organisation, groups=("Trainers",), is_staff=True)


@pytest.fixture
def trainer_client(trainer):
    from django.test import Client

    client = Client()  # a browser of its own, beside the learner's
    client.force_login(trainer)
    return client


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def image_bytes(image_format: str = "PNG", size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 90, 140)).save(buffer, format=image_format)
    return buffer.getvalue()


def lesson_form(lesson: Lesson, **changes) -> dict:
    data = {
        "module": lesson.module_id,
        "key": lesson.key,
        "title": lesson.title,
        "kind": lesson.kind,
        "body": lesson.body,
        "video_url": lesson.video_url,
        "order": lesson.order,
        "status": lesson.status,
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(changes)
    return data


def upload(client, lesson, name: str, content: bytes, alt: str = "A chart of reach"):
    url = reverse("admin:courses_lesson_change", args=[lesson.pk])
    data = lesson_form(
        lesson,
        **{
            "images-TOTAL_FORMS": "1",
            "images-0-alt_text": alt,
            "images-0-image": SimpleUploadedFile(name, content),
        },
    )
    return client.post(url, data)


# Preview as learner ------------------------------------------------------------------------


@pytest.mark.django_db
def test_preview_trainer_sees_draft_course_and_lesson_marked_as_drafts(trainer_client):
    course = make_course(status=Status.DRAFT)
    lesson = Lesson.objects.filter(module__course=course).first()
    lesson.status = Status.DRAFT
    lesson.save()
    page = trainer_client.get(course.get_absolute_url())
    assert page.status_code == 200
    assert "Preview: this course is a draft" in page.content.decode()
    page = trainer_client.get(lesson.get_absolute_url())
    assert page.status_code == 200
    assert "Preview: this lesson is a draft" in page.content.decode()


@pytest.mark.django_db
def test_preview_learner_never_sees_drafts(learner_client):
    course = make_course(status=Status.DRAFT)
    lesson = Lesson.objects.filter(module__course=course).first()
    assert learner_client.get(course.get_absolute_url()).status_code == 404
    assert learner_client.get(lesson.get_absolute_url()).status_code == 404
    published = make_course()
    draft_lesson = Lesson.objects.filter(module__course=published).first()
    draft_lesson.status = Status.DRAFT
    draft_lesson.save()
    assert learner_client.get(draft_lesson.get_absolute_url()).status_code == 404
    assert (
        draft_lesson.title not in learner_client.get(published.get_absolute_url()).content.decode()
    )


@pytest.mark.django_db
def test_preview_link_on_the_admin_change_pages(trainer_client):
    course = make_course(status=Status.DRAFT)
    lesson = Lesson.objects.filter(module__course=course).first()
    page = trainer_client.get(reverse("admin:courses_course_change", args=[course.pk]))
    html = page.content.decode()
    assert "Preview as learner" in html
    assert f'href="{course.get_absolute_url()}"' in html
    page = trainer_client.get(reverse("admin:courses_lesson_change", args=[lesson.pk]))
    assert f'href="{lesson.get_absolute_url()}"' in page.content.decode()


# Lesson images -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_image_upload_gives_markdown_that_shows_in_the_lesson(
    trainer_client, learner_client, course
):
    lesson = Lesson.objects.filter(module__course=course).first()
    response = upload(trainer_client, lesson, "reach.png", image_bytes("PNG"))
    assert response.status_code == 302, response.content.decode()[:3000]
    image = LessonImage.objects.get(lesson=lesson)
    assert image.markdown == f"![A chart of reach]({image.image.url})"
    change_page = trainer_client.get(reverse("admin:courses_lesson_change", args=[lesson.pk]))
    assert image.markdown in change_page.content.decode()
    lesson.body += f"\n\n{image.markdown}\n"
    lesson.save()
    html = learner_client.get(lesson.get_absolute_url()).content.decode()
    assert f'<img alt="A chart of reach" src="{image.image.url}"' in html
    served = learner_client.get(image.image.url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == image_bytes("PNG")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.png", b"this is plain text, not a picture", "Upload a valid image"),
        ("reach.jpg", image_bytes("PNG"), "The file name ends in .jpg but the file is a PNG image"),
        ("reach.png", image_bytes("BMP"), "Images must be JPEG, PNG, GIF or WebP; this one is BMP"),
        ("script.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "Upload a valid image"),
        ("reach.exe", image_bytes("PNG"), "File extension “exe” is not allowed"),
    ],
)
def test_image_upload_refuses_what_is_not_a_proper_image(
    trainer_client, course, name, content, message
):
    lesson = Lesson.objects.filter(module__course=course).first()
    response = upload(trainer_client, lesson, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LessonImage.objects.exists()


@pytest.mark.django_db
def test_image_upload_refuses_a_file_too_large(trainer_client, course, settings):
    settings.LESSON_IMAGE_MAX_BYTES = 1000
    lesson = Lesson.objects.filter(module__course=course).first()
    # noise does not compress, so the PNG stays well above the limit
    noisy = Image.frombytes("RGB", (300, 300), bytes(range(256)) * 1054 + bytes(276))
    buffer = io.BytesIO()
    noisy.save(buffer, format="PNG")
    big = buffer.getvalue()
    assert len(big) > 1000
    response = upload(trainer_client, lesson, "big.png", big)
    assert "the largest allowed is" in response.content.decode()
    assert not LessonImage.objects.exists()


# Video embeds ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "embed"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://youtu.be/dQw4w9WgXcQ?t=10", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        (
            "https://m.youtube.com/shorts/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        (
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        (
            "https://vimeo.com/76979871/abcdef1234",
            "https://player.vimeo.com/video/76979871?dnt=1&h=abcdef1234",
        ),
        (
            "https://player.vimeo.com/video/76979871",
            "https://player.vimeo.com/video/76979871?dnt=1",
        ),
        ("https://evil.example/watch?v=dQw4w9WgXcQ", None),
        ("https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ", None),
        ("javascript:alert(1)//youtube.com", None),
        ("https://www.youtube.com/watch?v=<script>", None),
        ("https://vimeo.com/about", None),
    ],
)
def test_video_embed_url(url, embed):
    assert video_embed_url(url) == embed


@pytest.mark.django_db
def test_video_from_another_host_is_refused_in_the_admin(trainer_client, course):
    lesson = Lesson.objects.filter(module__course=course).first()
    url = reverse("admin:courses_lesson_change", args=[lesson.pk])
    response = trainer_client.post(
        url, lesson_form(lesson, video_url="https://videos.example.org/watch/42")
    )
    assert response.status_code == 200
    assert "Only YouTube and Vimeo videos can be embedded" in response.content.decode()
    response = trainer_client.post(
        url, lesson_form(lesson, video_url="https://www.youtube.com/feed")
    )
    assert (
        "does not look like the address of one YouTube or Vimeo video" in response.content.decode()
    )
    lesson.refresh_from_db()
    assert lesson.video_url == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad",
    [
        "https://www.youtube.com:99999/watch?v=abcdefghijk",  # port out of range: ValueError
        "https://[::1/watch?v=abcdefghijk",  # unclosed IPv6 host: ValueError
        "https://www.youtube.com:-1/watch?v=abcdefghijk",
    ],
)
def test_video_url_that_python_cannot_parse_is_refused_not_a_500(trainer_client, course, bad):
    lesson = Lesson.objects.filter(module__course=course).first()
    url = reverse("admin:courses_lesson_change", args=[lesson.pk])
    response = trainer_client.post(url, lesson_form(lesson, video_url=bad))
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert video_embed_url(bad) is None
    lesson.refresh_from_db()
    assert lesson.video_url == ""


@pytest.mark.django_db
def test_video_renders_as_privacy_enhanced_iframe_without_script(
    trainer_client, learner_client, course
):
    lesson = Lesson.objects.filter(module__course=course).first()
    url = reverse("admin:courses_lesson_change", args=[lesson.pk])
    response = trainer_client.post(
        url, lesson_form(lesson, video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    )
    assert response.status_code == 302
    html = learner_client.get(lesson.get_absolute_url()).content.decode()
    assert '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert f'title="Video: {lesson.title}"' in html
    assert "<script>" not in html  # only <script src=…> files, never inline code


# Reading time ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reading_time_on_the_course_page(learner_client):
    course = make_course(modules=1, lessons=2)
    lessons = list(Lesson.objects.filter(module__course=course))
    lessons[0].body = "word " * 450  # 3 minutes at 200 words a minute
    lessons[0].save()
    html = learner_client.get(course.get_absolute_url()).content.decode()
    assert "3 min" in html
    assert "About 4 minutes of reading." in html
