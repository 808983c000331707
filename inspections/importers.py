"""Bulk progress updates from a spreadsheet (CSV or XLSX), the same columns the export writes.

All or nothing: the whole file is checked first and any bad row rejects it, with every bad row
listed by its line number and what is wrong. Only then, on confirmation, are the updates
recorded, through the same service (and rules) as the admin form."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery

from . import permissions, services
from .models import (
    Dependency,
    Force,
    ForceImplementation,
    Inspection,
    ProgressUpdate,
    Recommendation,
    Status,
    User,
)
from .models.finding_words import parse_written_reference
from .sheets import (  # noqa: F401 (the reader's names, used through this module too)
    MAX_BYTES,
    ImportFileError,
    is_blank,
    read_table,
)
from .text import normalise_newlines, unformula
from .validation import validate_progress_update

COLUMNS = (
    "Force",
    "Inspection",
    "Recommendation",
    "Status",
    "As of",
    "Narrative",
    "Evidence or reason",
    "Waiting on",
)
REQUIRED_COLUMNS = COLUMNS[:6]


@dataclass
class PlannedUpdate:
    line: int
    implementation: ForceImplementation
    status: str
    as_of: datetime.date
    narrative: str
    evidence_note: str
    dependencies: list[Dependency]
    unchanged: bool = False

    def record(self, *, author: User, today: datetime.date | None = None) -> ProgressUpdate:
        """Record this row through the same service (and rules) as the admin form."""
        return services.record_progress_update(
            implementation=self.implementation,
            author=author,
            status=self.status,
            narrative=self.narrative,
            as_of=self.as_of,
            evidence_note=self.evidence_note,
            dependencies=self.dependencies,
            today=today,
        )


@dataclass
class ImportPlan:
    updates: list[PlannedUpdate] = field(default_factory=list)
    errors: dict[int, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def to_apply(self) -> list[PlannedUpdate]:
        return [u for u in self.updates if not u.unchanged]

    def error_lines(self) -> list[str]:
        return [f"Line {line}: {'; '.join(msgs)}" for line, msgs in sorted(self.errors.items())]


# --- checking ---------------------------------------------------------------------------------


def column_positions(headers: Sequence[str]) -> dict[str, int]:
    from openpyxl.utils import get_column_letter

    seen: dict[str, int] = {}
    for index, heading in enumerate(headers):
        key = (heading or "").strip().lower()
        if not key:
            continue
        if key in seen:
            raise ImportFileError(
                f"The column '{heading.strip()}' appears twice (columns "
                f"{get_column_letter(seen[key] + 1)} and {get_column_letter(index + 1)}): keep "
                "one of them, so that nothing is read from the wrong one."
            )
        seen[key] = index
    found = seen
    missing = [c for c in REQUIRED_COLUMNS if c.lower() not in found]
    unknown = [
        h
        for h in headers
        if h and h.strip() and h.strip().lower() not in {c.lower() for c in COLUMNS}
    ]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(f"'{c}'" for c in missing))
        if unknown:
            parts.append("not expected " + ", ".join(f"'{c}'" for c in unknown))
        raise ImportFileError(
            "The columns are wrong: "
            + "; ".join(parts)
            + ". The first row must be: "
            + ", ".join(COLUMNS)
            + " (download a sheet to see the layout)."
        )
    return {c: found[c.lower()] for c in COLUMNS if c.lower() in found}


def text(value: object) -> str:
    """A cell as text, undoing the apostrophe our exports put before formula-like text."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = normalise_newlines(str(value)).strip()
    return unformula(result)


def parse_date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = text(value)
    # A date has no time zone: 2024-01-31 or 31/01/2024, read as a calendar date.
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw)
    british = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", raw)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif british:
        day, month, year = (int(part) for part in british.groups())
    else:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


STATUS_BY_WORD = {
    **{code: code for code in Status.values},
    **{str(label).lower(): code for code, label in Status.choices},
}


def repeat_problem(seen: dict[int, int], implementation_id: int, line: int) -> str:
    """Whether a row names an item an earlier row named (one update per item in a file, changed
    or not); otherwise remember the row's line for the next."""
    if implementation_id in seen:
        return (
            f"it repeats line {seen[implementation_id]} (the same force and recommendation): "
            "put one update per recommendation in a file"
        )
    seen[implementation_id] = line
    return ""


def plan_import(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    user: User,
    today: datetime.date,
) -> ImportPlan:
    """Check every row; nothing is written. Lines count from the header as line 1."""
    positions = column_positions(headers)
    rows = list(rows)
    plan = ImportPlan()
    # Blank rows are skipped but counted, so line numbers are the ones the user sees.
    cells_by_line = [
        (line, {c: (row[i] if i < len(row) else None) for c, i in positions.items()})
        for line, row in enumerate(rows, start=2)
        if not is_blank(row)
    ]
    # Forces and inspections are small tables; implementations are fetched only for those named.
    forces: dict[str, int] = {}
    for pk, slug, name in Force.objects.values_list("pk", "slug", "name"):
        forces[slug.lower()] = forces[name.lower()] = pk
    inspections: dict[str, int] = {}
    for pk, slug, title in Inspection.objects.values_list("pk", "slug", "title"):
        inspections[slug.lower()] = inspections[title.lower()] = pk
    named_forces = {
        force_pk
        for _, c in cells_by_line
        if (force_pk := forces.get(text(c["Force"]).lower())) is not None
    }
    named_inspections = {
        inspection_pk
        for _, c in cells_by_line
        if (inspection_pk := inspections.get(text(c["Inspection"]).lower())) is not None
    }
    latest = ProgressUpdate.objects.filter(implementation=OuterRef("pk")).latest_first()
    # Each implementation annotated with its latest update's fields.
    index: dict[tuple[int | None, int | None, str, int], Any] = {
        (
            impl.force_id,
            impl.recommendation.inspection_id,
            impl.recommendation.kind,
            impl.recommendation.number,
        ): impl
        for impl in ForceImplementation.objects.filter(
            force_id__in=named_forces,
            recommendation__inspection_id__in=named_inspections,
        )
        .select_related("force", "recommendation__inspection")
        .annotate(
            latest_id=Subquery(latest.values("pk")[:1]),
            latest_status=Subquery(latest.values("status")[:1]),
            latest_narrative=Subquery(latest.values("narrative")[:1]),
            latest_as_of=Subquery(latest.values("as_of")[:1]),
            latest_evidence=Subquery(latest.values("evidence_note")[:1]),
        )
    }
    latest_waiting: dict[int, set[str]] = {}
    for update_id, key in ProgressUpdate.dependencies.through.objects.filter(
        progressupdate_id__in=[impl.latest_id for impl in index.values() if impl.latest_id]
    ).values_list("progressupdate_id", "dependency__key"):
        latest_waiting.setdefault(update_id, set()).add(key.lower())
    visible = set(
        permissions.scope_queryset(user, ForceImplementation.objects.all())
        .filter(pk__in=[impl.pk for impl in index.values()])
        .values_list("pk", flat=True)
    )
    dependencies = {d.key.lower(): d for d in Dependency.objects.all()}
    dependencies.update({d.title.lower(): d for d in dependencies.values()})
    seen: dict[int, int] = {}

    for offset, cells in cells_by_line:
        problems: list[str] = []
        force = text(cells["Force"]).lower()
        inspection = text(cells["Inspection"]).lower()
        number_text = text(cells["Recommendation"])
        implementation = None
        if not force:
            problems.append("the force is missing")
        if not inspection:
            problems.append("the inspection is missing")
        finding = parse_written_reference(number_text)
        if finding is None:
            problems.append(
                f"the recommendation must be a number, not '{number_text}' (or name a finding "
                "such as 'AFI 7')"
            )
        if not problems and finding is not None:
            kind, number = finding
            implementation = index.get(
                (forces.get(force), inspections.get(inspection), kind, number)
            )
            if implementation is None:
                finding_words = Recommendation(kind=kind, number=number).reference_in_text
                problems.append(
                    f"there is no local {finding_words} of '{text(cells['Inspection'])}'"
                    f" for '{text(cells['Force'])}' (check the force, inspection and number)"
                )
            elif implementation.pk not in visible:
                problems.append(
                    f"this row is for {implementation.force.name}, and you can only import "
                    "updates for your own force"
                )
                implementation = None
        status = STATUS_BY_WORD.get(text(cells["Status"]).lower())
        as_of = parse_date(cells["As of"])
        narrative = text(cells["Narrative"])
        evidence = text(cells.get("Evidence or reason"))
        words = [w.strip() for w in text(cells.get("Waiting on")).split(";") if w.strip()]
        # A row that says what the tracker already says records nothing, so no rule applies to
        # it: a sheet exported from the tracker goes back in unchanged, whatever each item's
        # state (never updated, needs review, signed off by the force lead).
        if implementation is not None and row_is_current(
            implementation,
            latest_waiting,
            status=status,
            as_of=as_of,
            narrative=narrative,
            evidence=evidence,
            waiting=words,
            dependencies=dependencies,
        ):
            if repeated := repeat_problem(seen, implementation.pk, offset):
                plan.errors[offset] = [*problems, repeated]
                continue
            plan.updates.append(
                PlannedUpdate(
                    line=offset,
                    implementation=implementation,
                    status=status or Status.NOT_STARTED,
                    as_of=as_of or today,
                    narrative=narrative,
                    evidence_note=evidence,
                    dependencies=[],
                    unchanged=True,
                )
            )
            continue
        if status is None:
            problems.append(
                f"'{text(cells['Status'])}' is not a status; use one of: "
                + ", ".join(str(label) for label in Status.labels)
            )
        if as_of is None:
            problems.append(
                f"'{text(cells['As of'])}' is not a date; write it as 2024-01-31 or 31/01/2024"
            )
        named: list[Dependency] = []
        for word in words:
            dependency = dependencies.get(word.lower())
            if dependency is None:
                problems.append(f"'{word}' is not a known dependency")
            else:
                named.append(dependency)
        if implementation is not None and (
            repeated := repeat_problem(seen, implementation.pk, offset)
        ):
            problems.append(repeated)
        if implementation is not None and status is not None and as_of is not None:
            try:
                validate_progress_update(
                    implementation=implementation,
                    author=user,
                    status=status,
                    narrative=narrative,
                    as_of=as_of,
                    evidence_note=evidence,
                    dependencies=named,
                    today=today,
                )
            except ValidationError as error:
                problems.extend(m.rstrip(".") for msgs in error.message_dict.values() for m in msgs)
        elif not narrative:
            problems.append("the narrative is missing")
        if problems:
            plan.errors[offset] = problems
            continue
        # No problem means each of these was found above.
        assert implementation is not None
        assert status is not None
        assert as_of is not None
        plan.updates.append(
            PlannedUpdate(
                line=offset,
                implementation=implementation,
                status=status,
                as_of=as_of,
                narrative=narrative,
                evidence_note=evidence,
                dependencies=named,
            )
        )
    return plan


def row_is_current(
    implementation: Any,  # annotated with its latest update's fields (plan_import)
    latest_waiting: dict[int, set[str]],
    *,
    status: str | None,
    as_of: datetime.date | None,
    narrative: str,
    evidence: str,
    waiting: list[str],
    dependencies: dict[str, Dependency],
) -> bool:
    """Does the row say exactly what the implementation's latest update says (or, never
    updated, nothing at all)?"""
    latest_id = getattr(implementation, "latest_id", None)
    if latest_id is None:
        return (
            status in (None, Status.NOT_STARTED)
            and as_of is None
            and not narrative
            and not evidence
            and not waiting
        )
    keys = {
        dependencies[w.lower()].key.lower() if w.lower() in dependencies else w.lower()
        for w in waiting
    }
    return (
        status == implementation.latest_status
        and as_of == implementation.latest_as_of
        and narrative == implementation.latest_narrative
        and evidence == (implementation.latest_evidence or "")
        and keys == latest_waiting.get(latest_id, set())
    )


@transaction.atomic
def apply_plan(plan: ImportPlan, *, user: User, today: datetime.date) -> list[ProgressUpdate]:
    """Record every planned update, or none: any failure rolls the whole file back."""
    if not plan.ok:
        raise ValidationError(plan.error_lines())
    return [update.record(author=user, today=today) for update in plan.to_apply]


# --- the matching export ----------------------------------------------------------------------


def sheet_rows(implementations: Iterable[Any]) -> list[list[object]]:
    # Each implementation has its latest update prefetched as ``latest_updates``.
    """One row per implementation with its latest update, in the import's columns."""
    rows = []
    for impl in implementations:
        latest = impl.latest_updates[0] if impl.latest_updates else None
        rows.append(
            [
                impl.force.name,
                impl.recommendation.inspection.slug,
                impl.recommendation.sheet_reference,
                Status(latest.status).label if latest else Status.NOT_STARTED.label,
                latest.as_of if latest else None,
                latest.narrative if latest else "",
                latest.evidence_note if latest else "",
                "; ".join(d.key for d in latest.dependencies.all()) if latest else "",
            ]
        )
    return rows
