"""Management commands: charter loading, nightly sync and retention, the demo."""

from collections import Counter
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ambassadors.models import (
    Action,
    AmbassadorProfile,
    BadgeAward,
    CharterVersion,
    OfficialAccount,
    Organisation,
)
from ambassadors.programme import services
from tests.ambassadors.conftest import reload
from tests.factories import pass_course
from tests.make import make_dry_run

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
            OfficialAccount.objects.count(),
        )

    call_command("load_demo", password="demo-password-2026", stdout=StringIO())
    first = snapshot()
    levels = first[0]
    assert all(levels[rank] >= 1 for rank in range(1, 7)), levels
    assert AmbassadorProfile.objects.filter(left_at__isnull=False).exists()
    statuses = set(Action.objects.values_list("status", flat=True))
    assert statuses == {"submitted", "returned", "verified", "rejected"}
    assert not AmbassadorProfile.objects.filter(user__username="learner").exists()
    organisations = Organisation.objects.prefetch_related("official_accounts")
    assert all(o.has_communications_contact and o.official_accounts.all() for o in organisations)
    # Failed attempts once ticked several choices of single-choice questions, which no learner
    # can do, and the quiz statistics showed 50/50/50/50 %.
    from django.db.models import Count, Q

    from courses.models import AttemptQuestion, Question

    ticked = AttemptQuestion.objects.exclude(kind=Question.Kind.MULTIPLE).annotate(
        picked=Count("choices", filter=Q(choices__selected=True))
    )
    assert ticked.exists() and not ticked.filter(picked__gt=1).exists()
    call_command("load_demo", password="demo-password-2026", stdout=StringIO())
    assert snapshot() == first


@pytest.mark.timeout(900)  # migrations and the demo, committed: minutes on a busy machine
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reset_demo_puts_the_demo_back_to_its_documented_state(settings):
    """`make run` keeps whatever was changed; `make demo-reset` (manage.py reset_demo) erases
    the database and loads the documented demo again."""
    from django.contrib.auth.models import User

    from courses.models import Certificate

    settings.DEBUG = True
    settings.DEMO_PASSWORD = "demo-password-2026"
    User.objects.create_user("left-over", password="x")
    with (
        pytest.raises(CommandError, match="cancelled"),
        mock.patch("builtins.input", return_value="no"),
    ):
        call_command("reset_demo", stdout=StringIO())
    assert User.objects.filter(username="left-over").exists()  # nothing erased

    call_command("reset_demo", interactive=False, stdout=StringIO())
    assert not User.objects.filter(username="left-over").exists()
    learner = User.objects.get(username="learner")
    assert Certificate.objects.filter(user=learner).exists()  # as the README describes it
    assert not AmbassadorProfile.objects.filter(user=learner).exists()
    assert set(User.objects.filter(is_superuser=True).values_list("username", flat=True)) == {
        "admin"
    }

    assert "manage.py reset_demo --noinput" in make_dry_run("demo-reset", "NOINPUT=1")


def test_reset_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("reset_demo", interactive=False, stdout=StringIO())
