"""The ambassador ladder in a real browser: a learner joins, accepts the charter, logs a
share; a trainer verifies it; the learner sees the new level and badge, whose public page
and Open Badges JSON resolve; then the learner climbs on to the top of the ladder."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ambassadors.models import Campaign, Level
from ambassadors.programme import services
from tests.e2e.conftest import login
from tests.factories import (
    PASSWORD,
    make_charter,
    make_core_course,
    make_member,
    make_organisation,
    make_trainer,
    make_user,
    pass_course,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_action(page, site_url, type_label, *, url="", platform="", **choices):
    page.goto(f"{site_url}/ambassador/")
    page.get_by_role("link", name="Log an action").first.click()
    page.get_by_label("What did you do?").select_option(label=type_label)
    if platform:
        page.get_by_label("Platform").select_option(label=platform)
    if url:
        page.get_by_label("Link to the post").fill(url)
    for label, option in choices.items():
        page.get_by_label(label.replace("_", " ")).select_option(label=option)
    page.get_by_label(re.compile("This post follows the charter")).check()
    consent = page.get_by_label(re.compile("Everyone who can be recognised"))
    if type_label in {"Original post or story", "Event coverage"}:
        consent.check()
    page.get_by_role("button", name="Log it").click()


def verify_all(page, site_url, count):
    login(page, site_url, "trainer", PASSWORD)
    page.goto(f"{site_url}/ambassador/review/")
    for _ in range(count):
        page.get_by_role("button", name="Verify").first.click()
        expect(page.locator(".messages")).to_contain_text("Verified")
    expect(page.get_by_text("Nothing is waiting for verification.")).to_be_visible()
    page.context.clear_cookies()


def test_learner_climbs_the_ladder_and_publishes_a_badge(page, site_url, csp_violations, settings):
    settings.SITE_URL = site_url  # Open Badges ids point at the live server
    portugal = make_organisation("Dianova Portugal", country="PT")
    course = make_core_course()
    make_charter(1)
    ana = make_user("ana", organisation=portugal, first_name="Ana", last_name="Silva")
    pass_course(ana, course)
    make_trainer("trainer", organisation=portugal)

    # The learner joins after reading the privacy notice: the course makes her Trained.
    login(page, site_url, "ana", PASSWORD)
    page.get_by_role("link", name="Ambassador", exact=True).click()
    expect(page.get_by_role("heading", name="Privacy notice")).to_be_visible()
    page.get_by_label(re.compile("I have read the privacy notice")).check()
    page.get_by_role("button", name="Join the programme").click()
    expect(page.get_by_test_id("level-name")).to_have_text("Trained")

    # She accepts the charter (with the safe-practice reminder beside it).
    page.get_by_role("link", name="Charter", exact=True).click()
    expect(page.get_by_text("Personal is not private.").first).to_be_visible()
    page.get_by_label(re.compile("I have read this charter")).check()
    page.get_by_role("button", name="I accept the charter").click()
    expect(page.get_by_test_id("level-name")).to_have_text("Committed")

    # The profile checklist.
    page.get_by_role("link", name="Go").first.click()
    page.get_by_label(re.compile("affiliation line")).check()
    page.get_by_label(re.compile("privacy settings")).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("level-name")).to_have_text("Connected")

    # A bad link is refused with a message; the share is then logged.
    log_action(
        page, site_url, "Share of official content", platform="Facebook", url="javascript:alert(1)"
    )
    expect(page.get_by_text("Only web links starting with https://")).to_be_visible()
    log_action(
        page,
        site_url,
        "Share of official content",
        platform="Facebook",
        url="https://www.facebook.com/dianova/posts/1001",
    )
    expect(page.locator(".messages")).to_contain_text("A trainer will verify it soon")
    expect(page.get_by_role("row", name=re.compile("Awaiting verification"))).to_be_visible()
    page.context.clear_cookies()

    # The trainer verifies it from the queue.
    verify_all(page, site_url, 1)

    # The learner sees her new level and badge, on her page and on "My training".
    login(page, site_url, "ana", PASSWORD)
    expect(page.get_by_test_id("dashboard-level")).to_contain_text("Relay")
    page.get_by_role("link", name="Ambassador", exact=True).click()
    expect(page.get_by_test_id("level-name")).to_have_text("Relay")
    share_row = page.get_by_role("row", name=re.compile("Share of official content"))
    expect(share_row).to_contain_text("Verified")
    expect(share_row).to_contain_text("5")
    page.get_by_role("link", name="Level 4 · Relay").click()

    # The badge's public page and its Open Badges JSON resolve, without signing in.
    badge_url = page.url
    page.context.clear_cookies()
    page.goto(badge_url)
    expect(page.get_by_role("heading", name="Level 4 · Relay")).to_be_visible()
    expect(page.get_by_text("Ana Silva")).to_be_visible()
    assertion_link = page.get_by_role("link", name="Open Badges 2.0 assertion (JSON)")
    href = assertion_link.get_attribute("href")
    assertion = json.loads(page.request.get(f"{site_url}{href}").text())
    assert assertion["type"] == "Assertion"
    assert assertion["verification"] == {"type": "hosted"}
    assert assertion["recipient"]["identity"].startswith("sha256$")
    assert "ana@example.org" not in json.dumps(assertion)
    badge = page.request.get(assertion["badge"])
    assert badge.ok and badge.json()["name"] == "Level 4 · Relay"
    issuer = page.request.get(badge.json()["issuer"])
    assert issuer.ok and issuer.json()["type"] == "Issuer"
    assert page.request.get(assertion["id"]).json() == assertion

    # On to Ambassador: the admins count one month as sustained for this test.
    Level.objects.filter(rule=Level.Rule.AMBASSADOR).update(months=1)
    today = timezone.localdate()
    Campaign.objects.create(
        name="Support. Don't Punish",
        slug="sdp",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=1),
    )
    rui = make_user("rui", organisation=portugal, first_name="Rui", last_name="Costa")
    services.charter_accept(profile=make_member(rui), charter=make_charter(2))
    login(page, site_url, "ana", PASSWORD)
    expect(page.get_by_test_id("dashboard-level")).to_contain_text("Trained")  # charter v2
    page.goto(f"{site_url}/ambassador/charter/")
    page.get_by_label(re.compile("I have read this charter")).check()
    page.get_by_role("button", name="I accept the charter").click()
    expect(page.get_by_test_id("level-name")).to_have_text("Relay")
    log_action(
        page,
        site_url,
        "Original post or story",
        platform="Instagram",
        url="https://www.instagram.com/p/Cxyz/",
    )
    log_action(
        page,
        site_url,
        "Campaign participation",
        platform="LinkedIn",
        url="https://www.linkedin.com/posts/ana_activity-1",
        Campaign="Support. Don't Punish",
    )
    log_action(page, site_url, "Colleague mentored", Colleague_mentored="Rui Costa")
    page.context.clear_cookies()
    verify_all(page, site_url, 3)
    login(page, site_url, "ana", PASSWORD)
    page.goto(f"{site_url}/ambassador/")
    expect(page.get_by_test_id("level-name")).to_have_text("Ambassador")
    expect(page.get_by_role("link", name="Level 6 · Ambassador")).to_be_visible()
    expect(page.get_by_text("You have reached the top of the ladder.")).to_be_visible()
    assert csp_violations == []
