"""In a real browser: the navbar's switcher turns the whole interface (and the course version
shown) to French, then to Portuguese, and the choice sticks after logging out."""

import re

import pytest
from playwright.sync_api import expect

from ambassadors.models import StaffProfile
from courses.models import Course, Lesson, Status
from courses.translations import course_duplicate
from tests.e2e.conftest import login
from tests.factories import PASSWORD, make_course, make_manager, make_organisation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def switch_to(page, language_name: str, button: str) -> None:
    page.get_by_label(re.compile("language|langue|idioma|lingua", re.I)).select_option(
        label=language_name
    )
    page.get_by_role("button", name=button).click()


def test_switching_the_interface_to_french_and_portuguese(page, site_url, csp_violations):
    canada = make_organisation("Dianova Canada", country="CA", language="fr")
    original = make_course(language="fr", modules=1, lessons=1)
    Course.objects.filter(pk=original.pk).update(title="Les médias sociaux")
    portuguese = course_duplicate(course=original, language="pt")
    portuguese.title = "As redes sociais"
    portuguese.status = Status.PUBLISHED
    portuguese.save()
    Lesson.objects.filter(module__course=portuguese).update(title="O que são as redes sociais")
    make_manager(username="emilie", organisation=canada, whole_network=True, first_name="Émilie")

    login(page, site_url, "emilie", PASSWORD)
    expect(page.get_by_role("heading", name="My training")).to_be_visible()

    # French: headings, navigation, buttons, the course shown (the original).
    switch_to(page, "Français", "Change language")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bienvenue, Émilie")
    expect(page.get_by_role("heading", level=2, name="Ma formation")).to_be_visible()
    expect(page.get_by_role("heading", name="Ambassadeur numérique")).to_be_visible()
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav.get_by_role("link", name="Ma formation")).to_be_visible()
    expect(nav.get_by_role("link", name="Rapports")).to_be_visible()
    expect(nav.get_by_role("button", name="Se déconnecter")).to_be_visible()
    expect(nav.get_by_role("button", name="Changer de langue")).to_be_visible()
    expect(page.get_by_role("link", name="Les médias sociaux")).to_be_visible()
    expect(page.get_by_role("link", name="Commencer", exact=True)).to_be_visible()
    expect(page.locator("footer")).to_have_text(
        "Dianova Training — les médias sociaux pour le réseau Dianova"
    )
    body = page.locator("body").inner_text()
    for english in ("My training", "Log out", "Reports", "Welcome", "steps done"):
        assert english not in body
    assert StaffProfile.objects.get(user__username="emilie").language == "fr"

    page.get_by_role("link", name="Rapports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vue d’ensemble de la formation")
    expect(page.get_by_role("columnheader", name="Taux d’achèvement")).to_be_visible()

    # Portuguese, switched from the reports page: back on the same page, all in Portuguese.
    switch_to(page, "Português", "Changer de langue")
    expect(page).to_have_url(re.compile(r"/reports/$"))
    expect(page.locator("html")).to_have_attribute("lang", "pt")
    expect(page.get_by_role("heading", level=1)).to_have_text("Visão geral da formação")
    expect(page.get_by_role("columnheader", name="Taxa de conclusão")).to_be_visible()
    nav = page.get_by_role("navigation", name="Navegação principal")
    expect(nav.get_by_role("link", name="Relatórios")).to_be_visible()
    expect(nav.get_by_role("button", name="Terminar sessão")).to_be_visible()

    nav.get_by_role("link", name="A minha formação").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Olá, Émilie")
    expect(page.get_by_text("0 de 2 passos concluídos")).to_be_visible()
    page.get_by_role("link", name="As redes sociais").first.click()
    expect(page.get_by_role("heading", name="Conteúdo")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Começar o curso")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("O que são as redes sociais")
    expect(page.get_by_role("button", name="Marcar como concluída")).to_be_visible()
    assert "Mark as complete" not in page.locator("body").inner_text()

    # Logged out, the log-in page keeps the language (Django's language cookie).
    page.get_by_role("button", name="Terminar sessão").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Iniciar sessão no Dianova Training")
    expect(page.get_by_role("button", name="Iniciar sessão")).to_be_visible()
    assert csp_violations == []
