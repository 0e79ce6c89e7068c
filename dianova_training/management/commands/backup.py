from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from dianova_training import backups


class Command(BaseCommand):
    help = (
        "Back up the whole database to one file: pg_dump's custom format for PostgreSQL, "
        "the SQLite backup API for SQLite. Prints the file's path."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="File to write (default: BACKUP_DIR/dianova-<database>-<UTC time>.<ext>).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias.")

    def handle(self, *args, output=None, database=DEFAULT_DB_ALIAS, **options):
        try:
            path = Path(output) if output else backups.default_backup_path(using=database)
            path = backups.backup_create(path=path, using=database)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(path))
