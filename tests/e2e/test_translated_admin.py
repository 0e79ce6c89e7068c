"""In a real browser: the programme's admin shows one tab per language (django-modeltranslation
with jQuery UI from our static files) and the Content-Security-Policy reports nothing."""

import pytest
from playwright.sync_api import expect

from ambassadors.models import Level
from tests.e2e.conftest import login
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_level_admin_has_language_tabs_under_the_csp(page, site_url, csp_violations):
    make_user("root", is_superuser=True, is_staff=True)
    level = Level.objects.get(rank=1)
    login(page, site_url, "root", PASSWORD)
    page.goto(f"{site_url}/admin/ambassadors/level/{level.pk}/change/")
    tabs = page.locator(".ui-tabs-nav").first
    expect(tabs).to_be_visible()
    for code in ("en", "fr", "es", "pt", "it"):
        expect(tabs.get_by_role("tab", name=code, exact=False)).to_have_count(1)
    french = page.locator("#id_name_fr")
    expect(french).to_be_hidden()  # behind its tab until chosen
    tabs.get_by_role("tab", name="fr", exact=False).click()
    expect(french).to_be_visible()
    french.fill("Formée")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert Level.objects.get(rank=1).name_fr == "Formée"
    assert csp_violations == []
