"""System checks for a deployment (``manage.py check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def trusted_proxies_named(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Behind a load balancer every request arrives from its address: unless it is named, the
    sign-in limits count every user as one address, and thirty failures lock out everyone."""
    if settings.TRACKER_TRUSTED_PROXIES:
        return []
    return [
        Warning(
            "TRACKER_TRUSTED_PROXIES is empty: behind a load balancer or reverse proxy, every "
            "request seems to come from its address, so the sign-in limits count all users as "
            "one.",
            hint="Set TRACKER_TRUSTED_PROXIES to the load balancer's own addresses (comma "
            "separated); leave it empty only when clients connect to gunicorn directly.",
            id="tracker.W001",
        )
    ]
