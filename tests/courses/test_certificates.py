"""Certificates: issued on completion, a PDF that carries the learner's name in any script,
a public verification page, revocation by an admin, and a clear "not found" for forged codes."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from pypdf import PdfReader

from courses.models import Certificate, Lesson
from courses.services import attempt_start, attempt_submit, certificate_revoke, lesson_complete
from tests.factories import make_course, make_user


def complete(user, course):
    for lesson in Lesson.objects.filter(module__course=course):
        lesson_complete(user=user, lesson=lesson)
    for quiz in course.quizzes.all():
        attempt = attempt_start(user=user, quiz=quiz)
        answers = {
            q.pk: {c.pk for c in q.choices.all() if c.is_correct} for q in attempt.questions.all()
        }
        attempt_submit(attempt=attempt, answers=answers)


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(page.extract_text() for page in reader.pages)


@pytest.mark.django_db
def test_certificate_issued_once_on_completion(learner, course):
    complete(learner, course)
    certificate = Certificate.objects.get(user=learner, course=course)
    assert certificate.name == "Ana Silva"
    assert certificate.course_title == course.title
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){5}", certificate.code)
    complete(learner, course)  # passing again changes nothing
    assert Certificate.objects.filter(user=learner).count() == 1


@pytest.mark.django_db
def test_certificate_not_issued_before_completion(learner, course):
    lesson_complete(user=learner, lesson=Lesson.objects.filter(module__course=course).first())
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_certificate_codes_are_unique_and_unguessable(db):
    course = make_course(modules=1, lessons=1, questions=1)
    codes = set()
    for n in range(5):
        user = make_user(f"u{n}")
        complete(user, course)
        codes.add(Certificate.objects.get(user=user).code)
    assert len(codes) == 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "last"),
    [("Ana", "Silva"), ("Γιώργος", "Παπαδόπουλος"), ("Анна", "Кузнецова"), ("Émilie", "Côté")],
)
def test_certificate_pdf_carries_the_name_in_any_script(client, course, first, last):
    user = make_user(first_name=first, last_name=last)
    complete(user, course)
    certificate = Certificate.objects.get(user=user)
    client.force_login(user)
    course_page = client.get(course.get_absolute_url()).content.decode()
    assert certificate.get_pdf_url() in course_page
    response = client.get(certificate.get_pdf_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = pdf_text(response)
    assert f"{first} {last}" in text
    assert course.title in text
    assert certificate.code in text
    assert "Certificate of completion" in text


@pytest.mark.django_db
def test_certificate_verification_page_is_public_and_shows_only_what_verifies(client, course):
    user = make_user("giorgos", first_name="Γιώργος", last_name="Παπαδόπουλος")
    complete(user, course)
    certificate = Certificate.objects.get(user=user)
    response = client.get(f"/certificates/{certificate.code}/")  # anonymous
    assert response.status_code == 200
    html = response.content.decode()
    assert "Valid certificate" in html
    assert "Γιώργος Παπαδόπουλος" in html
    assert course.title in html
    assert "giorgos" not in html  # neither the username nor the e-mail address
    assert 'name="robots" content="noindex"' in html
    pdf = client.get(certificate.get_pdf_url())
    assert "Γιώργος Παπαδόπουλος" in pdf_text(pdf)


@pytest.mark.django_db
def test_certificate_code_is_accepted_in_lower_case(client, learner, course):
    complete(learner, course)
    code = Certificate.objects.get(user=learner).code
    assert client.get(f"/certificates/{code.lower()}/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code",
    # A NUL in any path is the 404 page before any view (tests/test_server_errors.py).
    ["AAAA-BBBB-CCCC-DDDD-EEEE-FFFF", "nope", "x" * 200, "%3Cscript%3E", "1", "é"],
)
def test_certificate_forged_code_is_a_clear_not_found(client, learner, course, code):
    complete(learner, course)
    response = client.get(f"/certificates/{code}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Certificate not found" in html
    assert "<script>" not in html
    assert client.get(f"/certificates/{code}/pdf/").status_code == 404


@pytest.mark.django_db
def test_certificate_revoked_shows_as_revoked_everywhere(client, learner, course):
    complete(learner, course)
    certificate = Certificate.objects.get(user=learner)
    certificate_revoke(certificate=certificate, reason="Completed under another person's login.")
    html = client.get(certificate.get_absolute_url()).content.decode()
    assert "Revoked certificate" in html
    assert "Valid certificate" not in html
    assert "another person" not in html  # the reason stays private
    assert "REVOKED" in pdf_text(client.get(certificate.get_pdf_url()))
    client.force_login(learner)
    assert "was revoked" in client.get(course.get_absolute_url()).content.decode()
    dashboard = client.get(reverse("ambassadors:dashboard")).content.decode()
    assert certificate.get_pdf_url() not in dashboard


@pytest.mark.django_db
def test_certificate_revoke_needs_a_reason(learner, course):
    complete(learner, course)
    certificate = Certificate.objects.get(user=learner)
    with pytest.raises(ValueError, match="reason"):
        certificate_revoke(certificate=certificate, reason="  ")
    certificate.refresh_from_db()
    assert certificate.is_valid


@pytest.mark.django_db
def test_certificate_admin_action_revokes_with_a_reason(admin_client, learner, course):
    complete(learner, course)
    certificate = Certificate.objects.get(user=learner)
    url = reverse("admin:courses_certificate_changelist")
    form = {"action": "revoke", "_selected_action": [certificate.pk]}
    confirm = admin_client.post(url, form)
    assert confirm.status_code == 200
    assert "Revoke certificates" in confirm.content.decode()
    empty = admin_client.post(url, {**form, "apply": "1", "reason": ""})
    assert "This field is required" in empty.content.decode()
    certificate.refresh_from_db()
    assert certificate.is_valid
    done = admin_client.post(url, {**form, "apply": "1", "reason": "Cheating"}, follow=True)
    assert "1 certificate revoked." in done.content.decode()
    certificate.refresh_from_db()
    assert not certificate.is_valid
    assert certificate.revoked_reason == "Cheating"


@pytest.mark.django_db
def test_certificate_revoke_action_is_for_admins_only(client, organisation, learner, course):
    complete(learner, course)
    trainer = make_user("trainer", organisation=organisation, groups=("Trainers",), is_staff=True)
    from django.contrib.auth.models import Permission

    trainer.user_permissions.add(Permission.objects.get(codename="view_certificate"))
    trainer = get_user_model().objects.get(pk=trainer.pk)
    client.force_login(trainer)
    certificate = Certificate.objects.get(user=learner)
    url = reverse("admin:courses_certificate_changelist")
    form = {"action": "revoke", "_selected_action": [certificate.pk], "apply": "1", "reason": "x"}
    client.post(url, form)
    certificate.refresh_from_db()
    assert certificate.is_valid


@pytest.mark.django_db
def test_certificate_pdf_falls_back_to_helvetica_without_the_font(
    settings, learner, course, caplog
):
    from courses import certificates

    complete(learner, course)
    certificate = Certificate.objects.get(user=learner)
    settings.CERTIFICATE_FONT = "/nonexistent/font.ttf"
    certificates.fonts.cache_clear()
    try:
        pdf = certificates.render_pdf(certificate, verify_url="https://example.org/c/")
        assert "falling back to Helvetica" in caplog.text
    finally:
        certificates.fonts.cache_clear()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Ana Silva" in text


@pytest.mark.django_db
def test_certificate_pdf_wraps_a_very_long_name(learner, course):
    from courses import certificates

    complete(learner, course)
    certificate = Certificate.objects.get(user=learner)
    certificate.name = "Maria " * 30 + "Silva"
    pdf = certificates.render_pdf(certificate, verify_url="https://example.org/c/")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Silva" in text


def text_runs(pdf: bytes) -> list[tuple[str, float, float, float]]:
    """(text, x, y, size) of every piece of text on the first page (x where it starts, y its
    baseline, upwards)."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            runs.append((text.strip(), tm[4], tm[5], size))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return runs


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "Maria " * 49 + "Silva",  # 300 characters, the field's maximum
        "W" * 300,  # one word wider than the page: cut, not run off the page
        "Ana Silva",
    ],
)
def test_certificate_pdf_keeps_the_longest_name_inside_its_box(learner, course, name):
    """A 300-character name once wrapped downwards onto "has completed the course"."""
    from courses import certificates

    complete(learner, course)
    certificate = Certificate.objects.get(user=learner)
    certificate.name = name
    certificate.course_title = "Social media " * 15  # 195 characters
    pdf = certificates.render_pdf(certificate, verify_url="https://example.org/c/")
    runs = text_runs(pdf)
    above = next(y for text, _x, y, _s in runs if text == "This certifies that")
    below = next(y for text, _x, y, _s in runs if text == "has completed the course")
    date = next(y for text, _x, y, _s in runs if text.startswith("on "))
    lines = [(text, x, y, size) for text, x, y, size in runs if text and below < y < above]
    assert "".join(text for text, *_ in lines).replace(" ", "") == name.replace(" ", "")
    for text, x, y, size in lines:
        assert y + 0.8 * size < above - 15 * 0.25, text  # clear of the line above's descenders
        assert y - 0.25 * size > below + 15 * 0.8, text  # clear of the line below's capitals
        assert x >= 2 * 36 - 1, text  # centred and starting inside the frame: it fits
        assert size >= 7
    title = [(y, size) for text, _x, y, size in runs if text.startswith("Social") and y < below]
    assert title and all(date + 15 * 0.8 < y - 0.25 * s and y + 0.8 * s < below for y, s in title)


@pytest.mark.django_db
def test_certificate_cannot_be_deleted_in_the_admin_only_revoked(admin_client, learner, course):
    """A deleted certificate's verification page would say "not found", not "revoked"."""
    complete(learner, course)
    certificate = Certificate.objects.get(user=learner)
    delete = reverse("admin:courses_certificate_delete", args=[certificate.pk])
    assert admin_client.get(delete).status_code == 403
    changelist = reverse("admin:courses_certificate_changelist")
    assert "delete_selected" not in admin_client.get(changelist).content.decode()
    admin_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [certificate.pk], "post": "yes"},
    )
    assert Certificate.objects.filter(pk=certificate.pk).exists()
