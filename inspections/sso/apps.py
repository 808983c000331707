from django.apps import AppConfig


class SsoConfig(AppConfig):
    """Installed so that allauth finds the Entra provider (``provider.py``); it has no models."""

    name = "inspections.sso"
    label = "tracker_sso"
    verbose_name = "Sign in with Microsoft"
