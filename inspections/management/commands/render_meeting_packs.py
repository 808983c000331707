"""Write the files of large meeting packs still waiting for them. The background worker does
this as each pack is made; this is for doing it by hand (after the worker was stopped, say)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from inspections.meetings.services import write_waiting_files


class Command(BaseCommand):
    help = (
        "Write the Word and PDF files of every meeting pack still without them (packs too large "
        "to write while the person waits). Safe to run at any time, and more than once at once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for pack in write_waiting_files():
            self.stdout.write(f"Wrote the files of {pack}.")
