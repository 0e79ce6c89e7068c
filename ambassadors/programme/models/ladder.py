"""The ladder of levels and the programme's members."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LEVEL_COUNT = 6


def translated(name: str) -> str:
    """Kept for callers written before the names were stored per language: ``name`` is
    already in the reader's language (django-modeltranslation, see ambassadors/translation.py).
    """
    return name


class Level(models.Model):
    """One rung of the ladder. Admins rename them and set the thresholds; the rules are fixed."""

    class Rule(models.TextChoices):
        TRAINED = "trained", _("The core course completed")
        COMMITTED = "committed", _("The current charter accepted")
        CONNECTED = "connected", _("The profile checklist done")
        RELAY = "relay", _("Verified shares of official content")
        STORYTELLER = "storyteller", _("Verified original stories, with consent")
        AMBASSADOR = "ambassador", _("Sustained activity, a campaign action, a colleague mentored")

    rank = models.PositiveSmallIntegerField(
        _("rank"), unique=True, help_text=_("1 to 6; each level needs the ones before it.")
    )
    rule = models.CharField(_("rule"), max_length=20, choices=Rule, unique=True)
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    course_key = models.SlugField(
        _("core course key"),
        max_length=80,
        blank=True,
        help_text=_("Trained: the content key of the course to complete, in any language."),
    )
    required_count = models.PositiveSmallIntegerField(
        _("required verified actions"),
        default=1,
        help_text=_(
            "Relay: verified shares. Storyteller: verified stories. Ambassador: verified "
            "actions in each month of sustained activity."
        ),
    )
    months = models.PositiveSmallIntegerField(
        _("months of sustained activity"),
        default=3,
        help_text=_("Ambassador: consecutive calendar months with enough verified actions."),
    )
    campaign_actions = models.PositiveSmallIntegerField(
        _("campaign actions"),
        default=1,
        help_text=_("Ambassador: verified actions tagged with a campaign."),
    )
    mentees = models.PositiveSmallIntegerField(
        _("colleagues mentored"),
        default=1,
        help_text=_("Ambassador: colleagues mentored (verified) who then accepted the charter."),
    )

    class Meta:
        ordering = ["rank"]
        verbose_name = _("ambassador level")
        verbose_name_plural = _("ambassador levels")
        constraints = [
            models.CheckConstraint(
                condition=Q(rank__gte=1, rank__lte=LEVEL_COUNT), name="ambassadors_level_rank_range"
            ),
            models.CheckConstraint(
                condition=Q(required_count__gte=1, months__gte=1),
                name="ambassadors_level_thresholds_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.name}"

    @property
    def label(self) -> str:
        return self.name


class AmbassadorProfileQuerySet(models.QuerySet):
    def active(self):
        """Current members: joined and not left."""
        return self.filter(left_at__isnull=True)


class AmbassadorProfile(models.Model):
    """One person's membership of the programme. Exists only for people who joined."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ambassador"
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    left_at = models.DateTimeField(
        _("left"),
        null=True,
        blank=True,
        help_text=_("Set when the person leaves: their actions are then hidden everywhere."),
    )
    privacy_notice_version = models.PositiveSmallIntegerField(
        _("privacy notice version read"), default=1
    )
    level = models.PositiveSmallIntegerField(
        _("level"),
        default=0,
        editable=False,
        help_text=_("Computed from the data by the ladder; never typed in."),
    )
    level_changed_at = models.DateTimeField(_("level changed"), null=True, blank=True)
    on_leaderboard = models.BooleanField(
        _("shown on the leaderboard"),
        default=False,
        help_text=_("A separate opt-in; anyone can hide again at any time."),
    )
    affiliation_added_at = models.DateTimeField(_("affiliation line added"), null=True, blank=True)
    privacy_reviewed_at = models.DateTimeField(
        _("privacy settings reviewed"), null=True, blank=True
    )
    profile_link = models.URLField(
        _("public profile link"),
        max_length=500,
        blank=True,
        help_text=_("Optional, self-declared; never visited or scraped by the app."),
    )

    objects = AmbassadorProfileQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__username"]
        verbose_name = _("ambassador")
        verbose_name_plural = _("ambassadors")
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=0, level__lte=LEVEL_COUNT),
                name="ambassadors_ambassadorprofile_level_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    def get_absolute_url(self) -> str:
        return reverse("ambassadors:programme")

    @property
    def is_active(self) -> bool:
        return self.left_at is None
