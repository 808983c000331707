"""What every page's header and navigation need."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from inspections import permissions


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not permissions.has_tracker_access(user):
        return {}
    items = [("Dashboard", reverse("dashboard"))]
    if user.force_id:
        items.append(("My force", reverse("force", args=[user.force.slug])))
    items.append(("Reports", reverse("reports")))
    if user.is_force_user:
        items.append(("Sign-off", reverse("sign-off")))
    items += [
        ("Letters", reverse("letters")),
        ("Meeting packs", reverse("meeting-packs")),
        ("Search", reverse("search")),
    ]
    if permissions.can_manage_people(user):
        items.append(("People", reverse("people")))
    if permissions.may_enter_data(user):
        items.append(("Data entry", reverse("entry")))
    path = request.path
    nav = [
        {
            "label": label,
            "url": url,
            "current": path == url or (url != "/" and path.startswith(url)),
        }
        for label, url in items
    ]
    role = user.get_role_display() if hasattr(user, "get_role_display") else ""
    who = f"{user.force.name}, {role}" if user.force_id else role
    return {
        "nav_items": nav,
        "user_description": who,
        "stale_days": settings.TRACKER_STALE_AFTER_DAYS,
    }
