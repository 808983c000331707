"""Build the full-text search index again from the rows (the database keeps it in step with
every write; this is for after a restore made outside the tracker, or if in doubt)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from inspections.search import fulltext


class Command(BaseCommand):
    help = "Rebuild the full-text search index of findings, updates and letters."

    def handle(self, *args: Any, **options: Any) -> None:
        fulltext.rebuild()
        self.stdout.write(self.style.SUCCESS("Search index rebuilt."))
