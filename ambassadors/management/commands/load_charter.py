from django.core.management.base import BaseCommand, CommandError

from ambassadors.programme.charter import load_charters
from courses.content import ContentError


class Command(BaseCommand):
    help = (
        "Load the social-media charter versions from the course content files (idempotent; "
        "a new version number asks every member to accept again)."
    )

    def handle(self, *args, **options):
        try:
            created = load_charters()
        except ContentError as error:
            raise CommandError(str(error)) from error
        if created:
            versions = ", ".join(str(c.version) for c in created)
            self.stdout.write(self.style.SUCCESS(f"Published charter version(s) {versions}."))
        else:
            self.stdout.write("Charter texts up to date; no new version.")
