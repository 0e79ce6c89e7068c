"""A member organisation's public presence: its official accounts and hashtags.

Shown to learners in the course (live blocks, ``people/lesson_blocks.py``) and on the ambassador
page; edited in the admin on the organisation. The communications contact is on Organisation.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

HASHTAG = re.compile(r"^#\w+$")


def hashtags_validator(value: str) -> None:
    """Official hashtags: words starting with #, separated by spaces."""
    wrong = [tag for tag in value.split() if not HASHTAG.match(tag)]
    if wrong:
        raise ValidationError(
            gettext("Each hashtag starts with # and has no spaces or punctuation: %(tags)s")
            % {"tags": " ".join(wrong)},
            code="hashtag",
        )


class OfficialAccount(models.Model):
    """An official account of a member organisation, shown in the course and on /ambassador/."""

    organisation = models.ForeignKey(
        "ambassadors.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="official_accounts",
    )
    platform = models.ForeignKey(
        "ambassadors.Platform",
        verbose_name=_("platform"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Leave empty for a website."),
    )
    url = models.URLField(_("address"), max_length=300)
    handle = models.CharField(
        _("name on the platform"),
        max_length=100,
        blank=True,
        help_text=_("As the platform shows it, e.g. @dianova; the address is shown if empty."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["organisation", "order", "pk"]
        verbose_name = _("official account")
        verbose_name_plural = _("official accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "url"], name="ambassadors_officialaccount_unique_url"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.handle or self.url

    @property
    def platform_name(self) -> str:
        return self.platform.name if self.platform_id else gettext("Website")

    def clean(self) -> None:
        """The address must be on the chosen platform (its allowed domains), like action links."""
        if self.platform_id and self.url:
            from ambassadors.programme.links import check_post_link

            try:
                check_post_link(self.url, platform=self.platform, platforms=[self.platform])
            except ValidationError as error:
                raise ValidationError({"url": error}) from None
