"""The admin's import and export pages: GIFT/Aiken into a quiz (preview first), GIFT out, a
whole course as YAML out and in; who may use them."""

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.models import Choice, Course, Question
from tests.factories import make_manager, make_user

GIFT = """\
// two good questions
::capital::What is the capital of Italy?{=Rome#Yes. ~Milan ~Turin}

Pick the social networks.{~%50%Facebook ~%50%Instagram ~A leaflet}
"""


def _import_url(quiz):
    return reverse("admin:courses_quiz_import", args=[quiz.pk])


@pytest.mark.django_db
def test_preview_shows_the_questions_and_saves_nothing_then_import_saves_them(trainer_client, quiz):
    before = quiz.questions.count()
    preview = trainer_client.post(
        _import_url(quiz), {"format": "gift", "text": GIFT, "preview": "1"}
    )
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "What is the capital of Italy?" in page and "✓ Rome" in page
    assert "Import 2 questions" in page
    assert quiz.questions.count() == before

    saved = trainer_client.post(_import_url(quiz), {"format": "gift", "text": GIFT, "confirm": "1"})
    assert saved.status_code == 302
    assert saved["Location"] == reverse("admin:courses_quiz_change", args=[quiz.pk])
    new = list(quiz.questions.order_by("order")[before:])
    assert [(q.key, q.kind) for q in new] == [("capital", "single"), ("", "multiple")]
    assert [c.text for c in new[0].choices.order_by("order")] == ["Rome", "Milan", "Turin"]
    assert new[0].order > max(q.order for q in quiz.questions.all()[:before])


@pytest.mark.django_db
def test_a_file_with_one_bad_line_lists_it_and_offers_no_import(trainer_client, quiz):
    before = Question.objects.count()
    text = GIFT + "\nNo right answer here {~a ~b}\n"
    for action in ("preview", "confirm"):
        response = trainer_client.post(
            _import_url(quiz), {"format": "gift", "text": text, action: "1"}
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "Line 6: no right answer" in page
        assert 'name="confirm"' not in page
    assert Question.objects.count() == before


@pytest.mark.django_db
def test_aiken_upload_in_the_course_language(trainer_client, quiz):
    upload = SimpleUploadedFile("q.txt", b"Quelle ville ?\nA. Rome\nB. Milan\nANSWER: A\n")
    response = trainer_client.post(
        _import_url(quiz), {"format": "aiken", "text": "", "file": upload, "confirm": "1"}
    )
    assert response.status_code == 302
    assert Question.objects.filter(quiz=quiz, text="Quelle ville ?").exists()


@pytest.mark.django_db
def test_true_false_choices_are_in_the_course_language(trainer_client, quiz):
    quiz.course.language = "fr"
    quiz.course.save()
    trainer_client.post(_import_url(quiz), {"format": "gift", "text": "Vrai ?{T}", "confirm": "1"})
    question = Question.objects.get(quiz=quiz, text="Vrai ?")
    assert [c.text for c in question.choices.order_by("order")] == ["Vrai", "Faux"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Paste the questions or choose a file."),
        ({"text": "x" * (600 * 1024)}, "The text is too long"),
        ({"text": "", "file": SimpleUploadedFile("big.txt", b"x" * (600 * 1024))}, "too big"),
        (
            {"text": "", "file": SimpleUploadedFile("latin1.txt", "Qué?".encode("latin-1"))},
            "not UTF-8",
        ),
        ({"text": "Q {=a ~b}", "file": SimpleUploadedFile("q.txt", b"Q {=a ~b}")}, "not both"),
    ],
)
def test_bad_input_is_a_message_never_a_500(trainer_client, quiz, data, message):
    before = Question.objects.count()
    response = trainer_client.post(_import_url(quiz), {"format": "gift", "confirm": "1", **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Question.objects.count() == before


@pytest.mark.django_db
def test_the_import_page_documents_both_formats_with_examples(trainer_client, quiz):
    page = trainer_client.get(_import_url(quiz)).content.decode()
    assert "::m1-q1::Which network is best known for short videos?" in page
    assert "ANSWER: B" in page


@pytest.mark.django_db
def test_gift_export_of_a_quiz_reads_back(trainer_client, quiz):
    response = trainer_client.get(reverse("admin:courses_quiz_export_gift", args=[quiz.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert text.count("{") == quiz.questions.count()
    assert "::q1::[markdown]Question 1?{\n=Right 1#Because 1\n~Wrong 1.2#Because 2" in text


@pytest.mark.django_db
def test_course_yaml_export_and_import_pages(trainer_client, course):
    export = trainer_client.get(reverse("admin:courses_course_export_yaml", args=[course.pk]))
    assert export.status_code == 200
    text = export.content.decode()
    data = yaml.safe_load(text)
    assert [m["key"] for m in data["modules"]] == ["m1", "m2"]
    Course.objects.all().delete()

    url = reverse("admin:courses_course_import_yaml")
    response = trainer_client.post(url, {"file": SimpleUploadedFile("c.yaml", text.encode())})
    course = Course.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:courses_course_change", args=[course.pk])
    assert course.status == "draft"
    assert Choice.objects.filter(question__quiz__course=course).count() == 2 * 3 * 3


@pytest.mark.django_db
def test_course_import_lists_every_problem_and_saves_nothing(trainer_client):
    text = (
        "key: c\nlanguage: xx\nslug: c\ntitle: T\n"
        "modules:\n  - key: m1\n    title: M\n    lesons: []\n"
    )
    response = trainer_client.post(reverse("admin:courses_course_import_yaml"), {"text": text})
    page = response.content.decode()
    assert response.status_code == 200
    assert "3 problems" in page
    assert "&#x27;xx&#x27; is not one of" in page
    assert "unknown key &#x27;lesons&#x27;" in page
    assert "lessons: missing." in page
    assert not Course.objects.exists()


@pytest.mark.django_db
def test_who_may_import_and_export(client, quiz, course):
    urls = [
        _import_url(quiz),
        reverse("admin:courses_quiz_export_gift", args=[quiz.pk]),
        reverse("admin:courses_course_export_yaml", args=[course.pk]),
        reverse("admin:courses_course_import_yaml"),
    ]
    manager = make_manager(whole_network=True, is_staff=True)
    client.force_login(manager)
    assert {client.get(url).status_code for url in urls} == {403}
    learner = make_user("someone")
    client.force_login(learner)
    assert {client.get(url).status_code for url in urls} == {302}  # to the admin login


@pytest.mark.django_db
def test_import_pages_run_a_fixed_number_of_queries(
    trainer_client, quiz, django_assert_num_queries
):
    url = _import_url(quiz)
    trainer_client.get(url)  # the session and permissions are cached from here on
    with django_assert_num_queries(4):
        trainer_client.get(url)
    with django_assert_num_queries(5):  # whatever the number of questions pasted
        trainer_client.post(url, {"format": "gift", "text": GIFT * 5, "preview": "1"})
