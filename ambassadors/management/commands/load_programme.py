from django.core.management.base import BaseCommand, CommandError

from ambassadors.programme.texts import load_programme
from courses.content import ContentError


class Command(BaseCommand):
    help = (
        "Write the ambassador programme's texts in five languages (levels, action types, "
        "badges, campaigns, organisation display names) from content/programme.yaml "
        "(idempotent; creates nothing)."
    )

    def handle(self, *args, **options):
        try:
            updated = load_programme()
        except ContentError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Programme texts written to {updated} rows.")
