"""Default ladder, action types, allowed platforms and badges of the ambassador programme,
and the trainers' permission to verify actions. Admins change all of these afterwards."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils.translation import gettext_noop as N_

LEVELS = [
    # rank, rule, name, description
    (1, "trained", N_("Trained"), N_("Completed the social-media course and passed its quizzes.")),
    (2, "committed", N_("Committed"), N_("Accepted the current version of the social-media charter.")),
    (
        3,
        "connected",
        N_("Connected"),
        N_("Added the affiliation line to their profile and reviewed their privacy settings."),
    ),
    (4, "relay", N_("Relay"), N_("Shared official Dianova content, verified by a trainer.")),
    (
        5,
        "storyteller",
        N_("Storyteller"),
        N_("Told an original story, with consent from anyone shown, verified by a trainer."),
    ),
    (
        6,
        "ambassador",
        N_("Ambassador"),
        N_("Active month after month, took part in a campaign and mentored a colleague."),
    ),
]

ACTION_TYPES = [
    # key, name, description, points, verification, link, cap, role, consent, campaign, colleague, automatic
    ("share", N_("Share of official content"), N_("You shared a post from an official Dianova account."), 5, True, True, 5, "share", False, False, False, ""),
    ("story", N_("Original post or story"), N_("You told a story of your own about Dianova's work."), 20, True, True, 2, "story", True, False, False, ""),
    ("reply", N_("Community reply"), N_("You answered a supporter's comment or question kindly and accurately."), 3, True, True, 5, "", False, False, False, ""),
    ("event", N_("Event coverage"), N_("You covered a Dianova event as it happened."), 15, True, True, 2, "", True, False, False, ""),
    ("campaign", N_("Campaign participation"), N_("You took part in a Dianova campaign."), 10, True, True, 3, "", False, True, False, ""),
    ("suggestion", N_("Content suggestion"), N_("You suggested a story or a post to the communication team."), 3, False, False, 3, "", False, False, False, ""),
    ("mentoring", N_("Colleague mentored"), N_("You helped a colleague join the programme and accept the charter."), 15, True, False, 2, "mentoring", False, False, True, ""),
    ("course-completed", N_("Course completed"), N_("Recorded when you complete a course."), 20, False, False, None, "", False, False, False, "course_completed"),
    ("quiz-passed", N_("Quiz passed"), N_("Recorded the first time you pass a quiz."), 5, False, False, None, "", False, False, False, "quiz_passed"),
    ("charter-accepted", N_("Charter accepted"), N_("Recorded when you accept a version of the charter."), 10, False, False, None, "", False, False, False, "charter_accepted"),
]

PLATFORMS = [
    ("Facebook", "facebook", ["facebook.com", "fb.com", "fb.watch"]),
    ("Instagram", "instagram", ["instagram.com"]),
    ("LinkedIn", "linkedin", ["linkedin.com", "lnkd.in"]),
    ("X (Twitter)", "x", ["x.com", "twitter.com"]),
    ("YouTube", "youtube", ["youtube.com", "youtu.be"]),
    ("TikTok", "tiktok", ["tiktok.com"]),
    ("Threads", "threads", ["threads.net", "threads.com"]),
    ("Bluesky", "bluesky", ["bsky.app"]),
]

LEVEL_BADGES = [
    (1, "level-1-trained", N_("Level 1 · Trained")),
    (2, "level-2-committed", N_("Level 2 · Committed")),
    (3, "level-3-connected", N_("Level 3 · Connected")),
    (4, "level-4-relay", N_("Level 4 · Relay")),
    (5, "level-5-storyteller", N_("Level 5 · Storyteller")),
    (6, "level-6-ambassador", N_("Level 6 · Ambassador")),
]

SKILL_BADGES = [
    # slug, name, description, rule, threshold, action type keys, narrative
    (
        "storyteller",
        N_("Storyteller"),
        N_("Tells the stories of Dianova's work with respect for the people in them."),
        "actions",
        3,
        ["story", "event"],
        N_("Three original stories or event coverages verified by a trainer, with consent from anyone shown."),
    ),
    (
        "safe-practice",
        N_("Safe practice"),
        N_("Posts about Dianova's causes by the charter's rules, every time."),
        "safe_practice",
        5,
        [],
        N_("Five actions verified by a trainer and none rejected."),
    ),
    (
        "multilingual",
        N_("Multilingual"),
        N_("Carries Dianova's causes across languages."),
        "languages",
        2,
        [],
        N_("Verified actions in at least two languages."),
    ),
    (
        "community-builder",
        N_("Community builder"),
        N_("Grows a community of supporters and helps colleagues join in."),
        "actions",
        5,
        ["reply", "mentoring"],
        N_("Five verified community replies or colleagues mentored."),
    ),
]

TRAINER_PERMISSIONS = [
    "verify_action",
    "add_campaign",
    "change_campaign",
    "view_campaign",
]


def create_defaults(apps, schema_editor):
    Level = apps.get_model("ambassadors", "Level")
    ActionType = apps.get_model("ambassadors", "ActionType")
    Platform = apps.get_model("ambassadors", "Platform")
    PlatformDomain = apps.get_model("ambassadors", "PlatformDomain")
    BadgeClass = apps.get_model("ambassadors", "BadgeClass")
    BadgeCriterion = apps.get_model("ambassadors", "BadgeCriterion")

    for rank, rule, name, description in LEVELS:
        Level.objects.get_or_create(
            rule=rule,
            defaults={
                "rank": rank,
                "name": name,
                "description": description,
                "course_key": "social-media" if rule == "trained" else "",
            },
        )
    types = {}
    for order, row in enumerate(ACTION_TYPES, start=1):
        key, name, description, points, verify, link, cap, role, consent, campaign, colleague, auto = row
        types[key], _created = ActionType.objects.get_or_create(
            key=key,
            defaults={
                "name": name,
                "description": description,
                "points": points,
                "needs_verification": verify,
                "evidence_required": link,
                "weekly_cap": cap,
                "ladder_role": role,
                "requires_consent": consent,
                "requires_campaign": campaign,
                "requires_colleague": colleague,
                "automatic": auto,
                "order": order,
            },
        )
    for order, (name, slug, domains) in enumerate(PLATFORMS, start=1):
        platform, _created = Platform.objects.get_or_create(
            slug=slug, defaults={"name": name, "order": order}
        )
        for domain in domains:
            PlatformDomain.objects.get_or_create(domain=domain, defaults={"platform": platform})

    levels = {level.rank: level for level in Level.objects.all()}
    for rank, slug, name in LEVEL_BADGES:
        badge, created = BadgeClass.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "description": levels[rank].description, "kind": "level"},
        )
        if created:
            BadgeCriterion.objects.create(
                badge_class=badge,
                version=1,
                rule="level",
                level=rank,
                narrative=levels[rank].description,
            )
    for slug, name, description, rule, threshold, keys, narrative in SKILL_BADGES:
        badge, created = BadgeClass.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "kind": "skill"}
        )
        if created:
            criterion = BadgeCriterion.objects.create(
                badge_class=badge, version=1, rule=rule, threshold=threshold, narrative=narrative
            )
            criterion.action_types.set([types[key] for key in keys])


def grant_trainers(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    trainers, _created = Group.objects.get_or_create(name="Trainers")
    trainers.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="ambassadors", codename__in=TRAINER_PERMISSIONS
        )
    )


def revoke_trainers(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Trainers"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="ambassadors", codename__in=TRAINER_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("ambassadors", "0006_ambassador_programme"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_defaults, migrations.RunPython.noop),
        migrations.RunPython(grant_trainers, revoke_trainers),
    ]
