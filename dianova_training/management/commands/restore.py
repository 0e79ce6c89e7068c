from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from dianova_training import backups


class Command(BaseCommand):
    help = (
        "Replace the whole database with a file written by `manage.py backup`. "
        "Stop the app servers first; run `manage.py migrate` afterwards if the code is newer."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A backup written by `manage.py backup`.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias.")

    def handle(self, *args, file, interactive=True, database=DEFAULT_DB_ALIAS, **options):
        path = Path(file)
        name = connections[database].settings_dict["NAME"]
        if interactive:
            answer = input(
                f"This replaces everything in the database {name} with {path}.\n"
                "Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            backups.backup_restore(path=path, using=database)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored {path} into {name}."))
