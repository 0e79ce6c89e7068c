"""E-mail domains of member organisations: where a first sign-in places a person, and whether
staff of that domain must use their organisation's account instead of a password."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from ambassadors.people.models import Organisation

domain_validator = RegexValidator(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    _("Enter a domain name such as dianova.pt (lower case, without @)."),
)


def email_domain(email: str) -> str:
    """The lower-cased part after the last @ ('' when there is none)."""
    _local, at, domain = (email or "").strip().rpartition("@")
    return domain.lower() if at else ""


class EmailDomainQuerySet(models.QuerySet):
    def for_email(self, email: str) -> "EmailDomain | None":
        """The mapping of ``email``'s domain, with its organisation (one query), or None."""
        domain = email_domain(email)
        if not domain:
            return None
        return self.select_related("organisation").filter(domain=domain).first()

    def sso_required_for(self, email: str) -> bool:
        domain = email_domain(email)
        return bool(domain) and self.filter(domain=domain, sso_required=True).exists()


class EmailDomain(models.Model):
    domain = models.CharField(
        _("e-mail domain"),
        max_length=253,
        unique=True,
        validators=[domain_validator],
        help_text=_("For example dianova.pt: everyone whose e-mail address ends in @dianova.pt."),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="email_domains",
        help_text=_("Staff signing in for the first time with this domain are placed here."),
    )
    sso_required = models.BooleanField(
        _("single sign-on required"),
        default=False,
        help_text=_(
            "Staff with this domain must sign in with their organisation's account; password "
            "log-in is refused for them (superusers keep it, to repair a broken set-up)."
        ),
    )

    objects = EmailDomainQuerySet.as_manager()

    class Meta:
        ordering = ["domain"]
        verbose_name = _("e-mail domain")
        verbose_name_plural = _("e-mail domains")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(domain=Lower("domain")),
                name="ambassadors_emaildomain_lowercase",
            ),
        ]

    def __str__(self) -> str:
        return self.domain
