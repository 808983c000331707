"""Write a complete, portable backup of the tracker's database (history included)."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

# What Django rebuilds by itself, and so is left out of a backup.
EXCLUDED = ("contenttypes", "auth.permission", "sessions", "admin.logentry")


class Command(BaseCommand):
    help = (
        "Back up the database to an XML file (.xml or .xml.gz). XML keeps timestamps exact, "
        "where Django's JSON rounds them to the millisecond. Files (evidence, issued letters) "
        "are backed up separately: see docs/operations.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", help="e.g. tracker-2026-11-21.xml.gz")

    def handle(self, *args: object, **options: object) -> None:
        output = Path(options["output"])
        if not output.name.endswith((".xml", ".xml.gz")):
            raise CommandError("Name the backup file .xml or .xml.gz.")
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        call_command(
            "dumpdata",
            *[f"--exclude={name}" for name in EXCLUDED],
            "--format=xml",
            output=str(output),
            verbosity=0,
        )
        self.stdout.write(self.style.SUCCESS(f"Backed up to {output}."))
