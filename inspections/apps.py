from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def repair_search_index(using: str = "default", **kwargs: Any) -> None:
    """After every migrate: a migration may have dropped part of the search index (see
    fulltext.repair)."""
    from .search import fulltext

    fulltext.repair(connections[using])


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "Inspections and recommendations"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deployment checks)

        post_migrate.connect(repair_search_index, sender=self)
