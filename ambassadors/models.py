"""People and programme: member organisations, staff profiles, managers' scope, course
assignments, reminders and the digital-ambassador programme (levels, charter versions,
actions, verification, badges)."""

import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from courses.models import Course

country_code_validator = RegexValidator(
    r"^[A-Z]{2}$", _("Use the two-letter ISO 3166 country code in capitals, e.g. PT.")
)


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The organisations whose staff ``user`` may see in reports (empty for most people)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if not user.has_perm("ambassadors.view_reports"):
            return self.none()
        profile = getattr(user, "profile", None)
        if profile is None:
            return self.none()
        if profile.manages_whole_network:
            return self.all()
        return self.filter(managers=profile)

    def reviewable_by(self, user):
        """The organisations whose ambassador actions ``user`` may verify.

        Trainers (permission ``verify_action``) review their own organisation plus the ones
        set in "manages organisations" on their profile, or every organisation with
        "manages the whole network"; superusers review everyone; anyone else, no one.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if not user.has_perm("ambassadors.verify_action"):
            return self.none()
        profile = getattr(user, "profile", None)
        if profile is None:
            return self.none()
        if profile.manages_whole_network:
            return self.all()
        own = Q(pk=profile.organisation_id) if profile.organisation_id else Q(pk__in=[])
        return self.filter(own | Q(managers=profile)).distinct()


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    country = models.CharField(
        _("country"),
        max_length=2,
        validators=[country_code_validator],
        help_text=_("Two-letter ISO 3166 code, e.g. PT, ES, IT, CA, US."),
    )
    language = models.CharField(
        _("default language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("member organisation")
        verbose_name_plural = _("member organisations")
        permissions = [
            ("view_reports", _("Can view reports for the organisations they manage")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(country__regex=r"^[A-Z]{2}$"),
                name="ambassadors_organisation_country_iso",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    managed_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("manages organisations"),
        blank=True,
        related_name="managers",
        help_text=_(
            "For managers: the organisations whose staff they see in reports. For trainers: the "
            "organisations (besides their own) whose ambassador actions they verify."
        ),
    )
    manages_whole_network = models.BooleanField(
        _("manages the whole network"),
        default=False,
        help_text=_(
            "For managers: see every organisation's staff in reports. For trainers: verify "
            "ambassador actions of every organisation."
        ),
    )
    optional_email = models.BooleanField(
        _("reminders and digests by e-mail"),
        default=True,
        help_text=_(
            "Non-essential mail: weekly reminders and managers' digests. Invitations and "
            "password e-mails are always sent."
        ),
    )

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__username"]
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return str(self.user)

    def get_absolute_url(self) -> str:
        return reverse("ambassadors:person-report", kwargs={"person": self.user_id})


def staff_in_scope(manager):
    """Active users whose organisation the manager may see (no one for non-managers)."""
    user_model = get_user_model()
    return user_model.objects.filter(
        is_active=True, profile__organisation__in=Organisation.objects.visible_to(manager)
    )


class AssignmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Assignments of organisations or people within ``user``'s reporting scope."""
        return self.filter(
            Q(organisation__in=Organisation.objects.visible_to(user))
            | Q(user__in=staff_in_scope(user))
        )


class Assignment(models.Model):
    """A course a manager or admin assigned to one organisation or to one person.

    Turned into per-learner facts (``Enrolment.assigned`` and ``due_date``) by
    ``ambassadors.services``, also for staff who join the organisation later. Assigning a
    course assigns every language version of it: each learner gets the one they would see.
    """

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="assignments"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        help_text=_("Every staff member of this organisation, now and later."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="course_assignments",
        help_text=_("One chosen person (leave the organisation empty)."),
    )
    due_date = models.DateField(
        _("due date"), null=True, blank=True, help_text=_("Optional: complete by this date.")
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("assigned on"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("course assignment")
        verbose_name_plural = _("course assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, user__isnull=True)
                | Q(organisation__isnull=True, user__isnull=False),
                name="ambassadors_assignment_one_target",
                violation_error_message=_("Choose either an organisation or a person, not both."),
            ),
            models.UniqueConstraint(
                fields=["course", "organisation"],
                condition=Q(organisation__isnull=False),
                name="ambassadors_assignment_unique_organisation",
                violation_error_message=_("This course is already assigned to this organisation."),
            ),
            models.UniqueConstraint(
                fields=["course", "user"],
                condition=Q(user__isnull=False),
                name="ambassadors_assignment_unique_user",
                violation_error_message=_("This course is already assigned to this person."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} → {self.target}"

    def get_absolute_url(self) -> str:
        return reverse("ambassadors:assignments")

    @property
    def target(self) -> str:
        if self.organisation_id:
            return str(self.organisation)
        return self.user.get_full_name() or self.user.get_username()


class ReminderLog(models.Model):
    """One reminder e-mail sent to one person for one period: the guard against repeats."""

    class Kind(models.TextChoices):
        STAFF_DUE = "staff_due", _("Assignments due soon or overdue")
        MANAGER_DIGEST = "manager_digest", _("Managers' digest of overdue staff")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminder_logs",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    period = models.DateField(
        _("period"), help_text=_("The Monday of the week the reminder belongs to.")
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-period", "recipient_id", "kind"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "period"],
                name="ambassadors_reminderlog_once_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient} ({self.period})"


# --- The digital-ambassador programme -------------------------------------------------------

LEVEL_COUNT = 6


def translated(name: str) -> str:
    """An admin-editable name in the reader's language when it is one of our defaults.

    Default names (levels, action types, badges) are in the translation catalogue, so the
    interface translates them; a name an admin typed is shown exactly as typed.
    """
    return gettext(name) if name else name


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
        return translated(self.name)


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

    @property
    def checklist_done(self) -> bool:
        return bool(self.affiliation_added_at and self.privacy_reviewed_at)


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
        return translated(self.name)


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
                user__profile__organisation__in=Organisation.objects.reviewable_by(user),
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
        return translated(self.name)


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


# --- Audit trail ---------------------------------------------------------------------------


class AuditEvent(models.Model):
    """Who did what, when: exports, imports, assignments and verification decisions.

    Changes made in the admin are in Django's own admin log (LogEntry), shown next to it.
    The actor's username is copied so the trail survives the account's deletion.
    """

    class Verb(models.TextChoices):
        REPORT_EXPORTED = "report_exported", _("Report exported")
        STAFF_IMPORTED = "staff_imported", _("Staff imported")
        ASSIGNMENT_CREATED = "assignment_created", _("Course assigned")
        ASSIGNMENT_REMOVED = "assignment_removed", _("Assignment removed")
        ACTION_DECIDED = "action_decided", _("Ambassador action decided")
        SSO_ACCOUNT_CREATED = "sso_account_created", _("Account created at first sign-in (SSO)")
        SSO_ACCOUNT_LINKED = "sso_account_linked", _("Account linked to an organisation's sign-in")
        SSO_REFUSED = "sso_refused", _("Sign-in with an organisation's account refused")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    actor_name = models.CharField(_("username"), max_length=150, blank=True)
    verb = models.CharField(_("what"), max_length=30, choices=Verb)
    target = models.CharField(_("on"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_verb_display()}"


from .programme.share.models import *  # noqa: E402, F403 - the share kit's models

# Sign-in with the organisation's account: e-mail domains mapped to organisations.
from .sso.models import EmailDomain  # noqa: E402, F401
