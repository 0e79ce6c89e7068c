from datetime import timedelta

import pytest
from django.utils import timezone

from ambassadors.programme import services as programme_services
from tests.factories import (
    log_action,
    make_charter,
    make_core_course,
    make_member,
    make_organisation,
    make_trainer,
    make_user,
    pass_course,
    verify,
)


@pytest.fixture
def portugal(db):
    return make_organisation("Dianova Portugal", country="PT", language="pt")


@pytest.fixture
def spain(db):
    return make_organisation("Dianova Spain", country="ES", language="es")


@pytest.fixture
def core_course(db):
    return make_core_course()


@pytest.fixture
def charter(db):
    return make_charter(1)


@pytest.fixture
def trainer(portugal):
    return make_trainer("trainer", organisation=portugal, first_name="Tiago", last_name="Trainer")


@pytest.fixture
def member(portugal, core_course, charter):
    return make_member(organisation=portugal, first_name="Ana", last_name="Silva")


@pytest.fixture
def campaign(db):
    from ambassadors.models import Campaign

    today = timezone.localdate()
    return Campaign.objects.create(
        name="Prevention week",
        slug="prevention-week",
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=3),
    )


def reload(profile):
    profile.refresh_from_db()
    return profile


def climb(profile, rank: int, *, trainer, course, charter):
    """Take ``profile`` up to ``rank`` (at most 5) through the real services."""
    if rank >= 1:
        pass_course(profile.user, course)
        programme_services.programme_sync(user=profile.user)
    if rank >= 2:
        programme_services.charter_accept(profile=reload(profile), charter=charter)
    if rank >= 3:
        programme_services.checklist_update(
            profile=reload(profile), affiliation_added=True, privacy_reviewed=True
        )
    if rank >= 4:
        verify(log_action(reload(profile), "share"), trainer)
    if rank >= 5:
        verify(log_action(reload(profile), "story"), trainer)
    return reload(profile)


@pytest.fixture
def climber(member, trainer, core_course, charter):
    def _climb(rank, profile=None):
        return climb(profile or member, rank, trainer=trainer, course=core_course, charter=charter)

    return _climb


@pytest.fixture
def colleague(portugal):
    return make_user("rui", organisation=portugal, first_name="Rui", last_name="Costa")


@pytest.fixture
def mapped_portugal(portugal):
    """Dianova Portugal, where first sign-ins with a dianova.pt e-mail are placed."""
    from ambassadors.models import EmailDomain

    EmailDomain.objects.create(domain="dianova.pt", organisation=portugal)
    return portugal


@pytest.fixture
def ana(oidc_provider):
    """Ana at the OpenID Connect provider (tests/oidc_provider.py): her subject."""
    oidc_provider.put_user(
        "ana-sub",
        email="ana.sousa@dianova.pt",
        email_verified=True,
        given_name="Ana",
        family_name="Sousa",
        locale="it-IT",
    )
    return "ana-sub"
