"""Builders for the share kit's tests."""

from datetime import timedelta

from django.utils import timezone

from ambassadors.models import SharePost, SharePostText


def make_share_post(
    *,
    texts: dict[str, tuple[str, str]] | None = None,
    original_language: str = "fr",
    link: str = "https://www.dianova.org/news/prevention-week/",
    status: str = SharePost.Status.PUBLISHED,
    organisations=(),
    platforms=(),
    **fields,
) -> SharePost:
    """A published post with texts ``{language: (title, text)}`` (French by default)."""
    fields.setdefault("publish_at", timezone.now() - timedelta(hours=1))
    post = SharePost.objects.create(
        name=fields.pop("name", "Prevention week"),
        original_language=original_language,
        link=link,
        status=status,
        **fields,
    )
    texts = texts or {"fr": ("Semaine de la prévention", "Rejoignez-nous pour la prévention.")}
    for language, (title, text) in texts.items():
        SharePostText.objects.create(post=post, language=language, title=title, text=text)
    if organisations:
        post.organisations.set(organisations)
    if platforms:
        from ambassadors.models import Platform

        post.platforms.set(Platform.objects.filter(slug__in=platforms))
    return post
