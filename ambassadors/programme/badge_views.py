"""Public badge pages and the Open Badges 2.0 hosted documents (no login: backpacks,
LinkedIn and anyone the earner shares the link with must be able to read them)."""

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.http import require_GET

from ambassadors.models import BadgeAward, BadgeClass, BadgeCriterion
from ambassadors.programme import openbadges


def _json(request: HttpRequest, document: dict, *, status: int = 200) -> HttpResponse:
    """JSON-LD by default; plain JSON to clients that accept only application/json."""
    accept = request.headers.get("Accept", "")
    only_json = "application/json" in accept and "application/ld+json" not in accept
    content_type = "application/json" if only_json else "application/ld+json"
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type=f"{content_type}; charset=utf-8",
        status=status,
    )
    response["Access-Control-Allow-Origin"] = "*"  # verifiers fetch these from other sites
    return response


def _document_language(request: HttpRequest) -> str:
    """Open Badges documents stay in the issuer's language (``BADGE_ISSUER_LANGUAGE``), so a
    badge reads the same to every verifier and backpack, unless ``?lang=`` asks for one of
    the interface languages."""
    asked = request.GET.get("lang", "")
    return asked if asked in dict(settings.LANGUAGES) else settings.BADGE_ISSUER_LANGUAGE


def _current_criterion(badge_class: BadgeClass) -> BadgeCriterion | None:
    return badge_class.criteria.order_by("-version").first()


def _get_award(award) -> BadgeAward:
    return get_object_or_404(
        BadgeAward.objects.select_related(
            "badge_class", "criterion", "user__profile__organisation", "user__ambassador"
        ),
        pk=award,
    )


@require_GET
def issuer(request: HttpRequest) -> HttpResponse:
    return _json(request, openbadges.issuer())


@require_GET
def issuer_image(request: HttpRequest) -> HttpResponse:
    svg = render_to_string(
        "ambassadors/badges/badge.svg",
        {"initials": "D", "kind": "issuer", "title": settings.BADGE_ISSUER_NAME},
    )
    return HttpResponse(svg, content_type="image/svg+xml")


@require_GET
def badge_class_json(request: HttpRequest, slug: str) -> HttpResponse:
    badge_class = get_object_or_404(BadgeClass, slug=slug)
    criterion = _current_criterion(badge_class)
    with translation.override(_document_language(request)):
        document = openbadges.badge_class(badge_class, criterion.narrative if criterion else "")
    return _json(request, document)


@require_GET
def badge_class_page(request: HttpRequest, slug: str) -> HttpResponse:
    badge_class = get_object_or_404(BadgeClass, slug=slug)
    return render(
        request,
        "ambassadors/badges/class.html",
        {"badge": badge_class, "criterion": _current_criterion(badge_class)},
    )


@require_GET
def badge_class_image(request: HttpRequest, slug: str) -> HttpResponse:
    badge_class = get_object_or_404(BadgeClass, slug=slug)
    words = [w for w in badge_class.name.replace("·", " ").split() if w[:1].isalpha()]
    initials = "".join(w[0] for w in words[-2:]).upper() or "D"
    svg = render_to_string(
        "ambassadors/badges/badge.svg",
        {"initials": initials, "kind": badge_class.kind, "title": badge_class.name},
    )
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def assertion(request: HttpRequest, award) -> HttpResponse:
    """The hosted Assertion; 410 Gone with ``revoked: true`` once revoked (Open Badges 2.0)."""
    award_obj = _get_award(award)
    if award_obj.is_revoked:
        return _json(request, openbadges.revoked_assertion(award_obj), status=410)
    with translation.override(_document_language(request)):
        document = openbadges.assertion(award_obj)
    return _json(request, document)


@require_GET
def award_page(request: HttpRequest, award) -> HttpResponse:
    """The public page of one awarded badge. The earner's name shows only while they are a
    member of the programme; the badge itself stays verifiable after they leave."""
    award_obj = _get_award(award)
    membership = getattr(award_obj.user, "ambassador", None)
    show_name = membership is not None and membership.left_at is None
    return render(
        request,
        "ambassadors/badges/award.html",
        {
            "award": award_obj,
            "badge": award_obj.badge_class,
            "show_name": show_name,
            "is_owner": request.user.is_authenticated and request.user.pk == award_obj.user_id,
            "assertion_url": openbadges.assertion_id(award_obj),
            "public_url": openbadges.absolute(award_obj.get_absolute_url()),
            "issuer_name": settings.BADGE_ISSUER_NAME,
        },
        status=410 if award_obj.is_revoked else 200,
    )
