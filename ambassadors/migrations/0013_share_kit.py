"""The share kit: posts to share, tracked links, shares and anonymous click counts; the
"Share from the share kit" action type (counts for Relay), WhatsApp on the platforms'
allow-list, and the Trainers' permission to author posts to share."""

import ambassadors.programme.share.models
import courses.media
import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.utils.translation import gettext_noop as N_
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


SHARE_KIT_TYPE = {
    "name": N_("Share from the share kit"),
    "description": N_(
        "Recorded when you share a post from the share kit; verified when your link gets its "
        "first visitor, or by a trainer."
    ),
    "points": 5,
    "needs_verification": True,
    "evidence_required": False,
    "weekly_cap": 5,
    "ladder_role": "share",
    "automatic": "share_kit",
    "order": 20,
}
TRAINER_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("sharepost", "shareposttext")
    for action in ("add", "change", "delete", "view")
]


def _apply_texts(apps):
    """The action type's name and description in every language, from content/programme.yaml."""
    from ambassadors.programme.texts import apply_programme_texts, read_programme
    from courses.content import ContentError

    try:
        data = read_programme()
    except ContentError:
        return  # a broken file is reported by load_programme; the English texts stand
    apply_programme_texts(
        {"action_types": {"share-kit": data.get("action_types", {}).get("share-kit", {})}},
        apps,
        sections=("action_types",),
    )


def create_defaults(apps, schema_editor):
    ActionType = apps.get_model("ambassadors", "ActionType")
    Platform = apps.get_model("ambassadors", "Platform")
    PlatformDomain = apps.get_model("ambassadors", "PlatformDomain")
    action_type, created = ActionType.objects.get_or_create(key="share-kit", defaults=SHARE_KIT_TYPE)
    if created:
        action_type.name_en = action_type.name
        action_type.description_en = action_type.description
        action_type.save(update_fields=["name_en", "description_en"])
        _apply_texts(apps)
    whatsapp, _created = Platform.objects.get_or_create(
        slug="whatsapp", defaults={"name": "WhatsApp", "order": 9}
    )
    for domain in ("whatsapp.com", "wa.me"):
        PlatformDomain.objects.get_or_create(domain=domain, defaults={"platform": whatsapp})


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
        ('ambassadors', '0012_organisation_contact_and_accounts'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ShareDayKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(unique=True)),
                ('key', models.CharField(max_length=64)),
            ],
            options={
                'ordering': ['-day'],
                'default_permissions': (),
            },
        ),
        migrations.AlterField(
            model_name='actiontype',
            name='automatic',
            field=models.CharField(blank=True, choices=[('', 'No: logged by staff'), ('course_completed', 'Course completed'), ('quiz_passed', 'Quiz passed'), ('charter_accepted', 'Charter accepted'), ('share_kit', 'Shared from the share kit')], default='', max_length=20, verbose_name='recorded by the system'),
        ),
        migrations.CreateModel(
            name='SharePost',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='For the communications team only; members read the title and text.', max_length=150, verbose_name='internal name')),
                ('original_language', models.CharField(choices=[('en', 'English'), ('fr', 'French'), ('es', 'Spanish'), ('pt', 'Portuguese'), ('it', 'Italian')], default='fr', help_text='Members whose language has no text read this one.', max_length=8, verbose_name='original language')),
                ('link', models.URLField(help_text='The page the tracked links lead to (http or https).', max_length=500, verbose_name='link to promote')),
                ('image', models.ImageField(blank=True, help_text='Optional. JPEG, PNG, GIF or WebP, at most 5 MB.', upload_to='share/%Y/%m/', validators=[courses.media.validate_lesson_image], verbose_name='image')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('published', 'Published'), ('withdrawn', 'Withdrawn')], default='draft', max_length=20, verbose_name='status')),
                ('publish_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='published from')),
                ('ends_at', models.DateTimeField(blank=True, help_text='Empty: until withdrawn. Afterwards its tracked links answer “not found”.', null=True, verbose_name='shared until')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('campaign', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='share_posts', to='ambassadors.campaign', verbose_name='campaign')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('organisations', models.ManyToManyField(blank=True, help_text='Leave empty for the whole network.', related_name='share_posts', to='ambassadors.organisation', verbose_name='meant for')),
                ('platforms', models.ManyToManyField(blank=True, help_text='Shown first in the feed; every share button stays available.', limit_choices_to={'slug__in': ['linkedin', 'facebook', 'x', 'whatsapp']}, related_name='share_posts', to='ambassadors.platform', verbose_name='suggested platforms')),
            ],
            options={
                'verbose_name': 'post to share',
                'verbose_name_plural': 'posts to share',
                'ordering': ['-publish_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='ShareLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(default=ambassadors.programme.share.models.new_code, max_length=32, unique=True, verbose_name='code')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='share_links', to=settings.AUTH_USER_MODEL, verbose_name='member')),
                ('post', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='links', to='ambassadors.sharepost', verbose_name='post')),
            ],
            options={
                'verbose_name': 'tracked link',
                'verbose_name_plural': 'tracked links',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='SharePostText',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(choices=[('en', 'English'), ('fr', 'French'), ('es', 'Spanish'), ('pt', 'Portuguese'), ('it', 'Italian')], max_length=8, verbose_name='language')),
                ('title', models.CharField(max_length=150, verbose_name='title')),
                ('text', models.TextField(help_text='Prefilled where the platform allows it (X, WhatsApp, e-mail).', max_length=2000, verbose_name='text to share')),
                ('image_alt', models.CharField(blank=True, help_text='What the image shows, for people who cannot see it.', max_length=300, verbose_name='image description')),
                ('post', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='texts', to='ambassadors.sharepost', verbose_name='post')),
            ],
            options={
                'verbose_name': 'text of a post to share',
                'verbose_name_plural': 'texts of posts to share',
                'ordering': ['post', 'language'],
            },
        ),
        migrations.CreateModel(
            name='ShareVisit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('digest', models.CharField(max_length=64)),
            ],
            options={
                'ordering': ['-day'],
                'default_permissions': (),
                'constraints': [models.UniqueConstraint(fields=('day', 'digest'), name='ambassadors_sharevisit_once_per_day')],
            },
        ),
        migrations.CreateModel(
            name='ShareClick',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('target', models.CharField(choices=[('linkedin', 'LinkedIn'), ('facebook', 'Facebook'), ('x', 'X'), ('whatsapp', 'WhatsApp'), ('email', 'E-mail'), ('link', 'Copied link')], max_length=20, verbose_name='from')),
                ('day', models.DateField(verbose_name='day')),
                ('clicks', models.PositiveIntegerField(default=0, verbose_name='clicks')),
                ('link', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='clicks', to='ambassadors.sharelink', verbose_name='tracked link')),
            ],
            options={
                'verbose_name': 'clicks of a day',
                'verbose_name_plural': 'clicks per day',
                'ordering': ['-day', 'link', 'target'],
                'indexes': [models.Index(fields=['day'], name='ambassadors_day_4a193b_idx')],
                'constraints': [models.UniqueConstraint(fields=('link', 'target', 'day'), name='ambassadors_shareclick_one_per_day')],
            },
        ),
        migrations.CreateModel(
            name='Share',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('target', models.CharField(choices=[('linkedin', 'LinkedIn'), ('facebook', 'Facebook'), ('x', 'X'), ('whatsapp', 'WhatsApp'), ('email', 'E-mail'), ('link', 'Copied link')], max_length=20, verbose_name='shared on')),
                ('shared_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='shared')),
                ('first_click_at', models.DateTimeField(blank=True, null=True, verbose_name='first counted click')),
                ('action', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='ambassadors.action', verbose_name='relay action')),
                ('link', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='shares', to='ambassadors.sharelink', verbose_name='tracked link')),
            ],
            options={
                'verbose_name': 'share',
                'verbose_name_plural': 'shares',
                'ordering': ['-shared_at', '-pk'],
                'indexes': [models.Index(fields=['shared_at'], name='ambassadors_shared__3f5a5b_idx')],
                'constraints': [models.UniqueConstraint(fields=('link', 'target'), name='ambassadors_share_once_per_link_and_target')],
            },
        ),
        migrations.AddConstraint(
            model_name='sharepost',
            constraint=models.CheckConstraint(condition=models.Q(('link__startswith', 'https://'), ('link__startswith', 'http://'), _connector='OR'), name='ambassadors_sharepost_link_http'),
        ),
        migrations.AddConstraint(
            model_name='sharepost',
            constraint=models.CheckConstraint(condition=models.Q(('ends_at__isnull', True), ('ends_at__gt', models.F('publish_at')), _connector='OR'), name='ambassadors_sharepost_window', violation_error_message='The end must come after the start of publication.'),
        ),
        migrations.AddConstraint(
            model_name='sharelink',
            constraint=models.UniqueConstraint(fields=('post', 'user'), name='ambassadors_sharelink_one_per_member_and_post'),
        ),
        migrations.AddConstraint(
            model_name='shareposttext',
            constraint=models.UniqueConstraint(fields=('post', 'language'), name='ambassadors_sharepost_text_one_per_language'),
        ),
        migrations.RunPython(create_defaults, migrations.RunPython.noop),
        migrations.RunPython(grant_trainers, revoke_trainers),
    ]
