"""Trainers write the programme's texts in five languages in the admin, on language tabs
whose scripts come from our own static files (no CDN, no inline script: the CSP holds)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from ambassadors.models import ActionType, BadgeClass, Campaign, Level, Organisation
from tests.factories import make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    return client


@pytest.mark.parametrize(
    "url",
    [
        lambda: reverse("admin:ambassadors_level_change", args=[Level.objects.get(rank=1).pk]),
        lambda: reverse(
            "admin:ambassadors_actiontype_change", args=[ActionType.objects.first().pk]
        ),
        lambda: reverse(
            "admin:ambassadors_badgeclass_change", args=[BadgeClass.objects.first().pk]
        ),
        lambda: reverse("admin:ambassadors_campaign_add"),
        lambda: reverse("admin:ambassadors_organisation_add"),
    ],
    ids=["level", "action-type", "badge", "campaign", "organisation"],
)
def test_admin_pages_have_a_field_per_language_and_only_local_scripts(admin_client, url):
    page = admin_client.get(url()).content.decode()
    for language in ("en", "fr", "es", "pt", "it"):
        assert re.search(rf'name="(name|display_name)_{language}"', page)
    scripts = re.findall(r"<script\b([^>]*)>", page)
    sources = [re.search(r'src="([^"]+)"', attrs) for attrs in scripts]
    executable = [a for a, s in zip(scripts, sources, strict=True) if "application/json" not in a]
    # Every script is a file of this site (no CDN, nothing inline).
    assert all(re.search(r'src="/(?!/)', attrs) for attrs in executable), executable
    srcs = [s[1] for s in sources if s]
    assert any("vendor/jquery-ui/jquery-ui.min" in src for src in srcs)
    assert any("modeltranslation/js/tabbed_translation_fields" in src for src in srcs)
    assert "googleapis" not in page and "//ajax." not in page


def test_a_level_renamed_in_the_admin_reads_in_each_language(admin_client):
    level = Level.objects.get(rank=1)
    url = reverse("admin:ambassadors_level_change", args=[level.pk])
    data = {
        "name_en": "Trained",
        "name_fr": "Formée ou formé",
        "name_es": "Formado",
        "name_pt": "Formado",
        "name_it": "Formato",
        "description_en": "Done.",
        "description_fr": "Terminé.",
        "description_es": "",
        "description_pt": "",
        "description_it": "",
        "course_key": level.course_key,
        "required_count": 1,
        "months": 3,
        "campaign_actions": 1,
        "mentees": 1,
    }
    assert admin_client.post(url, data).status_code == 302
    level.refresh_from_db()
    with translation.override("fr"):
        assert (level.name, level.description) == ("Formée ou formé", "Terminé.")
    with translation.override("it"):
        assert level.description == "Done."  # empty translation: the English source


def test_organisation_display_name_per_language(admin_client):
    portugal = make_organisation("Dianova Portugal")
    Organisation.objects.filter(pk=portugal.pk).update(display_name_it="Dianova Portogallo")
    portugal.refresh_from_db()
    with translation.override("it"):
        assert str(portugal) == "Dianova Portogallo"
    with translation.override("fr"):
        assert portugal.label == "Dianova Portogallo"  # the only one given: the fallback
    Organisation.objects.filter(pk=portugal.pk).update(display_name_it=None)
    portugal.refresh_from_db()
    assert portugal.label == "Dianova Portugal"
    assert Campaign.objects.count() == 0


def test_leaderboard_teams_use_the_display_name(member, trainer, spain):
    from ambassadors.programme.leaderboard import team_totals
    from tests.factories import log_action, verify

    verify(log_action(member, "share"), trainer)
    Organisation.objects.filter(pk=spain.pk).update(display_name_it="Dianova España")
    portugal = member.user.profile.organisation
    Organisation.objects.filter(pk=portugal.pk).update(display_name_it="Dianova Portugal (IT)")
    with translation.override("it"):
        assert [t.name for t in team_totals(by="organisation", since=None)] == [
            "Dianova Portugal (IT)"
        ]
    with translation.override("fr"):  # no French display name: the name
        assert [t.name for t in team_totals(by="organisation", since=None)] == ["Dianova Portugal"]
