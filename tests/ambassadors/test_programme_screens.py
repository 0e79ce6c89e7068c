"""Screens of the programme and the overview (issue 13, items 21–22): members' tabs explain
themselves to people who have not joined, and chart dates read like the tables'."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ambassadors.models import AmbassadorProfile
from tests.factories import (
    log_action,
    make_manager,
    make_member,
    make_organisation,
    make_trainer,
    make_user,
    verify,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "says"),
    [
        (reverse("ambassadors:action-new"), "Members log what they do"),
        (reverse("ambassadors:leaderboard"), "Members see how their team"),
    ],
)
def test_members_tabs_show_what_they_offer_and_how_to_join(client, url, says):
    client.force_login(make_user("visitor"))
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert says in page
    assert f'action="{reverse("ambassadors:join")}"' in page
    assert not AmbassadorProfile.objects.exists()  # looking joins nobody


def test_members_tab_in_french_for_a_former_member(client):
    user = make_user("ancien", language="fr")
    from ambassadors.programme import services

    services.programme_leave(profile=make_member(user=user))
    client.force_login(user)
    page = client.get(reverse("ambassadors:leaderboard")).content.decode()
    assert "Classement" in page
    assert "Rejoindre" in page


def test_logging_an_action_without_joining_still_saves_nothing(client):
    client.force_login(make_user("visitor"))
    response = client.post(reverse("ambassadors:action-new"), {"action_type": "1"})
    assert response.status_code == 302
    assert not AmbassadorProfile.objects.exists()


def test_chart_weeks_use_the_language_date_format(client):
    portugal = make_organisation("Dianova Portugal")
    trainer = make_trainer("trainer", organisation=portugal, whole_network=True)
    verify(log_action(make_member(organisation=portugal), "share"), trainer)
    manager = make_manager(whole_network=True, username="gestionnaire", language="fr")
    client.force_login(manager)
    html = client.get(reverse("ambassadors:reports")).content.decode()
    data = json.loads(re.search(r'id="report-charts"[^>]*>(.*?)</script>', html, re.S).group(1))
    week = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    assert data["actions"]["labels"] == [week.strftime("%d/%m/%Y")]
    assert week.isoformat() not in html


def test_every_overview_chart_has_a_visible_title(client):
    client.force_login(make_manager(whole_network=True, username="manager"))
    html = client.get(reverse("ambassadors:reports")).content.decode()
    for canvas in re.findall(r"<canvas[^>]*>", html):
        described = re.search(r'aria-describedby="([^"]+)"', canvas)
        if described is None:
            continue  # charts under a section heading of their own
        assert f'id="{described.group(1)}"' in html
    assert "Overdue assignments per organisation" in html
