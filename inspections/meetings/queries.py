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
    ClosureAction,
    ExtensionRequest,
    ExtensionState,
    Force,
    ForceImplementation,
    InspectorateClosure,
    ItemState,
    LetterTemplate,
    LocalAction,
    Marking,
    ProgressUpdate,
    Rag,
    RagRule,
    Region,
    Responder,
    Source,
)
from inspections.models.attention import due_date_expression, due_soon_window
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


def rag_of(rule: str, state: str, overdue: bool, due_soon: bool) -> str:
    """An item's colour under the office's rule, from its state and its overdue and due-soon
    flags (``Attention``'s definitions, read with the rows)."""
    if rule == RagRule.COMPLETION:
        if state in CLOSED_STATUSES:
            return Rag.GREEN
        return Rag.RED if state == ItemState.NOT_STARTED else Rag.AMBER
    if overdue:
        return Rag.RED
    if due_soon:
        return Rag.AMBER
    return Rag.GREEN


def rows_listed(content: dict[str, Any]) -> int:
    """How many rows a pack's files list: what decides how long they take to write."""
    return sum(
        len(content[part])
        for part in ("overdue", "due_soon", "completed_since", "changes", "extensions")
    )


# Figures are as at the day a pack is made, unless the office chooses the meeting's date.
AS_AT_MADE = "made"
AS_AT_MEETING = "meeting"
AS_AT_WORDS = {AS_AT_MADE: "the day the pack was made", AS_AT_MEETING: "the meeting's date"}


def _latest_by_item(pairs: Any) -> dict[int, Any]:
    """The last value for each item from (item, value) pairs read in order."""
    latest: dict[int, Any] = {}
    for implementation_id, value in pairs:
        latest[implementation_id] = value
    return latest


def build(
    *,
    force: Force | None,
    region: Region | None,
    meeting_date: datetime.date,
    rule: str,
    today: datetime.date,
    previous: dict[str, Any] | None,
    as_at: str = AS_AT_MADE,
    marking: str = Marking.NONE,
) -> dict[str, Any]:
    """The pack's content. Its own queries, whatever the number of items: the items (one, with
    their state, overdue and due-soon flags from ``Attention``), what they wait on, their
    actions, decided extension requests, closures (one each) and pending extension requests."""
    on = meeting_date if as_at == AS_AT_MEETING else today
    scope = {"force": force} if force is not None else {"force__region": region}
    latest = ProgressUpdate.objects.filter(implementation=OuterRef("pk")).latest_first()
    rows = list(
        ForceImplementation.objects.filter(**scope)
        .with_overdue_flag(on)
        .with_due_soon_flag(on)
        .annotate(
            latest_narrative=Subquery(latest.values("narrative")[:1]),
            latest_update=Subquery(latest.values("pk")[:1]),
            deadline_on=due_date_expression(),
        )
        .order_by("due_date", "force__name", "recommendation__inspection__title", "id")
        .values(
            "pk",
            "force__name",
            "recommendation__inspection__title",
            "recommendation__inspection__short_title",
            "recommendation__inspection__source",
            "recommendation__kind",
            "recommendation__number",
            "recommendation__short_title",
            "recommendation__text",
            "state",
            "deadline_on",
            "due_date",
            "target_date",
            "lead_officer",
            "latest_update_on",
            "latest_update",
            "latest_narrative",
            "is_overdue",
            "is_due_soon",
        )
    )
    ids = [row["pk"] for row in rows]
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
    decided = Counter(
        ExtensionRequest.objects.filter(implementation_id__in=ids)
        .exclude(state=ExtensionState.PENDING)
        .values_list("implementation_id", flat=True)
    )
    closures = _latest_by_item(
        InspectorateClosure.objects.filter(implementation_id__in=ids)
        .order_by("implementation_id", "on", "recorded_at", "id")
        .values_list("implementation_id", "action")
    )
    pending = ExtensionRequest.objects.pending().filter(
        **{f"implementation__{key}": value for key, value in scope.items()}
    )
    pending_by_item = dict(pending.values_list("implementation_id", "pk"))

    items: list[dict[str, Any]] = []
    facts: dict[str, dict[str, Any]] = {}
    for row in rows:
        pk = row["pk"]
        counted = actions.get(pk, Counter())
        due, target = row["due_date"], row["target_date"]
        kind, number = row["recommendation__kind"], row["recommendation__number"]
        item = {
            "id": str(pk),
            "force": row["force__name"],
            "inspection": row["recommendation__inspection__short_title"]
            or row["recommendation__inspection__title"],
            "source": row["recommendation__inspection__source"],
            "reference": finding_reference(kind, number),
            "column": f"{FINDING_WORDS[kind][1]} {number}",
            "words": finding_title(row["recommendation__short_title"], row["recommendation__text"]),
            "status": row["state"],
            "status_label": ItemState(row["state"]).label,
            "deadline": iso(row["deadline_on"]),
            "due": iso(due),
            "target": iso(target),
            "owner": row["lead_officer"],
            "rag": rag_of(rule, row["state"], row["is_overdue"], row["is_due_soon"]),
            "days_overdue": (on - due).days if row["is_overdue"] and due else 0,
            "latest_on": iso(row["latest_update_on"]),
            "narrative": row["latest_narrative"] or "",
            "reason": "; ".join(waiting.get(pk, []))
            or (
                "Dependency delivered: the force to review"
                if row["state"] == ItemState.NEEDS_REVIEW
                else ""
            ),
            "actions": (
                f"{counted[ActionStatus.CLOSED]} of {sum(counted.values())} closed"
                if counted
                else ""
            ),
            "overdue": row["is_overdue"],
            "due_soon": row["is_due_soon"],
        }
        items.append(item)
        facts[item["id"]] = {
            "state": row["state"],
            "due": item["due"],
            "target": item["target"],
            "update": row["latest_update"],
            "latest_on": item["latest_on"],
            "overdue": row["is_overdue"],
            "actions_open": sum(counted.values()) - counted[ActionStatus.CLOSED],
            "actions_closed": counted[ActionStatus.CLOSED],
            "extension_pending": pending_by_item.get(pk),
            "extensions_decided": decided.get(pk, 0),
            "closure": closures.get(pk, ""),
        }
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
        for e in pending.select_related(
            "implementation__force", "implementation__recommendation__inspection", "requested_by"
        ).order_by("requested_at", "id")
    ]
    before = previous_facts(previous)
    statuses = Counter(item["status"] for item in items)
    rags = Counter(item["rag"] for item in items)
    office = (
        LetterTemplate.objects.filter(force=force, writer=Responder.OFFICE).first()
        if force is not None
        else None
    )
    return {
        "area": force.name if force is not None else f"{region} region",
        # The cover: the office's letterhead (a force's pack), and the marking it chose.
        "letterhead": (
            {
                "name": office.office_name if office else "",
                "address": [
                    line
                    for line in (office.office_address if office else "").splitlines()
                    if line.strip()
                ],
            }
        ),
        "marking": Marking(marking).label if marking != Marking.NONE else "",
        "one_force": force is not None,
        "by_force": [] if force is not None else summary_by_force(items),
        "meeting_date": meeting_date.isoformat(),
        "made_on": today.isoformat(),
        "as_at": on.isoformat(),
        "as_at_basis": as_at,
        "as_at_words": AS_AT_WORDS[as_at],
        "rag_rule": rule,
        "rag_rule_label": RagRule(rule).label,
        "rag_definition": rag_definition(rule),
        "total": len(items),
        "by_status": [[s.label, statuses.get(s.value, 0)] for s in ItemState],
        "by_rag": [[r.label, rags.get(r.value, 0)] for r in Rag],
        "by_source": count_by_source(items),
        "overdue": [i for i in items if i["overdue"]],
        "due_soon": [i for i in items if i["due_soon"]],
        # A region's paper lists only the exceptions; every item goes in its spreadsheet annex.
        "annex": [] if force is not None else items,
        "completed_since": [
            i
            for i in items
            if before is not None
            and i["status"] in CLOSED_STATUSES
            and i["id"] in before
            and before[i["id"]].get("state") not in CLOSED_STATUSES
        ],
        "changes": (
            [] if before is None else [c for i in items for c in changes_of(i, facts, before)]
        ),
        "extensions": extensions,
        "previous": (
            {"meeting_date": previous["meeting_date"], "made_on": previous["made_on"]}
            if previous
            else None
        ),
        # What each item stood at, so the next pack can say what changed.
        "facts": facts,
    }


def finding_title(short_title: str, text: str) -> str:
    """What a pack calls a finding: its short title, else its first sentence (at most 30
    words, and then said to go on), never cut mid-sentence without saying so."""
    if short_title.strip():
        return short_title.strip()
    first = text.strip().split(". ")[0].rstrip(".")
    words = first.split()
    if len(words) > 30:
        return " ".join(words[:30]) + " …"
    return first + ("." if first else "")


def count_by_source(items: list[dict[str, Any]]) -> list[list[Any]]:
    """[source, findings, overdue, due soon, complete] for each source of report the pack's
    items come from, in the sources' order; none when they all come from one (the totals say
    it)."""
    counted: dict[str, Counter[str]] = {}
    for item in items:
        tally = counted.setdefault(item["source"], Counter())
        tally["total"] += 1
        tally["overdue"] += item["overdue"]
        tally["due_soon"] += item["due_soon"]
        tally["complete"] += item["status"] in CLOSED_STATUSES
    if len(counted) < 2:
        return []
    return [
        [
            source.label,
            *(counted[source][key] for key in ("total", "overdue", "due_soon", "complete")),
        ]
        for source in Source
        if source in counted
    ]


def summary_by_force(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A region's pack: each force's findings, overdue, red and completed, by force name."""
    forces: dict[str, Counter[str]] = {}
    for item in items:
        counted = forces.setdefault(item["force"], Counter())
        counted["total"] += 1
        counted["overdue"] += bool(item["overdue"])
        counted["red"] += item["rag"] == Rag.RED
        counted["complete"] += item["status"] in CLOSED_STATUSES
    return [{"force": name, **counts} for name, counts in sorted(forces.items())]


def iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def previous_facts(previous: dict[str, Any] | None) -> dict[str, dict[str, Any]] | None:
    """What each item stood at in the previous pack. Packs made before the facts were kept hold
    only each item's status, so only a status change can be said against them."""
    if previous is None:
        return None
    if "facts" in previous:
        return dict(previous["facts"])
    return {pk: {"state": status} for pk, status in previous.get("statuses", {}).items()}


def _date_words(iso_day: str | None) -> str:
    return f"{datetime.date.fromisoformat(iso_day):%-d %B %Y}" if iso_day else "none"


def _state_words(state: str | None) -> str:
    return ItemState(state).label if state in ItemState.values else "–"


def changes_of(
    item: dict[str, Any], facts: dict[str, dict[str, Any]], before: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Every change the brief names between an item's previous and present facts: status, new
    updates, extensions asked for and decided (with the dates moved), falls-due and target
    dates, newly or no longer overdue, actions opened and closed, the inspectorate's closures,
    and findings added. A fact the previous pack did not keep is not compared."""
    now, was = facts[item["id"]], before.get(item["id"])
    head = {
        "force": item["force"],
        "inspection": item["inspection"],
        "reference": item["reference"],
    }

    def change(what: str, old: str, new: str) -> dict[str, Any]:
        return {**head, "what": what, "from": old, "to": new}

    if was is None:
        return [change("Finding added", "Not in the last pack", item["status_label"])]
    found = []

    def differs(key: str) -> bool:
        return key in was and was[key] != now[key]

    if differs("state"):
        found.append(change("Status", _state_words(was["state"]), item["status_label"]))
    if differs("update"):
        found.append(
            change(
                "New update",
                f"Update of {_date_words(was.get('latest_on'))}",
                f"Update of {_date_words(now['latest_on'])}",
            )
        )
    if differs("extension_pending") and now["extension_pending"] is not None:
        found.append(change("Extension asked for", "", "Awaiting decision"))
    if differs("extensions_decided"):
        moved = now["due"] != was.get("due")
        found.append(
            change(
                "Extension decided",
                f"Falls due {_date_words(was.get('due'))}",
                f"Approved: falls due {_date_words(now['due'])}" if moved else "Refused",
            )
        )
    elif differs("due"):
        found.append(change("Falls due", _date_words(was["due"]), _date_words(now["due"])))
    if differs("target"):
        found.append(change("Target date", _date_words(was["target"]), _date_words(now["target"])))
    if differs("overdue"):
        found.append(
            change(
                "Overdue",
                "Overdue" if was["overdue"] else "Not overdue",
                "Newly overdue" if now["overdue"] else "No longer overdue",
            )
        )
    opened = (
        now["actions_open"]
        + now["actions_closed"]
        - was.get("actions_open", 0)
        - was.get("actions_closed", 0)
    )
    if "actions_open" in was and opened > 0:
        found.append(change("Actions opened", "", f"{opened} new"))
    if differs("actions_closed") and now["actions_closed"] > was["actions_closed"]:
        found.append(
            change("Actions closed", "", f"{now['actions_closed'] - was['actions_closed']} closed")
        )
    if differs("closure"):
        words = dict(ClosureAction.choices)
        found.append(
            change(
                "HMICFRS",
                words.get(was["closure"], "Open"),
                words.get(now["closure"], "Open"),
            )
        )
    return found
