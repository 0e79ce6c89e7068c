"""The programme's existing texts become the English translation, and the shipped texts of
content/programme.yaml fill the other languages (``manage.py load_programme`` does the same
later, e.g. after the file changes)."""

from django.db import migrations

TRANSLATED = {
    "Level": ("name", "description"),
    "ActionType": ("name", "description"),
    "BadgeClass": ("name", "description"),
    "BadgeCriterion": ("narrative",),
    "Campaign": ("name", "description"),
}


def fill_translations(apps, schema_editor):
    from ambassadors.programme.texts import apply_programme_texts, read_programme
    from courses.content import ContentError

    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("ambassadors", model_name)
        rows = list(model.objects.all())
        for row in rows:
            for field in fields:
                if not getattr(row, f"{field}_en", None):
                    setattr(row, f"{field}_en", getattr(row, field))
        model.objects.bulk_update(rows, [f"{field}_en" for field in fields])
    try:
        data = read_programme()
    except ContentError:
        return  # a broken file is reported by load_programme; the English texts stand
    apply_programme_texts(data, apps, sections=("levels", "action_types", "badges", "campaigns"))


class Migration(migrations.Migration):
    dependencies = [("ambassadors", "0009_programme_translations")]

    operations = [migrations.RunPython(fill_translations, migrations.RunPython.noop)]
