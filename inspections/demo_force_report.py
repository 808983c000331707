"""Demo data for a report about one force: an invented PEEL-style report for West Mercia with a
cause of concern, the two recommendations made under it and three areas for improvement, some
progress, local actions and an extension request awaiting decision. Clearly marked as sample
data, never chosen by default."""

from __future__ import annotations

import datetime
from collections import Counter

from inspections import services
from inspections.followup import services as followup
from inspections.models import (
    ActionStatus,
    AddressedTo,
    Addressee,
    DeadlineKind,
    FindingKind,
    Force,
    ForceImplementation,
    Inspection,
    Recommendation,
    Role,
    Scope,
    Status,
    User,
)

SLUG = "sample-west-mercia-peel"

# kind, number, days from the load date to the deadline, short title, wording; the two
# recommendations sit under the cause of concern.
FINDINGS = [
    (
        FindingKind.CAUSE_OF_CONCERN,
        1,
        90,
        "Answering emergency calls",
        "The force is not answering enough emergency calls within ten seconds.",
    ),
    (
        FindingKind.RECOMMENDATION,
        1,
        -10,
        "Call-handling demand plan",
        "The force should produce a demand plan for its contact centre.",
    ),
    (
        FindingKind.RECOMMENDATION,
        2,
        45,
        "Call-handler recruitment",
        "The force should recruit and train enough call handlers to meet demand.",
    ),
    (
        FindingKind.AREA_FOR_IMPROVEMENT,
        1,
        120,
        "Victim updates",
        "The force should make sure victims are updated as their cases progress.",
    ),
    (
        FindingKind.AREA_FOR_IMPROVEMENT,
        2,
        150,
        "Stop and search supervision",
        "The force should improve how supervisors review the use of stop and search.",
    ),
    (
        FindingKind.AREA_FOR_IMPROVEMENT,
        3,
        -30,
        "Wellbeing of investigators",
        "The force should understand and act on the workload of its investigators.",
    ),
]


def ensure_force_report(
    force: Force, authors: dict[tuple[int, str], User], today: datetime.date, created: Counter[str]
) -> Inspection:
    existing = Inspection.objects.filter(slug=SLUG).first()
    if existing is not None:
        return existing
    inspection = services.save_inspection(
        inspection=Inspection(
            slug=SLUG,
            title="Sample PEEL-style report for West Mercia "
            "(demonstration data, not a real report)",
            short_title="Sample PEEL (West Mercia)",
            is_sample=True,
            inspectorate="HMICFRS",
            published=today - datetime.timedelta(days=120),
            addressed_to=AddressedTo.CHOSEN_FORCES,
        ),
        forces=[force],
    )
    created["inspections"] += 1
    cause = None
    findings: dict[tuple[str, int], Recommendation] = {}
    for kind, number, days, short_title, text in FINDINGS:
        deadline = today + datetime.timedelta(days=days)
        finding = services.save_recommendation(
            recommendation=Recommendation(
                inspection=inspection,
                kind=kind,
                number=number,
                cause_of_concern=cause if kind == FindingKind.RECOMMENDATION else None,
                short_title=short_title,
                text=text,
                scope=Scope.LOCAL,
                addressee=Addressee.CHIEF_CONSTABLES,
                deadline_kind=DeadlineKind.DATE,
                deadline=deadline,
            )
        )
        if kind == FindingKind.CAUSE_OF_CONCERN:
            cause = finding
        findings[(kind, number)] = finding
        created["findings"] += 1

    pcc = authors[(force.pk, Role.PCC_STAFF)]
    lead = authors[(force.pk, Role.FORCE_LEAD)]

    def item(kind: str, number: int) -> ForceImplementation:
        return ForceImplementation.objects.get(force=force, recommendation=findings[(kind, number)])

    started = today - datetime.timedelta(days=60)
    for kind, number, narrative in (
        (FindingKind.RECOMMENDATION, 1, "A demand analysis has started; the plan is drafted."),
        (FindingKind.RECOMMENDATION, 2, "Two recruitment rounds are planned for the spring."),
        (FindingKind.AREA_FOR_IMPROVEMENT, 1, "A victim-update standard has been agreed."),
    ):
        services.record_progress_update(
            implementation=item(kind, number),
            author=pcc,
            status=Status.IN_PROGRESS,
            narrative=narrative,
            as_of=started,
            today=today,
        )
        created["progress updates"] += 1

    afi = item(FindingKind.AREA_FOR_IMPROVEMENT, 1)
    for description, owner, days, status in (
        (
            "Agree the victim-update standard with the victims' services lead",
            "DCI Morgan",
            -20,
            ActionStatus.CLOSED,
        ),
        (
            "Add update reminders to the crime recording system",
            "Head of IT",
            40,
            ActionStatus.IN_PROGRESS,
        ),
        (
            "Audit a sample of 100 cases for updates given",
            "",
            100,
            ActionStatus.AWAITING_ALLOCATION,
        ),
    ):
        followup.save_local_action(
            implementation=afi,
            by=pcc,
            description=description,
            owner=owner,
            due_date=today + datetime.timedelta(days=days),
            status=status,
        )
        created["local actions"] += 1

    followup.request_extension(
        implementation=item(FindingKind.RECOMMENDATION, 1),
        by=lead,
        requested_date=today + datetime.timedelta(days=80),
        reason="The demand analysis needs a full year of call data, available in February.",
    )
    created["extension requests"] += 1
    return inspection
