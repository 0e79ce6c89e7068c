"""Course and quiz titles in the reader's language (issue 12)."""

import pytest
from django.utils import translation

from courses.certificates import course_title_for_reader
from courses.models import Certificate, Quiz, Status
from courses.titles import Titles
from courses.translations import course_duplicate
from tests.factories import make_course, make_user, pass_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def family():
    french = make_course(language="fr", modules=2)
    type(french).objects.filter(pk=french.pk).update(title="Les réseaux sociaux")
    french.refresh_from_db()
    Quiz.objects.filter(course=french, key="quiz-m1").update(title="Quiz du module 1")
    portuguese = course_duplicate(course=french, language="pt")
    portuguese.title = "As redes sociais"
    portuguese.status = Status.PUBLISHED
    portuguese.save()
    Quiz.objects.filter(course=portuguese, key="quiz-m1").update(title="Questionário do módulo 1")
    spanish = course_duplicate(course=french, language="es")  # a draft: not shown
    spanish.title = "Las redes sociales"
    spanish.save()
    return french, portuguese, spanish


def test_titles_follow_the_reader_language_else_the_original(family, django_assert_num_queries):
    french, portuguese, _spanish = family
    quiz_fr = Quiz.objects.select_related("course").get(course=french, key="quiz-m1")
    with django_assert_num_queries(1):
        titles = Titles.load("pt")
        assert [titles.course(c) for c in family] == ["As redes sociais"] * 3
        assert titles.quiz(quiz_fr) == "Questionário do módulo 1"
    # A quiz the Portuguese version lacks keeps the original's title.
    Quiz.objects.filter(course=portuguese, key="quiz-m2").delete()
    quiz_m2 = Quiz.objects.select_related("course").get(course=french, key="quiz-m2")
    assert Titles.load("pt").quiz(quiz_m2) == quiz_m2.title
    # Spanish is a draft, Italian does not exist: the original.
    for language in ("es", "it"):
        titles = Titles.load(language)
        assert titles.course(portuguese) == "Les réseaux sociaux"
        assert titles.quiz(quiz_fr, family=french.pk) == "Quiz du module 1"
    with translation.override("pt-br"):
        assert Titles.load().course(french) == "As redes sociais"


def test_certificate_names_the_course_in_the_reader_language(family):
    french, _portuguese, _spanish = family
    learner = make_user(language="fr")
    pass_course(learner, french)
    certificate = Certificate.objects.get(user=learner)
    assert course_title_for_reader(certificate, "fr") == "Les réseaux sociaux"
    assert course_title_for_reader(certificate, "pt") == "As redes sociais"
    assert course_title_for_reader(certificate, "it") == "Les réseaux sociaux"


def test_certificate_page_and_pdf_in_the_reader_language(client, family):
    import io

    from pypdf import PdfReader

    french, _portuguese, _spanish = family
    learner = make_user(language="fr")
    pass_course(learner, french)
    certificate = Certificate.objects.get(user=learner)
    client.cookies["django_language"] = "pt"
    page = client.get(certificate.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="pt")
    assert "As redes sociais" in page.content.decode()
    pdf = client.get(certificate.get_pdf_url(), HTTP_ACCEPT_LANGUAGE="pt")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "As redes sociais" in text and "réseaux" not in text
