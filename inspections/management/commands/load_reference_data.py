from typing import Any

from django.core.management.base import BaseCommand

from inspections.models import Dependency, Force, ForceImplementation, Inspection, Recommendation
from inspections.reference_data import load_reference_data


class Command(BaseCommand):
    help = (
        "Load the 43 forces, the 2023 firearms inspection, its recommendations, dependencies and "
        "firearms statistics. Safe to run again: it only adds what is missing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created = load_reference_data()
        made = ", ".join(f"{count} {kind}" for kind, count in created.items() if count)
        self.stdout.write(f"Created: {made}." if made else "Nothing to add: already loaded.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Now: {Force.objects.count()} forces, {Inspection.objects.count()} inspections, "
                f"{Recommendation.objects.count()} recommendations "
                f"({Recommendation.objects.local().count()} local), "
                f"{Dependency.objects.count()} dependencies, "
                f"{ForceImplementation.objects.count()} implementations."
            )
        )
