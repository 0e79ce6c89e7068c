from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from dianova_training import backups
from dianova_training.management.prompts import add_noinput_argument, confirm_or_cancel


class Command(BaseCommand):
    help = (
        "Replace the whole database with a file written by `manage.py backup`. "
        "Stop the app servers first; run `manage.py migrate` afterwards if the code is newer."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A backup written by `manage.py backup`.")
        add_noinput_argument(parser)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias.")

    def handle(self, *args, file, interactive=True, database=DEFAULT_DB_ALIAS, **options):
        path = Path(file)
        name = connections[database].settings_dict["NAME"]
        if interactive:
            confirm_or_cancel(
                f"This replaces everything in the database {name} with {path}.",
                cancelled="Restore cancelled; nothing was changed.",
            )
        try:
            backups.backup_restore(path=path, using=database)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored {path} into {name}."))
