"""Admins configure the programme in the Django admin."""

import pytest
from django.urls import reverse

from ambassadors.models import (
    Action,
    ActionType,
    BadgeAward,
    BadgeClass,
    CharterVersion,
    Level,
    Platform,
)
from tests.ambassadors.conftest import reload
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, db):
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    return client


@pytest.mark.parametrize(
    "model",
    [
        "level",
        "actiontype",
        "platform",
        "campaign",
        "charterversion",
        "charteracceptance",
        "ambassadorprofile",
        "action",
        "badgeclass",
        "badgeaward",
    ],
)
def test_admin_pages_of_the_programme_load(admin_client, climber, model):
    climber(4)
    assert admin_client.get(f"/admin/ambassadors/{model}/").status_code == 200
    obj = {
        "level": Level,
        "actiontype": ActionType,
        "platform": Platform,
        "charterversion": CharterVersion,
        "action": Action,
        "badgeclass": BadgeClass,
        "badgeaward": BadgeAward,
    }.get(model)
    if obj is not None:
        pk = obj.objects.first().pk
        assert admin_client.get(f"/admin/ambassadors/{model}/{pk}/change/").status_code == 200


def test_admin_changing_a_threshold_recomputes_levels(admin_client, climber):
    profile = climber(4)
    relay = Level.objects.get(rule=Level.Rule.RELAY)
    data = {
        # one name and description per language (django-modeltranslation's admin)
        **{
            f"name_{code}": getattr(relay, f"name_{code}")
            for code in ("en", "fr", "es", "pt", "it")
        },
        **{
            f"description_{code}": getattr(relay, f"description_{code}")
            for code in ("en", "fr", "es", "pt", "it")
        },
        "course_key": "",
        "required_count": 3,
        "months": relay.months,
        "campaign_actions": relay.campaign_actions,
        "mentees": relay.mentees,
    }
    response = admin_client.post(f"/admin/ambassadors/level/{relay.pk}/change/", data)
    assert response.status_code == 302
    assert reload(profile).level == 3


def test_admin_revokes_a_badge_with_a_reason(admin_client, climber):
    profile = climber(2)
    award = BadgeAward.objects.filter(user=profile.user).first()
    url = f"/admin/ambassadors/badgeaward/{award.pk}/change/"
    response = admin_client.post(url, {"revoke": "on", "revocation_reason": ""})
    assert response.status_code == 200  # the reason is required
    admin_client.post(url, {"revoke": "on", "revocation_reason": "Awarded in error"})
    award.refresh_from_db()
    assert award.is_revoked and award.revocation_reason == "Awarded in error"
    assert (
        admin_client.get(reverse("badges:assertion", kwargs={"award": award.pk})).status_code == 410
    )


def test_admin_levels_cannot_be_added_or_deleted(admin_client):
    assert admin_client.get("/admin/ambassadors/level/add/").status_code == 403
    level = Level.objects.first()
    assert admin_client.get(f"/admin/ambassadors/level/{level.pk}/delete/").status_code == 403


def test_admin_index_lists_models_under_headings_that_say_what_they_hold(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    # One table per heading: its caption, then its models' rows.
    sections = {
        part.split("</caption>")[0].split(">")[-2].split("<")[0]: part
        for part in page.split("<caption>")[1:]
    }
    assert list(sections).index("People of the network") + 1 == list(sections).index(
        "Ambassador programme"
    )
    people, programme = sections["People of the network"], sections["Ambassador programme"]
    for name in ["Member organisations", "Staff profiles", "Course assignments", "Audit trail"]:
        assert name in people and name not in programme
    assert "Ambassador actions" in programme and "Ambassador actions" not in people
    assert "Quizzes" in sections["Course content"]
    assert "Certificates" in sections["Learning records"]
    assert "Certificates" not in sections["Course content"]


def test_admin_cannot_delete_an_awarded_badge_only_revoke_it(admin_client, climber):
    """A deleted award's assertion answered a 404 page instead of 410 "revoked"."""
    award = BadgeAward.objects.filter(user=climber(2).user).first()
    assert admin_client.get(f"/admin/ambassadors/badgeaward/{award.pk}/delete/").status_code == 403
    changelist = admin_client.get("/admin/ambassadors/badgeaward/")
    assert "delete_selected" not in changelist.content.decode()
    admin_client.post(
        "/admin/ambassadors/badgeaward/",
        {"action": "delete_selected", "_selected_action": [award.pk], "post": "yes"},
    )
    assert BadgeAward.objects.filter(pk=award.pk).exists()
    assert (
        admin_client.get(reverse("badges:assertion", kwargs={"award": award.pk})).status_code == 200
    )
