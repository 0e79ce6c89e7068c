"""Opting in with a privacy notice, leaving, and the separately opt-in leaderboard."""

import pytest
from django.urls import reverse

from ambassadors.models import Action, AmbassadorProfile
from ambassadors.programme import leaderboard, services
from tests.ambassadors.conftest import reload
from tests.factories import log_action, make_member, make_user, verify

pytestmark = pytest.mark.django_db


def test_join_page_shows_the_privacy_notice(client, portugal):
    client.force_login(make_user(organisation=portugal))
    page = client.get(reverse("ambassadors:programme")).content.decode()
    for heading in ("What is stored", "Why", "Who sees it", "For how long"):
        assert heading in page
    assert "never reads or scrapes them" in page


def test_join_needs_the_notice_ticked(client, portugal):
    user = make_user(organisation=portugal)
    client.force_login(user)
    response = client.post(reverse("ambassadors:join"), {})
    assert response.status_code == 200
    assert "Please confirm you have read the privacy notice" in response.content.decode()
    assert not AmbassadorProfile.objects.exists()
    response = client.post(reverse("ambassadors:join"), {"read_notice": "on"})
    assert response.status_code == 302
    profile = AmbassadorProfile.objects.get(user=user)
    assert profile.privacy_notice_version == services.PRIVACY_NOTICE_VERSION
    assert not profile.on_leaderboard  # the leaderboard is a separate opt-in


def test_joining_is_never_needed_to_take_courses(client, portugal, core_course):
    user = make_user(organisation=portugal)
    client.force_login(user)
    assert client.get(core_course.get_absolute_url()).status_code == 200
    assert client.get(reverse("ambassadors:dashboard")).status_code == 200
    assert not AmbassadorProfile.objects.exists()


def test_leave_hides_actions_from_leaderboards_and_queue(client, member, trainer, portugal):
    verify(log_action(member, "share"), trainer)
    services.leaderboard_visibility_set(profile=member, visible=True)
    assert [u.pk for u in leaderboard.people(organisation=portugal, since=None)] == [member.user_id]
    client.force_login(member.user)
    response = client.post(reverse("ambassadors:leave"), {"confirm": "on"})
    assert response.status_code == 302
    profile = reload(member)
    assert profile.left_at is not None and not profile.on_leaderboard
    assert list(leaderboard.people(organisation=portugal, since=None)) == []
    assert leaderboard.team_totals(by="organisation", since=None) == []
    assert not Action.objects.of_members().filter(user=member.user).exists()
    # Anonymous counts still see that the actions exist.
    assert Action.objects.filter(user=member.user).exists()
    # A former member cannot log actions and is offered to join again.
    page = client.get(reverse("ambassadors:programme")).content.decode()
    assert "Join again" in page
    client.post(reverse("ambassadors:action-new"), {})
    assert Action.objects.filter(user=member.user).count() == 1


def test_leave_needs_confirmation(client, member):
    client.force_login(member.user)
    response = client.post(reverse("ambassadors:leave"), {})
    assert response.status_code == 200
    assert reload(member).left_at is None


def test_rejoin_restores_the_actions(member, trainer, portugal):
    verify(log_action(member, "share"), trainer)
    services.programme_leave(profile=member)
    services.programme_join(user=member.user)
    assert reload(member).left_at is None
    assert Action.objects.of_members().filter(user=member.user).count() >= 1


def test_leaderboard_team_totals_come_before_people(client, member, trainer, portugal, spain):
    verify(log_action(member, "share"), trainer)
    lucia = make_member(organisation=spain, username="lucia", first_name="Lucía")
    spain_trainer = make_user(organisation=spain, groups=("Trainers",))
    for _ in range(3):
        verify(log_action(lucia, "share"), spain_trainer)
    services.leaderboard_visibility_set(profile=member, visible=True)
    client.force_login(member.user)
    page = client.get(reverse("ambassadors:leaderboard")).content.decode()
    teams = page.index("Teams: organisations")
    people = page.index("People: Dianova Portugal")
    assert teams < people
    assert page.index("Dianova Spain") < page.index("Dianova Portugal", teams)  # 15 > 5 points
    assert "Ana Silva" in page[people:]
    assert "Lucía" not in page  # not opted in; her points count only in Spain's total

    page = client.get(reverse("ambassadors:leaderboard"), {"by": "country"}).content.decode()
    assert "Teams: countries" in page and "People: PT" in page


def people_section(response) -> str:
    return response.content.decode().split('id="people-title"', 1)[1]


def test_leaderboard_hide_myself(client, member, trainer):
    verify(log_action(member, "share"), trainer)
    client.force_login(member.user)
    client.post(reverse("ambassadors:leaderboard-visibility"), {"visible": "1"})
    assert "Ana Silva" in people_section(client.get(reverse("ambassadors:leaderboard")))
    client.post(reverse("ambassadors:leaderboard-visibility"), {"visible": "0"})
    assert "Ana Silva" not in people_section(client.get(reverse("ambassadors:leaderboard")))
    assert not reload(member).on_leaderboard


def test_leaderboard_period_and_bad_filters(client, member, trainer):
    share = verify(log_action(member, "share"), trainer)
    services.leaderboard_visibility_set(profile=member, visible=True)
    from datetime import timedelta

    Action.objects.filter(pk=share.pk).update(verified_at=share.verified_at - timedelta(days=400))
    client.force_login(member.user)
    month = people_section(client.get(reverse("ambassadors:leaderboard"), {"period": "month"}))
    assert "Ana Silva" not in month
    all_time = people_section(client.get(reverse("ambassadors:leaderboard"), {"period": "all"}))
    assert "Ana Silva" in all_time
    response = client.get(reverse("ambassadors:leaderboard"), {"period": "x", "organisation": "z"})
    assert response.status_code == 200
    assert "Unknown choice in the filters" in response.content.decode()


def test_leaderboard_is_for_members(client, portugal):
    """Someone who has not joined sees what it offers and how to join, not the board."""
    client.force_login(make_user(organisation=portugal))
    response = client.get(reverse("ambassadors:leaderboard"))
    assert response.status_code == 200
    assert "teams" not in response.context
    assert "Join the programme" in response.content.decode()


def test_period_start():
    from datetime import datetime

    from django.utils import timezone

    now = timezone.make_aware(datetime(2026, 2, 14, 10, 30))
    assert leaderboard.period_start("month", now).date().isoformat() == "2026-02-01"
    assert leaderboard.period_start("quarter", now).date().isoformat() == "2025-12-01"
    assert leaderboard.period_start("year", now).date().isoformat() == "2026-01-01"
    assert leaderboard.period_start("all", now) is None


def test_leaderboard_absurd_filter_values(client, member):
    client.force_login(member.user)
    for params in ({"organisation": "9" * 30}, {"country": "<b>"}, {"by": "x" * 5000}):
        response = client.get(reverse("ambassadors:leaderboard"), params)
        assert response.status_code == 200
        assert "Unknown choice in the filters" in response.content.decode()
