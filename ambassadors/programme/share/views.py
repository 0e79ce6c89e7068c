"""Pages of the share kit: the members' feed, sharing, the authors' preview, and the public
tracked link ``/s/<code>``. Thin: access helpers, then services and tracking."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Case, IntegerField, Prefetch, Sum, Value, When
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ambassadors.models import AmbassadorProfile, Platform
from ambassadors.programme.views import _what_members_get as what_members_get

from . import services, tracking
from .models import PLATFORM_TARGETS, Share, ShareClick, ShareLink, SharePost, SharePostText, Target
from .pages import BUTTON_LABELS, share_page


def _get_member_for_user(request: HttpRequest) -> AmbassadorProfile | None:
    return (
        AmbassadorProfile.objects.active()
        .select_related("user__profile")
        .filter(user=request.user)
        .first()
    )


def _members_only(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("Join the ambassador programme first: it takes one click."))
    return redirect("ambassadors:programme")


def _posts_for_member(member: AmbassadorProfile):
    """Current posts meant for the member's organisation: running campaigns first, newest."""
    profile = getattr(member.user, "profile", None)
    today = timezone.localdate()
    return (
        SharePost.objects.current()
        .for_organisation(profile.organisation_id if profile else None)
        .select_related("campaign")
        .prefetch_related("texts", Prefetch("platforms", Platform.objects.order_by("order")))
        .annotate(
            in_campaign=Case(
                When(campaign__starts_on__lte=today, campaign__ends_on__gte=today, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-in_campaign", "-publish_at", "-pk")
    )


def _get_post_for_member(member: AmbassadorProfile, post_id: int) -> SharePost:
    return get_object_or_404(_posts_for_member(member), pk=post_id)


def _tracked_url(request: HttpRequest, link: ShareLink, target: str) -> str:
    return request.build_absolute_uri(f"{link.get_absolute_url()}?via={target}")


def _buttons(post: SharePost) -> list[dict]:
    """Share buttons, the post's suggested platforms first."""
    suggested = [p.slug for p in post.platforms.all() if p.slug in PLATFORM_TARGETS]
    order = suggested + [t for t in Target.values if t not in suggested]
    return [{"target": t, "label": BUTTON_LABELS[t], "suggested": t in suggested} for t in order]


def _card(request, post: SharePost, link: ShareLink | None, language: str) -> dict:
    return {
        "post": post,
        "text": post.text_for(language),
        "buttons": _buttons(post),
        "tracked_url": _tracked_url(request, link, Target.LINK) if link else "",
    }


@login_required
def feed(request: HttpRequest) -> HttpResponse:
    member = _get_member_for_user(request)
    if member is None:
        return what_members_get(request, "share")
    language = get_language()
    posts = list(_posts_for_member(member))
    links = services.share_links_ensure(user=request.user, posts=posts)
    link_ids = [link.pk for link in links.values()]
    shared = set(Share.objects.filter(link__in=link_ids).values_list("link__post_id", "target"))
    clicks = dict(
        ShareClick.objects.filter(link__in=link_ids)
        .order_by()
        .values("link__post_id")
        .annotate(n=Sum("clicks"))
        .values_list("link__post_id", "n")
    )
    cards = []
    for post in posts:
        card = _card(request, post, links.get(post.pk), language)
        card["clicks"] = clicks.get(post.pk, 0)
        for button in card["buttons"]:
            button["done"] = (post.pk, button["target"]) in shared
        cards.append(card)
    return render(request, "ambassadors/share/feed.html", {"cards": cards})


@login_required
@require_POST
def share(request: HttpRequest, post: int) -> HttpResponse:
    """Record the share (and its relay action), then open the platform's share page."""
    member = _get_member_for_user(request)
    if member is None:
        return _members_only(request)
    post_obj = _get_post_for_member(member, post)
    target = request.POST.get("target", "")
    if target not in Target.values:
        messages.error(request, _("Choose where to share the post."))
        return redirect("ambassadors:share")
    services.share_record(profile=member, post=post_obj, target=target, language=get_language())
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    return redirect("ambassadors:share-open", post=post_obj.pk, target=target)


@login_required
@require_GET
def share_open(request: HttpRequest, post: int, target: str) -> HttpResponse:
    """Forward to the platform's share page (a form may not redirect to another site under
    our Content-Security-Policy, so this page does it), or show the link to copy."""
    member = _get_member_for_user(request)
    if member is None:
        return _members_only(request)
    if target not in Target.values:
        raise Http404
    post_obj = _get_post_for_member(member, post)
    link = services.share_links_ensure(user=request.user, posts=[post_obj])[post_obj.pk]
    text = post_obj.text_for(get_language())
    tracked = _tracked_url(request, link, target)
    url = share_page(
        target,
        link=tracked,
        title=text.title if text else "",
        text=text.text if text else "",
    )
    return render(
        request,
        "ambassadors/share/open.html",
        {
            "post": post_obj,
            "text": text,
            "target_label": Target(target).label,
            "share_url": url,
            "tracked_url": tracked,
        },
    )


@login_required
@permission_required("ambassadors.change_sharepost", raise_exception=True)
def preview(request: HttpRequest, post: int) -> HttpResponse:
    """What members will see, for the authors: any status, any language (``?language=``)."""
    post_obj = get_object_or_404(
        SharePost.objects.select_related("campaign").prefetch_related(
            Prefetch("texts", SharePostText.objects.all()), "platforms", "organisations"
        ),
        pk=post,
    )
    language = request.GET.get("language") or post_obj.original_language
    card = _card(request, post_obj, None, language)
    return render(
        request,
        "ambassadors/share/preview.html",
        {"card": card, "post": post_obj, "language": language, "languages": post_obj.texts.all()},
    )


def _not_shared(request: HttpRequest, withdrawn: bool) -> HttpResponse:
    response = render(
        request, "ambassadors/share/not_shared.html", {"withdrawn": withdrawn}, status=404
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_GET
def share_redirect(request: HttpRequest, code: str) -> HttpResponse:
    """A member's tracked link: count the visit (privately) and go to the post's link.

    Only ever redirects to the link of a post that is published and current; an unknown
    or expired code is a 404, a withdrawn post a 404 page that says so. Rate-limited per
    address.
    """
    if tracking.rate_limited(request):
        response = render(request, "ambassadors/share/too_many.html", status=429)
        response["Retry-After"] = "60"
        return response
    link = ShareLink.objects.select_related("post__campaign").filter(code=code).first()
    if link is None:
        return _not_shared(request, withdrawn=False)
    post = link.post
    if post.status == SharePost.Status.WITHDRAWN:
        return _not_shared(request, withdrawn=True)
    if not post.is_current():
        return _not_shared(request, withdrawn=False)
    target = request.GET.get("via", "")
    if target not in Target.values:
        target = Target.LINK
    tracking.count_visit(request, link, target)
    response = HttpResponseRedirect(services.destination(post, target))
    response["X-Robots-Tag"] = "noindex"
    return response
