"""Checking the links staff give as evidence: web links to posts on allowed platforms only.

A link is shown to trainers as a clickable link, so anything that is not a plain http(s)
address on a platform the admins allowed is refused with a message saying why.
"""

import re
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from ambassadors.programme.models.actions import Platform
from dianova_training.bidi import check_link_direction

MAX_LINK_LENGTH = 500
# Characters a link to a post never contains, even percent-encoded: they only serve injection.
_SUSPICIOUS = re.compile(r"[<>\"'`\\\x00-\x20\x7f]")
_url_validator = URLValidator(schemes=["http", "https"])


def _decoded(url: str) -> str:
    """The link with percent-encoding undone twice (double encoding is a classic trick)."""
    return unquote(unquote(url))


def platform_for_host(host: str, platforms: list[Platform]) -> Platform | None:
    """The allowed platform whose domain is ``host`` or a parent of it (m.facebook.com)."""
    for platform in platforms:
        for domain in platform.domains.all():
            if host == domain.domain or host.endswith("." + domain.domain):
                return platform
    return None


def check_post_link(url: str, *, platform: Platform | None, platforms: list[Platform]) -> Platform:
    """Return the platform ``url`` belongs to, or raise ValidationError with a clear message.

    ``platforms`` are the allowed platforms with their domains prefetched; ``platform`` is the
    one the person chose, if any: the link must then be on that platform.
    """
    if len(url) > MAX_LINK_LENGTH:
        raise ValidationError(
            _("This link is too long (%(length)s characters; %(max)s at most).")
            % {"length": len(url), "max": MAX_LINK_LENGTH},
            code="too_long",
        )
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in {"http", "https"}:
        raise ValidationError(
            _("Only web links starting with https:// (or http://) are accepted."),
            code="scheme",
        )
    check_link_direction(url)
    decoded = _decoded(url).lower()
    if _SUSPICIOUS.search(_decoded(url)) or "script:" in decoded or "data:" in decoded:
        raise ValidationError(
            _(
                "This link contains characters or code that a link to a post never has "
                "(such as <, >, quotes, spaces or “script”). Copy the post's address again."
            ),
            code="suspicious",
        )
    try:
        _url_validator(url)
    except ValidationError:
        raise ValidationError(_("This is not a valid web address."), code="invalid") from None
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise ValidationError(
            _("Links with a user name or password in them are not accepted."), code="userinfo"
        )
    host = (parts.hostname or "").rstrip(".")
    found = platform_for_host(host, platforms)
    allowed = ", ".join(p.name for p in platforms)
    if found is None:
        raise ValidationError(
            _("%(host)s is not on the list of allowed platforms (%(allowed)s).")
            % {"host": host, "allowed": allowed},
            code="platform_not_allowed",
        )
    if platform is not None and found != platform:
        domains = ", ".join(d.domain for d in platform.domains.all())
        raise ValidationError(
            _("This link is not on %(platform)s (%(domains)s).")
            % {"platform": platform.name, "domains": domains},
            code="platform_mismatch",
        )
    return found
