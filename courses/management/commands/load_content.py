from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.content import CONTENT_ROOT, ContentError, load_all


class Command(BaseCommand):
    help = "Load or update the course content from content/ (idempotent, keeps progress)."

    def add_arguments(self, parser):
        parser.add_argument("--root", type=Path, default=CONTENT_ROOT)

    def handle(self, *args, root: Path, **options):
        try:
            courses = load_all(root)
        except ContentError as error:
            raise CommandError(str(error)) from error
        for course in courses:
            self.stdout.write(f"Loaded {course.title} [{course.language}]")
