"""The ambassador charter: its versions, their texts per language, members' acceptances."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class CharterVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False, published_at__lte=timezone.now())

    def current(self):
        """The version everyone must have accepted (highest published number), or None."""
        return self.published().order_by("-version").first()


class CharterVersion(models.Model):
    """A version of the social-media charter; a new version asks everyone to accept again."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    published_at = models.DateTimeField(
        _("published"),
        null=True,
        blank=True,
        help_text=_("Empty while a draft. Publishing a new version asks everyone to accept it."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CharterVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("charter version")
        verbose_name_plural = _("charter versions")

    def __str__(self) -> str:
        return gettext("Charter version %(version)s") % {"version": self.version}

    def get_absolute_url(self) -> str:
        return reverse("ambassadors:charter")

    def text_for(self, language: str) -> "CharterText | None":
        """The text in ``language``, else the French source, else any (uses prefetched texts)."""
        texts = {text.language: text for text in self.texts.all()}
        return texts.get(language) or texts.get("fr") or next(iter(texts.values()), None)


class CharterText(models.Model):
    charter = models.ForeignKey(
        CharterVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="texts"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown."))

    class Meta:
        ordering = ["charter", "language"]
        verbose_name = _("charter text")
        verbose_name_plural = _("charter texts")
        constraints = [
            models.UniqueConstraint(
                fields=["charter", "language"], name="ambassadors_chartertext_one_per_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} [{self.language}]"


class CharterAcceptance(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="charter_acceptances"
    )
    charter = models.ForeignKey(
        CharterVersion,
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="acceptances",
    )
    language = models.CharField(
        _("language read"), max_length=8, choices=settings.LANGUAGES, blank=True
    )
    accepted_at = models.DateTimeField(_("accepted"), default=timezone.now)

    class Meta:
        ordering = ["-accepted_at"]
        verbose_name = _("charter acceptance")
        verbose_name_plural = _("charter acceptances")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "charter"], name="ambassadors_charteracceptance_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ✓ {self.charter}"
