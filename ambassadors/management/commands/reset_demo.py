from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from dianova_training.management.prompts import add_noinput_argument, confirm_or_cancel


def drop_every_table() -> None:
    """Drop every table of the database (SQLite or PostgreSQL), Django's and the libraries'."""
    quote = connection.ops.quote_name
    cascade = " CASCADE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    with connection.constraint_checks_disabled(), connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DROP TABLE IF EXISTS {quote(table)}{cascade}")


class Command(BaseCommand):
    help = (
        "Put the demo back to its documented state (README, 'Demo logins'): empty the database, "
        "migrate, load the demo. Development only."
    )

    def add_arguments(self, parser):
        add_noinput_argument(parser)
        parser.add_argument(
            "--force", action="store_true", help="Run even when DEBUG is off (never in production)."
        )

    def handle(self, *args, interactive: bool = True, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to erase the database with DEBUG off.")
        if not settings.DEMO_PASSWORD:  # checked before anything is erased
            raise CommandError("Set DEMO_PASSWORD for the demo logins (make sets it).")
        name = connection.settings_dict["NAME"]
        if interactive:
            confirm_or_cancel(
                f"This erases everything in the database {name} and loads the demo again.",
                cancelled="Reset cancelled; nothing was changed.",
            )
        drop_every_table()
        call_command("migrate", interactive=False, verbosity=0)
        with transaction.atomic():  # one commit, not thousands (minutes on PostgreSQL)
            call_command("load_demo", force=force, stdout=self.stdout)
