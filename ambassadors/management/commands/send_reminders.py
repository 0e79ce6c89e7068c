"""Send this week's reminder e-mails; run it weekly (cron, a systemd timer or a scheduler).

    manage.py send_reminders              # send now, in this process
    manage.py send_reminders --enqueue    # hand it to the tasks worker (TASKS backend)
    manage.py send_reminders --date 2026-03-02

Running it again in the same week sends nothing new: every reminder is logged once per week.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from ambassadors.people import reminders, tasks


class Command(BaseCommand):
    help = "Send the weekly reminders to staff and the overdue digests to managers."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", dest="day", help="Act as if today were this date (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Enqueue the task for the tasks worker instead of sending in this process.",
        )

    def handle(self, *args, day: str | None = None, enqueue: bool = False, **options):
        today = None
        if day:
            try:
                today = date.fromisoformat(day)
            except ValueError:
                raise CommandError(f"--date must be YYYY-MM-DD, not {day!r}") from None
        if enqueue:
            result = tasks.send_reminders.enqueue(today=today.isoformat() if today else None)
            self.stdout.write(f"Enqueued task {result.id} ({result.status}).")
            return
        run = reminders.reminders_send(today=today)
        summary = run.as_dict()
        self.stdout.write(
            "Week of {period}: {staff_sent} staff reminders, {managers_sent} manager digests "
            "sent; {already_sent} already sent, {opted_out} opted out, {failed} failed.".format(
                **summary
            )
        )
        if run.failed:
            raise CommandError(f"{run.failed} e-mails could not be sent; see the log.")
