"""Loads the reference data shipped in ``inspections/data/reference``.

Idempotent and non-destructive: it creates what is missing, matched by natural key, and leaves
alone anything that exists, so a national administrator's later edits are never overwritten.
"""

from __future__ import annotations

import csv
import datetime
from collections import Counter
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from . import services
from .models import (
    DeadlineKind,
    Dependency,
    FirearmsStatistic,
    Force,
    Inspection,
    LetterRecipient,
    Recommendation,
    Region,
)

DATA_DIR = Path(__file__).resolve().parent / "data" / "reference"
NATIONAL_AREA = "England and Wales"


def read_rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def parse_int(value: str) -> int | None:
    return int(value) if value.strip() else None


@transaction.atomic
def load_reference_data() -> Counter[str]:
    """Return how many rows of each kind were created."""
    created: Counter[str] = Counter()

    for row in read_rows("forces.csv"):
        region, made = Region.objects.get_or_create(
            name=row["region"], defaults={"slug": slugify(row["region"])}
        )
        created["regions"] += made
        _, made = Force.objects.get_or_create(
            name=row["name"],
            defaults={
                "slug": slugify(row["name"]),
                "region": region,
                "governance": row["governance"],
                "local_policing_body": row["local_policing_body"],
                "commissioner_name": row["commissioner_name"],
                "commissioner_title": row["commissioner_title"],
            },
        )
        created["forces"] += made

    inspections = {}
    for row in read_rows("inspections.csv"):
        inspection, made = Inspection.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "title": row["title"],
                "short_title": row.get("short_title", ""),
                "inspectorate": row["inspectorate"],
                "published": datetime.date.fromisoformat(row["published"]),
                "url": row["url"],
                "summary": row["summary"],
                # Published reports: forces act on them from the start.
                "released_at": timezone.now(),
            },
        )
        inspections[row["slug"]] = inspection
        created["inspections"] += made

    for row in read_rows("recommendations.csv"):
        inspection = inspections[row["inspection"]]
        if Recommendation.objects.filter(inspection=inspection, number=row["number"]).exists():
            continue
        deadline = row["deadline"].strip()
        if deadline == "immediate":
            kind, date = DeadlineKind.IMMEDIATE, None
        elif deadline:
            kind, date = DeadlineKind.DATE, datetime.date.fromisoformat(deadline)
        else:
            kind, date = DeadlineKind.NOT_ENTERED, None
        services.save_recommendation(
            recommendation=Recommendation(
                inspection=inspection,
                number=int(row["number"]),
                scope=row["scope"],
                addressee=row["addressee"],
                deadline_kind=kind,
                deadline=date,
                short_title=row.get("short_title", ""),
                text=row["text"],
            )
        )
        created["recommendations"] += 1

    for row in read_rows("dependencies.csv"):
        dependency, made = Dependency.objects.get_or_create(
            key=row["key"],
            defaults={
                "title": row["title"],
                "kind": row["kind"],
                "owner": row["owner"],
                "status": row["status"],
            },
        )
        created["dependencies"] += made
        if made:
            for ref in row["recommendations"].split(";"):
                slug, number = ref.split(":")
                dependency.recommendations.add(
                    Recommendation.objects.get(inspection__slug=slug, number=int(number))
                )

    forces_by_name = {force.name: force for force in Force.objects.all()}
    for row in read_rows("firearms-statistics.csv"):
        force = None if row["area"] == NATIONAL_AREA else forces_by_name[row["area"]]
        _, made = FirearmsStatistic.objects.get_or_create(
            force=force,
            year_ending=datetime.date.fromisoformat(row["year_ending"]),
            source=row["source"],
            defaults={
                "firearms_operations": parse_int(row["firearms_operations"]),
                "arv_operations": parse_int(row["arv_operations"]),
                "authorised_firearms_officers": parse_int(row["authorised_firearms_officers"]),
                "firearms_discharged": parse_int(row["firearms_discharged"]),
            },
        )
        created["statistics"] += made

    for row in read_rows("letter-recipients.csv"):
        _, made = LetterRecipient.objects.get_or_create(
            key=row["key"],
            defaults={"name": row["name"], "office": row["office"], "address": row["address"]},
        )
        created["letter recipients"] += made

    created["implementations"] += services.sync_implementations()
    return created
