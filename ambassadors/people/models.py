"""The people of the network: member organisations, staff profiles and managers' scope,
course assignments, reminder logs and the audit trail."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models.content import Course

from .contacts import hashtags_validator

country_code_validator = RegexValidator(
    r"^[A-Z]{2}$", _("Use the two-letter ISO 3166 country code in capitals, e.g. PT.")
)


class OrganisationQuerySet(models.QuerySet):
    def _scope_of(self, user, *, permission: str, own: bool):
        """The organisations ``user`` acts on with ``permission``: all for superusers and for
        "manages the whole network", else those set in "manages organisations" (plus their
        own with ``own``); none without the permission or a staff profile."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if not user.has_perm(permission):
            return self.none()
        profile = getattr(user, "profile", None)
        if profile is None:
            return self.none()
        if profile.manages_whole_network:
            return self.all()
        if not own:
            return self.filter(managers=profile)
        mine = Q(pk=profile.organisation_id) if profile.organisation_id else Q(pk__in=[])
        return self.filter(mine | Q(managers=profile)).distinct()

    def visible_to(self, user):
        """The organisations whose staff ``user`` may see in reports (empty for most people)."""
        return self._scope_of(user, permission="ambassadors.view_reports", own=False)

    def reviewable_by(self, user):
        """The organisations whose ambassador actions ``user`` may verify: trainers (permission
        ``verify_action``) their own plus those they manage, or all (see ``_scope_of``)."""
        return self._scope_of(user, permission="ambassadors.verify_action", own=True)


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
    display_name = models.CharField(
        _("display name"),
        max_length=200,
        blank=True,
        help_text=_(
            "The name people read, per language, where it differs from the name above "
            "(e.g. the organisation's own name in its language). Empty: the name above."
        ),
    )
    communications_contact_name = models.CharField(
        _("communications contact"),
        max_length=200,
        blank=True,
        help_text=_(
            "Who staff alert about a crisis or an incident (shown in the course). A person or a "
            "team."
        ),
    )
    communications_contact_email = models.EmailField(_("communications contact e-mail"), blank=True)
    communications_contact_phone = models.CharField(
        _("communications contact phone"), max_length=40, blank=True
    )
    communications_out_of_hours = models.CharField(
        _("out of office hours"),
        max_length=200,
        blank=True,
        help_text=_("The number to call, or what to do, outside office hours."),
    )
    hashtags = models.CharField(
        _("official hashtags"),
        max_length=300,
        blank=True,
        validators=[hashtags_validator],
        help_text=_("Separated by spaces, each starting with #, e.g. #Dianova #Prevention."),
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
        return self.label

    @property
    def label(self) -> str:
        """The name to show, in the reader's language (``display_name``, else ``name``)."""
        return self.display_name or self.name

    @property
    def hashtag_list(self) -> list[str]:
        return self.hashtags.split()

    @property
    def has_communications_contact(self) -> bool:
        return any(
            (
                self.communications_contact_name,
                self.communications_contact_email,
                self.communications_contact_phone,
                self.communications_out_of_hours,
            )
        )


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
    ``ambassadors.people.services``, also for staff who join the organisation later. Assigning a
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
