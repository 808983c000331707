"""Import progress updates from a CSV or XLSX sheet: check everything, show what would change,
and record it all (with --apply) or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections import clock, importers
from inspections.models import User


class Command(BaseCommand):
    help = (
        "Check a sheet of progress updates (the columns the admin's export writes) and show what "
        "it would record. Nothing is written unless you add --apply, and then only if every row "
        "is valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A .csv (UTF-8) or .xlsx file.")
        parser.add_argument(
            "--user", required=True, help="Who is importing: the updates' author and scope."
        )
        parser.add_argument("--apply", action="store_true", help="Record the updates.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user '{options['user']}'.")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        try:
            headers, rows = importers.read_table(data, path.name)
            plan = importers.plan_import(headers, rows, user=user, today=clock.today())
        except importers.ImportFileError as error:
            raise CommandError(f"{path.name}: {error}") from error
        if not plan.ok:
            for line in plan.error_lines():
                self.stderr.write(line)
            raise CommandError(
                f"{path.name}: {len(plan.errors)} bad row(s); nothing was imported. "
                "Correct them and try again."
            )
        for update in plan.updates:
            rec = update.implementation.recommendation
            action = "unchanged, skipped" if update.unchanged else "new update"
            self.stdout.write(
                f"Line {update.line}: {update.implementation.force.name}, {rec.inspection.slug} "
                f"{rec.reference_in_text}: {update.status} as of {update.as_of} ({action})"
            )
        count = len(plan.to_apply)
        if not options["apply"]:
            self.stdout.write(
                f"Checked: {count} update(s) would be recorded. Run again with --apply to "
                "record them."
            )
            return
        importers.apply_plan(plan, user=user, today=clock.today())
        self.stdout.write(self.style.SUCCESS(f"Recorded {count} update(s)."))
