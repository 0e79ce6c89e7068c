"""Open Badges 2.0 documents for hosted verification: issuer Profile, BadgeClass, Assertion.

Every ``id`` is an absolute URL under ``SITE_URL`` (not the request's Host header), so the
URLs stay the same whoever asks and the assertions stay within the issuer's origin, as
hosted verification requires. Revoked assertions are answered with 410 Gone and a body
holding only ``id``, ``revoked`` and the reason, per the specification.
"""

from datetime import UTC

from django.conf import settings
from django.urls import reverse

from ambassadors.models import BadgeAward, BadgeClass

CONTEXT = "https://w3id.org/openbadges/v2"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def issuer_id() -> str:
    return absolute(reverse("badges:issuer"))


def badge_class_id(badge_class: BadgeClass) -> str:
    return absolute(reverse("badges:class-json", kwargs={"slug": badge_class.slug}))


def assertion_id(award: BadgeAward) -> str:
    return absolute(reverse("badges:assertion", kwargs={"award": award.pk}))


def _iso(moment) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def issuer() -> dict:
    return {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": issuer_id(),
        "name": settings.BADGE_ISSUER_NAME,
        "url": settings.BADGE_ISSUER_URL,
        "email": settings.BADGE_ISSUER_EMAIL,
        "description": "Digital-ambassador programme of the Dianova network.",
        "image": absolute(reverse("badges:issuer-image")),
    }


def badge_class(badge: BadgeClass, narrative: str) -> dict:
    """The BadgeClass; ``narrative`` is the text of its current criteria version."""
    return {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": badge_class_id(badge),
        "name": badge.name,
        "description": badge.description,
        "image": absolute(reverse("badges:class-image", kwargs={"slug": badge.slug})),
        "criteria": {
            "id": absolute(badge.get_absolute_url()),
            "narrative": narrative,
        },
        "issuer": issuer_id(),
        "tags": ["Dianova", "digital ambassador", badge.kind],
    }


def assertion(award: BadgeAward) -> dict:
    """The hosted Assertion; the recipient is only a salted hash of their e-mail."""
    return {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_id(award),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": award.recipient_salt,
            "identity": award.recipient_identity,
        },
        "badge": badge_class_id(award.badge_class),
        "verification": {"type": "hosted"},
        "issuedOn": _iso(award.issued_on),
        "evidence": absolute(award.get_absolute_url()),
        "narrative": award.criterion.narrative,
    }


def revoked_assertion(award: BadgeAward) -> dict:
    return {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_id(award),
        "revoked": True,
        "revocationReason": award.revocation_reason or "Revoked by the issuer.",
    }
