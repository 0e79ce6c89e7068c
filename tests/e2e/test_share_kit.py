"""The share kit in a real browser: a member shares a post from the feed in Portuguese, the
tracked link is visited (twice by one person, once by a link-preview robot), and the
manager's reach report and its CSV count one share and one click."""

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from ambassadors.models import Action, ShareClick, ShareLink, ShareVisit
from ambassadors.programme.share import tracking
from tests.e2e.conftest import login
from tests.factories import (
    PASSWORD,
    make_charter,
    make_core_course,
    make_manager,
    make_member,
    make_organisation,
    make_user,
)
from tests.share_factories import make_share_post

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LINKEDIN_PREVIEW = (
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"
)
STUB = "<!doctype html><title>stub</title><p>Not the real site: intercepted by the test.</p>"


def test_member_shares_on_linkedin_and_the_manager_sees_the_reach(page, site_url, csp_violations):
    tracking.forget_day_keys()
    portugal = make_organisation("Dianova Portugal", country="PT", language="pt")
    make_core_course()
    make_charter(1)
    ana = make_user("ana", organisation=portugal, language="pt", first_name="Ana")
    member = make_member(user=ana)
    make_manager(username="manager-pt", manages=[portugal], organisation=portugal)
    make_share_post(
        texts={
            "fr": ("Semaine de la prévention", "Rejoignez-nous pour la prévention."),
            "pt": ("Semana da prevenção", "Junte-se a nós pela prevenção."),
        },
        platforms=["linkedin"],
        # The promoted page is on the test server: a browser follows a redirect to another
        # host before any route of the test could answer for it, and there is no internet.
        link=f"{site_url}/healthz/live?page=prevention-week",
    )
    page.context.route("https://www.linkedin.com/**", lambda route: route.fulfill(body=STUB))

    # The member opens the feed: Portuguese, her text, the suggested platform first.
    login(page, site_url, "ana", PASSWORD)
    page.goto(f"{site_url}/ambassador/share/")
    expect(page.get_by_role("heading", name="Semana da prevenção")).to_be_visible()
    expect(page.get_by_text("Junte-se a nós pela prevenção.")).to_be_visible()

    # "Share on LinkedIn" opens LinkedIn's share page in a new tab, with her tracked link.
    with page.context.expect_page() as new_tab:
        page.get_by_role("button", name="Partilhar no LinkedIn").click()
    share_page = new_tab.value
    share_page.wait_for_url("https://www.linkedin.com/sharing/share-offsite/**")
    tracked = parse_qs(urlsplit(share_page.url).query)["url"][0]
    code = ShareLink.objects.get(user=ana).code
    assert tracked == f"{site_url}/s/{code}?via=linkedin"
    share_page.close()
    action = Action.objects.get(user=ana, source_key__startswith="share:")
    assert action.status == Action.Status.SUBMITTED

    # One visitor opens the link twice; LinkedIn's preview robot fetches it once.
    visitor = page.context.browser.new_context()
    reader = visitor.new_page()
    for _ in range(2):
        reader.goto(tracked)
        assert reader.url.startswith(f"{site_url}/healthz/live?page=prevention-week&utm_")
        query = parse_qs(urlsplit(reader.url).query)
        assert query["utm_source"] == ["linkedin"]
        assert query["utm_medium"] == ["ambassador"]
    robot = visitor.request.get(tracked, headers={"User-Agent": LINKEDIN_PREVIEW}, max_redirects=0)
    assert robot.status == 302
    visitor.close()

    assert sum(ShareClick.objects.values_list("clicks", flat=True)) == 1
    assert ShareVisit.objects.count() == 1
    action.refresh_from_db()
    assert action.status == Action.Status.VERIFIED
    member.refresh_from_db()

    # The manager's reach report and its CSV: one share, one click, one active sharer.
    page.context.clear_cookies()
    login(page, site_url, "manager-pt", PASSWORD)
    page.goto(f"{site_url}/reports/")
    page.get_by_role("link", name="Reach of shares").click()
    expect(page.locator('[data-figure="shares"]')).to_have_text("1")
    expect(page.locator('[data-figure="clicks"]')).to_have_text("1")
    row = page.get_by_role("row", name="Dianova Portugal")
    expect(row.get_by_role("cell")).to_have_text(["1", "1", "1"])
    csv_url = page.get_by_role("link", name="Download CSV").nth(1).get_attribute("href")
    response = page.request.get(f"{site_url}/reports/reach/{csv_url}")
    rows = list(csv.reader(io.StringIO(response.text().lstrip("\ufeff"))))
    assert rows[:2] == [
        ["Organisation", "Shares", "Clicks", "Active sharers"],
        ["Dianova Portugal", "1", "1", "1"],
    ]
    assert csp_violations == []
