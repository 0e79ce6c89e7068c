"""Reports, exports, charts and e-mails name courses and quizzes in the reader's language
(issue 12): the family's version in that language, else the original."""

import csv
import io
import json

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse

from courses.models import Course, Quiz, Status
from courses.translations import course_duplicate
from tests.factories import make_course, make_manager, make_organisation, make_user

pytestmark = pytest.mark.django_db

FR_TITLE, PT_TITLE, EN_TITLE = "Les réseaux sociaux", "As redes sociais", "Social media"
FR_QUIZ, PT_QUIZ = "Quiz du module 1", "Questionário do módulo 1"


@pytest.fixture
def scene():
    """A French course with Portuguese and English versions; staff in Portugal; manager-pt."""
    french = make_course(language="fr", modules=2)
    Course.objects.filter(pk=french.pk).update(title=FR_TITLE)
    Quiz.objects.filter(course=french, key="quiz-m1").update(title=FR_QUIZ)
    for language, title, quiz in (("pt", PT_TITLE, PT_QUIZ), ("en", EN_TITLE, "Module 1 quiz")):
        version = course_duplicate(course=Course.objects.get(pk=french.pk), language=language)
        version.title, version.status = title, Status.PUBLISHED
        version.save()
        Quiz.objects.filter(course=version, key="quiz-m1").update(title=quiz)
    portugal = make_organisation("Dianova Portugal", country="PT", language="pt")
    for name in ("ana", "joao"):
        make_user(name, organisation=portugal, language="pt")
    manager = make_manager(manages=[portugal], username="manager-pt", language="pt")
    return {"french": Course.objects.get(pk=french.pk), "manager": manager, "portugal": portugal}


def _download(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_manager_pt_reads_portuguese_titles_in_pages_and_files(client, scene):
    client.force_login(scene["manager"])
    overview_url = reverse("ambassadors:reports")
    overview = client.get(overview_url).content.decode()
    assert PT_TITLE in overview and FR_TITLE not in overview
    charts = overview[overview.index('id="report-charts"') :]
    assert PT_TITLE in charts.split("</script>")[0]

    report_url = reverse("ambassadors:course-report", kwargs={"course": scene["french"].slug})
    report = client.get(report_url).content.decode()
    assert PT_TITLE in report and f'<dt class="fw-normal">{PT_QUIZ}</dt>' in report
    assert FR_TITLE not in report and FR_QUIZ not in report

    text = _download(client, report_url + "?format=csv").decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert f"Melhor pontuação: {PT_QUIZ}" in header
    assert not any(FR_QUIZ in cell for cell in header)

    workbook = openpyxl.load_workbook(io.BytesIO(_download(client, report_url + "?format=xlsx")))
    cells = [c.value for c in next(workbook.worksheets[0].iter_rows(max_row=1))]
    assert f"Melhor pontuação: {PT_QUIZ}" in cells

    text = _download(client, overview_url + "?format=csv").decode("utf-8-sig")
    assert PT_TITLE in text and FR_TITLE not in text
    workbook = openpyxl.load_workbook(io.BytesIO(_download(client, overview_url + "?format=xlsx")))
    values = [c.value for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row]
    assert PT_TITLE in values
    assert f"{PT_TITLE}: concluído" in values
    assert not any(isinstance(v, str) and FR_TITLE in v for v in values)


def test_the_same_report_speaks_each_readers_language(client, scene):
    english_manager = make_manager(whole_network=True, username="manager-en", language="en")
    client.force_login(english_manager)
    report_url = reverse("ambassadors:course-report", kwargs={"course": scene["french"].slug})
    report = client.get(report_url).content.decode()
    assert EN_TITLE in report and "Module 1 quiz" in report
    italian = make_manager(whole_network=True, username="manager-it", language="it")
    client.force_login(italian)
    report = client.get(report_url).content.decode()  # no Italian version: the original
    assert FR_TITLE in report and FR_QUIZ in report


def test_person_report_names_courses_and_quizzes_for_the_reader(client, scene):
    from tests.factories import pass_course

    ana = type(scene["manager"]).objects.get(username="ana")
    pass_course(ana, Course.objects.get(translation_of=scene["french"], language="pt"))
    english_manager = make_manager(whole_network=True, username="manager-en", language="en")
    client.force_login(english_manager)
    url = reverse("ambassadors:person-report", kwargs={"person": ana.pk})
    page = client.get(url).content.decode()
    assert EN_TITLE in page and "Module 1 quiz" in page
    assert PT_TITLE not in page and PT_QUIZ not in page


def test_digest_and_reminders_use_each_recipients_language(scene, settings):
    from datetime import date, timedelta

    from ambassadors.people.services import assignment_create

    english_manager = make_manager(manages=[scene["portugal"]], username="boss", language="en")
    assignment_create(
        course=scene["french"],
        organisations=[scene["portugal"]],
        users=[],
        due_date=date.today() - timedelta(days=3),
        assigned_by=english_manager,
    )
    from django.core.management import call_command

    call_command("send_reminders", verbosity=0)
    by_recipient = {message.to[0]: message.body for message in mail.outbox}
    assert PT_TITLE in by_recipient["ana@example.org"]
    digest = by_recipient["boss@example.org"]
    assert EN_TITLE in digest and PT_TITLE not in digest and FR_TITLE not in digest
    assert PT_TITLE in by_recipient["manager-pt@example.org"]


def test_chart_data_is_json_in_the_reader_language(client, scene):
    client.force_login(scene["manager"])
    page = client.get(reverse("ambassadors:reports")).content.decode()
    start = page.index('id="report-charts"')
    payload = page[page.index(">", start) + 1 : page.index("</script>", start)]
    data = json.loads(payload)
    assert data["courses"]["labels"] == [PT_TITLE]


def test_open_badges_json_stays_in_the_issuers_language_unless_asked(client):
    url = reverse("badges:class-json", kwargs={"slug": "level-1-trained"})
    client.cookies["django_language"] = "fr"
    document = json.loads(client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content)
    assert document["name"] == "Level 1 · Trained"
    assert document["criteria"]["narrative"].startswith("Completed the social-media course")
    document = json.loads(client.get(url + "?lang=fr").content)
    assert document["name"] == "Niveau 1 · Formé"
    assert document["criteria"]["narrative"].startswith("A terminé le cours")
    page = client.get(reverse("badges:class", kwargs={"slug": "level-1-trained"}))
    assert "Niveau 1 · Formé" in page.content.decode()  # the page speaks the reader's language
