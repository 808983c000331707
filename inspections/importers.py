"""Bulk progress updates from a spreadsheet (CSV or XLSX), the same columns the export writes.

All or nothing: the whole file is checked first and any bad row rejects it, with every bad row
listed by its line number and what is wrong. Only then, on confirmation, are the updates
recorded, through the same service (and rules) as the admin form."""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from openpyxl import Workbook

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
from .models.reference import finding_order

# The reader's names, used through this module too (explicitly re-exported).
from .sheets import MAX_BYTES as MAX_BYTES
from .sheets import SHEET_NAME, is_blank
from .sheets import ImportFileError as ImportFileError
from .sheets import read_table as read_table
from .text import formula_safe, normalise_newlines, unformula
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
# Written beside the slugs so that a sheet reads on its own; never read back.
INFO_COLUMNS = ("Finding", "What it asks")
# A downloaded sheet's columns: the import's, with the information columns after the finding.
SHEET_COLUMNS = (*COLUMNS[:3], *INFO_COLUMNS, *COLUMNS[3:])


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
    # Why the row is recorded as of a date other than the one it gave (for the preview).
    as_of_flag: str = ""

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
        if h and h.strip() and h.strip().lower() not in {c.lower() for c in SHEET_COLUMNS}
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


@dataclass
class Lookups:
    """What every row of one file is checked against, read once for the whole file."""

    forces: dict[str, int]
    inspections: dict[str, int]
    # (force, inspection, kind, number) -> implementation annotated with its latest update.
    items: dict[tuple[int | None, int | None, str, int], Any]
    latest_waiting: dict[int, set[str]]
    visible: set[int]
    dependencies: dict[str, Dependency]

    @classmethod
    def load(cls, cells_by_line: list[tuple[int, dict[str, object]]], user: User) -> Lookups:
        # Forces and inspections are small tables; implementations only for those named.
        forces: dict[str, int] = {}
        for pk, slug, name in Force.objects.values_list("pk", "slug", "name"):
            forces[slug.lower()] = forces[name.lower()] = pk
        inspections: dict[str, int] = {}
        for pk, slug, title in Inspection.objects.values_list("pk", "slug", "title"):
            inspections[slug.lower()] = inspections[title.lower()] = pk
        named_forces = {
            found for _, c in cells_by_line if (found := forces.get(text(c["Force"]).lower()))
        }
        named_inspections = {
            found
            for _, c in cells_by_line
            if (found := inspections.get(text(c["Inspection"]).lower()))
        }
        latest = ProgressUpdate.objects.filter(implementation=OuterRef("pk")).latest_first()
        items: dict[tuple[int | None, int | None, str, int], Any] = {
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
            progressupdate_id__in=[impl.latest_id for impl in items.values() if impl.latest_id]
        ).values_list("progressupdate_id", "dependency__key"):
            latest_waiting.setdefault(update_id, set()).add(key.lower())
        visible = set(
            permissions.scope_queryset(user, ForceImplementation.objects.all())
            .filter(pk__in=[impl.pk for impl in items.values()])
            .values_list("pk", flat=True)
        )
        dependencies = {d.key.lower(): d for d in Dependency.objects.all()}
        dependencies.update({d.title.lower(): d for d in dependencies.values()})
        return cls(forces, inspections, items, latest_waiting, visible, dependencies)

    def find_item(self, cells: dict[str, object]) -> tuple[Any, list[str]]:
        """The implementation a row names, or what is wrong with how it names one."""
        force = text(cells["Force"]).lower()
        inspection = text(cells["Inspection"]).lower()
        number_text = text(cells["Recommendation"])
        problems = []
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
        if problems or finding is None:
            return None, problems
        kind, number = finding
        implementation = self.items.get(
            (self.forces.get(force), self.inspections.get(inspection), kind, number)
        )
        if implementation is None:
            finding_words = Recommendation(kind=kind, number=number).reference_in_text
            return None, [
                f"there is no local {finding_words} of '{text(cells['Inspection'])}'"
                f" for '{text(cells['Force'])}' (check the force, inspection and number)"
            ]
        if implementation.pk not in self.visible:
            return None, [
                f"this row is for {implementation.force.name}, and you can only import "
                "updates for your own force"
            ]
        return implementation, []

    def named_dependencies(self, words: list[str]) -> tuple[list[Dependency], list[str]]:
        found, problems = [], []
        for word in words:
            dependency = self.dependencies.get(word.lower())
            if dependency is None:
                problems.append(f"'{word}' is not a known dependency")
            else:
                found.append(dependency)
        return found, problems


@dataclass
class RowValues:
    """What one row says, read from its cells."""

    status_text: str
    status: str | None
    date_text: str
    as_of: datetime.date | None
    narrative: str
    evidence: str
    waiting: list[str]

    @classmethod
    def read(cls, cells: dict[str, object]) -> RowValues:
        return cls(
            status_text=text(cells["Status"]),
            status=STATUS_BY_WORD.get(text(cells["Status"]).lower()),
            date_text=text(cells["As of"]),
            as_of=parse_date(cells["As of"]),
            narrative=text(cells["Narrative"]),
            evidence=text(cells.get("Evidence or reason")),
            waiting=[w.strip() for w in text(cells.get("Waiting on")).split(";") if w.strip()],
        )

    def as_of_for_change(
        self, implementation: Any, today: datetime.date
    ) -> tuple[datetime.date | None, str]:
        """The date a changed row is recorded as of, and a flag for the preview when it is not
        the date the sheet gave. A sheet keeps the date of the update it was exported with;
        an edited row still showing that date (or none) describes today, not that day."""
        if not self.date_text:
            return today, "no date given, so recorded as of today"
        latest = getattr(implementation, "latest_as_of", None)
        if self.as_of is not None and self.as_of == latest:
            return today, (
                f"the date is the latest update's ({latest:%-d %B %Y}), so the changed row is "
                "recorded as of today"
            )
        return self.as_of, ""


def plan_row(
    line: int,
    cells: dict[str, object],
    lookups: Lookups,
    seen: dict[int, int],
    *,
    user: User,
    today: datetime.date,
) -> PlannedUpdate | list[str]:
    """One row's planned update, or every problem with it."""
    implementation, problems = lookups.find_item(cells)
    if implementation is not None and (repeated := repeat_problem(seen, implementation.pk, line)):
        problems.append(repeated)
    row = RowValues.read(cells)
    # A row that says what the tracker already says records nothing, so no rule applies to
    # it: a sheet exported from the tracker goes back in unchanged, whatever each item's
    # state (never updated, needs review, signed off by the force lead).
    if implementation is not None and row_is_current(
        implementation, lookups.latest_waiting, row, lookups.dependencies
    ):
        return problems or PlannedUpdate(
            line=line,
            implementation=implementation,
            status=row.status or Status.NOT_STARTED,
            as_of=row.as_of or today,
            narrative=row.narrative,
            evidence_note=row.evidence,
            dependencies=[],
            unchanged=True,
        )
    if row.status is None:
        problems.append(
            f"'{row.status_text}' is not a status; use one of: "
            + ", ".join(str(label) for label in Status.labels)
        )
    as_of, flag = row.as_of_for_change(implementation, today)
    if as_of is None:
        problems.append(f"'{row.date_text}' is not a date; write it as 2024-01-31 or 31/01/2024")
    named, unknown = lookups.named_dependencies(row.waiting)
    problems.extend(unknown)
    if implementation is None or row.status is None or as_of is None:
        if not row.narrative:
            problems.append("the narrative is missing")
        return problems
    try:
        validate_progress_update(
            implementation=implementation,
            author=user,
            status=row.status,
            narrative=row.narrative,
            as_of=as_of,
            evidence_note=row.evidence,
            dependencies=named,
            today=today,
        )
    except ValidationError as error:
        problems.extend(m.rstrip(".") for msgs in error.message_dict.values() for m in msgs)
    return problems or PlannedUpdate(
        line=line,
        implementation=implementation,
        status=row.status,
        as_of=as_of,
        narrative=row.narrative,
        evidence_note=row.evidence,
        dependencies=named,
        as_of_flag=flag,
    )


def plan_import(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    user: User,
    today: datetime.date,
) -> ImportPlan:
    """Check every row; nothing is written. Lines count from the header as line 1."""
    positions = column_positions(headers)
    # Blank rows are skipped but counted, so line numbers are the ones the user sees.
    cells_by_line = [
        (line, {c: (row[i] if i < len(row) else None) for c, i in positions.items()})
        for line, row in enumerate(rows, start=2)
        if not is_blank(row)
    ]
    lookups = Lookups.load(cells_by_line, user)
    plan = ImportPlan()
    seen: dict[int, int] = {}
    for line, cells in cells_by_line:
        planned = plan_row(line, cells, lookups, seen, user=user, today=today)
        if isinstance(planned, PlannedUpdate):
            plan.updates.append(planned)
        else:
            plan.errors[line] = planned
    return plan


def row_is_current(
    implementation: Any,  # annotated with its latest update's fields (Lookups.load)
    latest_waiting: dict[int, set[str]],
    row: RowValues,
    dependencies: dict[str, Dependency],
) -> bool:
    """Does the row say exactly what the implementation's latest update says (or, never
    updated, nothing at all)?"""
    latest_id = getattr(implementation, "latest_id", None)
    if latest_id is None:
        return (
            row.status in (None, Status.NOT_STARTED)
            and row.as_of is None
            and not row.narrative
            and not row.evidence
            and not row.waiting
        )
    keys = {
        dependencies[w.lower()].key.lower() if w.lower() in dependencies else w.lower()
        for w in row.waiting
    }
    return (
        row.status == implementation.latest_status
        and row.as_of == implementation.latest_as_of
        and row.narrative == implementation.latest_narrative
        and row.evidence == (implementation.latest_evidence or "")
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
    """One row per implementation with its latest update, in ``SHEET_COLUMNS``. Each
    implementation has its latest update prefetched as ``latest_updates``."""
    rows = []
    for impl in implementations:
        latest = impl.latest_updates[0] if impl.latest_updates else None
        finding = impl.recommendation
        rows.append(
            [
                impl.force.name,
                finding.inspection.slug,
                finding.sheet_reference,
                finding.label,
                finding.text,
                Status(latest.status).label if latest else Status.NOT_STARTED.label,
                latest.as_of if latest else None,
                latest.narrative if latest else "",
                latest.evidence_note if latest else "",
                "; ".join(d.key for d in latest.dependencies.all()) if latest else "",
            ]
        )
    return rows


def sheet_implementations(implementations: QuerySet[ForceImplementation]) -> list[list[object]]:
    """``sheet_rows`` of these implementations, each read with its latest update, in the order
    of the reports and their findings."""
    latest = ProgressUpdate.objects.latest_first().prefetch_related("dependencies")
    return sheet_rows(
        implementations.select_related("force", "recommendation__inspection")
        .prefetch_related(Prefetch("updates", queryset=latest, to_attr="latest_updates"))
        .order_by(
            "recommendation__inspection__published",
            finding_order("recommendation__"),
            "recommendation__number",
        )
    )


def sheet_file(rows: list[list[object]], extension: str) -> bytes:
    """A sheet as CSV (with a byte-order mark, for Excel) or XLSX, formula-like text made
    safe, that goes back in through ``plan_import`` unchanged."""
    cells = [[formula_safe(v) if v is not None else "" for v in row] for row in rows]
    if extension == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(SHEET_COLUMNS)
        writer.writerows(cells)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_NAME)
    sheet.append(list(SHEET_COLUMNS))
    for row in cells:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
