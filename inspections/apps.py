from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "Inspections and recommendations"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deployment checks)
