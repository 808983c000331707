"""Write a force's progress-update sheet: the twin of import_updates, in exactly its columns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections import importers
from inspections.models import Force, ForceImplementation, Inspection


class Command(BaseCommand):
    help = (
        "Write one row per implementation of a force (optionally one inspection) with its latest "
        "update, as .csv or .xlsx. The file goes back in through import_updates unchanged."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", required=True, help="The force's slug.")
        parser.add_argument("--inspection", help="Only this inspection (its slug).")
        parser.add_argument("--output", required=True, help="A .csv or .xlsx file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        if output.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError("Name the output .csv or .xlsx.")
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        force = Force.objects.filter(slug=options["force"]).first()
        if force is None:
            raise CommandError(f"No force '{options['force']}' (use its slug, e.g. gwent-police).")
        implementations = ForceImplementation.objects.filter(force=force)
        if options["inspection"]:
            inspection = Inspection.objects.filter(slug=options["inspection"]).first()
            if inspection is None:
                raise CommandError(f"No inspection '{options['inspection']}'.")
            implementations = implementations.filter(recommendation__inspection=inspection)
        rows = importers.sheet_implementations(implementations)
        output.write_bytes(importers.sheet_file(rows, output.suffix.lower().lstrip(".")))
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {len(rows)} rows for {force.name} to {output}.")
        )
