"""The audit trail page: who changed what, filtered by its address."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http.response import HttpResponseBase
from django.utils import timezone

from inspections import audit as audit_trail
from inspections import clock, permissions
from inspections.http import AuthenticatedHttpRequest
from inspections.models import (
    User,
)
from inspections.tables import Column, Table

from .filters import (
    AuditFilterForm,
)
from .pages import (
    BadInput,
    handles_bad_input,
    respond,
)


@handles_bad_input
def audit(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """Every change, by user and date: national administrators only."""
    if not permissions.can_read_audit_trail(request.user):
        raise PermissionDenied("Only national administrators can read the whole audit trail.")
    today = clock.today()
    choice = AuditFilterForm(request.GET)
    if not choice.is_valid():
        raise BadInput(*choice.problems())
    chosen = choice.cleaned_data
    table = Table(
        "changes",
        "Changes, newest first (up to 200)",
        [
            Column("When"),
            Column("Who"),
            Column("What happened"),
            Column("Kind"),
            Column("Record"),
            Column("Details"),
        ],
        empty_message="No changes match.",
    )
    for change in audit_trail.changes(
        username=chosen["user"],
        kind=chosen["kind"],
        since=chosen["since"],
        until=chosen["until"],
    ):
        table.add(
            f"{timezone.localtime(change.when):%Y-%m-%d %H:%M}",
            change.who,
            change.action,
            change.kind,
            change.record,
            change.details,
        )
    context = {
        "kinds": list(audit_trail.KINDS),
        "users": User.objects.order_by("username").values_list("username", flat=True),
        "chosen": {
            "user": chosen["user"],
            "kind": chosen["kind"],
            **{k: chosen[k].isoformat() for k in ("since", "until") if chosen[k]},
        },
    }
    return respond(request, "reports/audit.html", context, [table], "audit-trail", today)
