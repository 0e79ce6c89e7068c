"""The public hot path of the share kit: counting a visit of a tracked link, with privacy.

- No address, cookie or user agent is stored. A visit is remembered for the day only as an
  HMAC of (address, user agent, link, platform) under a random key of the day; the key and
  the day's hashes are deleted as soon as the next day starts, so yesterday's hashes can
  never be linked to anyone again. What stays is a number per link, platform and day.
- Known bots and link-preview fetchers (the requests a platform makes to draw a preview
  card), HEAD requests and browser prefetches get the redirect but are not counted.
- The redirect is rate-limited per address in the cache; the cache key is a hash too.
"""

import hashlib
import hmac
import re
import secrets
import time
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from .models import Share, ShareDayKey, ShareLink, ShareVisit
from .services import share_verify_on_first_click

# Link-preview fetchers and crawlers announce themselves in their user agent. "WhatsApp",
# "TelegramBot", "Slackbot"… fetch the preview card when a link is pasted; people who then
# click open it in their own browser, which is counted.
BOT_USER_AGENT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|facebookexternalhit|facebookcatalog|facebot|embedly|"
    r"preview|whatsapp|telegram|skype|slack|discord|vkshare|pinterest|tumblr|quora link|"
    r"outbrain|mastodon|bluesky|cardyb|iframely|snapchat|line/|kakaotalk|viber|"
    r"curl|wget|python-requests|python-urllib|httpx|aiohttp|go-http-client|okhttp|java/|"
    r"libwww|scrapy|node-fetch|axios|headlesschrome.*lighthouse|lighthouse|pingdom|"
    r"uptimerobot|monitor|validator|check_http|nagios|feedfetcher|ia_archiver",
    re.IGNORECASE,
)

_day_key: dict[date, bytes] = {}


def is_countable(request: HttpRequest) -> bool:
    """A person's browser following the link: not a bot, a preview, a HEAD or a prefetch."""
    if request.method != "GET":
        return False
    purpose = request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", "")
    if "prefetch" in purpose.lower() or "prerender" in purpose.lower():
        return False
    user_agent = request.headers.get("User-Agent", "")
    return bool(user_agent) and not BOT_USER_AGENT.search(user_agent)


def day_key(day: date) -> bytes:
    """The random key of ``day`` (one database round trip per process and day).

    The first request of a new day creates it and deletes every older key with the hashes
    made with it.
    """
    key = _day_key.get(day)
    if key is not None:
        return key
    row, _created = ShareDayKey.objects.get_or_create(
        day=day, defaults={"key": secrets.token_hex(32)}
    )
    ShareDayKey.objects.filter(day__lt=day).delete()
    ShareVisit.objects.filter(day__lt=day).delete()
    _day_key.clear()
    _day_key[day] = bytes.fromhex(row.key)
    return _day_key[day]


def forget_day_keys() -> None:
    """Drop this process's copy of the day's key (tests; the database row is the truth)."""
    _day_key.clear()


def _digest(key: bytes, *parts: str) -> str:
    return hmac.new(key, "\n".join(parts).encode(), hashlib.sha256).hexdigest()


def _address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def rate_limited(request: HttpRequest) -> bool:
    """More than SHARE_REDIRECT_RATE_LIMIT requests from this address in the current minute."""
    limit = settings.SHARE_REDIRECT_RATE_LIMIT
    if not limit:
        return False
    minute = int(time.time() // 60)
    # Keyed with the site's secret (no database write before the link is known); the
    # entry lives two minutes.
    visitor = _digest(settings.SECRET_KEY.encode(), "share-rate", _address(request))[:32]
    bucket = f"share-redirect:{visitor}:{minute}"
    cache.add(bucket, 0, timeout=120)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=120)
        count = 1
    return count > limit


# Both statements work on PostgreSQL and SQLite; their tables are the models' (db_table).
_INSERT_VISIT = (
    "INSERT INTO ambassadors_sharevisit (day, digest) VALUES (%s, %s) "
    "ON CONFLICT (day, digest) DO NOTHING"
)
_ADD_CLICK = (
    "INSERT INTO ambassadors_shareclick (link_id, target, day, clicks) VALUES (%s, %s, %s, 1) "
    "ON CONFLICT (link_id, target, day) DO UPDATE "
    "SET clicks = ambassadors_shareclick.clicks + 1"
)


def _first_visit_today(day: date, digest: str) -> bool:
    """Remember the visit; False when this visitor was already counted today (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_VISIT, [day, digest])
        return cursor.rowcount == 1


def _add_click(link: ShareLink, target: str, day: date) -> None:
    """One more click for the link, platform and day (one query: an upsert)."""
    with connection.cursor() as cursor:
        cursor.execute(_ADD_CLICK, [link.pk, target, day])


def count_visit(request: HttpRequest, link: ShareLink, target: str) -> bool:
    """Count this visit once per visitor, link, platform and day; True when it counted.

    The first counted click of a share made through the kit verifies its relay action.
    A handful of queries in one transaction for a new visitor, fewer for a repeated one,
    none for a bot.
    """
    if not is_countable(request):
        return False
    now = timezone.now()
    day = timezone.localdate(now)
    digest = _digest(
        day_key(day), _address(request), request.headers.get("User-Agent", ""), link.code, target
    )
    with transaction.atomic():
        _without_waiting_for_disk()
        if not _first_visit_today(day, digest):
            return False
        _add_click(link, target, day)
        first = Share.objects.filter(link=link, target=target, first_click_at__isnull=True)
        if first.update(first_click_at=now):
            share_verify_on_first_click(link=link, target=target)
    return True


def _without_waiting_for_disk() -> None:
    """PostgreSQL: this transaction's commit does not wait for the disk (a click counted in the
    last moments before a crash may be lost; the database stays consistent). Without it each
    visit of the public hot path waited for a disk flush: 25 requests/s on one worker."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
