"""Every recorded change, by whom and when, read from the history tables django-simple-history
keeps for each model: one query per kind of record, whatever the number of changes."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q

from .models import (
    AccessEvent,
    Dependency,
    ExtensionRequest,
    FirearmsStatistic,
    Force,
    ForceImplementation,
    Inspection,
    InspectorateClosure,
    LetterRecipient,
    LocalAction,
    ProgressLetter,
    ProgressUpdate,
    Recommendation,
    Region,
    Status,
    TargetDateRevision,
    User,
)

ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass(frozen=True)
class Change:
    when: datetime.datetime
    who: str
    action: str
    kind: str
    record: str
    details: str


def status_label(code: str) -> str:
    return Status(code).label if code in Status.values else code


def implementation_label(impl: ForceImplementation | None, fallback: object) -> str:
    if impl is None:
        return f"implementation {fallback}"
    return f"{impl.force.name}: {impl.recommendation.reference_in_text}"


# Each kind: the model, and how to describe a historical row given lookups loaded in bulk.
# Historical rows are classes simple-history builds at run time, so they are typed Any.
Describer = Callable[[Any, dict[str, dict[Any, Any]]], tuple[str, str]]

KINDS: dict[str, tuple[type[Model], Describer]] = {
    "implementation": (
        ForceImplementation,
        lambda h, look: (
            implementation_label(look["impl"].get(h.id), h.id),
            f"status {status_label(h.status)}; target date {h.target_date or 'none'}; "
            f"lead officer {h.lead_officer or 'none'}",
        ),
    ),
    "progress update": (
        ProgressUpdate,
        lambda h, look: (
            implementation_label(look["impl"].get(h.implementation_id), h.implementation_id),
            f"{status_label(h.status)} as of {h.as_of}: {h.narrative[:120]}",
        ),
    ),
    "target date": (
        TargetDateRevision,
        lambda h, look: (
            implementation_label(look["impl"].get(h.implementation_id), h.implementation_id),
            f"{h.previous_date or 'none'} → {h.new_date or 'none'}"
            + (f" because: {h.reason}" if h.reason else " (first date set)"),
        ),
    ),
    "local action": (
        LocalAction,
        lambda h, look: (
            implementation_label(look["impl"].get(h.implementation_id), h.implementation_id),
            f"{h.status}; owner {h.owner or 'none'}; due {h.due_date or 'none'}: "
            f"{h.description[:120]}",
        ),
    ),
    "extension request": (
        ExtensionRequest,
        lambda h, look: (
            implementation_label(look["impl"].get(h.implementation_id), h.implementation_id),
            f"to {h.requested_date} ({h.state})"
            + (f": {h.decision_note[:120]}" if h.decision_note else ""),
        ),
    ),
    "inspectorate closure": (
        InspectorateClosure,
        lambda h, look: (
            implementation_label(look["impl"].get(h.implementation_id), h.implementation_id),
            f"{h.action} on {h.on}",
        ),
    ),
    "letter": (
        ProgressLetter,
        lambda h, look: (
            f"{look['force'].get(h.force_id, h.force_id)}: letter dated {h.letter_date}",
            f"issued on {h.issued_on}, PDF SHA-256 {h.pdf_sha256[:12]}…"
            if h.status == "issued"
            else "draft",
        ),
    ),
    "dependency": (
        Dependency,
        lambda h, look: (
            h.title,
            f"{h.status}" + (f" on {h.delivered_date}" if h.delivered_date else ""),
        ),
    ),
    "recommendation": (
        Recommendation,
        lambda h, look: (
            f"{Recommendation(kind=h.kind, number=h.number).reference} ({h.inspection_id})",
            f"{h.scope}",
        ),
    ),
    "inspection": (Inspection, lambda h, look: (h.title, f"published {h.published}")),
    "force": (
        Force,
        lambda h, look: (h.name, f"commissioner {h.commissioner_name or 'not entered'}"),
    ),
    "user": (User, lambda h, look: (h.username, f"role {h.role}; active {h.is_active}")),
    "letter recipient": (LetterRecipient, lambda h, look: (h.office, h.name)),
    "statistic": (
        FirearmsStatistic,
        lambda h, look: (
            f"{look['force'].get(h.force_id, 'England and Wales')}, year ending {h.year_ending}",
            f"{h.firearms_operations} operations",
        ),
    ),
    "region": (Region, lambda h, look: (h.name, "")),
}


# Sign-ins, invitations, approvals, role changes and removals: kept as access events.
ACCESS_KIND = "access"
KIND_NAMES = [*KINDS, ACCESS_KIND]


def access_changes(
    *,
    username: str,
    since: datetime.date | None,
    until: datetime.date | None,
    limit: int,
) -> list[Change]:
    events = AccessEvent.objects.select_related("actor", "subject", "force")
    if username:
        events = events.filter(Q(actor__username=username) | Q(subject__username=username))
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    return [
        Change(
            event.at,
            event.actor.username if event.actor else "nobody signed in",
            event.get_kind_display(),
            ACCESS_KIND,
            str(event.subject or event.force or ""),
            event.detail,
        )
        for event in events.order_by("-at", "-pk")[:limit]
    ]


def history_manager(model: type[Model]) -> Any:
    """The model's simple-history manager (added to the class at run time)."""
    return model.history  # type: ignore[attr-defined]


def changes(
    *,
    username: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    kind: str = "",
    limit: int = 200,
) -> list[Change]:
    """The latest ``limit`` changes matching the filters, newest first."""
    rows: list[tuple[str, Any]] = []
    for name, (model, _describe) in KINDS.items():
        if kind and kind != name:
            continue
        history = history_manager(model).select_related("history_user").order_by("-history_date")
        if username:
            history = history.filter(history_user__username=username)
        if since:
            history = history.filter(history_date__date__gte=since)
        if until:
            history = history.filter(history_date__date__lte=until)
        rows += [(name, h) for h in history[:limit]]
    rows.sort(key=lambda pair: pair[1].history_date, reverse=True)
    rows = rows[:limit]

    implementation_ids = {
        getattr(h, "implementation_id", None) or (h.id if name == "implementation" else None)
        for name, h in rows
    } - {None}
    lookups: dict[str, dict[Any, Any]] = {
        "impl": ForceImplementation.objects.select_related("force", "recommendation").in_bulk(
            implementation_ids
        ),
        "force": dict(Force.objects.values_list("pk", "name")),
    }
    result = []
    for name, h in rows:
        record, details = KINDS[name][1](h, lookups)
        who = h.history_user.username if h.history_user else "the system"
        result.append(
            Change(
                h.history_date,
                who,
                ACTIONS.get(h.history_type, str(h.history_type)),
                name,
                record,
                details,
            )
        )
    if not kind or kind == ACCESS_KIND:
        result += access_changes(username=username, since=since, until=until, limit=limit)
        result.sort(key=lambda change: change.when, reverse=True)
    return result[:limit]
