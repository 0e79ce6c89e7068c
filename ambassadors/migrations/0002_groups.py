"""Create the three working groups with exactly the permissions they need.

Staff: none beyond being signed in (learners only see their own data).
Trainers: author course content in the admin (courses, modules, lessons, quizzes,
questions, choices) and view attempts for quiz statistics.
Managers: see reports for the organisations set on their profile.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = ["course", "module", "lesson", "quiz", "question", "choice"]

GROUPS = {
    "Staff": [],
    "Trainers": [
        *[
            ("courses", f"{action}_{model}")
            for model in CONTENT_MODELS
            for action in ("add", "change", "delete", "view")
        ],
        ("courses", "view_quizattempt"),
    ],
    "Managers": [("ambassadors", "view_reports")],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in codenames
        ]
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ambassadors", "0001_initial"),
        ("courses", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
