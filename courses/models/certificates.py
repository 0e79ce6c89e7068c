"""Certificates of completion, verifiable by their code."""

import base64
import secrets

from django.conf import settings
from django.db import models
from django.db.models import (
    Q,
)
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses.models.content import Course


def new_certificate_code() -> str:
    """120 random bits as 24 base-32 characters in groups of four, easy to read out or type."""
    raw = base64.b32encode(secrets.token_bytes(15)).decode()
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


class CertificateQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(revoked_at__isnull=True)


class Certificate(models.Model):
    """Proof that a learner completed a course, checkable by anyone who has its code.

    The learner's name and the course title are copied when it is issued, so later renames
    do not change what was certified.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="certificates"
    )
    name = models.CharField(
        _("name on the certificate"), max_length=300, help_text=_("The learner's name at issue.")
    )
    course_title = models.CharField(
        _("course title on the certificate"),
        max_length=200,
        help_text=_("The course title at issue."),
    )
    issued_at = models.DateTimeField(_("issued"))
    code = models.CharField(
        _("verification code"),
        max_length=40,
        unique=True,
        default=new_certificate_code,
        editable=False,
        help_text=_("Random and unguessable; anyone with it can verify the certificate."),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.TextField(
        _("reason for revoking"),
        blank=True,
        help_text=_("Kept for the record; not shown on the public verification page."),
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="courses_certificate_unique"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoked_reason=""),
                name="courses_certificate_revoked_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.course_title} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("certificates:verify", kwargs={"code": self.code})

    def get_pdf_url(self) -> str:
        return reverse("certificates:pdf", kwargs={"code": self.code})

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
