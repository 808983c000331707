"""Read a report's document (HTML, PDF or text, told apart by content) and print what was read
as JSON. Saves nothing: for automation, and for checking the reader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections.reader import DocumentRefused, read_report


class Command(BaseCommand):
    help = "Print the findings read from a report (HTML, PDF or text) as JSON; saves nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The report: a saved HTML page, a PDF or a text file.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        try:
            reading = read_report(data)
        except DocumentRefused as error:
            raise CommandError(f"{path}: {error}") from error
        self.stdout.write(json.dumps(reading.as_json(), indent=2, ensure_ascii=False))
