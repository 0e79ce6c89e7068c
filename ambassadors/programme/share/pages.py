"""The platforms' own public share pages: no API key, nothing posted on anyone's behalf."""

from urllib.parse import quote, urlencode

from django.utils.translation import gettext_lazy as _

from .models import Target

BUTTON_LABELS = {
    Target.LINKEDIN: _("Share on LinkedIn"),
    Target.FACEBOOK: _("Share on Facebook"),
    Target.X: _("Share on X"),
    Target.WHATSAPP: _("Share on WhatsApp"),
    Target.EMAIL: _("Share by e-mail"),
    Target.LINK: _("Copy link"),
}


def share_page(target: str, *, link: str, title: str, text: str) -> str:
    """The address that opens ``target``'s share dialog for ``link`` (empty for a copied link)."""
    if target == Target.LINKEDIN:
        return "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": link})
    if target == Target.FACEBOOK:
        return "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": link})
    if target == Target.X:
        return "https://x.com/intent/post?" + urlencode({"text": text[:200], "url": link})
    if target == Target.WHATSAPP:
        return "https://wa.me/?" + urlencode({"text": f"{text}\n{link}"})
    if target == Target.EMAIL:
        return "mailto:?" + urlencode(
            {"subject": title, "body": f"{text}\n\n{link}"}, quote_via=quote
        )
    return ""
