"""What a meeting pack says, worked out once when it is made and kept with it: the counts by
state and by RAG, what was completed since the last pack, the extension requests awaiting
decision, the overdue items with their owner, reason and latest narrative, what falls due soon,
and what changed since the last pack. Plain JSON, so a kept pack reads back without the data it
was made from."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.db.models import OuterRef, Subquery

from inspections.models import (
    CLOSED_STATUSES,
    FINDING_WORDS,
    ActionStatus,
    ExtensionRequest,
    Force,
    ForceImplementation,
    LocalAction,
    ProgressUpdate,
    Rag,
    RagRule,
    Region,
    Status,
)
from inspections.models.attention import Attention, due_soon_window
from inspections.models.finding_words import finding_reference

RAG_DEFINITIONS = {
    RagRule.OVERDUE: (
        "Overdue-based. Red: not complete and past the date it falls due (the deadline, or an "
        "approved extension). Amber: not complete and due within {days} days. Green: complete, "
        "not applicable, or due later."
    ),
    RagRule.COMPLETION: (
        "Completion-based. Red: not started. Amber: work under way (in progress, awaiting a "
        "dependency, or implemented and awaiting sign-off). Green: complete or not applicable."
    ),
}


def rag_definition(rule: str) -> str:
    return RAG_DEFINITIONS[RagRule(rule)].format(days=due_soon_window())


def is_overdue(status: str, due: datetime.date | None, on: datetime.date) -> bool:
    """Attention.overdue for one kept row, as on the meeting's date."""
    return status not in CLOSED_STATUSES and due is not None and due < on


def is_due_soon(status: str, due: datetime.date | None, on: datetime.date) -> bool:
    """Attention.due_soon for one kept row, as on the meeting's date."""
    end = on + datetime.timedelta(days=due_soon_window())
    return status not in CLOSED_STATUSES and due is not None and on <= due <= end


def rag_of(rule: str, status: str, due: datetime.date | None, today: datetime.date) -> str:
    if rule == RagRule.COMPLETION:
        if status in CLOSED_STATUSES:
            return Rag.GREEN
        return Rag.RED if status == Status.NOT_STARTED else Rag.AMBER
    if is_overdue(status, due, today):
        return Rag.RED
    if is_due_soon(status, due, today):
        return Rag.AMBER
    return Rag.GREEN


def rows_listed(content: dict[str, Any]) -> int:
    """How many rows a pack's files list: what decides how long they take to write."""
    return sum(
        len(content[part])
        for part in ("overdue", "due_soon", "completed_since", "changes", "extensions")
    )


def build(
    *,
    force: Force | None,
    region: Region | None,
    meeting_date: datetime.date,
    rule: str,
    today: datetime.date,
    previous: dict[str, Any] | None,
) -> dict[str, Any]:
    """The pack's content. Its own queries: the items (one), waiting-on and action counts
    (one each) and pending extension requests (one), whatever the number of items."""
    scope = {"force": force} if force is not None else {"force__region": region}
    latest = ProgressUpdate.objects.filter(implementation=OuterRef("pk")).latest_first()
    rows = list(
        ForceImplementation.objects.filter(**scope)
        .annotate(
            latest_narrative=Subquery(latest.values("narrative")[:1]),
            needs_review=Attention.needs_review_flag(),
        )
        .order_by("due_date", "force__name", "recommendation__inspection__title", "id")
        .values_list(
            "pk",
            "force__name",
            "recommendation__inspection__title",
            "recommendation__inspection__short_title",
            "recommendation__kind",
            "recommendation__number",
            "recommendation__short_title",
            "recommendation__text",
            "status",
            "due_date",
            "lead_officer",
            "latest_update_on",
            "latest_narrative",
            "needs_review",
        )
    )
    ids = [row[0] for row in rows]
    waiting: dict[int, list[str]] = {}
    through = ForceImplementation.blocking_dependencies.through
    for implementation_id, title in (
        through.objects.filter(forceimplementation_id__in=ids)
        .order_by("dependency__title")
        .values_list("forceimplementation_id", "dependency__title")
    ):
        waiting.setdefault(implementation_id, []).append(title)
    actions: dict[int, Counter[str]] = {}
    for implementation_id, status in LocalAction.objects.filter(
        implementation_id__in=ids
    ).values_list("implementation_id", "status"):
        actions.setdefault(implementation_id, Counter())[status] += 1

    before: dict[str, str] = (previous or {}).get("statuses", {})
    items: list[dict[str, Any]] = []
    for (
        pk,
        force_name,
        title,
        short_title,
        kind,
        number,
        finding_short,
        text,
        status,
        due,
        lead,
        latest_on,
        narrative,
        needs_review,
    ) in rows:
        counted = actions.get(pk, Counter())
        items.append(
            {
                "id": str(pk),
                "force": force_name,
                "inspection": short_title or title,
                "reference": finding_reference(kind, number),
                "column": f"{FINDING_WORDS[kind][1]} {number}",
                "words": finding_short or " ".join(text.split()[:12]),
                "status": status,
                "status_label": Status(status).label,
                "due": due.isoformat() if due else None,
                "owner": lead,
                "rag": rag_of(rule, status, due, meeting_date),
                "latest_on": latest_on.isoformat() if latest_on else None,
                "narrative": narrative or "",
                "reason": "; ".join(waiting.get(pk, []))
                or ("Dependency delivered: the force to review" if needs_review else ""),
                "actions": (
                    f"{counted[ActionStatus.CLOSED]} of {sum(counted.values())} closed"
                    if counted
                    else ""
                ),
                "overdue": is_overdue(status, due, meeting_date),
                "due_soon": is_due_soon(status, due, meeting_date),
                "was": before.get(str(pk)),
            }
        )
    extensions = [
        {
            "force": e.implementation.force.name,
            "inspection": e.implementation.recommendation.inspection.list_name,
            "reference": e.implementation.recommendation.reference,
            "due_before": e.due_before.isoformat() if e.due_before else None,
            "requested": e.requested_date.isoformat(),
            "reason": e.reason,
            "asked_by": e.requested_by.get_full_name() or e.requested_by.username,
            "asked_on": e.requested_at.date().isoformat(),
        }
        for e in ExtensionRequest.objects.pending()
        .filter(**{f"implementation__{key}": value for key, value in scope.items()})
        .select_related(
            "implementation__force", "implementation__recommendation__inspection", "requested_by"
        )
        .order_by("requested_at", "id")
    ]
    statuses = Counter(item["status"] for item in items)
    rags = Counter(item["rag"] for item in items)
    return {
        "area": force.name if force is not None else f"{region} region",
        "meeting_date": meeting_date.isoformat(),
        "made_on": today.isoformat(),
        "rag_rule": rule,
        "rag_rule_label": RagRule(rule).label,
        "rag_definition": rag_definition(rule),
        "total": len(items),
        "by_status": [[s.label, statuses.get(s.value, 0)] for s in Status],
        "by_rag": [[r.label, rags.get(r.value, 0)] for r in Rag],
        "overdue": [i for i in items if i["overdue"]],
        "due_soon": [i for i in items if i["due_soon"]],
        "completed_since": [
            i
            for i in items
            if previous is not None
            and i["status"] in CLOSED_STATUSES
            and i["was"] is not None
            and i["was"] not in CLOSED_STATUSES
        ],
        "changes": [
            {
                "force": i["force"],
                "inspection": i["inspection"],
                "reference": i["reference"],
                "from": Status(str(i["was"])).label if i["was"] else "New since the last pack",
                "to": i["status_label"],
            }
            for i in items
            if previous is not None and i["was"] != i["status"]
        ],
        "extensions": extensions,
        "previous": (
            {"meeting_date": previous["meeting_date"], "made_on": previous["made_on"]}
            if previous
            else None
        ),
        # Every item's status, so the next pack can say what changed.
        "statuses": {item["id"]: item["status"] for item in items},
    }
