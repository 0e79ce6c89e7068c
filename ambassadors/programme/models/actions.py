"""Actions members log (on platforms, for campaigns, by type) and the reviewers' decisions."""

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _organisations():
    """The people side's organisations (looked up, not imported: people imports this side)."""
    return apps.get_model("ambassadors", "Organisation").objects


class Platform(models.Model):
    """A social platform on the allow-list: links to posts must be on one of its domains."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    active = models.BooleanField(_("allowed"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("social platform")
        verbose_name_plural = _("social platforms")

    def __str__(self) -> str:
        return self.name


class PlatformDomain(models.Model):
    platform = models.ForeignKey(
        Platform, verbose_name=_("platform"), on_delete=models.CASCADE, related_name="domains"
    )
    domain = models.CharField(
        _("domain"),
        max_length=120,
        unique=True,
        help_text=_("e.g. facebook.com: the domain and its subdomains (www., m.) are allowed."),
    )

    class Meta:
        ordering = ["platform", "domain"]
        verbose_name = _("platform domain")
        verbose_name_plural = _("platform domains")
        constraints = [
            models.CheckConstraint(
                condition=Q(domain__regex=r"^[a-z0-9-]+(\.[a-z0-9-]+)+$"),
                name="ambassadors_platformdomain_lowercase_host",
            ),
        ]

    def __str__(self) -> str:
        return self.domain


class CampaignQuerySet(models.QuerySet):
    def running(self, on=None):
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on, ends_on__gte=on)


class Campaign(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="ambassadors_campaign_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def runs_on(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


class ActionType(models.Model):
    """What staff can log (or what the system records), and how it earns points."""

    class Role(models.TextChoices):
        NONE = "", _("None")
        SHARE = "share", _("Counts as a share of official content (Relay)")
        STORY = "story", _("Counts as an original story (Storyteller)")
        MENTORING = "mentoring", _("Counts as a colleague mentored (Ambassador)")

    class Automatic(models.TextChoices):
        NO = "", _("No: logged by staff")
        COURSE_COMPLETED = "course_completed", _("Course completed")
        QUIZ_PASSED = "quiz_passed", _("Quiz passed")
        CHARTER_ACCEPTED = "charter_accepted", _("Charter accepted")
        SHARE_KIT = "share_kit", _("Shared from the share kit")

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    points = models.PositiveSmallIntegerField(_("points"), default=0)
    needs_verification = models.BooleanField(
        _("needs verification"),
        default=True,
        help_text=_("Points count only once a trainer verified the action."),
    )
    evidence_required = models.BooleanField(
        _("link required"), default=True, help_text=_("A link to the post must be given.")
    )
    weekly_cap = models.PositiveSmallIntegerField(
        _("weekly cap"),
        null=True,
        blank=True,
        help_text=_("How many actions of this type earn points in one week; empty for no cap."),
    )
    ladder_role = models.CharField(
        _("role on the ladder"), max_length=20, choices=Role, blank=True, default=Role.NONE
    )
    requires_consent = models.BooleanField(
        _("consent tick required"),
        default=False,
        help_text=_("The person confirms that everyone recognisable gave explicit consent."),
    )
    requires_campaign = models.BooleanField(_("campaign required"), default=False)
    requires_colleague = models.BooleanField(_("colleague required"), default=False)
    automatic = models.CharField(
        _("recorded by the system"),
        max_length=20,
        choices=Automatic,
        blank=True,
        default=Automatic.NO,
    )
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("action type")
        verbose_name_plural = _("action types")
        constraints = [
            models.UniqueConstraint(
                fields=["automatic"],
                condition=~Q(automatic=""),
                name="ambassadors_actiontype_one_per_automatic_event",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.name


class ActionQuerySet(models.QuerySet):
    def of_members(self):
        """Actions of current members only: those who left are hidden from boards and reports."""
        return self.filter(user__ambassador__left_at__isnull=True)

    def verified(self):
        return self.filter(status=Action.Status.VERIFIED)

    def manual(self):
        return self.filter(action_type__automatic="")

    def awaiting_review_by(self, user):
        """Submitted actions of current members in the organisations ``user`` may review."""
        return (
            self.of_members()
            .filter(
                status=Action.Status.SUBMITTED,
                user__profile__organisation__in=_organisations().reviewable_by(user),
            )
            .exclude(user=user)
        )


class Action(models.Model):
    """Something a member did for the programme, with its evidence and its status."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting verification")
        RETURNED = "returned", _("Returned for changes")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ambassador_actions"
    )
    action_type = models.ForeignKey(
        ActionType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="actions"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.SUBMITTED)
    url = models.URLField(_("link to the post"), max_length=500, blank=True)
    platform = models.ForeignKey(
        Platform,
        verbose_name=_("platform"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    colleague = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("colleague mentored"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), max_length=1000, blank=True)
    follows_charter = models.BooleanField(
        _("follows the charter"),
        default=False,
        help_text=_("Affiliation disclosed, nothing non-public, respectful."),
    )
    consent_confirmed = models.BooleanField(
        _("consent confirmed"),
        default=False,
        help_text=_("Everyone recognisable gave explicit consent, or no one is recognisable."),
    )
    source_key = models.CharField(
        _("recorded for"),
        max_length=80,
        blank=True,
        help_text=_("Automatic actions: the fact that produced it (recorded once)."),
    )
    points = models.PositiveIntegerField(_("points"), default=0)
    capped = models.BooleanField(
        _("weekly cap reached"), default=False, help_text=_("Verified, but earned no points.")
    )
    submissions = models.PositiveSmallIntegerField(_("submissions"), default=1)
    created_at = models.DateTimeField(_("logged"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ambassador action")
        verbose_name_plural = _("ambassador actions")
        permissions = [
            ("verify_action", _("Can verify ambassador actions of the organisations they review")),
        ]
        constraints = [
            # A quiz passed twice, a double click or two tabs: one automatic action, once.
            models.UniqueConstraint(
                fields=["user", "action_type", "source_key"],
                condition=~Q(source_key=""),
                name="ambassadors_action_automatic_once",
            ),
            # One post, one action: a double click or a second tab cannot log it twice.
            models.UniqueConstraint(
                fields=["user", "url"], condition=~Q(url=""), name="ambassadors_action_one_per_post"
            ),
            models.CheckConstraint(
                condition=Q(status="verified") | Q(points=0),
                name="ambassadors_action_points_only_verified",
            ),
            models.CheckConstraint(
                condition=Q(url="") | Q(url__startswith="https://") | Q(url__startswith="http://"),
                name="ambassadors_action_url_http",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["user", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.action_type} · {self.user}"

    def get_absolute_url(self) -> str:
        return reverse("ambassadors:action", kwargs={"action": self.pk})

    @property
    def editable(self) -> bool:
        return self.status == self.Status.RETURNED

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED

    @property
    def status_badge(self) -> str:
        """The Bootstrap badge class that shows this status."""
        return {
            self.Status.VERIFIED: "text-bg-success",
            self.Status.SUBMITTED: "text-bg-info",
            self.Status.RETURNED: "text-bg-warning",
        }.get(self.status, "text-bg-danger")


class ActionDecision(models.Model):
    """A trainer's decision on one submission of an action: who, when, what, why."""

    class Decision(models.TextChoices):
        VERIFIED = "verified", _("Verified")
        RETURNED = "returned", _("Returned for changes")
        REJECTED = "rejected", _("Rejected")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="decisions")
    submission = models.PositiveSmallIntegerField(
        _("submission"), help_text=_("Which submission of the action this decision is about.")
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    note = models.TextField(_("note"), max_length=1000, blank=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = _("verification decision")
        verbose_name_plural = _("verification decisions")
        constraints = [
            # Two trainers deciding at once: the database keeps one decision per submission.
            models.UniqueConstraint(
                fields=["action", "submission"],
                name="ambassadors_actiondecision_one_per_submission",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} · {self.action}"
