"""Load the social-media charter from the course content files into versioned rows.

Each ``content/<course>/<language>.yaml`` may carry a ``charter:`` block (version, title,
Markdown body; see content/README.md). ``courses`` ignores it; the programme reads it here.
Idempotent: one CharterVersion per version number, one text per language, updated in place.
A version number seen for the first time is published at once, which asks every member to
accept the charter again (their level is recomputed).
"""

from pathlib import Path

from django.db import transaction
from django.utils import timezone

from ambassadors.models import CharterText, CharterVersion
from ambassadors.programme.services import programme_recompute_all
from courses.content import CONTENT_ROOT, ContentError, read_course_dir


def read_charters(root: Path = CONTENT_ROOT) -> dict[int, dict[str, dict]]:
    """{version: {language: {"title": …, "body": …}}} from every course folder under ``root``."""
    found: dict[int, dict[str, dict]] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for data in read_course_dir(folder):
            block = data.get("charter")
            if not block:
                continue
            where = f"{folder.name}/{data['language']}.yaml, charter"
            version = block.get("version") if isinstance(block, dict) else None
            if not isinstance(version, int) or version < 1:
                raise ContentError(f"{where}: 'version' must be a whole number from 1")
            for field in ("title", "body"):
                if not block.get(field):
                    raise ContentError(f"{where}: missing '{field}'")
            texts = found.setdefault(version, {})
            if data["language"] in texts:
                raise ContentError(f"{where}: version {version} defined twice")
            texts[data["language"]] = {"title": block["title"], "body": block["body"]}
    return found


@transaction.atomic
def load_charters(root: Path = CONTENT_ROOT) -> list[CharterVersion]:
    """Create or update the charter versions found in the content; return the new ones."""
    created_versions = []
    for version, texts in sorted(read_charters(root).items()):
        charter, created = CharterVersion.objects.get_or_create(
            version=version, defaults={"published_at": timezone.now()}
        )
        if created:
            created_versions.append(charter)
        for language, text in texts.items():
            CharterText.objects.update_or_create(charter=charter, language=language, defaults=text)
    if created_versions:
        programme_recompute_all()
    return created_versions
