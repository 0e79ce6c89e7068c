"""What the commands that erase a database share: the --noinput option and the "yes" prompt."""

from argparse import ArgumentParser

from django.core.management.base import CommandError


def add_noinput_argument(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--noinput",
        "--no-input",
        action="store_false",
        dest="interactive",
        help="Do not ask for confirmation.",
    )


def confirm_or_cancel(warning: str, *, cancelled: str) -> None:
    """Ask to type "yes" after ``warning``; anything else raises CommandError(``cancelled``)."""
    answer = input(f"{warning}\nType 'yes' to continue: ")
    if answer.strip().lower() != "yes":
        raise CommandError(cancelled)
