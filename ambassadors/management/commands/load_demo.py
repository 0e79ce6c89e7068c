from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ambassadors.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo organisations, logins, staff and course (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even when DEBUG is off (never in production)."
        )
        parser.add_argument("--password", default=None, help="Defaults to DEMO_PASSWORD.")

    def handle(self, *args, force: bool, password: str | None, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo users with DEBUG off; use --force if you really mean it."
            )
        password = password or settings.DEMO_PASSWORD
        if not password:
            raise CommandError("Set DEMO_PASSWORD (or pass --password) for the demo logins.")
        logins = load_demo(password=password)
        self.stdout.write(self.style.SUCCESS("Demo ready. Logins (password from DEMO_PASSWORD):"))
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.role}")
