"""What every page about one item shows around its own content (the item, its finding and
force, and what the user may do there): shared by the item's pages in ``work`` and in
``followup``, so that neither feature imports the other's views."""

from __future__ import annotations

from typing import Any

from inspections import permissions
from inspections.http import AuthenticatedHttpRequest
from inspections.models import ForceImplementation, Status


def item_context(
    request: AuthenticatedHttpRequest, implementation: ForceImplementation
) -> dict[str, Any]:
    user = request.user
    return {
        "item": implementation,
        "recommendation": implementation.recommendation,
        "force": implementation.force,
        "next": request.GET.get("next", ""),
        "may_record": permissions.can_record_update(user, implementation),
        "may_change_date": permissions.can_change_target_date(user, implementation),
        "may_agree_date": implementation.recommendation.deadline_on is None
        and permissions.can_agree_due_date(user, implementation),
        "may_review": implementation.status == Status.IMPLEMENTED
        and permissions.can_sign_off(user, implementation),
        "sees_notes": permissions.can_read_internal_notes(user, implementation),
        "may_update_several": permissions.can_record_for_force(user, implementation.force),
    }
