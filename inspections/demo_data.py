"""Demo data: one login per role and a believable, deterministic history of progress.

West Mercia's updates are the text of its real s.55 letter. Every other force gets a varied
history over 2023–2025 generated from a seed per force and recommendation, so every status, every
kind of overdue item, due-soon and needs-review items all occur, and a rerun adds nothing.
"""

from __future__ import annotations

import datetime
import json
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from . import services
from .demo_force_report import ensure_force_report
from .history import record_author
from .letters import services as letter_services
from .models import (
    Addressee,
    DeadlineKind,
    Dependency,
    DependencyStatus,
    Force,
    ForceImplementation,
    Inspection,
    ProgressLetter,
    Recommendation,
    Role,
    Scope,
    Status,
    User,
    refreshes_deferred,
)

DATA_DIR = Path(__file__).resolve().parent / "data" / "demo"
DEMO_PASSWORD = "tracker-demo-2023"
FIREARMS = "firearms-2023"
SAMPLE = "sample-training-inspection"
# The demo story: the regional commander rotas were in place by this date, so forces still
# waiting on them need to review their status.
ROTA_DELIVERED = datetime.date(2025, 9, 30)
HISTORY_ENDS = datetime.date(2025, 9, 29)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    force_name: str | None
    first_name: str
    last_name: str
    job_title: str

    @property
    def description(self) -> str:
        role = Role(self.role).label
        return f"{role}, {self.force_name}" if self.force_name else role


DEMO_LOGINS = (
    DemoLogin(
        "westmercia.pcc",
        Role.PCC_STAFF,
        "West Mercia Police",
        "Sam",
        "Ashby",
        "Policy officer, Office of the PCC",
    ),
    DemoLogin(
        "westmercia.lead",
        Role.FORCE_LEAD,
        "West Mercia Police",
        "Jo",
        "Harper",
        "Assistant Chief Constable",
    ),
    DemoLogin(
        "gwent.pcc",
        Role.PCC_STAFF,
        "Gwent Police",
        "Rhian",
        "Price",
        "Governance officer, Office of the PCC",
    ),
    DemoLogin(
        "gwent.lead", Role.FORCE_LEAD, "Gwent Police", "Owen", "Lloyd", "Deputy Chief Constable"
    ),
    DemoLogin(
        "national.admin",
        Role.NATIONAL_ADMIN,
        None,
        "Priya",
        "Shah",
        "National tracker administrator",
    ),
    DemoLogin("viewer", Role.VIEWER, None, "Chris", "Bell", "Inspectorate liaison"),
    DemoLogin(
        "westmercia.office",
        Role.OFFICE_ADMIN,
        "West Mercia Police",
        "Alex",
        "Morgan",
        "Business manager, Office of the PCC",
    ),
    DemoLogin(
        "westmercia.panel",
        Role.SCRUTINY,
        "West Mercia Police",
        "Pat",
        "Evans",
        "Member, West Mercia Police and Crime Panel",
    ),
)

TOPICS = {
    2: "access to specialist strategic and tactical firearms commanders through a regional "
    "24-hour rota",
    3: "armed response vehicle asset tracking and the training to use it",
    5: "commanders observing the tactics and specialist munitions they can authorise",
    6: "familiarisation with new weapons, tactics and munitions in commanders' annual "
    "accreditation",
    8: "regional ACC attendance at National Armed Policing Portfolio meetings",
    10: "senior officer oversight of the armoury and its independent annual audit",
    12: "storing armed deployment records so that they can be audited",
}

SAMPLE_RECOMMENDATIONS = (
    (
        1,
        10,
        "review how their control rooms record the initial assessment of firearms incidents",
        "control room recording of initial firearms assessments",
    ),
    (
        2,
        25,
        "make sure all firearms tactical advisers have completed refresher training",
        "refresher training for firearms tactical advisers",
    ),
    (
        3,
        120,
        "publish an annual summary of armed deployments for their communities",
        "an annual public summary of armed deployments",
    ),
)

NARRATIVES = {
    Status.NOT_STARTED: (
        "Work on {topic} has not yet started. It is scheduled for the force's next armed "
        "policing governance board, which will appoint a lead.",
    ),
    Status.IN_PROGRESS: (
        "The force has begun work on {topic}. A lead has been appointed and a delivery plan was "
        "agreed at the armed policing governance board.",
        "Progress continues on {topic}. Most of the planned actions are complete and the rest are "
        "on track for the force's target date.",
        "A review of current practice on {topic} found gaps that are now being closed; progress "
        "is reported to the armed policing governance board each quarter.",
    ),
    Status.AWAITING_DEPENDENCY: (
        "Local preparation for {topic} is complete, but the force cannot finish until {dependency} "
        "is available. It will complete the work as soon as it is.",
        "The force has done what it can locally on {topic}; delivery now depends on {dependency}.",
    ),
    Status.IMPLEMENTED: (
        "The force has put in place the arrangements for {topic}. Evidence has been gathered and "
        "submitted to the chief constable for sign-off.",
    ),
    Status.COMPLETE: (
        "The chief constable has reviewed the evidence and signed off {topic} as complete.",
    ),
    Status.NOT_APPLICABLE: (
        "This recommendation is for the regional ACC firearms lead, a role held by another force "
        "in the region. The force supports the regional lead and receives updates from the "
        "meetings.",
    ),
}

TARGET_REASONS = (
    "The revised national guidance the work depends on has not yet been published.",
    "Places on the national commanders' course were deferred to the next cohort.",
    "The supplier delayed delivery of the equipment.",
    "The force re-planned the work after its armed policing strategic threat and risk assessment.",
)
LEAD_OFFICERS = (
    "Superintendent, Armed Policing",
    "Chief Inspector, Firearms Operations",
    "Head of Operational Support",
    "Assistant Chief Constable, Operations",
)


@transaction.atomic
def load_demo_data(*, today: datetime.date) -> Counter[str]:
    """Return counts of what was created. Requires the reference data."""
    created: Counter[str] = Counter()
    forces = {force.name: force for force in Force.objects.select_related("region")}
    if not forces or not Inspection.objects.filter(slug=FIREARMS).exists():
        raise LookupError("Load the reference data first: python manage.py load_reference_data")

    authors = ensure_users(forces, created)
    admin = User.objects.get(username="national.admin")
    sample = ensure_sample_inspection(today, created)

    load_west_mercia(forces["West Mercia Police"], authors, created)
    ensure_force_report(forces["West Mercia Police"], authors, today, created)
    implementations = (
        ForceImplementation.objects.filter(updates__isnull=True)
        .exclude(force__name="West Mercia Police")
        .select_related("force", "recommendation__inspection")
        .prefetch_related("recommendation__dependencies")
        .order_by("force__name", "recommendation__inspection__slug", "recommendation__number")
    )
    with refreshes_deferred():
        for implementation in implementations:
            generate_history(implementation, authors, today, sample, created)

    issue_demo_letters(forces, authors, created)

    rota = Dependency.objects.get(key="regional-commander-rota")
    if rota.is_pending and today >= ROTA_DELIVERED:
        services.close_dependency(
            dependency=rota,
            status=DependencyStatus.DELIVERED,
            on=ROTA_DELIVERED,
            changed_by=admin,
        )
        created["dependencies delivered"] += 1
    return created


def ensure_users(forces: dict[str, Force], created: Counter[str]) -> dict[tuple[int, str], User]:
    """The printed demo logins, plus a PCC officer and a force lead for every force as authors."""
    authors: dict[tuple[int, str], User] = {}
    for login in DEMO_LOGINS:
        force = forces[login.force_name] if login.force_name else None
        user, made = User.objects.get_or_create(
            username=login.username,
            defaults={
                "role": login.role,
                "force": force,
                "first_name": login.first_name,
                "last_name": login.last_name,
                "job_title": login.job_title,
                "email": f"{login.username}@example.police.uk",
                "is_staff": True,
            },
        )
        if made:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created["logins"] += 1
        if force:
            authors[(force.pk, login.role)] = user
    for force in forces.values():
        for role, suffix, title in (
            (Role.PCC_STAFF, "pcc", "Office of the PCC"),
            (Role.FORCE_LEAD, "lead", "Force lead"),
        ):
            if (force.pk, role) in authors:
                continue
            user, made = User.objects.get_or_create(
                username=f"{force.slug}.{suffix}",
                defaults={
                    "role": role,
                    "force": force,
                    "first_name": force.short_name,
                    "last_name": title,
                    "job_title": title,
                    "email": f"{force.slug}.{suffix}@example.police.uk",
                    "is_staff": True,
                },
            )
            if made:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                created["authors"] += 1
            authors[(force.pk, role)] = user
    return authors


def ensure_sample_inspection(today: datetime.date, created: Counter[str]) -> Inspection:
    """A second, clearly fictional inspection whose deadlines fall near the load date, so that
    the demo shows due-soon items and more than one inspection."""
    inspection, made = Inspection.objects.get_or_create(
        slug=SAMPLE,
        defaults={
            "title": "Sample inspection for training (demonstration data, not a real report)",
            "short_title": "Sample (training)",
            "is_sample": True,
            "inspectorate": "HMICFRS",
            "published": today - datetime.timedelta(days=45),
            "released_at": timezone.now(),
        },
    )
    if made:
        created["inspections"] += 1
        for number, days, action, _topic in SAMPLE_RECOMMENDATIONS:
            deadline = today + datetime.timedelta(days=days)
            services.save_recommendation(
                recommendation=Recommendation(
                    inspection=inspection,
                    number=number,
                    scope=Scope.LOCAL,
                    addressee=Addressee.CHIEF_CONSTABLES,
                    deadline_kind=DeadlineKind.DATE,
                    deadline=deadline,
                    text=f"By {deadline:%-d %B %Y}, chief constables should {action}.",
                )
            )
            created["recommendations"] += 1
    return inspection


def load_west_mercia(
    force: Force, authors: dict[tuple[int, str], User], created: Counter[str]
) -> None:
    letter = json.loads((DATA_DIR / "west-mercia-2023-09-04.json").read_text(encoding="utf-8"))
    as_of = datetime.date.fromisoformat(letter["as_of"])
    author = authors[(force.pk, Role.PCC_STAFF)]
    for item in letter["updates"]:
        implementation = ForceImplementation.objects.get(
            force=force,
            recommendation__inspection__slug=letter["inspection"],
            recommendation__number=item["number"],
        )
        if implementation.updates.exists():
            continue
        services.record_progress_update(
            implementation=implementation,
            author=author,
            status=item["status"],
            narrative=item["narrative"],
            as_of=as_of,
            dependencies=Dependency.objects.filter(key__in=item["dependencies"]),
        )
        created["progress updates"] += 1


def issue_demo_letters(
    forces: dict[str, Force], authors: dict[tuple[int, str], User], created: Counter[str]
) -> None:
    """West Mercia's real s.55 letter, issued on 4 September 2023, and for other forces a mix of
    letters issued on time, issued late and not issued, so the s.55 tracker shows each."""
    inspection = Inspection.objects.get(slug=FIREARMS)
    if ProgressLetter.objects.filter(inspection=inspection).exists():
        return
    seed = json.loads((DATA_DIR / "west-mercia-2023-09-04.json").read_text(encoding="utf-8"))
    plan = seed["letter"]
    west_mercia = forces["West Mercia Police"]
    author = authors[(west_mercia.pk, Role.PCC_STAFF)]
    letter = letter_services.draft_letter(
        force=west_mercia,
        inspection=inspection,
        author=author,
        letter_date=datetime.date.fromisoformat(plan["letter_date"]),
    )
    letter = letter_services.update_draft(
        letter=letter,
        author=author,
        version=letter.version,
        fields={
            "closing": "\n\n".join(plan["closing"]),
            "signatory_title": "\n".join(plan["signatory_title"]),
            "cc": "\n".join(plan["cc"]),
        },
        narratives={},
    )
    # The letter as sent: its date and headings as printed, not in the house style.
    letter = letter_services.keep_as_printed(
        letter=letter,
        author=author,
        printed_date=plan["printed_date"],
        headings={u["number"]: u["heading_as_sent"] for u in seed["updates"]},
    )
    letter_services.issue_letter(
        letter=letter, author=author, issued_on=datetime.date.fromisoformat(plan["issued_on"])
    )
    created["letters issued"] += 1

    due = inspection.response_due
    assert due is not None  # a saved inspection has its publication date
    for _name, force in sorted(forces.items()):
        if (
            force.pk == west_mercia.pk
            or force.implementations.filter(
                recommendation__inspection=inspection, updates__isnull=True
            ).exists()
        ):
            continue  # a letter needs something to say on every recommendation
        rng = random.Random(f"demo-letter:{force.slug}")
        roll = rng.random()
        if roll < 0.45:
            issued_on = due - datetime.timedelta(days=rng.randint(0, 10))
        elif roll < 0.7:
            issued_on = due + datetime.timedelta(days=rng.randint(1, 60))
        else:
            continue  # this force has not issued its response
        pcc = authors[(force.pk, Role.PCC_STAFF)]
        draft = letter_services.draft_letter(
            force=force, inspection=inspection, author=pcc, letter_date=issued_on
        )
        letter_services.issue_letter(letter=draft, author=pcc, issued_on=issued_on)
        created["letters issued"] += 1


def trajectories(recommendation: Recommendation) -> list[tuple[tuple[str, ...], int]]:
    """Possible histories with their weights; which apply depends on the recommendation."""
    s = Status
    options: list[tuple[tuple[str, ...], int]] = [
        ((), 6),
        ((s.NOT_STARTED,), 4),
        ((s.IN_PROGRESS,), 14),
        ((s.IN_PROGRESS, s.IN_PROGRESS), 8),
        ((s.IN_PROGRESS, s.IMPLEMENTED), 12),
        ((s.IN_PROGRESS, s.IMPLEMENTED, s.COMPLETE), 14),
        ((s.IMPLEMENTED, s.COMPLETE), 8),
    ]
    if recommendation.dependencies.all():
        options += [
            ((s.AWAITING_DEPENDENCY,), 14),
            ((s.IN_PROGRESS, s.AWAITING_DEPENDENCY), 10),
            ((s.AWAITING_DEPENDENCY, s.IN_PROGRESS), 4),
        ]
    if recommendation.addressee == Addressee.REGIONAL_ACC_LEADS:
        options.append(((s.NOT_APPLICABLE,), 30))
    return options


def generate_history(
    implementation: ForceImplementation,
    authors: dict[tuple[int, str], User],
    today: datetime.date,
    sample: Inspection,
    created: Counter[str],
) -> None:
    recommendation = implementation.recommendation
    inspection = recommendation.inspection
    force = implementation.force
    rng = random.Random(f"demo:{force.slug}:{inspection.slug}:{recommendation.number}")

    if inspection.pk == sample.pk:
        # A recent report: a few forces have started, most have not yet.
        if rng.random() < 0.6:
            return
        statuses: tuple[str, ...] = (Status.IN_PROGRESS,)
        topic = SAMPLE_RECOMMENDATIONS[recommendation.number - 1][3]
        start = max(inspection.published, today - datetime.timedelta(days=30))
        end = today
    else:
        options = trajectories(recommendation)
        statuses = rng.choices([o[0] for o in options], weights=[o[1] for o in options])[0]
        topic = TOPICS.get(recommendation.number, "this recommendation")
        start = max(inspection.published + datetime.timedelta(days=30), datetime.date(2023, 9, 4))
        end = min(HISTORY_ENDS, today)
    if not statuses or start > end:
        return

    pcc = authors[(force.pk, Role.PCC_STAFF)]
    lead = authors[(force.pk, Role.FORCE_LEAD)]
    dependencies = [d for d in recommendation.dependencies.all() if d.is_pending]
    as_of = start + datetime.timedelta(days=rng.randint(0, 150))
    for status in statuses:
        as_of = min(as_of, end)
        if status == Status.AWAITING_DEPENDENCY and not dependencies:
            status = Status.IN_PROGRESS
        template = rng.choice(NARRATIVES[Status(status)])
        narrative = template.format(
            topic=topic,
            dependency=" and ".join(d.title[0].lower() + d.title[1:] for d in dependencies),
        )
        evidence = ""
        if status == Status.COMPLETE:
            evidence = (
                f"Assurance report to the armed policing governance board, {as_of:%B %Y}; "
                f"internal audit reference FA-{rng.randint(100, 999)}."
            )
        elif status == Status.NOT_APPLICABLE:
            evidence = "The force does not hold the regional ACC firearms lead role."
        services.record_progress_update(
            implementation=implementation,
            author=lead if status == Status.COMPLETE else pcc,
            status=status,
            narrative=narrative,
            as_of=as_of,
            evidence_note=evidence,
            dependencies=dependencies if status == Status.AWAITING_DEPENDENCY else (),
            today=today,
        )
        created["progress updates"] += 1
        as_of += datetime.timedelta(days=rng.randint(45, 240))

    if statuses[-1] in (Status.IN_PROGRESS, Status.AWAITING_DEPENDENCY) and rng.random() < 0.5:
        plan_target_dates(implementation, recommendation, pcc, rng, created)


def plan_target_dates(
    implementation: ForceImplementation,
    recommendation: Recommendation,
    author: User,
    rng: random.Random,
    created: Counter[str],
) -> None:
    due = recommendation.deadline_on or recommendation.inspection.published
    first = due + datetime.timedelta(days=rng.randint(30, 180))
    implementation.lead_officer = rng.choice(LEAD_OFFICERS)
    record_author(implementation, author)
    implementation.save(update_fields=["lead_officer", "updated_at"])
    services.set_target_date(
        implementation=implementation,
        new_date=first,
        # A first date after the deadline needs its reason, as on the page.
        reason="" if first <= due else "The work runs past the deadline: agreed with the lead.",
        changed_by=author,
    )
    created["target dates"] += 1
    if rng.random() < 0.5:
        services.set_target_date(
            implementation=implementation,
            new_date=first + datetime.timedelta(days=rng.randint(90, 270)),
            reason=rng.choice(TARGET_REASONS),
            changed_by=author,
        )
        created["target date revisions"] += 1
