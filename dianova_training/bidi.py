"""Bidirectional-text control characters: refused in links, removed from free text.

U+202E (right-to-left override) and its kin make text display in another order than it is
stored: ``https://facebook.com/p/abc\u202egnp.exe`` shows as ``…abcexe.png`` in a trainer's queue.
Nobody types them on purpose in this app's languages; every form that takes free text uses
``FreeTextField`` (or ``without_bidi_controls``), every link check ``has_bidi_controls``.
"""

import re
from urllib.parse import unquote

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069), the left-to-right and
# right-to-left marks (U+200E, U+200F) and the Arabic letter mark (U+061C).
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def has_bidi_controls(text: str) -> bool:
    return BIDI_CONTROLS.search(text) is not None


def check_link_direction(url: str) -> None:
    """Raise ValidationError when the link (or its percent-decoded form) holds bidi controls:
    it would not display the address it leads to."""
    if has_bidi_controls(url) or has_bidi_controls(unquote(unquote(url))):
        raise ValidationError(
            _(
                "This link contains invisible characters that change the direction of the "
                "text, so it would not show the address it leads to. Copy the post's address "
                "again."
            ),
            code="bidi",
        )


def without_bidi_controls(text: str) -> str:
    """``text`` with every bidi control character removed (it then displays as stored)."""
    return BIDI_CONTROLS.sub("", text)


class FreeTextField(forms.CharField):
    """A CharField for what people write (notes, lists of names): bidi controls removed."""

    def to_python(self, value):
        value = super().to_python(value)
        return without_bidi_controls(value) if isinstance(value, str) else value
