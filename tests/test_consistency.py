"""Every view of the same fact agrees, on random histories.

Hypothesis builds a report (findings of every kind and form of deadline) and a history for two
forces (updates of every status, dependencies delivered and corrected back, extensions asked for
and decided, target dates and dates the office agreed, the inspectorate's closures, letters of both
purposes, published, local actions added and moved on), then
reads each item's state, date it falls due and whether it is overdue, due soon or needs review
from every view that shows them: the kept columns against a fresh computation, the dashboard's
counts, the overdue and due-soon reports (their CSVs), the matrix (its CSV), the force page (its
CSV), a meeting pack's snapshot, the digest, the s.55 tracker and the public pages, and the local
actions' counts (kept tallies and rows) and words in the pack. Each must
agree with the others and with an oracle written here in plain Python from the design brief.
"""

from __future__ import annotations

import calendar
import datetime
import os
from collections import Counter
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspections import reminders, services
from inspections.followup import services as followup
from inspections.letters import services as letter_services
from inspections.meetings import queries as pack_queries
from inspections.models import (
    CLOSED_STATUSES,
    FINDING_WORDS,
    ActionStatus,
    ClosureAction,
    DeadlineKind,
    Dependency,
    DependencyStatus,
    FindingKind,
    ForceImplementation,
    ItemState,
    LetterPurpose,
    LocalAction,
    RagRule,
    Source,
    Status,
)
from inspections.models.attention import Attention, kept_dates
from inspections.models.deadlines import deadline_date
from inspections.models.finding_words import finding_reference
from inspections.responses import queries as letter_queries
from inspections.services import people as people_services

from .conftest import login
from .downloads import csv_rows
from .factories import DependencyFactory, InspectionFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 6)
DUE_SOON_DAYS = 30
STALE_DAYS = 90

# What a random history is made of.
deadline_forms = st.one_of(
    st.tuples(st.just(DeadlineKind.DATE), st.integers(-900, 400)),
    st.tuples(st.just(DeadlineKind.IMMEDIATE), st.just(0)),
    st.tuples(st.just(DeadlineKind.WITHIN_MONTHS), st.integers(1, 48)),
    st.tuples(st.just(DeadlineKind.BY_MONTH), st.integers(-900, 400)),
    st.tuples(st.just(DeadlineKind.NONE), st.just(0)),
)
findings = st.lists(
    st.tuples(st.sampled_from(FindingKind.values), deadline_forms), min_size=1, max_size=4
)
# The report's source, the days after publication it was sent (0: not recorded) and the days a
# date given for the response lies after the period's own last day (0: none given).
sources = st.tuples(
    st.sampled_from(Source.values),
    st.one_of(st.just(0), st.integers(1, 40)),
    st.one_of(st.just(0), st.integers(1, 90)),
)
operations = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "update",
                "update",
                "update",
                "deliver",
                "correct",
                "extension",
                "target",
                "closure",
                "letter",
                "agree",
                "review",
                "action",
                "action",
            ]
        ),
        st.integers(0, 7),  # which item (or dependency)
        st.integers(0, 6),  # which choice
        st.integers(-1300, 600),  # a day, counted from TODAY
    ),
    max_size=14,
)


# Every view each history is compared across: each example asserts it compared them all, so a
# branch that stops comparing cannot pass unseen.
VIEWS = frozenset(
    {
        "kept columns",
        "force page",
        "matrix",
        "overdue report",
        "due-soon report",
        "dashboard",
        "meeting pack",
        "region pack annex",
        "digest",
        "s.55 tracker and public pages",
        "recommendation page",
        "API",
        "source filter",
        "response clock",
        "local actions",
    }
)


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


def response_due_oracle(inspection) -> datetime.date | None:
    """Each source's response date, worked out here from the duties as the law states them
    (not from the model's definition): 56 days beginning with publication day for HMICFRS; 56
    days of the day sent for the IOPC and coroners; six months of publication for an inquiry; a date
    the recommender gave wins where it may extend, and is the only date where no period is
    laid down."""
    given = inspection.response_given
    start = inspection.published
    if inspection.source in (Source.IOPC, Source.CORONER) and inspection.sent_on:
        start = inspection.sent_on
    if inspection.source in (Source.INTERNAL_AUDIT, Source.OTHER):
        return given
    if given is not None and inspection.source != Source.HMICFRS:
        return given
    if inspection.source == Source.INQUIRY:
        month0 = start.month - 1 + 6
        year, month = start.year + month0 // 12, month0 % 12 + 1
        last = calendar.monthrange(year, month)[1]
        return datetime.date(year, month, min(start.day, last))
    # s.55's 56 days begin with publication day; the others' run from the day after.
    return start + datetime.timedelta(days=55 if inspection.source == Source.HMICFRS else 56)


def build_report(published: datetime.date, shapes: list, source: tuple = ("hmicfrs", 0, 0)) -> list:
    code, sent_after, given_after = source
    inspection = InspectionFactory(
        published=published,
        source=code,
        sent_on=published + datetime.timedelta(days=sent_after) if sent_after else None,
    )
    if given_after and inspection.duty.takes_a_given_date:
        # A date the recommender gave: never before the period's own last day.
        normal = inspection.duty.due(published=published, sent_on=inspection.sent_on)
        inspection.response_given = (normal or published) + datetime.timedelta(days=given_after)
        inspection.save(update_fields=["response_given"])
    numbers: Counter[str] = Counter()
    made = []
    for kind, (form, number) in shapes:
        numbers[kind] += 1
        entered = day(number) if form in (DeadlineKind.DATE, DeadlineKind.BY_MONTH) else None
        made.append(
            RecommendationFactory(
                inspection=inspection,
                kind=kind,
                number=numbers[kind],
                deadline_kind=form,
                deadline=entered,
                deadline_months=number if form == DeadlineKind.WITHIN_MONTHS else None,
            )
        )
    return made


STATUSES = [
    Status.NOT_STARTED,
    Status.IN_PROGRESS,
    Status.AWAITING_DEPENDENCY,
    Status.IMPLEMENTED,
    Status.COMPLETE,
    Status.NOT_APPLICABLE,
    Status.IN_PROGRESS,
]


def apply(op: tuple, cast, items: list, deps: list, published: datetime.date) -> None:
    """One step of a history, through the services. A step the rules refuse changes nothing."""
    kind, which, choice, offset = op
    item = ForceImplementation.objects.get(pk=items[which % len(items)].pk)
    force_a = item.force_id == cast.force_a.pk
    pcc, lead = (cast.pcc_a, cast.lead_a) if force_a else (cast.pcc_b, cast.lead_b)
    when = max(published, min(TODAY, day(offset)))
    dependency = Dependency.objects.get(pk=deps[which % len(deps)].pk)
    if kind == "update":
        status = STATUSES[choice]
        author = lead if status == Status.COMPLETE or item.status == Status.COMPLETE else pcc
        services.record_progress_update(
            implementation=item,
            author=author,
            status=status,
            as_of=when,
            narrative=f"Step {choice} on {when}",
            evidence_note="Seen." if status in CLOSED_STATUSES else "",
            dependencies=[dependency] if status == Status.AWAITING_DEPENDENCY else [],
        )
    elif kind == "deliver" and dependency.is_pending:
        services.close_dependency(
            dependency=dependency,
            status=DependencyStatus.WITHDRAWN if choice == 0 else DependencyStatus.DELIVERED,
            on=when,
            changed_by=cast.admin,
        )
    elif kind == "correct" and not dependency.is_pending:
        services.correct_dependency_status(
            dependency=dependency,
            status=DependencyStatus.PENDING,
            on=None,
            reason="Recorded by mistake.",
            changed_by=cast.admin,
        )
    elif kind == "extension":
        request = followup.request_extension(
            implementation=item, by=lead, requested_date=day(offset), reason="More time."
        )
        if choice < 5:
            followup.decide_extension(request=request, by=pcc, approve=choice < 3, note="Done.")
    elif kind == "target":
        services.set_target_date(
            implementation=item, new_date=day(offset), reason="Replanned.", changed_by=pcc
        )
    elif kind == "closure":
        followup.record_closure(
            implementation=item,
            action=ClosureAction.CLOSED if choice < 4 else ClosureAction.REOPENED,
            on=when,
            letter=None,
            url="https://www.justiceinspectorates.gov.uk/hmicfrs/letter/",
            note="",
            by=pcc,
        )
    elif kind == "agree":
        # Only a finding without a deadline takes an agreed date; the rules refuse the rest.
        services.agree_due_date(
            implementation=item, on=day(offset), reason="Agreed at the panel.", agreed_by=pcc
        )
    elif kind == "review" and item.status == Status.IMPLEMENTED:
        # The force lead signs it off or sends it back to PCC staff.
        services.review_implementation(
            implementation=item, reviewer=lead, sign_off=choice < 2, note="Needs the audit."
        )
    elif kind == "action":
        # A new action, or (odd choices) the item's first one moved to another status.
        existing = item.actions.order_by("id").first() if choice % 2 else None
        status = list(ActionStatus)[choice % len(ActionStatus)]
        followup.save_local_action(
            implementation=item,
            by=pcc,
            description=f"Action {choice}",
            owner="" if status == ActionStatus.AWAITING_ALLOCATION else "Supt A",
            due_date=day(offset),
            status=status,
            action=existing,
        )
    elif kind == "letter":
        force = item.force
        sent = letter_services.record_letter_sent_elsewhere(
            force=force,
            inspection=item.recommendation.inspection,
            sent_on=when,
            file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="letter.pdf"),
            purpose=LetterPurpose.RESPONSE if choice < 4 else LetterPurpose.PROGRESS,
            author=pcc,
        )
        letter_services.publish_response(letter=sent, author=pcc)


# --- the oracle: the design brief's definitions, in plain Python -------------------------------


def falls_due(item: ForceImplementation) -> datetime.date | None:
    approved = item.extension_requests.filter(state="approved").order_by("-decided_at", "-id")
    if approved.exists():
        return approved.first().requested_date
    finding = item.recommendation
    entered = finding.deadline if finding.deadline_kind != DeadlineKind.WITHIN_MONTHS else None
    return (
        deadline_date(
            finding.deadline_kind, entered, finding.deadline_months, finding.inspection.published
        )
        or item.agreed_due_date
    )


def expected_state(item: ForceImplementation) -> str:
    if (
        item.status == Status.AWAITING_DEPENDENCY
        and not item.blocking_dependencies.filter(status=DependencyStatus.PENDING).exists()
    ):
        return ItemState.NEEDS_REVIEW
    latest = item.updates.order_by("-as_of", "-created_at", "-id").first()
    if item.status == Status.IN_PROGRESS and latest and latest.returned:
        return ItemState.RETURNED
    return item.status


@dataclass
class Truth:
    state: str
    due: datetime.date | None
    overdue: bool
    due_soon: bool

    @classmethod
    def of(cls, item: ForceImplementation) -> Truth:
        due = falls_due(item)
        open_ = item.status not in CLOSED_STATUSES
        return cls(
            state=expected_state(item),
            due=due,
            overdue=open_ and due is not None and due < TODAY,
            due_soon=open_
            and due is not None
            and TODAY <= due <= TODAY + datetime.timedelta(days=DUE_SOON_DAYS),
        )


def key(force_name: str, kind_words: str, number: str | int) -> tuple[str, str]:
    return force_name, f"{kind_words} {number}"


def check_recommendation_pages(admin, inspection, truths: dict, labels: dict) -> None:
    """Each force's state and the date it falls due, as a finding's national page lists them."""
    for (force_name, ref), (item, truth) in truths.items():
        header, *rows = csv_rows(
            admin.get(
                reverse("recommendation", args=[inspection.slug, item.recommendation.ref]),
                {"format": "csv", "table": "items"},
            )
        )
        cells = next(dict(zip(header, r, strict=True)) for r in rows if r[0] == force_name)
        assert cells["Status"] == labels[truth.state], (ref, cells, truth)
        assert cells["Falls due"] == (truth.due.isoformat() if truth.due else ""), (ref, cells)


def check_region_annex(cast, truths: dict, labels: dict) -> None:
    """A region pack's spreadsheet annex: every item, with its state and overdue flag."""
    region = pack_queries.build(
        force=None,
        region=cast.force_a.region,
        meeting_date=day(10),
        rule=RagRule.OVERDUE,
        today=TODAY,
        previous=None,
    )
    annexed = {(i["force"], i["reference"]): i for i in region["annex"]}
    for (force_name, ref), (_i, t) in truths.items():
        if (force_name, ref) in annexed:
            assert annexed[force_name, ref]["status_label"] == labels[t.state], ref
            assert annexed[force_name, ref]["overdue"] == t.overdue, ref
    assert annexed


def check_views(cast, inspection, items: list) -> set[str]:
    """Every view of each fact against the oracle; the names of the views compared."""
    compared: set[str] = set()
    truths = {}
    for item in ForceImplementation.objects.filter(pk__in=[i.pk for i in items]).select_related(
        "force", "recommendation__inspection"
    ):
        ref = finding_reference(item.recommendation.kind, item.recommendation.number)
        truths[(item.force.name, ref)] = (item, Truth.of(item))

    # 1. The kept columns, against a fresh computation of the same definitions.
    fresh = {
        row["pk"]: row
        for row in ForceImplementation.objects.filter(pk__in=[i.pk for i in items])
        .annotate(
            fresh_state=Attention.state(),
            fresh_actor=Attention.next_actor(),
            fresh_due=kept_dates()["due_date"],
        )
        .values("pk", "state", "fresh_state", "next_actor", "fresh_actor", "due_date", "fresh_due")
    }
    for (_force, ref), (item, truth) in truths.items():
        row = fresh[item.pk]
        assert row["state"] == row["fresh_state"] == truth.state, (ref, row, truth)
        assert row["next_actor"] == row["fresh_actor"], (ref, row)
        assert row["due_date"] == row["fresh_due"] == truth.due, (ref, row, truth)
    compared.add("kept columns")

    admin = login(cast.admin)
    labels = dict(ItemState.choices)

    # 2. The force pages (CSV): state, deadline and falls due, overdue.
    for force in (cast.force_a, cast.force_b):
        header, *rows = csv_rows(admin.get(reverse("force", args=[force.slug]), {"format": "csv"}))
        for row in rows:
            cells = dict(zip(header, row, strict=True))
            item, truth = truths[key(force.name, cells["Finding"], cells["Number"])]
            assert cells["Status"] == labels[truth.state]
            assert cells["Falls due"] == (truth.due.isoformat() if truth.due else "")
            assert cells["Overdue"] == ("Yes" if truth.overdue else "No")
        assert len(rows) == sum(1 for f, _ in truths if f == force.name)
        # The page itself: its counts, and its table's length, which is the counts' total.
        page = admin.get(reverse("force", args=[force.slug])).context
        mine = [t for (f, _ref), (_i, t) in truths.items() if f == force.name]
        assert page["counts"]["total"] == len(mine) == page["tables"][0].page.paginator.count
        assert page["counts"]["overdue"] == sum(1 for t in mine if t.overdue)
        assert page["counts"]["complete"] == sum(1 for t in mine if t.state == Status.COMPLETE)
    compared.add("force page")

    # 3. The matrix (CSV): each cell's state and overdue flag.
    header, *rows = csv_rows(
        admin.get(reverse("matrix"), {"inspection": inspection.slug, "format": "csv"})
    )
    columns = {
        f"{c.split()[0].replace('Rec.', 'Recommendation').replace('CoC', 'Cause of concern')}"
        f" {c.split()[1]}": n
        for n, c in enumerate(header)
        if n >= 2 and c not in ("Complete", "Overdue")
    }
    forces = {cast.force_a.name, cast.force_b.name}
    assert {row[1] for row in rows if row[1] in forces} == forces
    for row in (r for r in rows if r[1] in forces):  # the rows below are the totals
        for ref, n in columns.items():
            item, truth = truths[(row[1], ref)]
            want = labels[truth.state] + (" (overdue)" if truth.overdue else "")
            assert row[n] == want, (row[1], ref, row[n], want)
    compared.add("matrix")

    # 4. The overdue and due-soon reports (CSV): exactly the items the oracle says.
    listed_overdue = set()
    for table in ("within-control", "awaiting-dependency", "awaiting-sign-off"):
        header, *rows = csv_rows(
            admin.get(
                reverse("overdue"), {"format": "csv", "table": table, "inspection": inspection.slug}
            )
        )
        for row in rows:
            cells = dict(zip(header, row, strict=True))
            listed_overdue.add(key(cells["Force"], cells["Finding"], cells["Number"]))
            item, truth = truths[key(cells["Force"], cells["Finding"], cells["Number"])]
            assert cells["Status"] == labels[truth.state]
    assert listed_overdue == {k for k, (_i, t) in truths.items() if t.overdue}
    header, *rows = csv_rows(
        admin.get(
            reverse("due-soon"),
            {"format": "csv", "days": DUE_SOON_DAYS, "inspection": inspection.slug},
        )
    )
    listed_soon = {
        key(r[header.index("Force")], r[header.index("Finding")], r[header.index("Number")])
        for r in rows
    }
    assert listed_soon == {k for k, (_i, t) in truths.items() if t.due_soon}
    compared.add("overdue report")
    compared.add("due-soon report")

    # 4b. The same report filtered by its own source, and by another: all of it, then none.
    check_source_filter(admin, inspection, listed_overdue)
    compared.add("source filter")

    # 5. The dashboard's counts.
    counts = admin.get(reverse("dashboard"), {"inspection": inspection.slug}).context["counts"]
    assert counts["overdue"] == len(listed_overdue)
    assert counts["due_soon"] == len(listed_soon)
    assert counts["needs_review"] == sum(
        1 for _i, t in truths.values() if t.state == ItemState.NEEDS_REVIEW
    )
    assert counts["complete"] == sum(1 for _i, t in truths.values() if t.state == Status.COMPLETE)
    compared.add("dashboard")

    # 6. A meeting pack's snapshot and the digest, for each force.
    for force in (cast.force_a, cast.force_b):
        mine = {ref: t for (f, ref), (_i, t) in truths.items() if f == force.name}
        content = force_pack(force)
        assert {i["reference"] for i in content["overdue"]} == {
            r for r, t in mine.items() if t.overdue
        }
        assert {i["reference"] for i in content["due_soon"]} == {
            r for r, t in mine.items() if t.due_soon
        }
        assert dict(content["by_status"]) == {
            label: sum(1 for t in mine.values() if labels[t.state] == label)
            for label in labels.values()
        }
        digest = reminders.build_digest(force, TODAY, since=datetime.date(2000, 1, 1))
        assert {i.recommendation.reference for i in digest.became_overdue} == {
            r for r, t in mine.items() if t.overdue
        }
        assert {i.recommendation.reference for i in digest.due_soon} == {
            r for r, t in mine.items() if t.due_soon
        }
        assert {i.recommendation.reference for i in digest.needs_review} == {
            r for r, t in mine.items() if t.state == ItemState.NEEDS_REVIEW
        }
    compared.add("meeting pack")
    compared.add("digest")
    check_region_annex(cast, truths, labels)
    compared.add("region pack annex")

    # 7. The response clock: the model, the API and the oracle; then the tracker, the public
    # pages and the oracle for the response as sent.
    due = check_response_clock(inspection)
    compared.add("response clock")
    tracked = {r.force.pk: r for r in letter_queries.responses(cast.admin, inspection, TODAY)}
    # Without a date to count to (an internal audit with none set) nothing is tracked.
    assert bool(tracked) == (due is not None)
    for force in (cast.force_a, cast.force_b) if due is not None else ():
        sent = sorted(
            force.letters_elsewhere.filter(
                inspection=inspection, purpose=LetterPurpose.RESPONSE, withdrawn_at=None
            ).values_list("sent_on", flat=True)
        )
        response = tracked[force.pk]
        assert response.issued_on == (sent[0] if sent else None)
        if sent:
            assert response.state == ("on_time" if sent[0] <= due else "late")
        public = admin.get(reverse("public-force", args=[force.slug])).content.decode()
        lateness = [max(0, (on - due).days) for on in sent]
        for late in lateness:
            if late:
                assert f"{late} day{'s' if late != 1 else ''} late" in public
        progress = force.letters_elsewhere.filter(
            inspection=inspection, purpose=LetterPurpose.PROGRESS
        )
        for letter in progress:
            assert letter.publication.days_late() == 0
        assert public.count(f"Progress letter (not the {inspection.duty.name})") == progress.count()
    compared.add("s.55 tracker and public pages")

    # 9. Each finding's national page, whose table links each force to its item.
    check_recommendation_pages(admin, inspection, truths, labels)
    compared.add("recommendation page")

    # 10. The API's implementations, read with a national key (what Power BI reads).
    check_api(inspection, truths)
    compared.add("API")

    # 11. Local actions: the actions report's counts (kept tallies unfiltered, a count of
    # its rows filtered), its overdue filter and each pack item's words, against the rows.
    check_actions(admin, inspection, items, truths)
    compared.add("local actions")
    return compared


def force_pack(force) -> dict:
    """A force's meeting pack for a meeting ten days ahead, as at today, with nothing before."""
    return pack_queries.build(
        force=force,
        region=None,
        meeting_date=day(10),
        rule=RagRule.OVERDUE,
        today=TODAY,
        previous=None,
    )


def check_actions(admin, inspection, items: list, truths: dict) -> None:
    actions = list(LocalAction.objects.filter(implementation__in=items))
    by_status = Counter(ActionStatus(a.status).label for a in actions)
    overdue = [a for a in actions if a.status != ActionStatus.CLOSED and a.due_date < TODAY]
    for query in ({}, {"inspection": inspection.slug}):
        response = admin.get(reverse("actions"), query)
        assert response.context["counts"] == dict(by_status), (query, by_status)
    listed = csv_rows(admin.get(reverse("actions"), {"format": "csv", "overdue": "on"}))[1:]
    assert len(listed) == len(overdue)
    for force in {item.force for item, _truth in truths.values()}:
        content = force_pack(force)
        words = {i["id"]: i["actions"] for i in content["overdue"]}
        for pk, said in words.items():
            mine = [a for a in actions if a.implementation_id == int(pk)]
            closed = sum(1 for a in mine if a.status == ActionStatus.CLOSED)
            assert said == (f"{closed} of {len(mine)} closed" if mine else ""), (pk, said)


def check_source_filter(admin, inspection, listed_overdue: set) -> None:
    """Both sides of the filter: the report's own source lists what the unfiltered report
    lists, and another source (the next in the list) lists none of it."""
    sources = list(Source)
    other = sources[(sources.index(inspection.source) + 1) % len(sources)]
    for source in (Source(inspection.source), other):
        listed = set()
        for table in ("within-control", "awaiting-dependency", "awaiting-sign-off"):
            header, *rows = csv_rows(
                admin.get(
                    reverse("overdue"),
                    {
                        "format": "csv",
                        "table": table,
                        "inspection": inspection.slug,
                        "source": source.value,
                    },
                )
            )
            listed |= {
                key(r[header.index("Force")], r[header.index("Finding")], r[header.index("Number")])
                for r in rows
            }
        assert listed == (listed_overdue if source == inspection.source else set()), source


def check_response_clock(inspection) -> datetime.date | None:
    """The report's response date: the model and the API against the oracle."""
    due = response_due_oracle(inspection)
    assert inspection.response_due == due, (inspection.source, inspection.response_due, due)
    _key, secret = people_services.create_api_key(by=None, force=None, name="clock")
    listed_reports = Client().get(
        reverse("api:inspections"), {"limit": 1000}, HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    (api_report,) = [r for r in listed_reports.json()["items"] if r["slug"] == inspection.slug]
    assert api_report["source"] == inspection.source
    assert api_report["response_due"] == (due.isoformat() if due else None)
    return due


def check_api(inspection, truths: dict) -> None:
    _key, secret = people_services.create_api_key(by=None, force=None, name="consistency")
    response = Client().get(
        reverse("api:implementations"),
        {"inspection": inspection.slug, "limit": 1000},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    by_id = {row["id"]: row for row in response.json()["items"]}
    for (_force, ref), (item, truth) in truths.items():
        row = by_id[item.pk]
        assert row["state"] == truth.state, (ref, row, truth)
        assert row["due_date"] == (truth.due.isoformat() if truth.due else None), (ref, row)
        assert row["overdue"] == truth.overdue, (ref, row, truth)
        assert row["due_soon"] == truth.due_soon, (ref, row, truth)
    # The whole table as one CSV (the reports' own stream): the state in words and the flag.
    table = csv_rows(
        Client().get(
            reverse("api:implementations-csv"),
            {"inspection": inspection.slug},
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
    )
    header, lines = table[0], table[1:]
    at = {name: header.index(name) for name in ("Force", "Finding", "Number", "Status", "Overdue")}
    by_finding = {(r[at["Force"]], r[at["Finding"]], int(r[at["Number"]])): r for r in lines}
    labels = {state.value: state.label for state in ItemState}
    for (_force, ref), (item, truth) in truths.items():
        finding = item.recommendation
        line = by_finding[item.force.name, FINDING_WORDS[finding.kind][0], finding.number]
        assert line[at["Status"]] == labels[truth.state], (ref, line, truth)
        assert line[at["Overdue"]] == ("Yes" if truth.overdue else "No"), (ref, line, truth)


@settings(
    max_examples=int(os.environ.get("TRACKER_CONSISTENCY_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    published_offset=st.integers(-1500, -1),
    shapes=findings,
    ops=operations,
    source=sources,
)
def test_every_view_of_a_fact_agrees(cast, settings_today, published_offset, shapes, ops, source):
    published = day(published_offset)
    with transaction.atomic():
        report = build_report(published, shapes, source)
        deps = [DependencyFactory(), DependencyFactory()]
        for dependency in deps:
            dependency.recommendations.add(*report)
        items = list(
            ForceImplementation.objects.filter(recommendation__in=report).order_by(
                "force__name", "recommendation__kind", "recommendation__number"
            )
        )
        for op in ops:
            try:
                with transaction.atomic():
                    apply(op, cast, items, deps, published)
            except ValidationError:
                pass  # refused by the rules: nothing changed
        assert check_views(cast, report[0].inspection, items) == VIEWS
        transaction.set_rollback(True)


@pytest.fixture
def settings_today(settings, tmp_path_factory):
    settings.TRACKER_TODAY = TODAY.isoformat()
    settings.TRACKER_DUE_SOON_DAYS = DUE_SOON_DAYS
    settings.TRACKER_STALE_AFTER_DAYS = STALE_DAYS
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
