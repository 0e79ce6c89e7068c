"""The interface in five languages: complete translations, the language switcher, the
profile's language, localised dates, e-mails and form errors."""

import re
from datetime import date
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from ambassadors.models import StaffProfile
from courses.models import Enrolment
from tests.factories import PASSWORD, make_course, make_user

ROOT = Path(settings.BASE_DIR)
PO_FILES = sorted((ROOT / "locale").glob("*/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sd]|%%")


def _entries():
    for path in PO_FILES:
        for entry in polib.pofile(str(path)):
            if not entry.obsolete:
                yield path.parent.parent.name, entry


def test_every_interface_language_has_a_po_file():
    languages = {code for code, _name in settings.LANGUAGES} - {settings.LANGUAGE_CODE}
    assert {path.parent.parent.name for path in PO_FILES} == languages


@pytest.mark.parametrize("path", PO_FILES, ids=lambda p: p.parent.parent.name)
def test_po_file_is_completely_translated(path):
    """Fails for any new string until it is translated: run `make translations`, then fill in
    every empty or fuzzy msgstr (README, "Translations")."""
    po = polib.pofile(str(path))
    assert not po.metadata_is_fuzzy, "remove the fuzzy flag of the header"
    fuzzy = [e.msgid for e in po.fuzzy_entries() if not e.obsolete]
    untranslated = [e.msgid for e in po.untranslated_entries()]
    assert fuzzy == [], f"fuzzy in {path}"
    assert untranslated == [], f"not translated in {path}"
    assert len(po.translated_entries()) > 250


def test_translations_keep_every_placeholder():
    """A missing or misspelt %(name)s would raise at run time: a 500 in one language only."""
    wrong = []
    for language, entry in _entries():
        if "python-format" not in entry.flags:
            continue
        if entry.msgid_plural:
            expected = sorted(PLACEHOLDER.findall(entry.msgid_plural))
            translations = entry.msgstr_plural.values()
        else:
            expected = sorted(PLACEHOLDER.findall(entry.msgid))
            translations = [entry.msgstr]
        for text in translations:
            if sorted(PLACEHOLDER.findall(text)) != expected:
                wrong.append((language, entry.msgid, text))
    assert wrong == []


def test_templates_use_named_date_formats():
    """Dates follow each language's conventions only through the named formats."""
    named = {"DATE_FORMAT", "SHORT_DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"}
    named |= {"TIME_FORMAT", "MONTH_DAY_FORMAT", "YEAR_MONTH_FORMAT"}
    found = []
    for template in (ROOT / "templates").rglob("*.html"):
        for arg in re.findall(r"\|(?:date|time):\"([^\"]*)\"", template.read_text()):
            if arg not in named:
                found.append((template.name, arg))
    assert found == []


# --- The language switcher --------------------------------------------------------------------


def switch(client, language, next_url="/"):
    return client.post(reverse("ambassadors:language"), {"language": language, "next": next_url})


@pytest.mark.django_db
def test_switcher_saves_the_profile_language_and_translates_the_next_page(learner_client, learner):
    response = switch(learner_client, "fr", "/?from=switcher")
    assert response.status_code == 302
    assert response["Location"] == "/?from=switcher"
    learner.profile.refresh_from_db()
    assert learner.profile.language == "fr"
    page = learner_client.get("/").content.decode()
    assert '<html lang="fr">' in page
    assert "Ma formation" in page and "Se déconnecter" in page


@pytest.mark.django_db
def test_profile_language_wins_over_the_browser(learner_client, learner):
    StaffProfile.objects.filter(user=learner).update(language="pt")
    page = learner_client.get("/", HTTP_ACCEPT_LANGUAGE="fr,en;q=0.5").content.decode()
    assert "A minha formação" in page


@pytest.mark.django_db
def test_switcher_creates_a_profile_for_users_without_one(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    client.force_login(admin)
    switch(client, "it")
    assert StaffProfile.objects.get(user=admin).language == "it"
    assert "La mia formazione" in client.get("/").content.decode()


@pytest.mark.django_db
def test_anonymous_visitors_get_a_cookie_and_a_translated_login_page(client):
    response = switch(client, "es", "/accounts/login/?next=/courses/x/")
    assert response["Location"] == "/accounts/login/?next=/courses/x/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = client.get("/accounts/login/").content.decode()
    assert "Iniciar sesión en Dianova Training" in page
    assert 'option value="es" lang="es" selected' in page
    assert not StaffProfile.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url", ["https://evil.example.com/", "//evil.example.com/", "javascript:alert(1)", ""]
)
def test_switcher_never_redirects_off_site(client, next_url):
    response = switch(client, "fr", next_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("ambassadors:dashboard")


@pytest.mark.django_db
def test_switcher_refuses_an_unknown_language(learner_client, learner):
    response = switch(learner_client, "de")
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    learner.profile.refresh_from_db()
    assert learner.profile.language == "en"
    page = learner_client.get("/").content.decode()
    assert "This language is not available." in page


@pytest.mark.django_db
def test_switcher_accepts_only_post_with_csrf(client, learner):
    assert client.get(reverse("ambassadors:language")).status_code == 405
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    assert switch(strict, "fr").status_code == 403
    learner.profile.refresh_from_db()
    assert learner.profile.language == "en"


@pytest.mark.django_db
def test_every_page_has_the_switcher_with_the_five_languages(learner_client):
    page = learner_client.get("/").content.decode()
    names = re.findall(r'<option value="(\w+)" lang="\w+"[^>]*>([^<]+)</option>', page)
    assert names == [
        ("en", "English"),
        ("fr", "Français"),
        ("es", "Español"),
        ("pt", "Português"),
        ("it", "Italiano"),
    ]


@pytest.mark.django_db
def test_the_switcher_marks_the_current_language_in_each_language(client):
    """Its options are rendered once per language and process: each language still gets its
    own selected option, whatever was rendered before it."""
    user = make_user()
    client.force_login(user)
    for language in ("fr", "en", "it", "fr", "pt", "es"):
        StaffProfile.objects.filter(user=user).update(language=language)
        page = client.get("/").content.decode()
        selected = re.findall(r'<option value="(\w+)" lang="\w+" selected>', page)
        assert selected == [language]
        assert f'<html lang="{language}">' in page


# --- Localised dates, e-mails, form errors, the admin -----------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Assigned · due March 15, 2027"),
        ("fr", "Assigné · à terminer avant le 15 mars 2027"),
        ("it", "Assegnato · scadenza: 15 Marzo 2027"),
        ("pt", "Atribuído · prazo: 15 de Março de 2027"),
    ],
)
def test_dashboard_dates_follow_the_language(client, language, text):
    course = make_course(language=language)
    user = make_user(language=language)
    Enrolment.objects.create(user=user, course=course, assigned=True, due_date=date(2027, 3, 15))
    client.force_login(user)
    assert text in client.get("/").content.decode()


@pytest.mark.django_db
def test_password_reset_email_in_the_chosen_language(client, learner):
    switch(client, "fr")
    client.post(reverse("password_reset"), {"email": learner.email})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Dianova Training\u202f: choisissez un nouveau mot de passe"
    assert "Quelqu’un (vous, nous l’espérons)" in mail.outbox[0].body


@pytest.mark.django_db
def test_form_errors_are_translated(client, learner):
    switch(client, "it")
    response = client.post(reverse("login"), {"username": "learner", "password": "wrong"})
    assert "Inserisci nome utente e password corretti" in response.content.decode()


@pytest.mark.django_db
def test_admin_speaks_the_trainers_language(client, organisation):
    trainer = make_user(
        "trainer", organisation=organisation, groups=("Trainers",), is_staff=True, language="fr"
    )
    make_course()
    client.force_login(trainer)
    page = client.get(reverse("admin:courses_lesson_changelist")).content.decode()
    assert "état de la traduction" in page
    assert "Marquer comme relu (traduction à jour)" in page


# --- Shipped programme data (content/programme.yaml) -------------------------------------------

OTHER_LANGUAGES = ("fr", "es", "pt", "it")


def _shipped_texts():
    from ambassadors.programme.texts import TRANSLATED_SECTIONS, read_programme

    data = read_programme()
    for section in TRANSLATED_SECTIONS:
        for key, fields in data.get(section, {}).items():
            for field, texts in fields.items():
                yield f"{section}.{key}.{field}", texts


def test_shipped_programme_texts_are_translated_in_every_language():
    """No empty text and no English left in fr, es, pt or it (read_programme refuses empty
    ones and missing languages)."""
    untranslated = [
        (where, language)
        for where, texts in _shipped_texts()
        for language in OTHER_LANGUAGES
        if texts[language].strip() == texts["en"].strip()
    ]
    assert untranslated == []
    assert len(list(_shipped_texts())) > 60


def test_shipped_french_texts_follow_french_typography():
    wrong = []
    for where, texts in _shipped_texts():
        text = texts["fr"]
        if "'" in text or re.search(r"(?<![\u202f\u00a0]) ?[:;!?]", text.replace("...", "")):
            wrong.append((where, text))
    assert wrong == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_programme_rows_are_translated_in_the_database(language):
    """What the migrations (and ``load_programme``) put in the database: every default level,
    action type, badge and criteria text has a real translation."""
    from ambassadors.models import ActionType, BadgeClass, BadgeCriterion, Level

    untranslated = []
    for model, fields in (
        (Level, ("name", "description")),
        (ActionType, ("name", "description")),
        (BadgeClass, ("name", "description")),
        (BadgeCriterion, ("narrative",)),
    ):
        for row in model.objects.all():
            for field in fields:
                text = getattr(row, f"{field}_{language}")
                if not text or text == getattr(row, f"{field}_en"):
                    untranslated.append((model.__name__, row.pk, field))
    assert untranslated == []
    assert Level.objects.count() == 6


FRENCH_STRAIGHT_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
FRENCH_SPACED = re.compile(
    r"[ \u00a0][:;?!]|(?<=[\w»)])[;?!]|(?<=[\w»)]):(?=\s|$)|«(?!\u202f)|(?<!\u202f)»"
)
NOT_PROSE = re.compile(r"<[^>]*>|https?://\S+|%\([a-z_]+\)[sd]|\{[^}]*\}")


def test_french_interface_follows_french_typography():
    """A narrow no-break space (U+202F) before : ; ? ! and inside « », as French typesetting
    wants ("Suivant : …", "Temps restant : …"), never a plain space that can break the line;
    and the typographic apostrophe (’), as in the course text."""
    wrong = []
    for entry in polib.pofile(str(ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po")):
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            prose = NOT_PROSE.sub(" ", text)
            if FRENCH_SPACED.search(prose) or FRENCH_STRAIGHT_APOSTROPHE.search(prose):
                wrong.append(text)
    assert wrong == []
