"""Work out again every column the reports keep beside what they are kept from."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from inspections.models import ForceImplementation


class Command(BaseCommand):
    help = (
        "Work out again what every report reads from kept columns: each item's due date, last "
        "activity and who acts next, and each force's tallies of items by actor and month due. "
        "The services keep them in step; run this after changing data any other way (SQL by "
        "hand, a partial restore). Safe to run at any time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            changed = ForceImplementation.objects.all().refresh_kept()
        self.stdout.write(f"Worked out again for {changed:,} items.")
