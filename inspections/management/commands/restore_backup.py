"""Restore a backup written by `manage.py backup` into an empty, migrated database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections.backups import BackupError, restore_backup
from inspections.models import Force, ProgressUpdate, User


class Command(BaseCommand):
    help = (
        "Restore a backup into an empty database (run migrate first) and put its files back. "
        "Every part is checked against its SHA-256 before anything is written; the change "
        "history comes from the backup, so nothing new is recorded while restoring."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", help="A .zip written by `manage.py backup`.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["backup"])
        if not path.is_file():
            raise CommandError(f"No backup file at {path}.")
        if Force.objects.exists() or ProgressUpdate.objects.exists() or User.objects.exists():
            raise CommandError(
                "The database is not empty. Restore into a new database (createdb, then "
                "migrate), so that nothing already there is overwritten."
            )
        try:
            counts = restore_backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {counts['records']} records and {counts['files']} files from "
                f"{path.name}."
            )
        )
