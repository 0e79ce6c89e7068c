"""Writes of the share kit: tracked links, shares and their relay actions."""

import contextlib
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from ambassadors.models import Action, ActionType, AmbassadorProfile, Platform
from ambassadors.programme import actions as programme_actions
from ambassadors.programme import services as programme

from .models import PLATFORM_TARGETS, Share, ShareLink, SharePost, Target

UTM_MEDIUM = "ambassador"
UTM_DEFAULT_CAMPAIGN = "share-kit"


class PostNotShared(Exception):
    """The post is not (or no longer) published for sharing."""


def destination(post: SharePost, target: str) -> str:
    """The post's link with the UTM parameters of a visit from ``target``.

    Built from the post's own link only: nothing from the request can change where a
    tracked link leads.
    """
    parts = urlsplit(post.link)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    query = [(k, v) for k, v in query if k not in {"utm_source", "utm_medium", "utm_campaign"}]
    campaign = post.campaign.slug if post.campaign_id else UTM_DEFAULT_CAMPAIGN
    query += [("utm_source", target), ("utm_medium", UTM_MEDIUM), ("utm_campaign", campaign)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def share_links_ensure(*, user: AbstractBaseUser, posts: Iterable[SharePost]) -> dict:
    """The member's tracked link for each post, created where missing: {post id: link}.

    One query when every link exists, three otherwise (the insert ignores a link another
    request created meanwhile, so it needs no transaction).
    """
    posts = list(posts)
    links = {link.post_id: link for link in ShareLink.objects.filter(user=user, post__in=posts)}
    missing = [ShareLink(post=post, user=user) for post in posts if post.pk not in links]
    if missing:
        ShareLink.objects.bulk_create(missing, ignore_conflicts=True)
        links = {link.post_id: link for link in ShareLink.objects.filter(user=user, post__in=posts)}
    return links


@transaction.atomic
def share_record(
    *, profile: AmbassadorProfile, post: SharePost, target: str, language: str = ""
) -> Share:
    """Record that the member shared ``post`` on ``target`` through the kit (once per
    post and platform), with a relay action awaiting verification.

    The action is verified when the tracked link gets its first counted click from that
    platform, or by a trainer in the queue as any other action.
    """
    if profile.left_at is not None:
        raise programme.NotAMember
    if target not in Target.values or not post.is_current():
        raise PostNotShared
    link = share_links_ensure(user=profile.user, posts=[post])[post.pk]
    share, created = Share.objects.get_or_create(link=link, target=target)
    if not created:
        return share
    action_type = ActionType.objects.filter(
        automatic=ActionType.Automatic.SHARE_KIT, active=True
    ).first()
    if action_type is None:  # the admins switched it off: shares are still counted
        return share
    text = post.text_for(language)
    try:
        with transaction.atomic():
            share.action = Action.objects.create(
                user=profile.user,
                action_type=action_type,
                status=Action.Status.SUBMITTED,
                source_key=f"share:{post.pk}:{target}",
                platform=Platform.objects.filter(slug=target).first()
                if target in PLATFORM_TARGETS
                else None,
                language=language,
                campaign=post.campaign,
                note=(text.title if text else post.name)[:1000],
                follows_charter=True,
            )
    except IntegrityError:
        return share
    share.save(update_fields=["action"])
    return share


@transaction.atomic
def share_verify_on_first_click(*, link: ShareLink, target: str) -> Action | None:
    """Verify the relay action of this share if it still awaits verification."""
    share = Share.objects.select_related("action").filter(link=link, target=target).first()
    if share is None or share.action is None:
        return None
    if share.action.status != Action.Status.SUBMITTED:
        return share.action
    with contextlib.suppress(programme.AlreadyDecided):  # a trainer decided meanwhile
        programme_actions.action_decide(
            action=share.action, reviewer=None, decision=Action.Status.VERIFIED
        )
    return share.action
