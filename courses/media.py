"""Media in lessons: uploaded images checked with Pillow, and video embeds from two hosts.

Images: only real JPEG, PNG, GIF or WebP files whose extension says what they are, below a
size and pixel limit; anything else is refused with a message (never trusted by its name).
Videos: only YouTube (played from youtube-nocookie.com, its privacy-enhanced mode) and Vimeo
(player.vimeo.com); these are the two hosts the Content Security Policy lets us frame.
"""

import re
from pathlib import PurePath
from urllib.parse import SplitResult, parse_qs, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

# Pillow format name → the file extensions that may carry it.
IMAGE_FORMATS = {
    "JPEG": {"jpg", "jpeg"},
    "PNG": {"png"},
    "GIF": {"gif"},
    "WEBP": {"webp"},
}
IMAGE_EXTENSIONS = sorted(set().union(*IMAGE_FORMATS.values()))
MAX_IMAGE_PIXELS = 40_000_000  # e.g. 8000 × 5000; larger is a mistake or a decompression bomb


def max_image_bytes() -> int:
    return getattr(settings, "LESSON_IMAGE_MAX_BYTES", 5 * 1024 * 1024)


def validate_lesson_image(file) -> None:
    """Refuse anything that is not a reasonably sized JPEG, PNG, GIF or WebP named as such.

    Raises ValidationError with a message a trainer can act on.
    """
    limit = max_image_bytes()
    if file.size > limit:
        raise ValidationError(
            _("This image is %(size)s; the largest allowed is %(limit)s."),
            code="image_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )
    extension = PurePath(file.name).suffix.lower().lstrip(".")
    if extension not in IMAGE_EXTENSIONS:
        raise ValidationError(
            _("Upload a JPEG, PNG, GIF or WebP image (the file name ends in .%(extension)s)."),
            code="image_extension",
            params={"extension": extension or "…"},
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("This file is not an image that can be read (JPEG, PNG, GIF or WebP)."),
            code="image_invalid",
        ) from None
    finally:
        file.seek(position)
    if image_format not in IMAGE_FORMATS:
        raise ValidationError(
            _("Images must be JPEG, PNG, GIF or WebP; this one is %(format)s."),
            code="image_format",
            params={"format": image_format},
        )
    if extension not in IMAGE_FORMATS[image_format]:
        raise ValidationError(
            _(
                "The file name ends in .%(extension)s but the file is a %(format)s image. "
                "Rename it with the right extension and upload it again."
            ),
            code="image_misleading_extension",
            params={"extension": extension, "format": image_format},
        )
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            _("This image is %(width)s × %(height)s pixels; please make it smaller."),
            code="image_too_many_pixels",
            params={"width": width, "height": height},
        )


_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^\d{1,12}$")
_VIMEO_HASH = re.compile(r"^[0-9a-f]{6,20}$")
YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com"}
YOUTUBE_HOSTS |= {"www.youtube-nocookie.com", "youtu.be"}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}


def _youtube_id(host: str, path: list[str], query: dict) -> str | None:
    if host == "youtu.be":
        candidate = path[0] if path else ""
    elif path[:1] == ["watch"]:
        candidate = query.get("v", [""])[0]
    elif len(path) >= 2 and path[0] in {"embed", "shorts", "live", "v"}:
        candidate = path[1]
    else:
        return None
    return candidate if _YOUTUBE_ID.match(candidate) else None


def _vimeo_embed(host: str, path: list[str], query: dict) -> str | None:
    if host == "player.vimeo.com":
        if len(path) >= 2 and path[0] == "video" and _VIMEO_ID.match(path[1]):
            video, private = path[1], query.get("h", [""])[0]
        else:
            return None
    else:
        numbers = [i for i, part in enumerate(path) if _VIMEO_ID.match(part)]
        if not numbers:
            return None
        index = numbers[-1]
        video = path[index]
        following = path[index + 1] if index + 1 < len(path) else ""
        private = following if _VIMEO_HASH.match(following) else ""
    url = f"https://player.vimeo.com/video/{video}?dnt=1"
    if private and _VIMEO_HASH.match(private):
        url += f"&h={private}"
    return url


def _split(url: str) -> SplitResult | None:
    """``url`` split into parts, or None when Python cannot parse it: an unclosed IPv6 host
    raises ValueError in ``urlsplit``, a port out of range only when ``.port`` is read."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 -- read it here, where the ValueError is caught
    except ValueError:
        return None
    return parts


def video_embed_url(url: str) -> str | None:
    """The player address for a YouTube or Vimeo page address, or None for anything else.

    YouTube always plays from youtube-nocookie.com (no cookies until the learner presses play);
    Vimeo gets ``dnt=1`` (do not track).
    """
    parts = _split(url)
    if parts is None:
        return None
    if parts.scheme not in {"http", "https"} or parts.username or parts.password:
        return None
    host = (parts.hostname or "").lower()
    if parts.port not in (None, 80, 443):
        return None
    path = [p for p in parts.path.split("/") if p]
    query = parse_qs(parts.query)
    if host in YOUTUBE_HOSTS:
        video = _youtube_id(host, path, query)
        return f"https://www.youtube-nocookie.com/embed/{video}" if video else None
    if host in VIMEO_HOSTS:
        return _vimeo_embed(host, path, query)
    return None


def validate_video_url(url: str) -> None:
    if not url:
        return
    parts = _split(url)
    host = ((parts and parts.hostname) or "").lower()
    if host not in YOUTUBE_HOSTS | VIMEO_HOSTS:
        raise ValidationError(
            _("Only YouTube and Vimeo videos can be embedded; %(host)s is not allowed."),
            code="video_host",
            params={"host": host or url},
        )
    if video_embed_url(url) is None:
        raise ValidationError(
            _("This does not look like the address of one YouTube or Vimeo video."),
            code="video_url",
        )
