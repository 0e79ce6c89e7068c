"""Badges by versioned criteria, and their Open Badges 2.0 hosted documents."""

import hashlib
import json
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from ambassadors.models import Action, BadgeAward, BadgeClass, BadgeCriterion, Campaign
from ambassadors.programme import actions, services
from tests.ambassadors.conftest import reload
from tests.factories import log_action, make_member, verify

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((Path(__file__).parent / "openbadges-2.0.schema.json").read_text())


def validate(document: dict, kind: str) -> None:
    jsonschema.validate(document, {**SCHEMA, "$ref": f"#/$defs/{kind}"})


def held(profile) -> set[str]:
    return set(
        BadgeAward.objects.filter(user=profile.user_id).values_list("badge_class__slug", flat=True)
    )


def fetch(client, url: str, **headers):
    """GET one of our absolute Open Badges URLs through the test client."""
    assert url.startswith(settings.SITE_URL), url
    return client.get(urlsplit(url).path, headers=headers)


@pytest.fixture
def awarded(climber):
    profile = climber(4)
    award = BadgeAward.objects.get(user=profile.user, badge_class__slug="level-4-relay")
    return profile, award


def test_badges_one_per_level_awarded_as_the_member_climbs(climber):
    assert held(climber(2)) == {"level-1-trained", "level-2-committed"}
    profile = climber(5)
    assert {f"level-{n}" for n in range(1, 6)} <= {s[:7] for s in held(profile)}
    assert BadgeAward.objects.filter(user=profile.user).count() == len(held(profile))


def test_badges_skill_multilingual_safe_practice_storyteller(climber, trainer):
    profile = climber(3)
    for language in ("pt", "en"):
        verify(log_action(profile, "reply", language=language), trainer)
    assert "multilingual" in held(profile)
    assert "safe-practice" not in held(profile)
    for _ in range(3):
        verify(log_action(profile, "story"), trainer)
    assert "storyteller" in held(profile)  # three verified stories or event coverages
    assert "safe-practice" in held(profile)  # five verified, none rejected


def test_badges_safe_practice_not_after_a_rejection(climber, trainer):
    profile = climber(3)
    actions.action_decide(
        action=log_action(profile, "share"), reviewer=trainer, decision="rejected", note="No"
    )
    for _ in range(5):
        verify(log_action(profile, "reply"), trainer)
    assert "safe-practice" not in held(profile)


def test_badges_campaign_badge_only_during_the_campaign(climber, trainer, campaign):
    badge = BadgeClass.objects.create(
        slug="prevention-week-2026", name="Prevention week 2026", description="x", kind="campaign"
    )
    BadgeCriterion.objects.create(
        badge_class=badge, rule="campaign", campaign=campaign, narrative="Took part."
    )
    late = climber(3)
    action = log_action(late, "campaign", campaign=campaign)
    Action.objects.filter(pk=action.pk).update(created_at=timezone.now() + timedelta(days=10))
    verify(action, trainer)
    assert "prevention-week-2026" not in held(late)  # logged after the campaign ended
    verify(log_action(late, "campaign", campaign=campaign), trainer)
    assert "prevention-week-2026" in held(late)


def test_badges_changed_criteria_never_remove_an_earned_badge(climber, trainer, portugal):
    profile = climber(3)
    for language in ("pt", "en"):
        verify(log_action(profile, "reply", language=language), trainer)
    award = BadgeAward.objects.get(user=profile.user, badge_class__slug="multilingual")
    assert award.criterion.version == 1
    # The admins raise the bar: a new criteria version.
    BadgeCriterion.objects.create(
        badge_class=award.badge_class, version=2, rule="languages", threshold=3, narrative="3"
    )
    services.programme_recompute_all()
    award.refresh_from_db()
    assert award.revoked_at is None and award.criterion.version == 1
    other = climber(3, profile=make_member(organisation=portugal, username="rui"))
    for language in ("pt", "en"):
        verify(log_action(other, "reply", language=language), trainer)
    assert "multilingual" not in held(other)  # judged by version 2
    verify(log_action(other, "reply", language="es"), trainer)
    assert (
        BadgeAward.objects.get(user=other.user, badge_class__slug="multilingual").criterion.version
        == 2
    )


def test_openbadges_assertion_badgeclass_and_issuer_validate(client, awarded):
    _profile, award = awarded
    response = client.get(reverse("badges:assertion", kwargs={"award": award.pk}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assertion = response.json()
    validate(assertion, "Assertion")
    assert assertion["verification"] == {"type": "hosted"}
    # Hosted: the id is the URL the assertion is served at.
    assert urlsplit(assertion["id"]).path == reverse("badges:assertion", kwargs={"award": award.pk})

    badge_response = fetch(client, assertion["badge"])
    assert badge_response.status_code == 200
    badge = badge_response.json()
    validate(badge, "BadgeClass")
    assert badge["id"] == assertion["badge"]
    assert badge["name"] == "Level 4 · Relay"
    assert fetch(client, badge["image"])["Content-Type"] == "image/svg+xml"
    assert fetch(client, badge["criteria"]["id"]).status_code == 200

    issuer = fetch(client, badge["issuer"]).json()
    validate(issuer, "Profile")
    assert issuer["id"] == badge["issuer"]
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(issuer["id"]))
    assert assertion["id"].startswith(origin) and badge["id"].startswith(origin)


def test_openbadges_recipient_is_a_salted_hash_of_the_email(client, awarded):
    profile, award = awarded
    body = client.get(reverse("badges:assertion", kwargs={"award": award.pk})).content.decode()
    recipient = json.loads(body)["recipient"]
    email = profile.user.email
    assert email not in body and profile.user.last_name not in body
    assert recipient["type"] == "email" and recipient["hashed"] is True
    expected = hashlib.sha256((email.lower() + recipient["salt"]).encode()).hexdigest()
    assert recipient["identity"] == f"sha256${expected}"
    other = BadgeAward.objects.exclude(pk=award.pk).filter(user=profile.user).first()
    assert other.recipient_salt != award.recipient_salt  # one salt per assertion


def test_openbadges_urls_are_stable_whoever_asks(client, awarded, settings):
    _profile, award = awarded
    url = reverse("badges:assertion", kwargs={"award": award.pk})
    first = client.get(url, headers={"Host": "localhost"}).json()
    second = client.get(url, headers={"Host": "127.0.0.1"}).json()
    assert first == second
    assert first["id"] == f"{settings.SITE_URL}{url}"
    as_json = client.get(url, headers={"Accept": "application/json"})
    assert as_json["Content-Type"].startswith("application/json")


def test_openbadges_revoked_assertion_answers_410_with_revoked_true(client, awarded):
    _profile, award = awarded
    actions.badge_revoke(award=award, reason="Awarded in error")
    response = client.get(reverse("badges:assertion", kwargs={"award": award.pk}))
    assert response.status_code == 410
    body = response.json()
    validate(body, "RevokedAssertion")
    assert body == {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": f"{settings.SITE_URL}{reverse('badges:assertion', kwargs={'award': award.pk})}",
        "revoked": True,
        "revocationReason": "Awarded in error",
    }
    page = client.get(award.get_absolute_url())
    assert page.status_code == 410
    assert "This badge was revoked" in page.content.decode()
    # A revoked badge is not awarded again behind the admin's back.
    services.programme_recompute_all()
    assert BadgeAward.objects.filter(badge_class=award.badge_class, user=award.user).count() == 1


def test_badge_public_page_needs_no_login_and_hides_the_name_after_leaving(client, awarded):
    profile, award = awarded
    page = client.get(award.get_absolute_url()).content.decode()
    assert "Ana Silva" in page and "Level 4 · Relay" in page
    assert reverse("badges:assertion", kwargs={"award": award.pk}) in page
    services.programme_leave(profile=reload(profile))
    page = client.get(award.get_absolute_url()).content.decode()
    assert "Ana Silva" not in page and "A member of Dianova" in page
    assert client.get(reverse("badges:assertion", kwargs={"award": award.pk})).status_code == 200


def test_badge_unknown_ids_are_404(client, db):
    assert client.get("/badges/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/badges/00000000-0000-0000-0000-000000000000.json").status_code == 404
    assert client.get("/badges/not-a-uuid.json").status_code == 404
    assert client.get("/badges/classes/nope.json").status_code == 404


def test_badge_owner_sees_how_to_add_it_to_linkedin(client, awarded):
    profile, award = awarded
    client.force_login(profile.user)
    page = client.get(award.get_absolute_url()).content.decode()
    assert "linkedin.com/profile/add" in page


def test_campaign_model_rejects_end_before_start(db):
    from django.db import IntegrityError, transaction

    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.create(
            name="x", slug="x", starts_on=today, ends_on=today - timedelta(days=1)
        )
