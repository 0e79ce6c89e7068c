from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from ambassadors.programme import services


class Command(BaseCommand):
    help = (
        "Bring every ambassador up to date with their courses (automatic actions, levels, "
        "badges) and delete what former members submitted once the retention period is over. "
        "Pages do this for the person viewing them; run this nightly for everyone."
    )

    def handle(self, *args, **options):
        members = get_user_model().objects.filter(ambassador__left_at__isnull=True)
        count = 0
        for user in members.iterator():
            services.programme_sync(user=user, force=True)
            count += 1
        purged = services.programme_purge_former(
            left_before=timezone.now() - services.RETENTION_AFTER_LEAVING
        )
        self.stdout.write(
            self.style.SUCCESS(f"{count} members brought up to date; {purged} former purged.")
        )
