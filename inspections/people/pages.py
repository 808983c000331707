"""Pages the people feature shares with sign-in by Microsoft (which accepts invitations too)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from inspections.models import Invitation
from inspections.services import people as people_services


def invitation_gone(request: HttpRequest, invitation: Invitation | None) -> HttpResponse | None:
    """The page saying an invitation cannot be used (no such link, used, expired or withdrawn),
    or None while it is open."""
    if invitation is None:
        return render(request, "people/invitation_gone.html", {"problem": None}, status=404)
    state = invitation.state_at(timezone.now())
    if state in people_services.INVITATION_GONE:
        return render(
            request,
            "people/invitation_gone.html",
            {"problem": people_services.INVITATION_GONE[state]},
            status=410,
        )
    return None
