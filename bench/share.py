"""The share kit's public hot path in `make bench` (issue 17): a tracked link `/s/<code>`
followed by people who are not signed in, on the pinned worker, against the signed-out
ceiling. Target: at least half of the signed-out ceiling's requests/s.

The requests cycle over the tracked links of up to 200 staff and the six platforms, with a
browser's user agent (bench/wrk.lua), so the first pass counts new visitors and the rest are
repeated visits of the day, as when a post circulates; the rate limit is raised out of the
way but still runs.
"""

import os
from dataclasses import dataclass
from datetime import timedelta

LABEL = "share link /s/<code>, signed out"
TARGET = 0.5
LINKS = 200
PLATFORMS = ("linkedin", "facebook", "x", "whatsapp", "email", "link")


@dataclass(frozen=True)
class Visitor:
    """Someone who is not signed in: no cookie."""

    pk: str = "signed-out visitor"


def pages(staff: list, cookies: dict) -> dict:
    """{label: (visitor, path)} for the pinned measurement; adds the visitor's empty cookie."""
    from django.utils import timezone

    from ambassadors.models import SharePost, SharePostText
    from ambassadors.programme.share.services import share_links_ensure

    os.environ.setdefault("SHARE_REDIRECT_RATE_LIMIT", str(10**9))
    post = SharePost.objects.create(
        name="Bench post",
        link="https://www.dianova.org/news/?ref=bench",
        status=SharePost.Status.PUBLISHED,
        publish_at=timezone.now() - timedelta(hours=1),
    )
    SharePostText.objects.create(post=post, language="en", title="Bench", text="Bench post")
    codes = [share_links_ensure(user=user, posts=[post])[post.pk].code for user in staff[:LINKS]]
    visitor = Visitor()
    cookies[visitor.pk] = ""
    paths = [f"/s/{code}?via={platform}" for platform in PLATFORMS for code in codes]
    return {LABEL: (visitor, paths)}


def verdicts(size: str, scenarios: dict) -> list[dict]:
    if LABEL not in scenarios:
        return []
    ratio = scenarios[LABEL]["rps"] / scenarios["ceiling, signed out"]["rps"]
    return [
        {
            "target": f"{size}, per core: {LABEL} ≥ {TARGET:.0%} of signed-out ceiling",
            "measured": f"{ratio:.0%}",
            "met": "yes" if ratio >= TARGET else "NO",
        }
    ]
