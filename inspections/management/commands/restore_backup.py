"""Restore a backup written by `manage.py backup` into an empty, migrated database."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings

from inspections.models import Force, ProgressUpdate, User


class Command(BaseCommand):
    help = (
        "Restore a backup into an empty database (run migrate first). The change history comes "
        "from the backup, so nothing new is recorded while restoring."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", help="A file written by `manage.py backup`.")

    def handle(self, *args: object, **options: object) -> None:
        path = Path(options["backup"])
        if not path.is_file():
            raise CommandError(f"No backup file at {path}.")
        if Force.objects.exists() or ProgressUpdate.objects.exists() or User.objects.exists():
            raise CommandError(
                "The database is not empty. Restore into a new database (createdb, then "
                "migrate), so that nothing already there is overwritten."
            )
        # Loading many-to-many fields would otherwise write fresh history rows on top of the
        # history the backup already holds.
        with override_settings(SIMPLE_HISTORY_ENABLED=False), transaction.atomic():
            call_command("loaddata", str(path), stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Restored {path.name}."))
