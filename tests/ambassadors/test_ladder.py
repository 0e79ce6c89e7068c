"""Every rule of the ladder, computed from the data and recomputed when the data changes."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ambassadors.models import Action, BadgeAward, Level
from ambassadors.programme import actions as programme_actions
from ambassadors.programme import ladder, services
from tests.ambassadors.conftest import reload
from tests.factories import log_action, make_charter, make_course, make_member, pass_course, verify

pytestmark = pytest.mark.django_db


def test_ladder_new_member_without_the_course_has_no_level(member):
    assert member.level == 0


def test_ladder_trained_when_the_core_course_is_completed_in_any_language(member, core_course):
    french = make_course(
        modules=1, lessons=1, questions=2, language="fr", translation_of=core_course
    )
    pass_course(member.user, french)
    services.programme_sync(user=member.user)
    assert reload(member).level == 1


def test_ladder_another_course_does_not_make_you_trained(member):
    pass_course(member.user, make_course(modules=1, lessons=1, questions=2))
    services.programme_sync(user=member.user)
    assert reload(member).level == 0


def test_ladder_level_is_recomputed_when_the_member_opens_my_training(client, member, core_course):
    pass_course(member.user, core_course)  # courses knows nothing of the programme
    assert reload(member).level == 0
    client.force_login(member.user)
    response = client.get(reverse("ambassadors:dashboard"))
    assert "Trained" in response.content.decode()
    assert reload(member).level == 1


def test_ladder_committed_needs_the_current_charter_version(climber, charter):
    profile = climber(1)
    services.charter_accept(profile=profile, charter=charter)
    assert reload(profile).level == 2

    new_version = make_charter(2)
    services.programme_recompute_all()
    assert reload(profile).level == 1  # a new version asks everyone to accept again
    # ...but the badge earned for Committed is never silently removed.
    assert BadgeAward.objects.filter(
        user=profile.user, badge_class__slug="level-2-committed"
    ).exists()

    services.charter_accept(profile=reload(profile), charter=new_version)
    assert reload(profile).level == 2


def test_ladder_connected_needs_both_checklist_items(climber):
    profile = climber(2)
    services.checklist_update(profile=profile, affiliation_added=True, privacy_reviewed=False)
    assert reload(profile).level == 2
    services.checklist_update(
        profile=reload(profile), affiliation_added=True, privacy_reviewed=True
    )
    assert reload(profile).level == 3
    services.checklist_update(
        profile=reload(profile), affiliation_added=False, privacy_reviewed=True
    )
    assert reload(profile).level == 2


def test_ladder_relay_counts_only_verified_shares(climber, trainer):
    profile = climber(3)
    share = log_action(profile, "share")
    assert reload(profile).level == 3  # submitted is not enough
    programme_actions.action_decide(
        action=share, reviewer=trainer, decision="returned", note="Wrong link"
    )
    programme_actions.action_decide(
        action=log_action(profile, "share"), reviewer=trainer, decision="rejected", note="No"
    )
    verify(log_action(profile, "reply"), trainer)  # verified, but not a share
    assert reload(profile).level == 3
    verify(log_action(profile, "share"), trainer)
    assert reload(profile).level == 4


def test_ladder_storyteller_needs_a_verified_story_with_consent(climber, trainer):
    profile = climber(4)
    no_consent = log_action(profile, "story")
    Action.objects.filter(pk=no_consent.pk).update(consent_confirmed=False)
    verify(no_consent, trainer)
    assert reload(profile).level == 4
    verify(log_action(profile, "story"), trainer)
    assert reload(profile).level == 5


def test_ladder_each_level_needs_the_previous_one(member, trainer, core_course):
    pass_course(member.user, core_course)
    services.programme_sync(user=member.user)
    services.checklist_update(profile=reload(member), affiliation_added=True, privacy_reviewed=True)
    verify(log_action(reload(member), "share"), trainer)
    verify(log_action(reload(member), "story"), trainer)
    assert reload(member).level == 1  # no charter accepted: stuck at Trained


def test_ladder_thresholds_are_set_by_admins(climber, trainer):
    Level.objects.filter(rule=Level.Rule.RELAY).update(required_count=2)
    profile = climber(3)
    verify(log_action(profile, "share"), trainer)
    assert reload(profile).level == 3
    verify(log_action(profile, "share"), trainer)
    assert reload(profile).level == 4


def _months_ago(months: int):
    today = timezone.localdate().replace(day=15)
    year, month = today.year, today.month - months
    while month < 1:
        month += 12
        year -= 1
    return timezone.make_aware(timezone.datetime(year, month, 15, 12))


def _verified_in_month(profile, trainer, months_ago: int, type_key="reply", **fields):
    action = log_action(profile, type_key, **fields)
    Action.objects.filter(pk=action.pk).update(created_at=_months_ago(months_ago))
    return verify(action, trainer)


def test_ladder_ambassador_needs_months_a_campaign_and_a_mentee(
    climber, trainer, campaign, colleague, charter
):
    profile = climber(5)  # the share and the story were verified this month
    _verified_in_month(profile, trainer, 1)
    assert reload(profile).level == 5  # two months so far
    _verified_in_month(profile, trainer, 2)
    assert reload(profile).level == 5  # three months, but no campaign or mentee
    verify(log_action(profile, "campaign", campaign=campaign), trainer)
    assert reload(profile).level == 5
    verify(log_action(profile, "mentoring", colleague=colleague), trainer)
    assert reload(profile).level == 5  # the colleague has not accepted the charter yet
    colleague_profile = make_member(colleague)
    services.charter_accept(profile=colleague_profile, charter=charter)
    assert reload(profile).level == 6  # recomputed when the mentee accepted


def test_ladder_months_must_be_consecutive(climber, trainer, campaign, colleague, charter):
    profile = climber(5)
    _verified_in_month(profile, trainer, 2)  # this month, two months ago: a gap
    verify(log_action(profile, "campaign", campaign=campaign), trainer)
    services.charter_accept(profile=make_member(colleague), charter=charter)
    verify(log_action(profile, "mentoring", colleague=colleague), trainer)
    assert reload(profile).level == 5
    Level.objects.filter(rule=Level.Rule.AMBASSADOR).update(months=1)
    services.level_recompute(profile=reload(profile))
    assert reload(profile).level == 6


def test_longest_streak_counts_consecutive_calendar_months():
    months = (date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 3, 1))
    assert ladder.longest_streak(months, (1, 2, 1, 1), 1) == 3  # across the new year
    assert ladder.longest_streak(months, (1, 2, 1, 1), 2) == 1
    assert ladder.longest_streak(months, (1, 0, 1, 1), 1) == 1
    assert ladder.longest_streak((), (), 1) == 0


def test_ladder_evaluate_shows_what_the_next_level_needs(db):
    levels = list(Level.objects.all())
    facts = ladder.LadderFacts(course_completed=True, charter_version=3)
    result = ladder.evaluate(levels, facts)
    assert result.rank == 1
    assert result.current.rule == Level.Rule.TRAINED
    assert result.next.level.rule == Level.Rule.COMMITTED
    assert "version 3" in result.next.requirements[0].label
    assert not result.next.met


def test_ladder_level_drops_are_never_typed_in(climber):
    profile = climber(2)
    profile.level = 6
    profile.save()  # typed in the database by hand
    services.level_recompute(profile=profile)
    assert reload(profile).level == 2


def test_ladder_automatic_actions_do_not_count_as_monthly_activity(climber, trainer):
    profile = climber(3)
    Action.objects.filter(user=profile.user).update(created_at=timezone.now() - timedelta(days=40))
    levels = list(Level.objects.all())
    facts = ladder.collect_facts(reload(profile), levels)
    assert facts.active_months == ()  # only course, quiz and charter records so far


def test_ladder_a_charter_published_later_is_noticed_on_my_training(client, climber):
    profile = climber(3)
    make_charter(2)  # e.g. a scheduled publication: no service ran
    client.force_login(profile.user)
    client.get(reverse("ambassadors:dashboard"))
    assert reload(profile).level == 1


def test_programme_page_shows_level_next_steps_points_and_badges(client, climber):
    profile = climber(3)
    client.force_login(profile.user)
    response = client.get(reverse("ambassadors:programme"))
    page = response.content.decode()
    assert 'data-testid="level-name">Connected<' in page
    assert "Next level: Relay" in page
    assert "/ambassador/actions/new/?type=share" in page  # the next step, one click away
    assert response.context["points"] == {"total": 35, "month": 35}  # course, quiz, charter
    assert "Level 3 · Connected" in page
    preselected = client.get("/ambassador/actions/new/?type=share").context["form"]
    assert preselected.initial["action_type"] is not None
