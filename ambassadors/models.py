"""People and programme: member organisations, staff profiles and managers' scope."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
        help_text=_("For managers: the organisations whose staff they see in reports."),
    )
    manages_whole_network = models.BooleanField(
        _("manages the whole network"),
        default=False,
        help_text=_("For managers: see every organisation's staff in reports."),
    )

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__username"]
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return str(self.user)


def staff_in_scope(manager):
    """Active users whose organisation the manager may see (no one for non-managers)."""
    user_model = get_user_model()
    return user_model.objects.filter(
        is_active=True, profile__organisation__in=Organisation.objects.visible_to(manager)
    )
