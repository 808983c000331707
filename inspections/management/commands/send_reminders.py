"""Send each force's reminder digest. Run daily by cron: `0 7 * * * manage.py send_reminders`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from inspections import clock
from inspections.management.arguments import date_argument
from inspections.reminders import send_digests, send_outbox


class Command(BaseCommand):
    help = (
        "Email each force's PCC staff and force lead what became overdue, what is due soon, "
        "what needs review, what is stale and what changed, after sending any notice held back by "
        "a mail failure. Safe to run more than once a day: "
        "nobody gets the same day's digest twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=date_argument("--date"), help="Send as on this day (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be sent; send nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["date"] or clock.today()
        if not options["dry_run"]:
            retried = send_outbox()
            for held in retried.sent:
                self.stdout.write(f"Sent a held notice: {held.subject}")
            for held in retried.failed:
                self.stderr.write(f"Still could not send: {held.subject} ({held.last_error})")
        report = send_digests(today=today, dry_run=options["dry_run"])
        if options["dry_run"]:
            for email, subject, items in report.would_send:
                self.stdout.write(f"Would send to {email}: {subject} [{items} items]")
            self.stdout.write(f"Dry run: {len(report.would_send)} digests would be sent.")
        else:
            for email, subject in report.sent:
                self.stdout.write(f"Sent to {email}: {subject}")
            self.stdout.write(self.style.SUCCESS(f"Sent {len(report.sent)} digests."))
        if report.already_sent:
            self.stdout.write(f"{report.already_sent} already had today's digest.")
        if report.nothing_to_say:
            self.stdout.write(f"{report.nothing_to_say} had nothing to report.")
