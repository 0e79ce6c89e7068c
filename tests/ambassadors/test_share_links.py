"""The share kit's public tracked links: where they lead, what they count, what they keep."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.utils import timezone

from ambassadors.models import (
    Action,
    Share,
    ShareClick,
    ShareDayKey,
    ShareLink,
    SharePost,
    ShareVisit,
)
from ambassadors.programme.share import services, tracking
from tests.share_factories import make_share_post

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"
PREVIEW_BOTS = [
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot/1.0",
    "WhatsApp/2.23.20.0 A",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "",
]


@pytest.fixture(autouse=True)
def _fresh_day_keys():
    tracking.forget_day_keys()
    yield
    tracking.forget_day_keys()


@pytest.fixture
def campaign_post(campaign):
    return make_share_post(
        campaign=campaign, link="https://www.dianova.org/news/?lang=pt&utm_source=old"
    )


@pytest.fixture
def shared(member, campaign_post):
    """The member shared the campaign post on LinkedIn through the kit."""
    return services.share_record(profile=member, post=campaign_post, target="linkedin")


def visit(client, link, via="linkedin", user_agent=BROWSER, address="203.0.113.7", **extra):
    url = f"/s/{link.code}" + (f"?via={via}" if via else "")
    return client.get(url, HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address, **extra)


def test_tracked_link_redirects_to_the_post_link_with_utm(client, shared, campaign):
    response = visit(client, shared.link)
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert (target.scheme, target.netloc, target.path) == ("https", "www.dianova.org", "/news/")
    query = parse_qs(target.query)
    assert query == {
        "lang": ["pt"],
        "utm_source": ["linkedin"],
        "utm_medium": ["ambassador"],
        "utm_campaign": [campaign.slug],
    }
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_tracked_codes_are_unguessable_and_one_per_member_and_post(member, campaign_post):
    first = services.share_links_ensure(user=member.user, posts=[campaign_post])
    again = services.share_links_ensure(user=member.user, posts=[campaign_post])
    assert first[campaign_post.pk].code == again[campaign_post.pk].code
    assert len(first[campaign_post.pk].code) >= 16
    assert ShareLink.objects.count() == 1


def test_tracked_link_never_redirects_elsewhere(client, shared):
    """No open redirect: nothing in the request changes where the link leads."""
    for query in [
        "?next=https://evil.example/",
        "?url=https://evil.example/",
        "?via=https://evil.example/",
        "?via=linkedin&to=//evil.example",
    ]:
        response = client.get(f"/s/{shared.link.code}{query}", HTTP_USER_AGENT=BROWSER)
        assert response.status_code == 302
        assert urlsplit(response["Location"]).netloc == "www.dianova.org"
    for forged in ["https:evil.example", "..%2F..%2Fevil", "%2F%2Fevil.example"]:
        response = client.get(f"/s/{forged}", HTTP_USER_AGENT=BROWSER)
        assert response.status_code == 404
        assert not response.has_header("Location")


def test_post_link_must_be_http(member):
    from django.core.exceptions import ValidationError

    post = make_share_post(link="https://www.dianova.org/")
    for bad in ["javascript:alert(1)", "//evil.example/", "ftp://dianova.org/"]:
        post.link = bad
        with pytest.raises(ValidationError):
            post.full_clean()


def test_unknown_code_is_a_friendly_404(client, db):
    response = client.get("/s/NoSuchCode123456", HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 404
    assert b"This link is not valid any more" in response.content


def test_expired_and_draft_posts_are_404(client, shared, campaign_post):
    campaign_post.ends_at = timezone.now() - timedelta(minutes=1)
    campaign_post.publish_at = timezone.now() - timedelta(days=2)
    campaign_post.save()
    response = visit(client, shared.link)
    assert response.status_code == 404
    assert b"This link is not valid any more" in response.content

    campaign_post.ends_at = None
    campaign_post.status = SharePost.Status.DRAFT
    campaign_post.save()
    assert visit(client, shared.link).status_code == 404
    assert ShareClick.objects.count() == 0


def test_withdrawn_post_says_it_is_no_longer_shared(client, shared, campaign_post):
    campaign_post.status = SharePost.Status.WITHDRAWN
    campaign_post.save()
    response = visit(client, shared.link)
    assert response.status_code == 404
    assert b"This post is no longer shared" in response.content
    assert not response.has_header("Location")


def test_one_click_per_visitor_platform_and_day(client, shared):
    for _ in range(3):
        assert visit(client, shared.link).status_code == 302
    visit(client, shared.link, address="198.51.100.2")  # another visitor
    visit(client, shared.link, via="facebook")  # the same visitor, from another platform
    counts = dict(ShareClick.objects.values_list("target", "clicks"))
    assert counts == {"linkedin": 2, "facebook": 1}


@pytest.mark.parametrize("user_agent", PREVIEW_BOTS)
def test_bots_and_link_previews_are_redirected_but_not_counted(client, shared, user_agent):
    response = visit(client, shared.link, user_agent=user_agent)
    assert response.status_code == 302
    assert ShareClick.objects.count() == 0
    assert ShareVisit.objects.count() == 0


def test_prefetch_and_head_are_not_counted(client, shared):
    visit(client, shared.link, HTTP_SEC_PURPOSE="prefetch")
    client.head(f"/s/{shared.link.code}?via=linkedin", HTTP_USER_AGENT=BROWSER)
    assert ShareClick.objects.count() == 0


def test_nothing_identifying_is_stored(client, shared):
    """No address, user agent or cookie: the rows hold only counts and keyed hashes."""
    address, agent = "203.0.113.77", BROWSER + " UniqueAgent/42"
    response = visit(client, shared.link, user_agent=agent, address=address)
    assert response.status_code == 302
    assert not response.cookies
    assert "Set-Cookie" not in response
    rows = [
        *ShareClick.objects.values(),
        *ShareVisit.objects.values(),
        *Share.objects.values(),
        *ShareLink.objects.values(),
    ]
    stored = repr(rows)
    for secret in [address, "203.0.113", "UniqueAgent", "Chrome/131"]:
        assert secret not in stored
    assert ShareClick.objects.get().clicks == 1
    visitor_fields = {f.name for f in ShareClick._meta.get_fields()} | {
        f.name for f in ShareVisit._meta.get_fields()
    }
    assert not visitor_fields & {"ip", "address", "user_agent", "cookie", "referrer"}


def test_the_day_key_and_its_hashes_are_discarded_the_next_day(client, shared, monkeypatch):
    visit(client, shared.link)
    yesterday = ShareDayKey.objects.get()
    assert ShareVisit.objects.filter(day=yesterday.day).count() == 1
    tomorrow = timezone.now() + timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    visit(client, shared.link)  # the same visitor counts again on a new day
    assert list(ShareDayKey.objects.values_list("day", flat=True)) == [timezone.localdate()]
    assert not ShareDayKey.objects.filter(key=yesterday.key).exists()
    assert not ShareVisit.objects.filter(day=yesterday.day).exists()
    assert sum(ShareClick.objects.values_list("clicks", flat=True)) == 2


def test_first_counted_click_verifies_the_relay_action(client, shared, member):
    action = shared.action
    assert action.status == Action.Status.SUBMITTED
    assert action.action_type.ladder_role == "share"
    visit(client, shared.link, user_agent=PREVIEW_BOTS[0])  # a preview does not verify it
    action.refresh_from_db()
    assert action.status == Action.Status.SUBMITTED
    visit(client, shared.link)
    action.refresh_from_db()
    assert action.status == Action.Status.VERIFIED
    assert action.points > 0
    assert action.decisions.get().decided_by is None


def test_a_click_from_another_platform_does_not_verify_the_share(client, shared):
    visit(client, shared.link, via="facebook")
    shared.action.refresh_from_db()
    assert shared.action.status == Action.Status.SUBMITTED


def test_redirect_is_rate_limited_per_address(client, shared, settings):
    settings.SHARE_REDIRECT_RATE_LIMIT = 3
    statuses = [visit(client, shared.link, address="192.0.2.9").status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert visit(client, shared.link, address="192.0.2.10").status_code == 302


def test_redirect_queries(client, shared, django_assert_num_queries):
    visit(client, shared.link)  # the first visit also fetches the day's key, verifies…
    # A repeated visitor: link and post; then in one transaction, the visit's insert that
    # does nothing (PostgreSQL adds "SET LOCAL synchronous_commit").
    with django_assert_num_queries(4 + (connection.vendor == "postgresql")):
        visit(client, shared.link)
    # A bot: the link only.
    with django_assert_num_queries(1):
        visit(client, shared.link, user_agent=PREVIEW_BOTS[1])
