"""Management commands: charter loading, nightly sync and retention, the demo."""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from ambassadors.models import Action, AmbassadorProfile, BadgeAward, CharterVersion
from ambassadors.programme import services
from tests.ambassadors.conftest import reload
from tests.factories import pass_course

pytestmark = pytest.mark.django_db


def test_load_charter_command_is_idempotent():
    out = StringIO()
    call_command("load_charter", stdout=out)
    call_command("load_charter", stdout=out)
    assert "Published charter version(s) 1." in out.getvalue()
    assert "no new version" in out.getvalue()
    assert CharterVersion.objects.count() == 1


def test_programme_sync_command_updates_every_member(member, core_course):
    pass_course(member.user, core_course)
    assert reload(member).level == 0
    call_command("programme_sync", stdout=StringIO())
    assert reload(member).level == 1


def test_former_members_data_is_deleted_after_the_retention_period(climber, trainer, portugal):
    profile = climber(4)
    badges = BadgeAward.objects.filter(user=profile.user).count()
    services.programme_leave(profile=profile)
    call_command("programme_sync", stdout=StringIO())
    assert Action.objects.filter(user=profile.user).exists()  # kept for twelve months
    AmbassadorProfile.objects.filter(pk=profile.pk).update(
        left_at=timezone.now() - timedelta(days=366)
    )
    out = StringIO()
    call_command("programme_sync", stdout=out)
    assert "1 former purged" in out.getvalue()
    assert not Action.objects.filter(user=profile.user).exists()
    assert not AmbassadorProfile.objects.filter(user=profile.user).exists()
    assert BadgeAward.objects.filter(user=profile.user).count() == badges  # still valid


def test_load_demo_has_staff_at_every_level_and_is_idempotent(settings):
    settings.DEBUG = True

    def snapshot():
        return (
            Counter(AmbassadorProfile.objects.active().values_list("level", flat=True)),
            Action.objects.count(),
            BadgeAward.objects.count(),
        )

    call_command("load_demo", password="demo-password-2026", stdout=StringIO())
    first = snapshot()
    levels = first[0]
    assert all(levels[rank] >= 1 for rank in range(1, 7)), levels
    assert AmbassadorProfile.objects.filter(left_at__isnull=False).exists()
    statuses = set(Action.objects.values_list("status", flat=True))
    assert statuses == {"submitted", "returned", "verified", "rejected"}
    assert not AmbassadorProfile.objects.filter(user__username="learner").exists()
    call_command("load_demo", password="demo-password-2026", stdout=StringIO())
    assert snapshot() == first
