"""Posts to share, members' tracked links, shares and the anonymous click counts.

Nothing here identifies a visitor of a tracked link: a click is a number per link, platform
and day. Visits are deduplicated for one day with a keyed hash (``ShareVisit``) whose key
(``ShareDayKey``) is deleted with the day's hashes once the day is over.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.media import validate_lesson_image

__all__ = [
    "Share",
    "ShareClick",
    "ShareDayKey",
    "ShareLink",
    "SharePost",
    "SharePostText",
    "ShareVisit",
]


class Target(models.TextChoices):
    """Where a member shares a post: a platform's public share page, e-mail or a copied link."""

    LINKEDIN = "linkedin", _("LinkedIn")
    FACEBOOK = "facebook", _("Facebook")
    X = "x", _("X")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")
    LINK = "link", _("Copied link")


# Targets that are social platforms of the programme's allow-list (Platform.slug).
PLATFORM_TARGETS = [Target.LINKEDIN, Target.FACEBOOK, Target.X, Target.WHATSAPP]


class SharePostQuerySet(models.QuerySet):
    def current(self, now=None):
        """Published posts inside their publication window."""
        now = now or timezone.now()
        return self.filter(status=SharePost.Status.PUBLISHED, publish_at__lte=now).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        )

    def for_organisation(self, organisation_id: int | None):
        """Posts meant for the whole network or for this organisation."""
        whole_network = Q(organisations__isnull=True)
        if organisation_id is None:
            return self.filter(whole_network)
        return self.filter(whole_network | Q(organisations=organisation_id)).distinct()


class SharePost(models.Model):
    """A post the communications team approved for members to relay."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    name = models.CharField(
        _("internal name"),
        max_length=150,
        help_text=_("For the communications team only; members read the title and text."),
    )
    original_language = models.CharField(
        _("original language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="fr",
        help_text=_("Members whose language has no text read this one."),
    )
    link = models.URLField(
        _("link to promote"),
        max_length=500,
        help_text=_("The page the tracked links lead to (http or https)."),
    )
    image = models.ImageField(
        _("image"),
        upload_to="share/%Y/%m/",
        blank=True,
        validators=[validate_lesson_image],
        help_text=_("Optional. JPEG, PNG, GIF or WebP, at most 5 MB."),
    )
    campaign = models.ForeignKey(
        "ambassadors.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="share_posts",
    )
    organisations = models.ManyToManyField(
        "ambassadors.Organisation",
        verbose_name=_("meant for"),
        blank=True,
        related_name="share_posts",
        help_text=_("Leave empty for the whole network."),
    )
    platforms = models.ManyToManyField(
        "ambassadors.Platform",
        verbose_name=_("suggested platforms"),
        blank=True,
        related_name="share_posts",
        limit_choices_to={"slug__in": PLATFORM_TARGETS},
        help_text=_("Shown first in the feed; every share button stays available."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    publish_at = models.DateTimeField(_("published from"), default=timezone.now)
    ends_at = models.DateTimeField(
        _("shared until"),
        null=True,
        blank=True,
        help_text=_("Empty: until withdrawn. Afterwards its tracked links answer “not found”."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SharePostQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        verbose_name = _("post to share")
        verbose_name_plural = _("posts to share")
        constraints = [
            models.CheckConstraint(
                condition=Q(link__startswith="https://") | Q(link__startswith="http://"),
                name="ambassadors_sharepost_link_http",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("publish_at")),
                name="ambassadors_sharepost_window",
                violation_error_message=_("The end must come after the start of publication."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("ambassadors:share-preview", kwargs={"post": self.pk})

    def text_for(self, language: str) -> "SharePostText | None":
        """The text in ``language``, else the original, else any (uses prefetched texts)."""
        texts = {text.language: text for text in self.texts.all()}
        return (
            texts.get(language)
            or texts.get(self.original_language)
            or next(iter(texts.values()), None)
        )

    def is_current(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at <= now
            and (self.ends_at is None or self.ends_at > now)
        )


class SharePostText(models.Model):
    """What members read and share, in one language."""

    post = models.ForeignKey(
        SharePost, verbose_name=_("post"), on_delete=models.CASCADE, related_name="texts"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=150)
    text = models.TextField(
        _("text to share"),
        max_length=2000,
        help_text=_("Prefilled where the platform allows it (X, WhatsApp, e-mail)."),
    )
    image_alt = models.CharField(
        _("image description"),
        max_length=300,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it."),
    )

    class Meta:
        ordering = ["post", "language"]
        verbose_name = _("text of a post to share")
        verbose_name_plural = _("texts of posts to share")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "language"], name="ambassadors_sharepost_text_one_per_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} [{self.language}]"


def new_code() -> str:
    """An unguessable code: 96 random bits, URL-safe (16 characters)."""
    return secrets.token_urlsafe(12)


class ShareLink(models.Model):
    """One member's tracked link for one post: ``/s/<code>``."""

    post = models.ForeignKey(
        SharePost, verbose_name=_("post"), on_delete=models.CASCADE, related_name="links"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="share_links",
    )
    code = models.CharField(_("code"), max_length=32, unique=True, default=new_code)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("tracked link")
        verbose_name_plural = _("tracked links")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"], name="ambassadors_sharelink_one_per_member_and_post"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("ambassadors:share-redirect", kwargs={"code": self.code})


class Share(models.Model):
    """A member shared a post through the kit on one platform (once per link and platform)."""

    link = models.ForeignKey(
        ShareLink, verbose_name=_("tracked link"), on_delete=models.CASCADE, related_name="shares"
    )
    target = models.CharField(_("shared on"), max_length=20, choices=Target)
    shared_at = models.DateTimeField(_("shared"), default=timezone.now)
    first_click_at = models.DateTimeField(_("first counted click"), null=True, blank=True)
    action = models.ForeignKey(
        "ambassadors.Action",
        verbose_name=_("relay action"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-shared_at", "-pk"]
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        constraints = [
            models.UniqueConstraint(
                fields=["link", "target"], name="ambassadors_share_once_per_link_and_target"
            ),
        ]
        indexes = [models.Index(fields=["shared_at"])]

    def __str__(self) -> str:
        return f"{self.link} · {self.target}"


class ShareClick(models.Model):
    """How many different visitors followed a tracked link from one platform on one day."""

    link = models.ForeignKey(
        ShareLink, verbose_name=_("tracked link"), on_delete=models.CASCADE, related_name="clicks"
    )
    target = models.CharField(_("from"), max_length=20, choices=Target)
    day = models.DateField(_("day"))
    clicks = models.PositiveIntegerField(_("clicks"), default=0)

    class Meta:
        ordering = ["-day", "link", "target"]
        verbose_name = _("clicks of a day")
        verbose_name_plural = _("clicks per day")
        constraints = [
            models.UniqueConstraint(
                fields=["link", "target", "day"], name="ambassadors_shareclick_one_per_day"
            ),
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.link} · {self.target} · {self.day}: {self.clicks}"


class ShareDayKey(models.Model):
    """Today's random key for the visit hashes; deleted, with them, once the day is over."""

    day = models.DateField(unique=True)
    key = models.CharField(max_length=64)

    class Meta:
        ordering = ["-day"]
        default_permissions = ()

    def __str__(self) -> str:
        return str(self.day)


class ShareVisit(models.Model):
    """A keyed hash of (visitor, link, platform) seen today: repeated visits count once.

    Without the day's key (deleted when the day is over) the hash cannot be linked to any
    address or browser; the rows go with the key.
    """

    day = models.DateField()
    digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["-day"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["day", "digest"], name="ambassadors_sharevisit_once_per_day"
            ),
        ]

    def __str__(self) -> str:
        return self.digest
