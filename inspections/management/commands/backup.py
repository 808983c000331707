"""Write a complete, portable backup of the tracker: database (history included) and files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections.backups import write_backup


class Command(BaseCommand):
    help = (
        "Back up every table and every stored file (evidence, issued letters) to one .zip, "
        "with a SHA-256 for each part. Restore with `manage.py restore_backup`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", help="e.g. tracker-2026-11-21.zip")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        if output.suffix != ".zip":
            raise CommandError("Name the backup file .zip (it holds the data and the files).")
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        if output.exists():
            raise CommandError(f"{output} already exists: choose a new name.")
        counts = write_backup(output)
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {counts['records']} records and {counts['files']} files to {output}."
            )
        )
