"""Badges: classes, their criteria and the awards (exported as Open Badges)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassadors.programme.models.actions import ActionType, Campaign
from ambassadors.programme.models.ladder import LEVEL_COUNT


class BadgeClass(models.Model):
    """A badge that can be earned; published as an Open Badges 2.0 BadgeClass."""

    class Kind(models.TextChoices):
        LEVEL = "level", _("Level")
        SKILL = "skill", _("Skill")
        CAMPAIGN = "campaign", _("Campaign")

    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_("Part of the badge's public URL: never change it once awarded."),
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.SKILL)
    active = models.BooleanField(
        _("awarded"), default=True, help_text=_("Inactive badges are no longer awarded.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("badge")
        verbose_name_plural = _("badges")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("badges:class", kwargs={"slug": self.slug})

    @property
    def label(self) -> str:
        return self.name


class BadgeCriterion(models.Model):
    """One version of a badge's criteria. A change is a new version: awards are kept."""

    class Rule(models.TextChoices):
        LEVEL_REACHED = "level", _("Level reached")
        ACTIONS = "actions", _("Verified actions of the chosen types")
        LANGUAGES = "languages", _("Verified actions in several languages")
        SAFE_PRACTICE = "safe_practice", _("Verified actions and none rejected")
        CAMPAIGN = "campaign", _("A verified action during the campaign")

    badge_class = models.ForeignKey(
        BadgeClass, verbose_name=_("badge"), on_delete=models.CASCADE, related_name="criteria"
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    rule = models.CharField(_("rule"), max_length=20, choices=Rule)
    level = models.PositiveSmallIntegerField(
        _("level rank"), null=True, blank=True, help_text=_("Level reached: 1 to 6.")
    )
    threshold = models.PositiveSmallIntegerField(
        _("threshold"),
        default=1,
        help_text=_("Actions: how many. Languages: how many languages. Safe practice: how many."),
    )
    action_types = models.ManyToManyField(
        ActionType, verbose_name=_("action types"), blank=True, related_name="+"
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="badge_criteria",
    )
    narrative = models.TextField(
        _("criteria as people read them"), help_text=_("Markdown; published with the badge.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["badge_class", "-version"]
        verbose_name = _("badge criteria version")
        verbose_name_plural = _("badge criteria versions")
        constraints = [
            models.UniqueConstraint(
                fields=["badge_class", "version"], name="ambassadors_badgecriterion_unique_version"
            ),
            models.CheckConstraint(
                condition=~Q(rule="level") | Q(level__gte=1, level__lte=LEVEL_COUNT),
                name="ambassadors_badgecriterion_level_rank",
            ),
            models.CheckConstraint(
                condition=~Q(rule="campaign") | Q(campaign__isnull=False),
                name="ambassadors_badgecriterion_campaign_set",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.badge_class} v{self.version}"


class BadgeAwardQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(revoked_at__isnull=True)


class BadgeAward(models.Model):
    """A badge earned by one person: an Open Badges 2.0 hosted Assertion at a stable URL."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    badge_class = models.ForeignKey(
        BadgeClass, verbose_name=_("badge"), on_delete=models.PROTECT, related_name="awards"
    )
    criterion = models.ForeignKey(
        BadgeCriterion,
        verbose_name=_("criteria version met"),
        on_delete=models.PROTECT,
        related_name="awards",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_awards"
    )
    issued_on = models.DateTimeField(_("issued"), default=timezone.now)
    recipient_salt = models.CharField(_("recipient salt"), max_length=64)
    recipient_identity = models.CharField(
        _("recipient identity"),
        max_length=80,
        help_text=_("sha256$ hash of the e-mail address and the salt, as Open Badges expects."),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)

    objects = BadgeAwardQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on"]
        verbose_name = _("awarded badge")
        verbose_name_plural = _("awarded badges")
        constraints = [
            models.UniqueConstraint(
                fields=["badge_class", "user"], name="ambassadors_badgeaward_once_per_person"
            ),
            models.CheckConstraint(
                condition=Q(recipient_identity__startswith="sha256$"),
                name="ambassadors_badgeaward_hashed_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.badge_class} → {self.user}"

    def get_absolute_url(self) -> str:
        return reverse("badges:award", kwargs={"award": self.pk})

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
