"""Build a synthetic national-scale database with bulk inserts: 400 inspections, 4,000
recommendations (half local), 43 forces, so 86,000 implementations with 10 updates each
(860,000 progress updates), dependencies, target dates and 5 years of statistics.

Deterministic (seeded), and quick: rows are made in memory batch by batch and inserted with
bulk_create, skipping the per-row services and history that the real entry routes use."""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from inspections.models import (
    ActionStatus,
    ActionTally,
    Addressee,
    DeadlineKind,
    Dependency,
    DependencyKind,
    DependencyStatus,
    ExtensionRequest,
    FindingKind,
    FirearmsStatistic,
    Force,
    ForceImplementation,
    Inspection,
    LocalAction,
    ProgressUpdate,
    Recommendation,
    Role,
    Scope,
    Status,
    TargetDateRevision,
    User,
)
from inspections.reference_data import load_reference_data

INSPECTIONS = 400
RECOMMENDATIONS_PER_INSPECTION = 10  # half local
UPDATES_PER_IMPLEMENTATION = 10
DEPENDENCIES = 60
BATCH = 20_000
PROGRESSION = [
    Status.NOT_STARTED,
    Status.IN_PROGRESS,
    Status.IN_PROGRESS,
    Status.AWAITING_DEPENDENCY,
    Status.IN_PROGRESS,
    Status.IMPLEMENTED,
    Status.COMPLETE,
]


def build(
    *, say: Callable[[str], None] = print, seed: int = 2023, scale: int = 1
) -> dict[str, float]:
    """The national-scale database; ``scale`` multiplies the inspections (and so every row
    under them) while keeping their publication dates in the same years."""
    rng = random.Random(seed)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def lap(label: str) -> None:
        timings[label] = time.perf_counter() - started
        say(f"  {label}: {timings[label]:.1f} s")

    load_reference_data()
    forces = list(Force.objects.order_by("name"))
    authors = {}
    for force in forces:
        pcc, _ = User.objects.get_or_create(
            username=f"{force.slug}.pcc",
            defaults={
                "role": Role.PCC_STAFF,
                "force": force,
                "is_staff": True,
                "email": f"{force.slug}.pcc@example.police.uk",
            },
        )
        lead, _ = User.objects.get_or_create(
            username=f"{force.slug}.lead",
            defaults={"role": Role.FORCE_LEAD, "force": force, "is_staff": True},
        )
        authors[force.pk] = (pcc, lead)
    User.objects.get_or_create(
        username="bench.admin", defaults={"role": Role.NATIONAL_ADMIN, "is_staff": True}
    )
    lap("reference data and users")

    with transaction.atomic():
        start = datetime.date(2019, 1, 7)
        inspections = Inspection.objects.bulk_create(
            Inspection(
                title=f"Synthetic inspection {n:03d}: a national-scale benchmark report",
                slug=f"bench-{n:03d}",
                published=start + datetime.timedelta(days=n * 7 // scale),
                summary="A synthetic report made for the benchmark.",
                released_at=timezone.now(),
            )
            for n in range(1, INSPECTIONS * scale + 1)
        )
        recommendations = []
        for inspection in inspections:
            for number in range(1, RECOMMENDATIONS_PER_INSPECTION + 1):
                is_local = number % 2 == 0
                immediate = is_local and number % 6 == 0
                recommendations.append(
                    Recommendation(
                        inspection=inspection,
                        # Findings of every kind: each number is one kind's, so unique within it.
                        kind=FindingKind.AREA_FOR_IMPROVEMENT
                        if number % 10 == 4
                        else FindingKind.CAUSE_OF_CONCERN
                        if number % 10 == 8
                        else FindingKind.RECOMMENDATION,
                        number=number,
                        scope=Scope.LOCAL if is_local else Scope.NATIONAL,
                        addressee=Addressee.CHIEF_CONSTABLES if is_local else "",
                        text=f"By the deadline, chief constables should do thing {number}."
                        if is_local
                        else "",
                        deadline_kind=(DeadlineKind.IMMEDIATE if immediate else DeadlineKind.DATE)
                        if is_local
                        else DeadlineKind.NOT_ENTERED,
                        deadline=None
                        if immediate or not is_local
                        else inspection.published + datetime.timedelta(days=rng.randint(90, 540)),
                    )
                )
        recommendations = Recommendation.objects.bulk_create(recommendations, batch_size=BATCH)
        local = [r for r in recommendations if r.scope == Scope.LOCAL]
        dependencies = Dependency.objects.bulk_create(
            Dependency(
                key=f"bench-dependency-{n}",
                title=f"Synthetic national guidance {n}",
                kind=DependencyKind.NATIONAL_GUIDANCE,
                owner="College of Policing",
                status=DependencyStatus.PENDING if n % 3 else DependencyStatus.DELIVERED,
                delivered_date=None if n % 3 else datetime.date(2025, 1, 1),
            )
            for n in range(1, DEPENDENCIES + 1)
        )
        waits_on = {
            rec.pk: dependencies[i % DEPENDENCIES] for i, rec in enumerate(local) if i % 4 == 0
        }
        Dependency.recommendations.through.objects.bulk_create(
            Dependency.recommendations.through(dependency_id=dep.pk, recommendation_id=rec_id)
            for rec_id, dep in waits_on.items()
        )
    lap("inspections, recommendations, dependencies")

    today = datetime.date(2026, 11, 21)
    by_rec = {rec.pk: rec for rec in local}
    for force in forces:
        pcc, lead = authors[force.pk]
        with transaction.atomic():
            implementations = []
            plans = []
            for rec in local:
                published = rec.inspection.published
                steps = rng.randint(1, len(PROGRESSION))
                statuses = [
                    PROGRESSION[min(i * steps // UPDATES_PER_IMPLEMENTATION, steps - 1)]
                    for i in range(UPDATES_PER_IMPLEMENTATION)
                ]
                if statuses[-1] == Status.AWAITING_DEPENDENCY and rec.pk not in waits_on:
                    statuses[-1] = Status.IN_PROGRESS
                span = max(1, (today - published).days - 1)
                dates = sorted(
                    published + datetime.timedelta(days=rng.randint(0, span))
                    for _ in range(UPDATES_PER_IMPLEMENTATION)
                )
                implementations.append(
                    ForceImplementation(
                        force=force,
                        recommendation=rec,
                        due_date=rec.deadline_on,
                        status=statuses[-1],
                        latest_update_on=dates[-1],
                        last_activity=dates[-1],
                        target_date=(rec.deadline or published) + datetime.timedelta(days=180)
                        if rng.random() < 0.3
                        else None,
                    )
                )
                plans.append((statuses, dates))
            implementations = ForceImplementation.objects.bulk_create(
                implementations, batch_size=BATCH
            )
            updates = []
            blocks = []
            revisions = []
            for impl, (statuses, dates) in zip(implementations, plans, strict=True):
                for status, as_of in zip(statuses, dates, strict=True):
                    updates.append(
                        ProgressUpdate(
                            implementation=impl,
                            status=status,
                            narrative=f"{force.short_name}: {status.label} on recommendation "
                            f"{by_rec[impl.recommendation_id].number}.",
                            as_of=as_of,
                            author=lead if status == Status.COMPLETE else pcc,
                            evidence_note="Audit report" if status == Status.COMPLETE else "",
                        )
                    )
                if impl.status == Status.AWAITING_DEPENDENCY:
                    blocks.append(
                        ForceImplementation.blocking_dependencies.through(
                            forceimplementation_id=impl.pk,
                            dependency_id=waits_on[impl.recommendation_id].pk,
                        )
                    )
                if impl.target_date:
                    revisions.append(
                        TargetDateRevision(
                            implementation=impl,
                            previous_date=None,
                            new_date=impl.target_date,
                            changed_by=pcc,
                        )
                    )
            # Every fifth item is broken into two local actions; every twentieth has asked
            # for more time and awaits a decision.
            LocalAction.objects.bulk_create(
                (
                    LocalAction(
                        implementation=impl,
                        force=force,
                        description=f"Local action {n} for {force.short_name}",
                        owner="Action owner" if n == 1 else "",
                        due_date=impl.due_date,
                        status=ActionStatus.IN_PROGRESS
                        if n == 1
                        else ActionStatus.AWAITING_ALLOCATION,
                        created_by=pcc,
                    )
                    for i, impl in enumerate(implementations)
                    if i % 5 == 0
                    for n in (1, 2)
                ),
                batch_size=BATCH,
            )
            ExtensionRequest.objects.bulk_create(
                (
                    ExtensionRequest(
                        implementation=impl,
                        force=force,
                        due_before=impl.due_date,
                        requested_date=today + datetime.timedelta(days=180),
                        reason="More time is needed.",
                        requested_by=lead,
                    )
                    for i, impl in enumerate(implementations)
                    if i % 20 == 0 and impl.status not in (Status.COMPLETE, Status.NOT_APPLICABLE)
                ),
                batch_size=BATCH,
            )
            # Bypasses ProgressUpdate.save (append-only guard) like any bulk insert: new rows.
            ProgressUpdate.objects.bulk_create(updates, batch_size=BATCH)
            ForceImplementation.blocking_dependencies.through.objects.bulk_create(blocks)
            TargetDateRevision.objects.bulk_create(revisions, batch_size=BATCH)
            FirearmsStatistic.objects.bulk_create(
                FirearmsStatistic(
                    force=force,
                    year_ending=datetime.date(year, 3, 31),
                    firearms_operations=rng.randint(150, 3000),
                    authorised_firearms_officers=rng.randint(40, 600),
                    firearms_discharged=rng.randint(0, 3),
                    source="Synthetic benchmark edition",
                )
                for year in range(2021, 2026)
            )
    # Bulk inserts skip the services: who must act next is worked out once for every row.
    ForceImplementation.objects.all().refresh_next_actors()  # and the actor tallies
    ActionTally.objects.refresh(Force.objects.values_list("pk", flat=True))
    lap("implementations and progress updates")

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    lap("statistics for the query planner")
    return timings
