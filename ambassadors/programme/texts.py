"""The programme's texts in five languages, from ``content/programme.yaml``.

Levels, action types, badges (with the text of their current criteria), campaigns and
organisation display names are stored in every language by django-modeltranslation (see
``ambassadors/translation.py``). The file is reviewed like the course content; loading it
writes every translation into the rows named by their stable key and never creates, deletes
or renames anything else, so it can run on a live site. Idempotent.
"""

from pathlib import Path

import yaml
from django.apps import apps as global_apps
from django.conf import settings
from django.db import transaction

from courses.content import CONTENT_ROOT, ContentError

PROGRAMME_FILE = CONTENT_ROOT / "programme.yaml"
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
SOURCE_LANGUAGE = "en"

# section: (model name, key field, translated fields that the file may carry)
SECTIONS = {
    "levels": ("Level", "rule", ("name", "description")),
    "action_types": ("ActionType", "key", ("name", "description")),
    "badges": ("BadgeClass", "slug", ("name", "description", "criteria")),
    "campaigns": ("Campaign", "slug", ("name", "description")),
    "organisations": ("Organisation", "slug", ("display_name",)),
}
# The sections whose every text must be a real translation (the i18n test checks them too):
# an organisation's name may rightly read the same in every language.
TRANSLATED_SECTIONS = ("levels", "action_types", "badges", "campaigns")


def read_programme(path: Path = PROGRAMME_FILE) -> dict[str, dict[str, dict[str, dict]]]:
    """{section: {key: {field: {language: text}}}}, checked: known sections and fields, every
    text in the five languages and not empty. Raises ContentError naming the place."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"{path.name}: {error}") from error
    if not isinstance(data, dict):
        raise ContentError(f"{path.name}: expected sections {', '.join(SECTIONS)}")
    for section, items in data.items():
        if section not in SECTIONS:
            raise ContentError(f"{path.name}: unknown section '{section}'")
        if not isinstance(items, dict):
            raise ContentError(f"{path.name}, {section}: expected items by key")
        fields = SECTIONS[section][2]
        for key, texts in items.items():
            where = f"{path.name}, {section}, {key}"
            if not isinstance(texts, dict) or not texts:
                raise ContentError(f"{where}: expected {', '.join(fields)}")
            for field, by_language in texts.items():
                if field not in fields:
                    raise ContentError(f"{where}: unknown field '{field}'")
                if not isinstance(by_language, dict) or set(by_language) != set(LANGUAGES):
                    raise ContentError(f"{where}, {field}: give it in {', '.join(LANGUAGES)}")
                for language, text in by_language.items():
                    if not isinstance(text, str) or not text.strip():
                        raise ContentError(f"{where}, {field}, {language}: empty")
    return data


def apply_programme_texts(data: dict, apps=global_apps, sections=tuple(SECTIONS)) -> int:
    """Write the texts of ``data`` (from ``read_programme``) into the existing rows; return
    how many rows were updated. ``apps`` is a migration's app registry, or the real one;
    ``sections`` limits the sections applied. A few queries per section."""
    updated = 0
    for section, items in data.items():
        if section not in sections:
            continue
        model_name, key_field, _fields = SECTIONS[section]
        model = apps.get_model("ambassadors", model_name)
        rows = {
            getattr(row, key_field): row
            for row in model._base_manager.filter(**{f"{key_field}__in": list(items)})
        }
        changed_fields: set[str] = set()
        criteria = []
        for key, texts in items.items():
            row = rows.get(key)
            if row is None:
                continue
            for field, by_language in texts.items():
                if field == "criteria":
                    criteria.append((row, by_language))
                    continue
                for language, text in by_language.items():
                    setattr(row, f"{field}_{language}", text.strip())
                    changed_fields.add(f"{field}_{language}")
        if changed_fields:
            model._base_manager.bulk_update(list(rows.values()), sorted(changed_fields))
            updated += len(rows)
        updated += _apply_criteria(apps, criteria)
    return updated


def _apply_criteria(apps, criteria: list) -> int:
    """The texts of each badge's current (latest) criteria version."""
    if not criteria:
        return 0
    criterion_model = apps.get_model("ambassadors", "BadgeCriterion")
    latest = {}
    for criterion in criterion_model._base_manager.filter(
        badge_class__in=[badge.pk for badge, _texts in criteria]
    ).order_by("badge_class", "version"):
        latest[criterion.badge_class_id] = criterion
    rows = []
    for badge, by_language in criteria:
        criterion = latest.get(badge.pk)
        if criterion is None:
            continue
        for language, text in by_language.items():
            setattr(criterion, f"narrative_{language}", text.strip())
        rows.append(criterion)
    criterion_model._base_manager.bulk_update(
        rows, [f"narrative_{language}" for language in LANGUAGES]
    )
    return len(rows)


@transaction.atomic
def load_programme(path: Path = PROGRAMME_FILE) -> int:
    """Read and apply ``content/programme.yaml``; return how many rows were updated.
    Nothing is written unless the whole file is valid."""
    return apply_programme_texts(read_programme(path))
